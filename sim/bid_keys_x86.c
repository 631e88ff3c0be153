/* See bid_keys_x86.h. The selection finds the need-th largest key t (the
 * largest with at least `need` keys >= t) in two steps of fifteen
 * independent compares of the 64 keys, each into a bit mask and a popcount:
 * the counts fall as the threshold rises, so how many of 16, 32, ... 240
 * leave at least `need` keys is t's high nibble, and then likewise its low
 * one (3% faster rounds than eight dependent steps, one a bit, on the Intel
 * VM of BENCHMARKS.md). The ranking counts, for each candidate, the others
 * that beat it (higher bid, or equal and lower id) with a compare of all
 * sixteen at once. */
#include "bid_keys_x86.h"

#include <string.h>

#include "bid_keys.h"
#include "position.h"
#include "simd_wide.h"

#if defined(__x86_64__)
#include <immintrin.h>

enum { NONE, AVX2, AVX512 };

/* The widest kernels this process may run, asked once. */
static int kernels(void)
{
    static int known, level;
    if (!known) {
        const char *path = position_simd_path();
        level = simd_wide_allowed() && __builtin_cpu_supports("avx512bw") ? AVX512
                : strcmp(path, "avx2") == 0 || strcmp(path, "avx512") == 0 ? AVX2
                                                                           : NONE;
        known = 1;
    }
    return level;
}

/* The positions of the set bits of `chosen`, in increasing order. */
static uint32_t positions(uint64_t chosen, uint8_t *pos)
{
    uint32_t c = 0;
    for (; chosen; chosen &= chosen - 1)
        pos[c++] = (uint8_t)__builtin_ctzll(chosen);
    return c;
}

/* How many of the 64 keys in v reach c. */
__attribute__((target("avx512f,avx512bw"))) static inline uint32_t reach_avx512(__m512i v, unsigned c)
{
    return (uint32_t)__builtin_popcountll(_mm512_cmpge_epu8_mask(v, _mm512_set1_epi8((char)c)));
}

__attribute__((target("avx512f,avx512bw"))) static uint32_t select_avx512(
    const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos, uint32_t *eligible, uint32_t *placed)
{
    __m512i v = _mm512_maskz_loadu_epi8(n >= 64 ? ~0ull : (1ull << n) - 1u, k);
    uint64_t chosen = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8(BID_KEY_ELIGIBLE));
    *eligible = (uint32_t)__builtin_popcountll(chosen);
    *placed = (uint32_t)__builtin_popcountll(
        _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8(BID_KEY_UNDER_RESERVE)));
    if (*eligible > need) {
        unsigned high = 0, low = 0;
        for (unsigned q = 1; q < 16; q++)
            high += reach_avx512(v, 16 * q) >= need;
        for (unsigned q = 1; q < 16; q++)
            low += reach_avx512(v, 16 * high + q) >= need;
        chosen = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8((char)(16 * high + low)));
    }
    return positions(chosen, pos);
}

/* Which of the 64 keys in v[0..1] reach c, as a bit mask: unsigned bytes
 * reach c where max(key, c) is the key. */
__attribute__((target("avx2"))) static inline uint64_t at_least_avx2(const __m256i v[2], uint8_t c)
{
    __m256i at = _mm256_set1_epi8((char)c);
    uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v[0], at), v[0]));
    uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v[1], at), v[1]));
    return (uint64_t)lo | (uint64_t)hi << 32;
}

__attribute__((target("avx2,popcnt"))) static uint32_t select_avx2(
    const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos, uint32_t *eligible, uint32_t *placed)
{
    uint8_t padded[64] = {0}; /* key 0 past n: never a candidate, never counted */
    memcpy(padded, k, n);
    __m256i v[2] = {_mm256_loadu_si256((const __m256i *)padded),
                    _mm256_loadu_si256((const __m256i *)(padded + 32))};
    uint64_t chosen = at_least_avx2(v, BID_KEY_ELIGIBLE);
    *eligible = (uint32_t)__builtin_popcountll(chosen);
    *placed = (uint32_t)__builtin_popcountll(at_least_avx2(v, BID_KEY_UNDER_RESERVE));
    if (*eligible > need) {
        unsigned high = 0, low = 0;
        for (unsigned q = 1; q < 16; q++)
            high += (uint32_t)__builtin_popcountll(at_least_avx2(v, (uint8_t)(16 * q))) >= need;
        for (unsigned q = 1; q < 16; q++)
            low += (uint32_t)__builtin_popcountll(at_least_avx2(v, (uint8_t)(16 * high + q))) >= need;
        chosen = at_least_avx2(v, (uint8_t)(16 * high + low));
    }
    return positions(chosen, pos);
}

