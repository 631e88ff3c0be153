/* Owners eight requests at a time. With one tally per destination the scalar
 * loop spends most of its time on the estimate, the two corrections and the
 * count; here each is one AVX-512 instruction for eight requests: the table of
 * first ids (at most 16 entries) lives in two registers and is indexed by a
 * permutation, and the counts are population counts of compare masks. The
 * arithmetic is owner_of's (round.c), so the owners are the same. */
#include "owners_wide.h"

#include <stdlib.h>
#include <string.h>

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
#endif

static int wide_owners(void)
{
#if defined(__x86_64__)
    static int known, wide;
    if (!known) {
        const char *forced = getenv("AGORA_SIMD");
        wide = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               (!forced || strcmp(forced, "avx512") == 0);
        known = 1;
    }
    return wide;
#else
    return 0;
#endif
}

int owners_wide_available(int ranks)
{
    return ranks <= 15 && wide_owners();
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
