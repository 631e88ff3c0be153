# The cloud family (cloud auctions, issue 8 part 1): Check unit tests of the
# pure core (mechanisms/pools/cloud_*), and the end-to-end test: every
# mechanism at 1-4 ranks, a trace round trip, bad input. Included from
# tests/CMakeLists.txt.
add_executable(test_cloud test_cloud.c)
target_link_libraries(test_cloud PRIVATE agora_cloud PkgConfig::CHECK)
add_test(NAME cloud_unit COMMAND test_cloud)

add_test(NAME cloud_invariance
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cloud.sh $<TARGET_FILE:agora> ${MPIEXEC_EXECUTABLE}
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/cloud_small.yaml ${AGORA_PYTHON}
          ${CMAKE_SOURCE_DIR}/scripts/cloud_trace.py)
set_tests_properties(cloud_invariance PROPERTIES PROCESSORS 2)
