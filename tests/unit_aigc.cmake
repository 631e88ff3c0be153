# AIGC position auctions (mechanisms/aigc): the pure library, its Check unit
# tests, and its benchmark. Included from tests/CMakeLists.txt; the library
# moves to the top-level CMakeLists.txt when the engine uses it.
add_library(agora_aigc STATIC
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/assignment.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/vcg.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/additive.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/mnl.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/cascade.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/cascade_exact.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/cascade_approx.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/cascade_search.c
  ${CMAKE_SOURCE_DIR}/mechanisms/aigc/registry.c)
target_include_directories(agora_aigc PUBLIC ${CMAKE_SOURCE_DIR}/mechanisms/aigc)
target_link_libraries(agora_aigc PUBLIC m)

# agora_rng only draws the random instances.
add_executable(test_aigc test_aigc.c)
target_link_libraries(test_aigc PRIVATE agora_aigc agora_rng PkgConfig::CHECK)
add_test(NAME aigc COMMAND test_aigc)

# Auctions per second; not a test: run build/tests/aigc_bench by hand.
add_executable(aigc_bench ${CMAKE_SOURCE_DIR}/bench/aigc_bench.c)
target_link_libraries(aigc_bench PRIVATE agora_aigc agora_rng)
