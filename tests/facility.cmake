# Facility location family (issue 7): Check unit tests of the pure code, the
# distributed selection against sorting at 1-4 ranks, and the two family
# scenarios at 1-4 ranks compared with h5diff. Included from tests/CMakeLists.txt.
add_executable(test_facility test_facility.c)
target_link_libraries(test_facility PRIVATE agora_facility PkgConfig::CHECK)
add_test(NAME facility_unit COMMAND test_facility)
