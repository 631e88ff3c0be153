# Hardening tests (issue 12; RELIABILITY.md says what each one guarantees):
# regressions from fuzzing the scenario loader, the fuzz corpus replayed without
# libFuzzer, bad I/O and non-finite numbers end to end, and injected faults (a
# rank killed with -9, a checkpoint write killed). Included from
# tests/CMakeLists.txt. The fuzzer itself is built outside CMake, with clang:
# tests/fuzz/build.sh and tests/fuzz/run.sh (scripts/ci-hardening.sh runs it).

add_executable(test_fuzz_regressions test_fuzz_regressions.c)
target_link_libraries(test_fuzz_regressions PRIVATE agora_scenario PkgConfig::CHECK)
add_test(NAME fuzz_regressions COMMAND test_fuzz_regressions)
set_tests_properties(fuzz_regressions PROPERTIES WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

# The fuzz target's properties (one-line refusals, resolved text that reloads to
# itself) on every seed and regression input, with the normal compiler: the
# sanitizer build (AGORA_SANITIZE) checks them under ASan and UBSan too.
add_executable(fuzz_scenario_replay fuzz/fuzz_scenario.c)
target_compile_definitions(fuzz_scenario_replay PRIVATE AGORA_FUZZ_REPLAY)
target_link_libraries(fuzz_scenario_replay PRIVATE agora_scenario)
add_test(NAME fuzz_corpus_replay
         COMMAND fuzz_scenario_replay ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus)
# The loader resolves output paths against the working directory.
set_tests_properties(fuzz_corpus_replay PROPERTIES WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

add_test(NAME bad_input_io
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bad_input_io.sh $<TARGET_FILE:agora>
                 ${MPIEXEC_EXECUTABLE})
set_tests_properties(bad_input_io PROPERTIES PROCESSORS 2 TIMEOUT 600)

add_test(NAME faults
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults.sh $<TARGET_FILE:agora>
                 ${MPIEXEC_EXECUTABLE})
# Three ranks and a 2e6-agent population: keep it from sharing the cores.
set_tests_properties(faults PROPERTIES PROCESSORS 2 RUN_SERIAL ON TIMEOUT 900)
