/* Owners eight requests at a time, and packing sixteen at a time. The scalar
 * loops spend their time on the owner's estimate, its two corrections and the
 * count, then on one cursor per destination; here each is one AVX-512
 * instruction for eight or sixteen requests. The table of first ids (at most
 * 16 entries) lives in two registers, indexed by a permutation; counts are
 * population counts of compare masks; each destination's requests are
 * compressed out of the sixteen, in order, and their slots expanded back into
 * place. The arithmetic is owner_of's and route_requests' (round.c), so the
 * results are the same. */
#include "owners_wide.h"

#include "simd_wide.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512dq,popcnt")))

TARGET static size_t owners8(const uint32_t *id, size_t n, const uint64_t *agent_lo, double scale,
                             int ranks, int *owner, int *tally)
{
    uint64_t table[16];
    for (int r = 0; r < 16; r++)
        table[r] = agent_lo[r <= ranks ? r : ranks];
    const __m512i low = _mm512_loadu_si512(table), high = _mm512_loadu_si512(table + 8);
    const __m512d times = _mm512_set1_pd(scale);
    const __m512i last = _mm512_set1_epi64(ranks - 1), one = _mm512_set1_epi64(1);
    uint32_t count[16] = {0};
    size_t done = n / 8u * 8u;
    for (size_t j = 0; j < done; j += 8) {
        __m512i ids = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(id + j)));
        __m512i r = _mm512_cvttpd_epi64(_mm512_mul_pd(_mm512_cvtepu64_pd(ids), times));
        r = _mm512_min_epi64(r, last);
        __mmask8 above = _mm512_cmpgt_epu64_mask(_mm512_permutex2var_epi64(low, r, high), ids);
        r = _mm512_mask_sub_epi64(r, above, r, one);
        __m512i next = _mm512_add_epi64(r, one);
        __mmask8 past = _mm512_cmple_epu64_mask(_mm512_permutex2var_epi64(low, next, high), ids);
        r = _mm512_mask_add_epi64(r, past, r, one);
        _mm256_storeu_si256((__m256i *)(owner + j), _mm512_cvtepi64_epi32(r));
        for (int q = 0; q < ranks; q++)
            count[q] += (uint32_t)__builtin_popcount(
                _mm512_cmpeq_epi64_mask(r, _mm512_set1_epi64(q)));
    }
    for (int q = 0; q < ranks; q++)
        tally[q] += (int)count[q];
    return done;
}

TARGET static size_t pack16(const uint32_t *id, const int *owner, size_t n, const uint64_t *agent_lo,
                            int ranks, int *next, uint32_t *slot, uint32_t *index)
{
    const __m512i iota = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    size_t done = n / 16u * 16u;
    for (size_t j = 0; j < done; j += 16) {
        __m512i r = _mm512_loadu_si512(owner + j), ids = _mm512_loadu_si512(id + j);
        __m512i slots = _mm512_setzero_si512();
        for (int q = 0; q < ranks; q++) {
            /* An empty mask stores nothing and expands nothing: no branch. */
            __mmask16 mine = _mm512_cmpeq_epi32_mask(r, _mm512_set1_epi32(q));
            int base = next[q], count = __builtin_popcount(mine);
            __m512i local = _mm512_sub_epi32(ids, _mm512_set1_epi32((int)(uint32_t)agent_lo[q]));
            _mm512_mask_storeu_epi32(index + base, (__mmask16)((1u << count) - 1u),
                                     _mm512_maskz_compress_epi32(mine, local));
            slots = _mm512_mask_expand_epi32(slots, mine,
                                             _mm512_add_epi32(iota, _mm512_set1_epi32(base)));
            next[q] = base + count;
        }
        _mm512_storeu_si512(slot + j, slots);
    }
    return done;
}
#endif

int owners_wide_available(int ranks)
{
    return ranks <= 15 && simd_wide_allowed();
}

size_t owners_wide(const uint32_t *id, size_t n, const uint64_t *agent_lo, double scale, int ranks,
                   int *owner, int *tally)
{
    if (!owners_wide_available(ranks))
        return 0;
#if defined(__x86_64__)
    return owners8(id, n, agent_lo, scale, ranks, owner, tally);
#else
    (void)id, (void)n, (void)agent_lo, (void)scale, (void)owner, (void)tally;
    return 0;
#endif
}

size_t pack_wide(const uint32_t *id, const int *owner, size_t n, const uint64_t *agent_lo, int ranks,
                 int *next, uint32_t *slot, uint32_t *index)
{
    if (!owners_wide_available(ranks))
        return 0;
#if defined(__x86_64__)
    return pack16(id, owner, n, agent_lo, ranks, next, slot, index);
#else
    (void)id, (void)owner, (void)n, (void)agent_lo, (void)next, (void)slot, (void)index;
    return 0;
#endif
}
