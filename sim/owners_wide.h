/* Routing bid requests with AVX-512 (owners_wide.c): their owner ranks,
 * eight at a time, and their packing by destination, sixteen at a time: the
 * several-rank round's steps between sampling and the exchange. */
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

/* For the first requests of [0, n), in order: slot[j] = next[owner[j]]++ and
 * index[slot[j]] = id[j] - agent_lo[owner[j]] (the id local to its owner), as
 * route_requests (round.c) packs them. Returns how many it did: a multiple of
 * sixteen, 0 where owners_wide_available(ranks) is false. */
size_t pack_wide(const uint32_t *id, const int *owner, size_t n, const uint64_t *agent_lo, int ranks,
                 int *next, uint32_t *slot, uint32_t *index);

#endif
