/* Per-agent numbers read from an HDF5 dataset (`{dist: file, path, dataset}`
 * in a scenario): each rank reads only the agents it owns, so a population of
 * 1e8 measured values costs 8 bytes per agent on its owner and nothing on the
 * other ranks (an inline `population.values` list is parsed by every rank). */
#ifndef AGORA_DIST_FILE_H
#define AGORA_DIST_FILE_H

#include <stdint.h>

#include "scenario.h"
#include "status.h"

/* Reads elements [first, first + n) of the dataset that d, s's `key` (e.g.
 * "population.value"), names, which must hold one number per agent (shape
 * [agents], [1, agents] or [agents, 1], any integer or float type), into out. Errors
 * (AGORA_EINPUT) point at the scenario's `key.path` or `key.dataset` line and
 * name the file and what is wrong. */
agora_status dist_file_read(const scenario *s, const char *key, const scenario_dist *d,
                            uint64_t first, uint64_t n, double *out, agora_error *err);

/* The same for a row of `width` numbers per agent (shape [agents, width]):
 * rows [first, first + n) into out, row after row. width 1 is dist_file_read. */
agora_status dist_file_read_rows(const scenario *s, const char *key, const scenario_dist *d,
                                 uint64_t width, uint64_t first, uint64_t n, double *out,
                                 agora_error *err);

#endif
