# Analysis toolkit tests (analysis/agora_analysis, pytest): outputs of the real agora
# binary from scenarios/default.yaml, read back through the package's API and CLI.
# Included from tests/CMakeLists.txt; needs python3-h5py, -numpy, -matplotlib,
# -yaml and -pytest (Debian's /usr/bin/python3: AGORA_PYTHON).
add_test(NAME analysis
  COMMAND ${AGORA_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_SOURCE_DIR}/analysis)
set_tests_properties(analysis PROPERTIES
  ENVIRONMENT "AGORA=$<TARGET_FILE:agora>;PYTHONPATH=${CMAKE_SOURCE_DIR}/analysis")
