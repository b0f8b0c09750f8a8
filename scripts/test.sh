#!/usr/bin/env bash
# The test command: installs what is missing, builds everything and runs every
# test (unit, end-to-end and the Python interop client). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --check 2>/dev/null || scripts/bootstrap.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --parallel 2 "$@"
