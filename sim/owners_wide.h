/* The owner ranks of bid requests, eight at a time with AVX-512
 * (owners_wide.c): the several-rank round's first step after sampling. */
#ifndef AGORA_OWNERS_WIDE_H
#define AGORA_OWNERS_WIDE_H

#include <stddef.h>
#include <stdint.h>

/* For the first requests of id[0 .. n): owner[j] = the rank r with
 * agent_lo[r] <= id[j] < agent_lo[r + 1], found as round.c's owner_of does
 * (estimate id * scale, clamp to ranks - 1, correct by one either way), and
 * tally[r] += the requests rank r owns. Returns how many it did: a multiple of
 * eight, 0 where the CPU lacks AVX-512, AGORA_SIMD names a narrower path, or
 * ranks > 15 (the caller does the rest). */
/* Whether owners_wide works for `ranks` ranks in this process. */
int owners_wide_available(int ranks);

size_t owners_wide(const uint32_t *id, size_t n, const uint64_t *agent_lo, double scale, int ranks,
                   int *owner, int *tally);

#endif
