#!/usr/bin/env bash
# The dashboard in a real browser (CTest: browser.dashboard).
#
#   tests/browser/run.sh BUILD_DIR
#
# Builds the demo town with history (import, tokens, `duban simulate
# --save-database` from 2024-03-25 to 2024-05-24 11:55), serves it on
# campaign time from that instant on 127.0.0.1:<free port>, waits for
# /healthz, and runs dashboard.test.mjs with Node's test runner: headless
# Chromium (Debian's /usr/bin/chromium) driven by playwright-core, which
# `npm ci` installs into BUILD_DIR/tests/browser-node/ from package-lock.json.
# Screenshots (1280 and 360 px) and the daemon's log go to
# BUILD_DIR/tests/browser-shots/.
#
# Never downloads a browser: playwright-core launches the system Chromium.
# Environment: DUBAN_BINARY (default BUILD_DIR/duban), DUBAN_CHROMIUM
# (default /usr/bin/chromium).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
duban=${DUBAN_BINARY:-$build/duban}
chromium=${DUBAN_CHROMIUM:-/usr/bin/chromium}

fail() {
  echo "browser test: $*" >&2
  exit 1
}

# What the test needs, each missing one named with its cure.
[ -x "$duban" ] || fail "no duban binary at $duban (build it first)"
[ -x "$chromium" ] || fail "no Chromium at $chromium: install Debian's chromium package (scripts/install-deps.sh); the test never downloads a browser"
command -v node >/dev/null 2>&1 || fail "node not found: install nodejs and npm (scripts/install-deps.sh)"
command -v npm >/dev/null 2>&1 || fail "npm not found: install nodejs and npm (scripts/install-deps.sh)"
command -v curl >/dev/null 2>&1 || fail "curl not found (scripts/install-deps.sh)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "node $(node --version) is too old: playwright-core needs Node.js 20 or later"

# playwright-core, pinned by package-lock.json, installed once per build
# directory and again when the lock file changes.
modules=$build/tests/browser-node
if ! cmp -s "$here/package-lock.json" "$modules/package-lock.json" ||
   [ ! -f "$modules/node_modules/playwright-core/package.json" ]; then
  mkdir -p "$modules"
  cp "$here/package.json" "$here/package-lock.json" "$modules/"
  echo "browser test: npm ci (playwright-core) into $modules"
  if ! (cd "$modules" && npm ci --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1); then
    cat "$modules/npm-ci.log" >&2
    rm -f "$modules/package-lock.json"  # so the next run tries again
    fail "npm ci failed in $modules (is the npm registry reachable?)"
  fi
fi

shots=$build/tests/browser-shots
mkdir -p "$shots"
rm -f "$shots"/*.png "$shots"/*.log
work=$(mktemp -d "${TMPDIR:-/tmp}/duban-browser.XXXXXX")
serve_pid=""
node_pid=""
cleanup() {
  local rc=$?
  # The test runner in its own process group (setsid below): its test
  # process and, through playwright's SIGTERM handler, Chromium go with it.
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM -- "-$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  cp "$work"/*.log "$shots/" 2>/dev/null || true
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# The demo configuration with absolute paths and a database of our own.
config() {  # config FILE DATABASE
  cat >"$1" <<EOF
server:
  listen: 127.0.0.1:0
database:
  path: $2
campaigns: [$src/workflows/jiafeng-2024-hundred-day.yaml]
templates_dir: $src/templates
holidays: $src/config/calendars/cn-holidays.csv
channels:
  - name: sms
    type: console
    family: sms
  - name: town-robot
    type: console
    family: markdown
EOF
}
config "$work/setup.yaml" "$work/setup.db"
config "$work/serve.yaml" "$work/history.db"

started=$SECONDS
for what in units contacts houses; do
  nice "$duban" import "$what" "$src/config/demo/$what.csv" --config "$work/setup.yaml" \
    >>"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; fail "duban import $what failed"; }
done
token() {  # token ROLE LABEL: prints the token
  nice "$duban" token create --role "$1" --unit qinshui --label "$2" --config "$work/setup.yaml" \
    2>>"$work/setup.log"
}
supervisor_token=$(token supervisor 浏览器测试) || fail "duban token create failed"
admin_token=$(token admin 浏览器测试管理员) || fail "duban token create failed"
nice "$duban" simulate --config "$work/setup.yaml" --from 2024-03-25 --to 2024-05-24T11:55+08:00 \
  --events "$src/config/demo/events-2024.jsonl" --save-database "$work/history.db" \
  >"$work/history.txt" 2>>"$work/setup.log" || { tail -n 20 "$work/setup.log" >&2; fail "duban simulate failed"; }

# One daemon on campaign time at 1x: the weekly report falls due at 12:00,
# five minutes ahead, well after the test is done.
nice "$duban" serve --config "$work/serve.yaml" --clock-start 2024-05-24T11:55+08:00 \
  --allow-clock-change >"$work/serve.log" 2>&1 &
serve_pid=$!

# Waits (bounded) for the announced port, then for /healthz.
base=""
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "duban serve exited"; }
  if [ -z "$base" ]; then
    port=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$work/serve.log" | head -n 1)
    [ -n "$port" ] && base=http://127.0.0.1:$port
  fi
  if [ -n "$base" ] && curl -fsS --max-time 2 "$base/healthz" >/dev/null 2>&1; then
    break
  fi
  sleep 0.1
done
[ -n "$base" ] && curl -fsS --max-time 2 "$base/healthz" >/dev/null 2>&1 ||
  { cat "$work/serve.log" >&2; fail "duban serve did not answer /healthz within 30 s"; }
echo "browser test: seeded and serving at $base in $((SECONDS - started)) s"

DUBAN_URL=$base \
DUBAN_SUPERVISOR_TOKEN=$supervisor_token \
DUBAN_ADMIN_TOKEN=$admin_token \
DUBAN_SHOTS=$shots \
DUBAN_CHROMIUM=$chromium \
DUBAN_NODE_MODULES=$modules/node_modules \
  setsid node --test --test-reporter=spec "$here/dashboard.test.mjs" &
node_pid=$!
wait "$node_pid"  # in the background so that a TERM (CTest's timeout) stops it at once
node_pid=""
echo "browser test: passed in $((SECONDS - started)) s; screenshots in $shots"
