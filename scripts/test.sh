#!/usr/bin/env bash
# Runs every test: the Swift unit and integration tests, then the end-to-end suite against the real binary.
#
#   CUSTOS_LONG_TESTS=1 scripts/test.sh   # also the whole conformance corpora and differential runs (CI does)
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build
CUSTOS_BIN="$PWD/.build/debug/custos" scripts/e2e.sh
