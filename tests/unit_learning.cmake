# Learning and budget-constrained bidders (agents/learning.h, part of
# agora_agents): Check unit tests of the pure math.

# agora_rng only draws the random instances and the bandits' rewards.
add_executable(test_learning test_learning.c)
target_link_libraries(test_learning PRIVATE agora_agents agora_rng PkgConfig::CHECK)
add_test(NAME learning COMMAND test_learning)
