# Facility location family (issue 7): Check unit tests of the pure code, the
# distributed selection against sorting at 1-4 ranks, and the two family
# scenarios at 1-4 ranks compared with h5diff. Included from tests/CMakeLists.txt.
add_executable(test_facility test_facility.c)
target_link_libraries(test_facility PRIVATE agora_facility PkgConfig::CHECK)
add_test(NAME facility_unit COMMAND test_facility)

# Distributed selection equals sorting, at 1-4 ranks.
add_executable(test_facility_select test_facility_select.c)
target_link_libraries(test_facility_select PRIVATE agora_engine)
foreach(p 1 2 3 4)
  add_test(NAME facility_select_${p}
           COMMAND ${AGORA_MPIEXEC} -n ${p} $<TARGET_FILE:test_facility_select>)
  set_tests_properties(facility_select_${p} PROPERTIES PROCESSORS 2)
endforeach()

# Both family scenarios at 1-4 ranks under every mechanism, h5diff-identical.
add_test(NAME facility_invariance
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/facility_invariance.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/facility_committees.yaml
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/facility_national.yaml ${MPIEXEC_EXECUTABLE})
set_tests_properties(facility_invariance PROPERTIES PROCESSORS 2)
