# The commons family (common-pool resources): Check unit tests of the pure core,
# rank invariance of villages and global-pool runs at 1-4 ranks, and checkpoints.
# Included from tests/CMakeLists.txt.
add_executable(test_commons test_commons.c)
target_link_libraries(test_commons PRIVATE agora_commons PkgConfig::CHECK)
add_test(NAME commons_unit COMMAND test_commons)

set(COMMONS_SCENARIOS
    ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/commons_villages.yaml
    ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/commons_global.yaml
    ${CMAKE_SOURCE_DIR}/scenarios/fishery.yaml)

add_test(NAME commons_invariance
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/commons_invariance.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${COMMONS_SCENARIOS})
# Stopped at 2 ranks, resumed at 3, stopped, resumed at 1: identical datasets.
add_test(NAME commons_checkpoint
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint_family.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${AGORA_PYTHON} ${COMMONS_SCENARIOS})
set_tests_properties(commons_invariance commons_checkpoint PROPERTIES PROCESSORS 2)
