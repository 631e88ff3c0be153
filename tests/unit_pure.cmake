# Unit tests of the pure libraries (no MPI): RNG, sampling, position mechanisms,
# behaviours. Included from tests/CMakeLists.txt.

# The C PCG is compared output for output with pcg-cpp, compiled into the same
# executable through a small C++ shim.
add_executable(test_rng test_rng.c pcg_reference.cpp)
target_link_libraries(test_rng PRIVATE agora_rng PkgConfig::CHECK)
add_test(NAME rng COMMAND test_rng)

add_executable(test_sampling test_sampling.c)
target_link_libraries(test_sampling PRIVATE agora_rng PkgConfig::CHECK)
add_test(NAME sampling COMMAND test_sampling)

# agora_rng only feeds the random property checks.
add_executable(test_position test_position.c)
target_link_libraries(test_position PRIVATE agora_mechanisms agora_rng PkgConfig::CHECK)
add_test(NAME position COMMAND test_position)

add_executable(test_behaviour test_behaviour.c)
target_link_libraries(test_behaviour PRIVATE agora_agents PkgConfig::CHECK)
add_test(NAME behaviour COMMAND test_behaviour)

# Closed-form auction revenues checked by Monte Carlo through the mechanisms.
add_executable(test_theory test_theory.c)
target_link_libraries(test_theory PRIVATE agora_mechanisms agora_rng PkgConfig::CHECK)
add_test(NAME theory COMMAND test_theory)
