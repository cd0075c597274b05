#!/usr/bin/env bash
# Quick start, command 2: install what is needed, build, and run every test,
# in one build with warnings as errors under ASan+UBSan; then the threaded
# tests under ThreadSanitizer, the fuzz targets for a short fixed time from
# their corpus, and clang-tidy's short list of checks.
#
# One build, not two: on the 2-core reference machine compiling dominates
# (the suite itself runs in about 2 minutes under ASan), and a second,
# optimised build pushed CI past its 20-minute budget. The sanitized build
# checks everything the plain one did (-Werror included) and more; the
# optimised build is what scripts/demo.sh and bench/ compile.
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
  # One test more than cores: many tests mostly wait (ProviderFaultsTest
  # spends 1.5 s of CPU in 18 s, KillHarnessTest 12 s in 21 s), and the
  # suite passed at -j2 and -j3 on 2 cores shared with a load of 7 to 9.
  ctest --test-dir "$dir" --output-on-failure -j "$((jobs + 1))" --timeout 300
}

# ASan+UBSan at -O0: measured on simulate.cc, -O1 took 44 s to compile and
# -O0 23 s, while the tests only run a little slower; -g1 (line tables) is
# all a sanitizer report needs and compiles much faster than full debug info.
# Compiled by clang 14, linked by lld: clang compiles this code in about half
# the CPU time of GCC 12 (whole ASan build, summed per file: 1283 s with GCC,
# 673 s with clang), and lld links a test binary in a quarter of ld's time.
# GCC's own warnings stay checked with -Werror by the TSan build below, which
# GCC compiles (every daemon module, the test fakes and the threaded tests),
# and clang's by this one.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 CXX=clang++ \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DDUBAN_SANITIZE=ON \
  -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld

# ThreadSanitizer on the tests whose code runs on several threads (HTTP
# client and server, dispatcher, provider fakes, and the whole App in-process
# under the API, the dashboard and the calendar feed): TSan of every test
# would not fit the 20 minutes. Built with GCC (the default compiler) on
# purpose: it compiles every daemon module, so GCC's warnings stay checked
# with -Werror now that the ASan suite is built with clang.
echo "==> build build-tsan (ThreadSanitizer, GCC, tsan_tests)"
CXX=g++ cmake -S . -B build-tsan -G Ninja -DDUBAN_WERROR=ON -DDUBAN_TSAN=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" >/dev/null
cmake --build build-tsan -j "$jobs" --target tsan_tests
echo "==> test build-tsan"
# (The one test that runs the duban binary is left to the ASan suite: this
# build makes only tsan_tests.)
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ./build-tsan/tests/tsan_tests --gtest_brief=1 \
  --gtest_filter=-IcsFeedTest.TokenIcsCommandPrintsTheUrlTheDaemonServes

# libFuzzer (clang) on the parsers of untrusted input: a smoke run from the
# checked-in corpus, 10 s each, built at -O0 to save a minute of compiling
# (long runs: docs/fuzzing.md).
echo "==> fuzz"
./scripts/fuzz.sh --seconds 10 --opt 0

# clang-tidy on the modules that turn untrusted input into SQL, pages, files
# and calendars, and hand work between threads. Every module (scripts/tidy.sh
# with no arguments: 130 files, clean on 2026-11-24) takes about 4 minutes
# more than CI can spare.
echo "==> clang-tidy"
./scripts/tidy.sh daemon/api daemon/store daemon/dashboard daemon/tables daemon/ics

echo "==> all test suites passed"
