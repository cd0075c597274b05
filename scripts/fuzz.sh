#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan+UBSan) and runs each
# for a fixed time from its checked-in corpus. Fails, naming the input that
# broke and the command that reproduces it, on any crash, leak, UB, timeout
# or broken property. docs/fuzzing.md explains the targets and long runs.
#
#   scripts/fuzz.sh                 15 s per target (what CI runs)
#   scripts/fuzz.sh --seconds 3600  a long run
#   scripts/fuzz.sh --jobs 1        build with one compiler process
#   scripts/fuzz.sh --opt 0         build at -O0: a minute quicker to build,
#                                   far fewer runs per second (CI's smoke run)
#
# The checked-in corpus is copied to a scratch directory first, so a run
# never changes the tree; inputs that found a problem are kept in
# build-fuzz/artifacts/<target>/. Targets run side by side, one per core.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=15
opt=1
jobs=$(nproc)
build=build-fuzz
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --opt) opt=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $opt =~ ^[0-3]$ ]]; then
  echo "fuzz.sh: --opt takes 0, 1, 2 or 3" >&2
  exit 2
fi
if ! [[ $seconds =~ ^[1-9][0-9]*$ && $jobs =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: --seconds and --jobs take a positive whole number" >&2
  exit 2
fi

targets=(campaign config csv_import api_body template action_link)

# -O1 (by default) without NDEBUG: fast enough to fuzz, and the daemon's own assert()s
# stay on; -g1 is all a sanitizer report needs.
t0=$(date +%s)
echo "==> build $build (clang, ASan+UBSan+libFuzzer, -j$jobs)"
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DDUBAN_FUZZ=ON -DDUBAN_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O$opt -g1" >/dev/null
cmake --build "$build" --target duban_fuzzers -j "$jobs"
t1=$(date +%s)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts="$build/artifacts"
mkdir -p "$artifacts"

# Runs one target; its exit status is libFuzzer's.
run_target() {
  local t=$1
  local corpus="$scratch/corpus/$t" found="$scratch/found/$t/"
  mkdir -p "$corpus" "$found"
  cp -R "fuzz/corpus/$t/." "$corpus/"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/${t}_fuzzer" "$corpus" -dict="fuzz/dicts/$t.dict" \
      -max_total_time="$seconds" -max_len=8192 -timeout=25 -rss_limit_mb=2048 \
      -artifact_prefix="$found" -print_final_stats=1 >"$scratch/$t.log" 2>&1
}

echo "==> fuzz ${#targets[@]} targets for ${seconds} s each, $(nproc) at a time"
declare -A target_of=()
failed=()
runs_total=0
report() {  # target, exit status
  local t=$1 rc=$2 runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log" | tail -1)
  runs_total=$((runs_total + ${runs:-0}))
  if [[ $rc -eq 0 ]]; then
    echo "    ok   $t (${runs:-?} runs)"
    return
  fi
  failed+=("$t")
  echo "    FAIL $t (exit $rc): what broke, then the end of its log:"
  grep -a -m 5 -E 'runtime error:|fuzz property failed|^diagnostic:|ERROR: [A-Za-z]+Sanitizer|ERROR: libFuzzer' \
    "$scratch/$t.log" | sed 's/^/      /' || true
  tail -n 30 "$scratch/$t.log" | sed 's/^/      /'
  mkdir -p "$artifacts/$t"
  local f kept=0
  for f in "$scratch/found/$t/"*; do
    [[ -e $f ]] || continue
    cp "$f" "$artifacts/$t/"
    kept=1
    echo "    input:     $artifacts/$t/$(basename "$f")"
    echo "    reproduce: $build/fuzz/${t}_fuzzer $artifacts/$t/$(basename "$f")"
  done
  if [[ $kept -eq 0 ]]; then
    cp "$scratch/$t.log" "$artifacts/$t/run.log"
    echo "    no input was saved (libFuzzer itself failed); log: $artifacts/$t/run.log"
  fi
}
# Waits for any one running target and reports it.
reap() {
  local done_pid rc=0
  wait -n -p done_pid || rc=$?
  report "${target_of[$done_pid]}" "$rc"
  unset "target_of[$done_pid]"
}
for t in "${targets[@]}"; do
  while [[ ${#target_of[@]} -ge $(nproc) ]]; do reap; done
  run_target "$t" &
  target_of[$!]=$t
done
while [[ ${#target_of[@]} -gt 0 ]]; do reap; done
t2=$(date +%s)

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED ${#failed[@]}/${#targets[@]} targets (${failed[*]}); build $((t1 - t0)) s, run $((t2 - t1)) s"
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets clean, ${seconds} s each, ${runs_total} runs; build $((t1 - t0)) s, run $((t2 - t1)) s"
