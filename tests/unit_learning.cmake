# Learning and budget-constrained bidders (agents/learning.h): the pure
# library and its Check unit tests. Included from tests/CMakeLists.txt; the
# library moves to the top-level CMakeLists.txt when the engine uses it.
add_library(agora_learning STATIC
  ${CMAKE_SOURCE_DIR}/agents/learning.c
  ${CMAKE_SOURCE_DIR}/agents/counterfactual.c
  ${CMAKE_SOURCE_DIR}/agents/balanced.c
  ${CMAKE_SOURCE_DIR}/agents/pacing.c)
target_include_directories(agora_learning PUBLIC ${CMAKE_SOURCE_DIR}/agents)
target_link_libraries(agora_learning PUBLIC agora_mechanisms m)

# agora_rng only draws the random instances and the bandits' rewards.
add_executable(test_learning test_learning.c)
target_link_libraries(test_learning PRIVATE agora_learning agora_rng PkgConfig::CHECK)
add_test(NAME learning COMMAND test_learning)
