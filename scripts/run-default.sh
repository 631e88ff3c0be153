#!/usr/bin/env bash
# Installs what is missing, builds agora, and runs the default scenario on 2 local
# MPI ranks. Extra arguments go to `agora run` (e.g. --out other.h5).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
# Its own build directory: the test build (build/) is configured differently.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DAGORA_TESTS=OFF > /dev/null
cmake --build build-release --target agora -j "$(nproc)" > /dev/null
scripts/mpirun.sh -n 2 build-release/agora run scenarios/default.yaml "$@"
