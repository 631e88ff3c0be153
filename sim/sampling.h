/* Drawing the K distinct participants of an auction from a population of N. */
#ifndef AGORA_SAMPLING_H
#define AGORA_SAMPLING_H

#include <stdint.h>

#include "rng.h"

/* Writes k distinct ids from [0, n) to out (k <= n), in draw order.
 * Robert Floyd's algorithm: k draws whatever n is. `scratch` must hold
 * sampling_scratch_size(k) uint32 values (a hash set reused across calls). */
void sample_distinct(pcg32 *g, uint32_t n, uint32_t k, uint32_t *out, uint32_t *scratch);
/* Four auctions at once: out[l] receives exactly what sample_distinct(&g[l],
 * ...) would write, several times faster. */
void sample_distinct4(pcg32 g[4], uint32_t n, uint32_t k, uint32_t *const out[4],
                      uint32_t *scratch);
/* Eight auctions at once where the CPU has AVX-512 (F, DQ, VL): the same
 * results as sample_distinct on each stream. Returns 0, drawing nothing, where
 * that path does not run. */
int sample_distinct8(pcg32 g[8], uint32_t n, uint32_t k, uint32_t *const out[8], uint32_t *scratch);
uint32_t sampling_scratch_size(uint32_t k);
/* Whether two of ids[0 .. k) are equal (1) or not (0), as sample_distinct8
 * decides it with AVX-512; -1 where that check does not run (no AVX-512, or
 * k above its 64). For the tests. */
int sampling_repeats_wide(const uint32_t *ids, uint32_t k);

#endif
