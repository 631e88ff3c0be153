# The cloud family (cloud auctions, issue 8 part 1): Check unit tests of the
# pure core (mechanisms/pools/cloud_*), and the end-to-end test: every
# mechanism at 1-4 ranks, a trace round trip, bad input; checkpoint and resume
# across rank counts. Included from tests/CMakeLists.txt.
add_executable(test_cloud test_cloud.c)
target_link_libraries(test_cloud PRIVATE agora_cloud PkgConfig::CHECK)
add_test(NAME cloud_unit COMMAND test_cloud)

add_test(NAME cloud_invariance
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cloud.sh $<TARGET_FILE:agora> ${MPIEXEC_EXECUTABLE}
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/cloud_small.yaml ${AGORA_PYTHON}
          ${CMAKE_SOURCE_DIR}/scripts/cloud_trace.py)
set_tests_properties(cloud_invariance PROPERTIES PROCESSORS 2)

# Checkpoint and resume (stop at 2 ranks, resume at 3, stop, resume at 1; the
# outputs h5diff-identical to an uninterrupted run): mohaf with price
# snapshots, the `random` baseline with periodic checkpoints, and `greedy` on
# requests from a trace. The trace scenario is written here with the trace's
# absolute path, so that it reads the same file from any working folder.
configure_file(scenarios/cloud_checkpoint_trace.yaml.in
               ${CMAKE_CURRENT_BINARY_DIR}/cloud_checkpoint_trace.yaml @ONLY)
add_test(NAME cloud_checkpoint
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint_family.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${AGORA_PYTHON}
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/cloud_small.yaml
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/cloud_checkpoint_random.yaml
          ${CMAKE_CURRENT_BINARY_DIR}/cloud_checkpoint_trace.yaml)
set_tests_properties(cloud_checkpoint PROPERTIES PROCESSORS 2)
