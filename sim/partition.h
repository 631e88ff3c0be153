/* Block partitions: how agents (and each round's auctions) are split over ranks.
 * Rank r owns [lo(r), lo(r+1)) with lo(r) = floor(r * n / parts), so blocks differ
 * in size by at most one and ownership is a pure function of (n, parts, id). */
#ifndef AGORA_PARTITION_H
#define AGORA_PARTITION_H

#include <stdint.h>

/* n < 2^32 and parts < 2^31 keep r * n inside 64 bits. */
uint64_t block_lo(uint64_t n, int parts, int r);
int block_owner(uint64_t n, int parts, uint64_t id);

#endif
