#!/usr/bin/env bash
# Installs the Debian 12 packages duban needs to build, test and run.
# Idempotent: does nothing (and needs no network) when all are present.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries (see DESIGN.md "Dependencies")
  libboost-dev libsqlitecpp-dev libsqlite3-dev libcpp-httplib-dev libssl-dev
  libcurl4-openssl-dev libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev
  libcli11-dev libhowardhinnant-date-dev libkainjow-mustache-dev libsystemd-dev
  libxlsxwriter-dev
  # tests
  libgtest-dev libgmock-dev sqlite3 curl
  # tests: the ASan+UBSan suite (clang, linked by lld), libFuzzer targets
  # (scripts/fuzz.sh) and clang-tidy (scripts/tidy.sh)
  clang lld clang-tidy libclang-rt-14-dev
  # tests: scripts/validate-openapi.py checks docs/openapi.yaml; the XLSX
  # export is reopened with openpyxl; the iCalendar feed is checked by libical
  python3-yaml python3-jsonschema python3-openpyxl libical-dev
  # tests: the dashboard in a real browser (playwright-core from npm drives it)
  chromium
  fonts-wqy-microhei  # CJK glyphs in the screenshots
  # runtime data: IANA time zones for campaign calendars
  tzdata
)

# Node.js and npm run the browser tests (playwright-core). A machine that has
# them from elsewhere (NodeSource) keeps its own; otherwise Debian's.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
