#!/usr/bin/env bash
# Quick start, command 1: install what is needed, build, and start duban on
# the bundled demo campaign (SQLite under ./var, dashboard on 127.0.0.1).
#
# The demo starts fresh each time from config/demo/*.csv (the 嘉峰镇 demo
# town) and runs on campaign time: five minutes before the Friday-noon
# weekly-report deadline of 2024-04-12, so the missing-report digest and the
# escalations appear on the console within minutes. Extra arguments go to
# `duban serve` (e.g. --clock-rate 60 to run an hour a minute).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target duban

mkdir -p var
rm -f var/duban.db var/duban.db-wal var/duban.db-shm
for what in units contacts houses; do
  ./build/duban import "$what" "config/demo/$what.csv" --config config/duban.yaml | tail -n 1
done
exec ./build/duban serve --config config/duban.yaml --clock-start 2024-04-12T11:55+08:00 "$@"
