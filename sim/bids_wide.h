/* The placeable-bid rule of population_bids (population.c) eight bids at a
 * time with AVX-512, for markets without budgets. */
#ifndef AGORA_BIDS_WIDE_H
#define AGORA_BIDS_WIDE_H

#include <stddef.h>
#include <stdint.h>

/* Keeps each of bid[0 .. n) that is positive and finite and sets the others
 * to +0.0, as population_bids does bid by bid; returns how many it kept.
 * Where the engine's AVX-512 kernels do not run (simd_wide_allowed) it
 * returns SIZE_MAX and changes nothing: the caller applies the rule itself. */
size_t bids_keep_placeable_wide(double *bid, size_t n);

/* The same for truthful bids, bid[j] = value[index[j]], read and kept in one
 * pass; SIZE_MAX (nothing written) where the AVX-512 kernels do not run. */
size_t bids_values_placeable_wide(const double *value, const uint32_t *index, size_t n, double *bid);

#endif
