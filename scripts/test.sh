#!/usr/bin/env bash
# Quick start, command 2: install what is needed, build, and run every test:
# once in a normal build with warnings as errors, once under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs=$(nproc)

run_suite() {
  local dir=$1; shift
  echo "==> build $dir ($*)"
  cmake -S . -B "$dir" -G Ninja -DDUBAN_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "==> test $dir"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
# ASan+UBSan: -O1 keeps it fast enough while still catching what it catches.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DDUBAN_SANITIZE=ON
echo "==> all test suites passed"
