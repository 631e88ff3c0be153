# `agora sweep` and Slurm: the sweep's unit tests and the sweep runner's test run
# everywhere; the Slurm integration test (a one-node cluster on loopback that runs
# the slurm/ templates, tests/slurm/slurm_test.sh) only where Slurm and MUNGE are
# installed (Debian: slurm-wlm munge), under the label `slurm`.
if(NOT TARGET PkgConfig::CHECK)
  pkg_check_modules(CHECK REQUIRED IMPORTED_TARGET check)
endif()
set(AGORA_SOURCE_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

add_executable(test_sweep ${CMAKE_CURRENT_LIST_DIR}/test_sweep.c ${AGORA_SOURCE_ROOT}/sim/sweep.c)
target_link_libraries(test_sweep PRIVATE agora_scenario PkgConfig::CHECK)
add_test(NAME sweep_unit COMMAND test_sweep)
# It writes scratch directories; keep them out of the source tree.
set_tests_properties(sweep_unit PROPERTIES WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

add_test(NAME sweep_runner
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/slurm/sweep_runner_test.sh $<TARGET_FILE:agora>
                 ${AGORA_SOURCE_ROOT})
set_tests_properties(sweep_runner PROPERTIES LABELS sweep TIMEOUT 120)

find_program(AGORA_SBATCH sbatch)
find_program(AGORA_SLURMCTLD slurmctld)
find_program(AGORA_MUNGED munged)
if(AGORA_SBATCH AND AGORA_SLURMCTLD AND AGORA_MUNGED)
  add_test(NAME slurm
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/slurm/slurm_test.sh $<TARGET_FILE:agora>
                   ${AGORA_SOURCE_ROOT})
  # Its jobs use both CPUs of the test node: count it as two for ctest -j.
  # Exit 77 (skipped): not root, or no munge user.
  set_tests_properties(slurm PROPERTIES LABELS slurm TIMEOUT 300 PROCESSORS 2
                                        SKIP_RETURN_CODE 77)
else()
  message(STATUS "Slurm test not registered: sbatch, slurmctld or munged not found "
                 "(Debian: apt-get install slurm-wlm munge)")
endif()
