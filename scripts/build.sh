#!/usr/bin/env bash
# Configures (Ninja, ccache when present) and builds into build/.
# Extra arguments go to `cmake --build`, e.g. `scripts/build.sh --target aigc-gateway`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}"
fi
cmake --build build -j"$(nproc)" "$@"