__attribute__((target("avx512f"))) static void rank_avx512(const double *bid, const uint32_t *id,
                                                           const uint8_t *pos, uint32_t c,
                                                           uint32_t need, uint32_t *order)
{
    __mmask16 in = (__mmask16)((1u << c) - 1u);
    __mmask8 lo = (__mmask8)in, hi = (__mmask8)(in >> 8);
    __m512d b0 = _mm512_maskz_loadu_pd(lo, bid), b1 = _mm512_maskz_loadu_pd(hi, bid + 8);
    __m512i ids = _mm512_maskz_loadu_epi32(in, id);
    for (uint32_t a = 0; a < c; a++) {
        __m512d ba = _mm512_set1_pd(bid[a]);
        __m512i ia = _mm512_set1_epi32((int)id[a]);
        unsigned above = _mm512_mask_cmp_pd_mask(lo, b0, ba, _CMP_GT_OQ) |
                         (unsigned)_mm512_mask_cmp_pd_mask(hi, b1, ba, _CMP_GT_OQ) << 8;
        unsigned equal = _mm512_mask_cmp_pd_mask(lo, b0, ba, _CMP_EQ_OQ) |
                         (unsigned)_mm512_mask_cmp_pd_mask(hi, b1, ba, _CMP_EQ_OQ) << 8;
        unsigned lower_id = _mm512_mask_cmplt_epu32_mask(in, ids, ia);
        uint32_t beaten_by = (uint32_t)__builtin_popcount(above | (equal & lower_id));
        if (beaten_by < need)
            order[beaten_by] = pos[a];
    }
}

__attribute__((target("avx2,popcnt"))) static void rank_avx2(const double *bid, const uint32_t *id,
                                                             const uint8_t *pos, uint32_t c,
                                                             uint32_t need, uint32_t *order)
{
    /* Padding bids -1 and ids 2^32 - 1 never beat a candidate (every
     * candidate's bid is positive). Ids are compared as signed numbers after
     * flipping their top bits, which orders them as unsigned ones. */
    double b[16];
    uint32_t ids[16];
    for (uint32_t q = 0; q < 16; q++) {
        b[q] = q < c ? bid[q] : -1.0;
        ids[q] = (q < c ? id[q] : UINT32_MAX) ^ 0x80000000u;
    }
    __m256d bv[4];
    for (int r = 0; r < 4; r++)
        bv[r] = _mm256_loadu_pd(b + 4 * r);
    __m256i iv[2] = {_mm256_loadu_si256((const __m256i *)ids),
                     _mm256_loadu_si256((const __m256i *)(ids + 8))};
    for (uint32_t a = 0; a < c; a++) {
        __m256d ba = _mm256_set1_pd(bid[a]);
        __m256i ia = _mm256_set1_epi32((int)(id[a] ^ 0x80000000u));
        unsigned above = 0, equal = 0, lower_id = 0;
        for (int r = 0; r < 4; r++) {
            above |= (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(bv[r], ba, _CMP_GT_OQ)) << (4 * r);
            equal |= (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(bv[r], ba, _CMP_EQ_OQ)) << (4 * r);
        }
        for (int r = 0; r < 2; r++)
            lower_id |= (unsigned)_mm256_movemask_ps(
                            _mm256_castsi256_ps(_mm256_cmpgt_epi32(ia, iv[r])))
                        << (8 * r);
        uint32_t beaten_by = (uint32_t)__builtin_popcount(above | (equal & lower_id));
        if (beaten_by < need)
            order[beaten_by] = pos[a];
    }
}

int bid_keys_select_x86(const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos,
                        uint32_t *eligible, uint32_t *placed, uint32_t *count)
{
    switch (kernels()) {
    case AVX512:
        *count = select_avx512(k, n, need, pos, eligible, placed);
        return 1;
    case AVX2:
        *count = select_avx2(k, n, need, pos, eligible, placed);
        return 1;
    }
    return 0;
}

int bid_keys_rank_x86(const double *bid, const uint32_t *id, const uint8_t *pos, uint32_t c,
                      uint32_t need, uint32_t *order)
{
    if (c > 16)
        return 0;
    switch (kernels()) {
    case AVX512:
        rank_avx512(bid, id, pos, c, need, order);
        return 1;
    case AVX2:
        rank_avx2(bid, id, pos, c, need, order);
        return 1;
    }
    return 0;
}

#else

int bid_keys_select_x86(const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos,
                        uint32_t *eligible, uint32_t *placed, uint32_t *count)
{
    (void)k, (void)n, (void)need, (void)pos, (void)eligible, (void)placed, (void)count;
    return 0;
}

int bid_keys_rank_x86(const double *bid, const uint32_t *id, const uint8_t *pos, uint32_t c,
                      uint32_t need, uint32_t *order)
{
    (void)bid, (void)id, (void)pos, (void)c, (void)need, (void)order;
    return 0;
}

#endif
