# Quality scores, AIGC markets in the engine and mechanism-property probes
# (issue 5). Included from tests/CMakeLists.txt.

# The probe facility on the position and AIGC mechanisms (pure, no MPI).
add_executable(test_probe test_probe.c)
target_link_libraries(test_probe PRIVATE agora_probe agora_mechanisms agora_aigc agora_rng
                      PkgConfig::CHECK)
add_test(NAME probe COMMAND test_probe)

# Rank-count invariance (1-4 ranks, h5diff) of a quality-score market under
# gsp, vcg and gfp, and of an AIGC market under three user models, both with
# the probes on.
add_test(NAME rank_invariance_quality
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/rank_invariance.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance_quality.yaml ${MPIEXEC_EXECUTABLE})
set_tests_properties(rank_invariance_quality PROPERTIES PROCESSORS 2)
add_test(NAME rank_invariance_chunks
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/rank_invariance.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance_chunks.yaml ${MPIEXEC_EXECUTABLE})
set_tests_properties(rank_invariance_chunks PROPERTIES PROCESSORS 2)
add_test(NAME rank_invariance_aigc
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/rank_invariance.sh $<TARGET_FILE:agora>
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance_aigc.yaml ${MPIEXEC_EXECUTABLE}
          "mechanism.user_model=additive;mechanism.user_model=mnl;mechanism.user_model=cascade,mechanism.continuation=0.8")
set_tests_properties(rank_invariance_aigc PROPERTIES PROCESSORS 2)

# Stop and resume (2 ranks, then 3) of both scenarios equals an uninterrupted run.
add_test(NAME checkpoint_pos
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint_pos.sh $<TARGET_FILE:agora>
          ${MPIEXEC_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance_quality.yaml
          ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/invariance_aigc.yaml)
set_tests_properties(checkpoint_pos PROPERTIES PROCESSORS 2)
