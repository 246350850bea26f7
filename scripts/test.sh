#!/usr/bin/env bash
# Command 2 of the README (and of .ci/run): installs the dependencies, builds
# the release preset with tests and runs the whole suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
