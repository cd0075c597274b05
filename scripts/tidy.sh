#!/usr/bin/env bash
# clang-tidy with the short list of checks in .clang-tidy (bugs, not style),
# warnings as errors, over the daemon's sources: all of daemon/ by default,
# or the module folders given (scripts/tidy.sh daemon/api daemon/store).
#
# The compile database comes from a configure-only clang build directory
# without precompiled headers (clang cannot read GCC's .gch files), so
# nothing is compiled here. Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build-tidy
CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON \
  -DDUBAN_BUILD_TESTS=OFF >/dev/null

if [ $# -eq 0 ]; then set -- daemon; fi
mapfile -t files < <(git ls-files -- "${@/%//*.cc}")
if [ ${#files[@]} -eq 0 ]; then
  echo "tidy: no .cc files under $*" >&2
  exit 2
fi

start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# One file per clang-tidy process, as many at once as there are cores.
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "$(nproc)" clang-tidy -p "$dir" --quiet >"$log" 2>&1 || status=$?
grep -E "(warning|error):" "$log" | grep -v "warnings generated" | sort -u || true
problems=$(grep -cE "(warning|error):" "$log" || true)
echo "tidy: ${#files[@]} files under $* in $(( $(date +%s) - start )) s: ${problems} problem(s)"
exit $status
