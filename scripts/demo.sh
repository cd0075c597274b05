#!/usr/bin/env bash
# Quick start, command 1: install what is needed, build, and start duban on
# the bundled demo campaign (SQLite under ./var, dashboard on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUBAN_BUILD_TESTS=OFF >/dev/null
cmake --build build --target duban
mkdir -p var
exec ./build/duban serve --config config/duban.yaml "$@"
