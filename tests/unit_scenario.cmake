# The scenario loader: Check unit tests, and the CLI's answer to bad input.
add_executable(test_scenario test_scenario.c)
target_link_libraries(test_scenario PRIVATE agora_scenario PkgConfig::CHECK)
add_test(NAME scenario_unit COMMAND test_scenario)
# The tests write scratch files; keep them out of the source tree.
set_tests_properties(scenario_unit PROPERTIES WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

add_test(NAME bad_input
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bad_input.sh $<TARGET_FILE:agora>
                 ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/bad ${MPIEXEC_EXECUTABLE})
