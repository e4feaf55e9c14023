#!/usr/bin/env bash
# Runs the end-to-end suite (Tests/e2e) against a built `custos` binary.
#
#   scripts/e2e.sh [pytest args…]
#
# CUSTOS_BIN  the binary to test (default: .build/debug/custos, built first if missing).
# CUSTOS_SCREENSHOTS  where the console tests write their screenshots (default: a temporary directory;
#             CUSTOS_SCREENSHOTS=docs/screenshots scripts/e2e.sh -k console refreshes the README's).
# Needs: python3 with pytest, requests, schemathesis and openapi-spec-validator
#        (pip install pytest requests schemathesis openapi-spec-validator).
set -euo pipefail
cd "$(dirname "$0")/.."

export CUSTOS_BIN="${CUSTOS_BIN:-$PWD/.build/debug/custos}"
if [[ ! -x "$CUSTOS_BIN" ]]; then
    echo "e2e: $CUSTOS_BIN not found; building" >&2
    swift build
fi
case "$CUSTOS_BIN" in /*) ;; *) CUSTOS_BIN="$PWD/$CUSTOS_BIN" ;; esac

for module in pytest requests schemathesis openapi_spec_validator; do
    if ! python3 -c "import $module" 2>/dev/null; then
        echo "e2e: python module '$module' is missing (pip install pytest requests schemathesis openapi-spec-validator)" >&2
        exit 2
    fi
done

export PYTHONDONTWRITEBYTECODE=1
exec python3 -m pytest -q -p no:cacheprovider Tests/e2e "$@"
