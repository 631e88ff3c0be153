# Engine tests: pure helpers (Check), golden end-to-end runs (pytest on the real
# binary), rank-count invariance (mpirun at 1-4 ranks, h5diff).
add_executable(test_engine_units test_engine_units.c)
target_link_libraries(test_engine_units PRIVATE agora_engine PkgConfig::CHECK)
add_test(NAME engine_units COMMAND test_engine_units)

# Bid keys (sim/bid_keys.h) on the AVX-512 kernels where the CPU has them, on
# the AVX2 ones, and on the portable code.
add_executable(test_bid_keys test_bid_keys.c)
target_link_libraries(test_bid_keys PRIVATE agora_engine PkgConfig::CHECK)
add_test(NAME bid_keys_units COMMAND test_bid_keys)
add_test(NAME bid_keys_units_avx2 COMMAND test_bid_keys)
set_tests_properties(bid_keys_units_avx2 PROPERTIES ENVIRONMENT AGORA_SIMD=avx2)
add_test(NAME bid_keys_units_scalar COMMAND test_bid_keys)
set_tests_properties(bid_keys_units_scalar PROPERTIES ENVIRONMENT AGORA_SIMD=scalar)
add_test(NAME bid_keys_runs
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bid_keys.sh $<TARGET_FILE:agora> ${MPIEXEC_EXECUTABLE})
set_tests_properties(bid_keys_runs PROPERTIES PROCESSORS 2)

add_test(NAME golden_runs
  COMMAND ${AGORA_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(golden_runs PROPERTIES
  ENVIRONMENT "AGORA=$<TARGET_FILE:agora>;MPIEXEC=${MPIEXEC_EXECUTABLE}")

add_test(NAME rank_invariance
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/rank_invariance.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance.yaml ${MPIEXEC_EXECUTABLE})
set_tests_properties(rank_invariance PROPERTIES PROCESSORS 2)

add_test(NAME rank_invariance_truthful
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/rank_invariance.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance_truthful.yaml ${MPIEXEC_EXECUTABLE})
set_tests_properties(rank_invariance_truthful PROPERTIES PROCESSORS 2)

add_test(NAME snapshot_pieces_invariance
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/snapshot_pieces.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance.yaml ${MPIEXEC_EXECUTABLE})
set_tests_properties(snapshot_pieces_invariance PROPERTIES PROCESSORS 2)

# Values, budgets and qualities read from an HDF5 file by each owner
# (tests/value_file.sh).
add_test(NAME value_file
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/value_file.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${AGORA_PYTHON})
set_tests_properties(value_file PROPERTIES PROCESSORS 2)

# AIGC pair CTRs read from an HDF5 file by each owner (tests/pair_ctr_file.sh).
add_test(NAME pair_ctr_file
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pair_ctr_file.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${AGORA_PYTHON})
set_tests_properties(pair_ctr_file PROPERTIES PROCESSORS 2)

add_test(NAME checkpoint
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/checkpoint.yaml ${MPIEXEC_EXECUTABLE}
          ${AGORA_PYTHON})
set_tests_properties(checkpoint PROPERTIES PROCESSORS 2)
