#!/usr/bin/env bash
# Installs what is missing, builds agora with warnings as errors, and runs every
# test (Check unit tests, end-to-end and MPI tests) through ctest.
# AGORA_SANITIZE=1 builds and tests under AddressSanitizer + UBSan in build-asan/.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
dir=build sanitize=OFF
if [ "${AGORA_SANITIZE:-0}" = 1 ]; then dir=build-asan sanitize=ON; fi
cmake -S . -B "$dir" -DAGORA_WERROR=ON -DAGORA_TESTS=ON -DAGORA_SANITIZE=$sanitize > /dev/null
cmake --build "$dir" -j "$(nproc)"
# Open MPI keeps a few allocations until exit: leak checking would only report those.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
