#!/usr/bin/env bash
# Installs duban into a staging root and runs `systemd-analyze verify` on the
# installed unit; fails on any error or warning. Prints the offline security
# rating. Usage: verify-systemd-unit.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

DESTDIR="$stage" cmake --install "$build" --prefix /usr >/dev/null
# The staging root needs the units duban.service depends on and the
# programs its Exec lines name, as the real system has them.
mkdir -p "$stage/usr/lib/systemd/system" "$stage/usr/bin" "$stage/etc/systemd/system"
for u in /usr/lib/systemd/system/*.target /usr/lib/systemd/system/*.slice \
         /usr/lib/systemd/system/*.socket; do
  [ -e "$stage$u" ] || cp "$u" "$stage$u"
done
[ -e "$stage/usr/bin/kill" ] || cp /usr/bin/kill "$stage/usr/bin/kill"

unit=/usr/lib/systemd/system/duban.service
out=$(systemd-analyze verify --root="$stage" "$unit" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
  echo "systemd-analyze verify printed:"; echo "$out"; exit 1
fi
echo "systemd-analyze verify: clean"
systemd-analyze security --offline=true --root="$stage" "$unit" 2>&1 | tail -n 3 || true
