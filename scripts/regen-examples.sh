#!/usr/bin/env bash
# Rewrites the checked-in example outputs under docs/examples/ with the duban
# binary, so the documentation shows exactly what duban does today. The test
# ExamplesTest (tests/integration/examples_test.cc) runs this script into a
# temporary directory and compares the result with the committed files byte
# for byte; when it fails after an intended change, run
#
#   cmake --build build --target duban && scripts/regen-examples.sh
#
# and commit the changed files under docs/examples/ together with the change.
#
# Usage: scripts/regen-examples.sh [OUTPUT_DIR]   (default: docs/examples)
#   DUBAN=/path/to/duban selects the binary (default: build/duban).
#
# What it does, in a temporary directory (nothing under ./var is touched):
#   1. lays out a copy of the demo configuration (config/duban.yaml, unchanged,
#      next to links to workflows/, templates/ and config/calendars/), so its
#      database ../var/duban.db is a fresh file in the temporary directory;
#   2. imports the demo town exactly as scripts/demo.sh does (units, contacts,
#      houses from config/demo/);
#   3. runs `duban simulate` over the spring of 2024 with the scripted events
#      of config/demo/events-2024.jsonl.
# The simulation runs on a virtual clock in the campaign's time zone, so the
# output depends neither on the machine, its clock or zone, nor on where the
# tree is checked out; nothing needs normalising.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
duban=${DUBAN:-$root/build/duban}
out_dir=${1:-docs/examples}

if [[ ! -x $duban ]]; then
  echo "regen-examples: no duban binary at $duban; build it first:" >&2
  echo "  cmake -S . -B build && cmake --build build --target duban" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/duban-examples-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config" "$out_dir"
cp config/duban.yaml "$work/config/duban.yaml"
ln -s "$root/config/calendars" "$work/config/calendars"
ln -s "$root/workflows" "$work/workflows"
ln -s "$root/templates" "$work/templates"
config=$work/config/duban.yaml

for what in units contacts houses; do
  if ! "$duban" import "$what" "config/demo/$what.csv" --config "$config" >"$work/import.log" 2>&1; then
    cat "$work/import.log" >&2
    echo "regen-examples: importing config/demo/$what.csv failed" >&2
    exit 1
  fi
done

# The hundred days of the 嘉峰镇 demo town, 03-25 to 07-04: weekly cycles, a
# late report, a village missing two weeks running (通报), the monthly
# dispatch and 月度调度通报, a stuck transfer, a reopened case, a missed 限期,
# the countdowns to 06-25 and 06-30 and what follows June 30.
example=simulate-spring-2024.txt
"$duban" simulate --config "$config" \
  --from 2024-03-25T00:00+08:00 --to 2024-07-05T00:00+08:00 \
  --events config/demo/events-2024.jsonl --format text \
  >"$work/$example" 2>"$work/simulate.log" || {
  cat "$work/simulate.log" >&2
  echo "regen-examples: duban simulate failed" >&2
  exit 1
}
# An event the engine refused (a typo in a unit id, a missing field) would
# quietly change the story the example tells.
if grep -q "event not applied" "$work/simulate.log"; then
  cat "$work/simulate.log" >&2
  echo "regen-examples: config/demo/events-2024.jsonl has events duban refused" >&2
  exit 1
fi
cp "$work/$example" "$out_dir/$example"
echo "regen-examples: wrote $out_dir/$example ($(wc -l <"$out_dir/$example") lines)"
