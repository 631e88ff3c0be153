/* See agent_order.h: a least-significant-digit radix sort on the agent index,
 * 11 bits a pass (a 16 KiB histogram stays in L1), as many passes as the
 * largest index needs: two for up to 4.2 million agents a rank. Each pass is
 * a counting sort, which is stable, so the whole sort is. */
#include "agent_order.h"

#include <string.h>

enum { DIGIT_BITS = 11, BUCKETS = 1 << DIGIT_BITS };

agent_ref *agent_order(agent_ref *ref, agent_ref *tmp, size_t n, uint32_t agents)
{
    size_t start[BUCKETS];
    uint32_t top = agents ? agents - 1 : 0; /* the largest index */
    for (unsigned shift = 0; shift < 32 && top >> shift; shift += DIGIT_BITS) {
        memset(start, 0, sizeof start);
        for (size_t j = 0; j < n; j++)
            start[ref[j].agent >> shift & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t count = start[b];
            start[b] = sum;
            sum += count;
        }
        for (size_t j = 0; j < n; j++)
            tmp[start[ref[j].agent >> shift & (BUCKETS - 1)]++] = ref[j];
        agent_ref *swap = ref;
        ref = tmp;
        tmp = swap;
    }
    return ref;
}
