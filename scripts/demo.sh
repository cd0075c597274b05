#!/usr/bin/env bash
# Quick start, command 1: install what is needed, build, and start duban on
# the bundled demo campaign (SQLite under ./var, dashboard on 127.0.0.1).
#
# The demo starts fresh each time from config/demo/*.csv (the 嘉峰镇 demo
# town). So that the dashboard has something to show, it first replays the
# spring's scripted events (config/demo/events-2024.jsonl: reports, cases,
# transfers, and events-demo-extra.jsonl: a transfer nobody signs for) on a virtual clock from 2024-03-25 to 2024-05-24 11:55, then
# serves that history on campaign time from there: five minutes before the
# Friday-noon weekly-report deadline, so the missing-report digest and the
# escalations appear on the console within minutes. Extra arguments go to
# `duban serve` (e.g. --clock-rate 60 to run an hour a minute).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target duban

start=2024-05-24T11:55+08:00
config=config/duban.yaml
mkdir -p var
rm -f var/duban.db var/duban.db-wal var/duban.db-shm var/history.db
for what in units contacts houses; do
  ./build/duban import "$what" "config/demo/$what.csv" --config "$config" | tail -n 1
done
# Two tokens for the dashboard: the county task force sees the whole town;
# the administrator may also retry failed messages.
county=$(./build/duban token create --role supervisor --unit qinshui --label 演示·县专班 \
  --config "$config" 2>/dev/null)
admin=$(./build/duban token create --role admin --unit qinshui --label 演示·管理员 \
  --config "$config" 2>/dev/null)
echo "replaying the demo town's spring up to $start (messages: var/demo-history.txt)"
# The seed's story plus one transfer nobody signs for (events-demo-extra.jsonl).
cat config/demo/events-2024.jsonl config/demo/events-demo-extra.jsonl >var/demo-events.jsonl
./build/duban simulate --config "$config" --from 2024-03-25 --to "$start" \
  --events var/demo-events.jsonl --save-database var/history.db >var/demo-history.txt
mv var/history.db var/duban.db

cat <<EOF

  督办演示 · dashboard: http://127.0.0.1:8080/   (log in with a token below)
    县专班 (county task force): $county
    管理员 (administrator):     $admin

EOF
# The history was written on the simulation's virtual clock; serving it on
# campaign time from the same instant is intended.
exec ./build/duban serve --config "$config" --clock-start "$start" --allow-clock-change "$@"
