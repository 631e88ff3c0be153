# Facility location family (issue 7): Check unit tests of the pure code, the
# distributed selection against sorting at 1-4 ranks, and the two family
# scenarios at 1-4 ranks compared with h5diff, and checkpoint/resume across rank
# counts. Included from tests/CMakeLists.txt.
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

# Checkpoint and resume (tests/checkpoint_family.sh): stopped after round 2 at 2
# ranks, resumed at 3 and stopped after round 4, resumed at 1 to the end, every
# group h5diff-identical to an uninterrupted run. Both scales, under a
# strategyproof mechanism and under the average, whose best responses read the
# previous round's outcome.
add_test(NAME facility_checkpoint
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint_family.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${AGORA_PYTHON}
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/facility_committees.yaml
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/facility_national.yaml
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/facility_committees_average.yaml
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/facility_national_average.yaml)
set_tests_properties(facility_checkpoint PROPERTIES PROCESSORS 2)
