/* Drawing an auction's K distinct participants out of N agents. This runs once
 * per auction (1e4 auctions a round), so it is O(K) whatever N is, allocates
 * nothing, and touches only a small caller-owned hash set.
 *
 * Frozen format: the draws consumed and the order of the output are part of
 * every run's results. */
#include "sampling.h"

#include <string.h>

/* Marks a free slot. Ids are < n <= UINT32_MAX, so they never equal it. */
#define SLOT_EMPTY UINT32_MAX

/* At least eight times k slots keeps the load under 1/8, so an insertion
 * almost always finds its first slot empty and the probing branch is almost
 * never mispredicted (at load 1/2 it was, for one id in five, and the sampling
 * cost twice as much). Clearing 8k slots per call is cheap next to k draws.
 * Valid for k <= 2^28 (far beyond any auction); larger k is capped rather
 * than overflowing. */
uint32_t sampling_scratch_size(uint32_t k)
{
    uint32_t size = 2;
    while (size < 8u * (uint64_t)k && size < (1u << 31))
        size <<= 1;
    return size;
}

/* Fibonacci hashing: the multiply spreads consecutive ids (the common case:
 * Floyd inserts j = n-k .. n-1 on collisions) across the table's top bits. */
static inline uint32_t slot_of(uint32_t id, unsigned shift)
{
    return (uint32_t)(id * 2654435769u) >> shift;
}

/* Inserts id unless present; returns 1 when it was inserted. */
static inline int set_insert(uint32_t *table, uint32_t mask, unsigned shift, uint32_t id)
{
    uint32_t s = slot_of(id, shift);
    while (table[s] != SLOT_EMPTY) {
        if (table[s] == id)
            return 0;
        s = (s + 1u) & mask;
    }
    table[s] = id;
    return 1;
}

static unsigned log2_pow2(uint32_t size)
{
    unsigned bits = 0;
    while ((1u << bits) < size)
        bits++;
    return bits;
}

/* Robert Floyd's algorithm (Bentley, "Programming Pearls: A sample of
 * brilliance", CACM 1987): for j = n-k .. n-1 draw t uniform in [0, j]; keep
 * t if new, else keep j (which cannot have been chosen yet). Every k-subset
 * comes out equally likely with exactly k draws. The *order* of the output is
 * not a uniform permutation (a collision always yields the current j), which
 * is fine: mechanisms rank by bid and break ties by id, never by position.
 *
 * The table is cleared with one memset at the start of each call. It has
 * Theta(k) slots, so that is O(k), needs no "pre-cleared" contract from the
 * caller, and beats per-slot bookkeeping at K ~ 50 (a 2 KB memset). */
/* Floyd's draws do not depend on the set (a collision only changes what is
 * kept), so all k are drawn first into out, then this keeps or replaces them. */
static void keep_distinct(uint32_t n, uint32_t k, uint32_t *out, uint32_t *scratch)
{
    uint32_t size = sampling_scratch_size(k);
    unsigned bits = log2_pow2(size);
    unsigned shift = 32u - bits;
    uint32_t mask = size - 1u;
    memset(scratch, 0xff, (size_t)size * sizeof *scratch);
    uint32_t first = n - k;
    for (uint32_t j = 0; j < k; j++)
        if (!set_insert(scratch, mask, shift, out[j])) {
            out[j] = first + j;
            set_insert(scratch, mask, shift, out[j]);
        }
}

void sample_distinct(pcg32 *g, uint32_t n, uint32_t k, uint32_t *out, uint32_t *scratch)
{
    if (k == 0)
        return;
    uint32_t first = n - k;
    for (uint32_t j = 0; j < k; j++)
        out[j] = rng_below(g, first + j + 1u);
    keep_distinct(n, k, out, scratch);
}

/* Each PCG step waits for the previous one (a 64-bit multiply and add, ~4
 * cycles), so one stream leaves most of the core idle; four independent
 * streams stepped side by side fill it. */
void sample_distinct4(pcg32 g[4], uint32_t n, uint32_t k, uint32_t *const out[4],
                      uint32_t *scratch)
{
    if (k == 0)
        return;
    uint32_t first = n - k;
    uint32_t *o0 = out[0], *o1 = out[1], *o2 = out[2], *o3 = out[3];
    pcg32 g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3]; /* in registers, not reloaded per store */
    for (uint32_t j = 0; j < k; j++) {
        uint32_t bound = first + j + 1u;
        o0[j] = rng_below(&g0, bound);
        o1[j] = rng_below(&g1, bound);
        o2[j] = rng_below(&g2, bound);
        o3[j] = rng_below(&g3, bound);
    }
    g[0] = g0;
    g[1] = g1;
    g[2] = g2;
    g[3] = g3;
    for (int l = 0; l < 4; l++)
        keep_distinct(n, k, out[l], scratch);
}
