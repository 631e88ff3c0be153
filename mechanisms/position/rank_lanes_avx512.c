/* AVX-512 key building and winner placement for the lane-parallel selection
 * (rank_lanes.c). The scalar versions cost more than the insertion network
 * itself: a branchy eligibility test and transposition per bid, then a scan of
 * every key and a binary search of the top list per winner. Here eligibility
 * is one compare per eight bids and the transposition eight-by-eight in
 * registers; the winners are the bids of the auction's own row at or above
 * its threshold, found eight at a time as bits, and a winner's place is the
 * number of top scores above its own, a compare and a population count.
 * Every step compares exactly, so the result is the scalar path's. */
#if defined(__x86_64__)
#include "rank_lanes_avx512.h"

#include "position.h"

#include <float.h>
#include <immintrin.h>
#include <math.h>

#define TARGET __attribute__((target("avx512f,popcnt")))

/* col[c] holds element c of every row: lane l of col[c] is rows[l][c]. */
TARGET __attribute__((always_inline)) static inline void transpose8(const __m512d rows[8],
                                                                    __m512d col[8])
{
    __m512d t[8], u[8];
    for (int r = 0; r < 8; r += 2) {
        t[r] = _mm512_unpacklo_pd(rows[r], rows[r + 1]);     /* elements 0 2 4 6 of rows r, r+1 */
        t[r + 1] = _mm512_unpackhi_pd(rows[r], rows[r + 1]); /* elements 1 3 5 7 */
    }
    /* In 128-bit blocks: 0x88 takes blocks 0 and 2 of each source, 0xdd blocks
     * 1 and 3. u[h] then holds elements h and h + 4 of rows 0-3, u[h + 4] of
     * rows 4-7. */
    for (int h = 0; h < 2; h++) {
        u[h] = _mm512_shuffle_f64x2(t[h], t[h + 2], 0x88);
        u[h + 2] = _mm512_shuffle_f64x2(t[h], t[h + 2], 0xdd);
        u[h + 4] = _mm512_shuffle_f64x2(t[h + 4], t[h + 6], 0x88);
        u[h + 6] = _mm512_shuffle_f64x2(t[h + 4], t[h + 6], 0xdd);
    }
    for (int h = 0; h < 4; h++) {
        col[h] = _mm512_shuffle_f64x2(u[h], u[h + 4], 0x88);
        col[h + 4] = _mm512_shuffle_f64x2(u[h], u[h + 4], 0xdd);
    }
}

TARGET void rank_keys_avx512(double at_least, const double *const *bids, uint32_t n, double *keys,
                             uint32_t *eligible)
{
    const __m512d lowest = _mm512_set1_pd(at_least), none = _mm512_set1_pd(-INFINITY);
    uint32_t count[8] = {0};
    for (uint32_t i = 0; i < n; i += 8) {
        uint32_t width = n - i < 8 ? n - i : 8;
        __mmask8 tail = (__mmask8)((1u << width) - 1u);
        __m512d key[8], col[8];
        for (int l = 0; l < 8; l++) {
            __m512d b = _mm512_maskz_loadu_pd(tail, bids[l] + i);
            __mmask8 ok = _mm512_mask_cmp_pd_mask(tail, b, lowest, _CMP_GE_OQ);
            key[l] = _mm512_mask_blend_pd(ok, none, b);
            count[l] += (uint32_t)__builtin_popcount(ok);
        }
        transpose8(key, col);
        for (uint32_t c = 0; c < width; c++)
            _mm512_storeu_pd(keys + (size_t)(i + c) * 8u, col[c]);
    }
    for (int l = 0; l < 8; l++)
        eligible[l] = count[l];
}

TARGET void rank_columns_avx512(const double *top, uint32_t cap, double *columns)
{
    const __m512d none = _mm512_set1_pd(-INFINITY);
    for (uint32_t v = 0; v < (cap + 7u) / 8u; v++) {
        __m512d rows[8], col[8];
        for (uint32_t p = 0; p < 8u; p++)
            rows[p] = v * 8u + p < cap ? _mm512_loadu_pd(top + (size_t)(v * 8u + p) * 8u) : none;
        transpose8(rows, col);
        for (uint32_t l = 0; l < 8u; l++)
            _mm512_storeu_pd(columns + (size_t)l * POSITION_LANE_CAP + v * 8u, col[l]);
    }
}

TARGET uint32_t rank_place_avx512(const double *row, uint32_t n, double at_least,
                                  const double *column, uint32_t cap, uint32_t *order)
{
    /* A winner's key is at least the threshold, and it is its bid when the
     * bid is at least the floor (else -inf): so the winners are the bids at
     * or above both. With fewer eligible than places the threshold is -inf. */
    double threshold = column[cap - 1u];
    if (threshold < at_least)
        threshold = at_least;
    const __m512d cut = _mm512_set1_pd(threshold);
    /* The lane's top list, eight places a vector, -inf past cap. */
    __m512d places_top[POSITION_LANE_CAP / 8u];
    uint32_t vectors = (cap + 7u) / 8u;
    for (uint32_t v = 0; v < vectors; v++)
        places_top[v] = _mm512_loadu_pd(column + v * 8u);
    uint32_t count = 0;
    uint64_t places = 0;
    for (uint32_t i = 0; i < n; i += 64) {
        /* The winners among 64 participants as bits, then one by one: the
         * loop runs `cap` times in the common case, so it predicts well. */
        uint64_t win = 0;
        for (uint32_t c = 0; c < 64 && i + c < n; c += 8) {
            uint32_t width = n - i - c < 8 ? n - i - c : 8;
            __mmask8 tail = (__mmask8)((1u << width) - 1u);
            __m512d k = _mm512_maskz_loadu_pd(tail, row + i + c);
            win |= (uint64_t)_mm512_mask_cmp_pd_mask(tail, k, cut, _CMP_GE_OQ) << c;
        }
        uint32_t found = (uint32_t)__builtin_popcountll(win);
        if (count + found > cap)
            return UINT32_MAX; /* ties at the threshold */
        count += found;
        for (uint32_t q = 0; q < found; q++, win &= win - 1u) {
            uint32_t j = i + (uint32_t)__builtin_ctzll(win);
            __m512d mine = _mm512_set1_pd(row[j]);
            uint32_t place = 0;
            for (uint32_t v = 0; v < vectors; v++)
                place += (uint32_t)__builtin_popcount(
                    _mm512_cmp_pd_mask(places_top[v], mine, _CMP_GT_OQ));
            places |= 1ull << place;
            order[place] = j;
        }
    }
    /* A winner's place counts the top scores above its own. Distinct scores
     * take the places 0 .. count - 1; a tie leaves one empty. */
    if (places != (count == 64 ? ~0ull : (1ull << count) - 1u))
        return UINT32_MAX;
    return count;
}
#endif
