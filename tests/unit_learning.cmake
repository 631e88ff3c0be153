# Learning and budget-constrained bidders (agents/learning.h, part of
# agora_agents): Check unit tests of the pure math.

# agora_rng only draws the random instances and the bandits' rewards.
add_executable(test_learning test_learning.c)
target_link_libraries(test_learning PRIVATE agora_agents agora_rng PkgConfig::CHECK)
add_test(NAME learning COMMAND test_learning)
# The same tests with the AVX2 paths instead of AVX-512 (Hedge's weights and
# draws on CPUs without AVX-512); where the CPU lacks AVX2 they test the
# scalar path once more.
add_test(NAME learning_avx2 COMMAND test_learning)
set_tests_properties(learning_avx2 PROPERTIES ENVIRONMENT AGORA_SIMD=avx2)
