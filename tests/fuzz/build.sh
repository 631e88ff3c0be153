#!/usr/bin/env bash
# Builds the scenario-loader fuzzer (tests/fuzz/fuzz_scenario.c) standalone with
# clang and libFuzzer, ASan and UBSan, outside CMake: the loader and the
# registries it names (mechanisms/position, agents) are compiled straight in, so
# the build needs only clang, its runtime (Debian: libclang-rt-14-dev) and
# libyaml-dev, not MPI or HDF5.
#
# usage: tests/fuzz/build.sh [OUTDIR]      (default: build-fuzz)
# Leaves OUTDIR/fuzz_scenario. CC may name another clang (default: clang).
set -eu
cd "$(dirname "$0")/../.."
out=${1:-build-fuzz}
cc=${CC:-clang}
mkdir -p "$out"

command -v "$cc" > /dev/null || { echo "FAIL $cc not found (apt-get install clang)" >&2; exit 2; }
# libFuzzer ships in the compiler runtime package; say which one when it is missing.
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
     "$cc" -x c -fsanitize=fuzzer - -o "$out/.probe" 2> /dev/null; then
    echo "FAIL $cc cannot link -fsanitize=fuzzer: apt-get install libclang-rt-14-dev" >&2
    exit 2
fi
rm -f "$out/.probe"

sources=(sim/yaml_tree.c sim/scenario_read.c sim/scenario.c sim/scenario_family.c sim/agent_fields.c
         sim/scenario_emit.c sim/status.c sim/simd_wide.c sim/rng.c sim/sampling.c
         sim/scenario_facility.c sim/scenario_cloud.c sim/scenario_commons.c
         mechanisms/position/*.c mechanisms/aigc/*.c mechanisms/facility/*.c
         mechanisms/pools/*.c agents/*.c)
# The loader includes no generated header today; version.h is generated anyway
# (as CMake would) so that a future include of it does not break this build.
mkdir -p "$out/generated"
version=$(sed -n 's/^project(agora VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
sed "s/@AGORA_VERSION_STRING@/${version:-0}/" sim/version.h.in > "$out/generated/version.h"

# -O1 -g: fast enough to fuzz, readable stacks. Every UBSan check aborts, so
# libFuzzer records it as a crash instead of printing and going on.
"$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Wall -Wextra \
    -Isim -Imechanisms/position -Imechanisms/aigc -Imechanisms/facility -Imechanisms/pools -Iagents -I"$out/generated" \
    tests/fuzz/fuzz_scenario.c "${sources[@]}" \
    $(pkg-config --cflags --libs yaml-0.1) -lm \
    -o "$out/fuzz_scenario"
echo "built $out/fuzz_scenario"
