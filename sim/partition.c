/* Block partitions; see partition.h. */
#include "partition.h"

uint64_t block_lo(uint64_t n, int parts, int r)
{
    return (uint64_t)r * n / (uint64_t)parts;
}

int block_owner(uint64_t n, int parts, uint64_t id)
{
    /* The estimate id * parts / n is off by at most one either way. */
    int r = (int)(id * (uint64_t)parts / n);
    while (r + 1 < parts && block_lo(n, parts, r + 1) <= id)
        r++;
    while (r > 0 && block_lo(n, parts, r) > id)
        r--;
    return r;
}
