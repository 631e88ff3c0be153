# AIGC position auctions (mechanisms/aigc, library agora_aigc): Check unit
# tests and the benchmark.

# agora_rng only draws the random instances.
add_executable(test_aigc test_aigc.c)
target_link_libraries(test_aigc PRIVATE agora_aigc agora_rng PkgConfig::CHECK)
add_test(NAME aigc COMMAND test_aigc)

# Auctions per second; not a test: run build/tests/aigc_bench by hand.
add_executable(aigc_bench ${CMAKE_SOURCE_DIR}/bench/aigc_bench.c)
target_link_libraries(aigc_bench PRIVATE agora_aigc agora_rng)
