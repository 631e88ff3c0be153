/* Drawing an auction's K distinct participants out of N agents. This runs once
 * per auction (1e4 auctions a round), so it is O(K) whatever N is, allocates
 * nothing, and touches only a small caller-owned hash set.
 *
 * Frozen format: the draws consumed and the order of the output are part of
 * every run's results. */
#include "sampling.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

/* Up to this many participants keep_distinct uses the bit filter below. */
enum { FILTER_MAX_K = 128 };

/* keep_distinct for small k: a filter of at least 128k bits, one per hashed
 * id, says "surely new" for almost every draw; only when the bit is already
 * set (at most one draw in 128 by chance, or a real repeat) are the ids kept
 * so far compared, O(k) but rare. At auction sizes this beats the hash set:
 * a quarter of the bytes to clear and no probing loop (~60 vs ~90 ns for 50
 * of a million). */
static void keep_distinct_filtered(uint32_t n, uint32_t k, uint32_t *out, uint32_t *words)
{
    unsigned bits = log2_pow2(128u * k);
    unsigned shift = 32u - bits;
    memset(words, 0, ((size_t)1 << bits) / 8u);
    uint32_t first = n - k;
    for (uint32_t j = 0; j < k; j++) {
        uint32_t id = out[j], h = slot_of(id, shift), bit = 1u << (h & 31u);
        if (words[h >> 5] & bit) {
            int seen = 0;
            for (uint32_t q = 0; q < j; q++)
                seen |= out[q] == id;
            if (seen) { /* Floyd: keep j's own id, which no draw so far could reach */
                out[j] = id = first + j;
                h = slot_of(id, shift);
                bit = 1u << (h & 31u);
            }
        }
        words[h >> 5] |= bit;
    }
}

/* Floyd's draws do not depend on the set (a collision only changes what is
 * kept), so all k are drawn first into out, then this keeps or replaces them.
 * Above FILTER_MAX_K a hash set, cleared with one memset at the start of each
 * call: it has Theta(k) slots, so that is O(k) and needs no "pre-cleared"
 * contract from the caller. */
static void keep_distinct(uint32_t n, uint32_t k, uint32_t *out, uint32_t *scratch)
{
    if (k <= FILTER_MAX_K) {
        keep_distinct_filtered(n, k, out, scratch);
        return;
    }
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

/* Robert Floyd's algorithm (Bentley, "Programming Pearls: A sample of
 * brilliance", CACM 1987): for j = n-k .. n-1 draw t uniform in [0, j]; keep
 * t if new, else keep j (which cannot have been chosen yet). Every k-subset
 * comes out equally likely with exactly k draws. The *order* of the output is
 * not a uniform permutation (a collision always yields the current j), which
 * is fine: mechanisms rank by bid and break ties by id, never by position. */
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

/* Floyd's draws of eight streams at once, one per 64-bit lane: the PCG step
 * (a 64-bit multiply), the XSH-RR output (a 32-bit rotate) and Lemire's
 * multiply are all single AVX-512 instructions. A draw whose low product falls
 * under the bound (probability bound / 2^32, ~2e-4 at a million agents) may
 * need a rejection: that lane finishes it with the scalar rng_below, so the
 * results are exactly sample_distinct's. Returns the eight draws for `bound`,
 * lane l from stream l. */
#if defined(__x86_64__)
#define TARGET_WIDE __attribute__((target("avx512f,avx512dq,avx512vl")))

/* The draws of the eight states' PCG outputs for `bound` (the state is not
 * stepped), and which of them Lemire's test may reject. */
TARGET_WIDE static inline __m256i output8(__m512i state, uint32_t bound, __mmask8 *maybe)
{
    __m512i xs = _mm512_srli_epi64(_mm512_xor_si512(_mm512_srli_epi64(state, 18), state), 27);
    __m256i x32 = _mm512_cvtepi64_epi32(xs); /* truncates, like the C cast */
    __m256i rot = _mm512_cvtepi64_epi32(_mm512_srli_epi64(state, 59));
    __m256i r = _mm256_rorv_epi32(x32, rot);
    __m512i bound64 = _mm512_set1_epi64((long long)bound);
    __m512i m = _mm512_mul_epu32(_mm512_cvtepu32_epi64(r), bound64);
    *maybe = _mm512_cmplt_epu64_mask(_mm512_and_si512(m, _mm512_set1_epi64(0xffffffffLL)), bound64);
    return _mm512_cvtepi64_epi32(_mm512_srli_epi64(m, 32));
}

TARGET_WIDE static inline __m256i draw8(__m512i *state, __m512i incs, uint32_t bound)
{
    const __m512i mult = _mm512_set1_epi64((long long)6364136223846793005ULL);
    __m512i old = *state;
    *state = _mm512_add_epi64(_mm512_mullo_epi64(old, mult), incs);
    __mmask8 maybe;
    __m256i hi = output8(old, bound, &maybe);
    if (__builtin_expect(maybe, 0)) {
        /* Rare: settle the rejection test lane by lane in scalar code, from
         * the lane's state before this draw. */
        uint64_t before[8], st[8], inc[8];
        uint32_t draw[8];
        _mm512_storeu_si512(before, old);
        _mm512_storeu_si512(st, *state);
        _mm512_storeu_si512(inc, incs);
        _mm256_storeu_si256((__m256i *)draw, hi);
        uint32_t threshold = (0u - bound) % bound;
        for (int l = 0; l < 8; l++) {
            if (!(maybe >> l & 1u))
                continue;
            pcg32 one = {before[l], inc[l]};
            uint64_t prod = (uint64_t)pcg32_next(&one) * bound;
            while ((uint32_t)prod < threshold)
                prod = (uint64_t)pcg32_next(&one) * bound;
            draw[l] = (uint32_t)(prod >> 32);
            st[l] = one.state;
        }
        *state = _mm512_loadu_si512(st);
        hi = _mm256_loadu_si256((const __m256i *)draw);
    }
    return hi;
}

/* An 8 x 8 block of 32-bit values transposed in registers: row[q] lane l
 * becomes row[l] lane q. */
TARGET_WIDE static inline void transpose8x8(__m256i row[8])
{
    __m256i a[8], b[8];
    for (int q = 0; q < 8; q += 2) {
        a[q] = _mm256_unpacklo_epi32(row[q], row[q + 1]);
        a[q + 1] = _mm256_unpackhi_epi32(row[q], row[q + 1]);
    }
    for (int q = 0; q < 8; q += 4)
        for (int h = 0; h < 2; h++) {
            b[q + h] = _mm256_unpacklo_epi64(a[q + h], a[q + h + 2]);
            b[q + h + 2] = _mm256_unpackhi_epi64(a[q + h], a[q + h + 2]);
        }
    /* b[0..3] hold columns 0 1 2 3 (low half) and 4 5 6 7 (high half) of
     * rows 0-3, in the order 0, 2, 1, 3; b[4..7] the same of rows 4-7. */
    static const int column[4] = {0, 2, 1, 3};
    for (int c = 0; c < 4; c++) {
        row[column[c]] = _mm256_permute2x128_si256(b[c], b[c + 4], 0x20);
        row[column[c] + 4] = _mm256_permute2x128_si256(b[c], b[c + 4], 0x31);
    }
}

/* a * b mod 2^64 on eight lanes, b the same in every lane. */
TARGET_WIDE static inline __m512i times8(__m512i a, uint64_t b)
{
    return _mm512_mullo_epi64(a, _mm512_set1_epi64((long long)b));
}

/* Draws j = 0 .. k - 1 of the eight streams (bound first + j + 1), eight
 * draws at a time transposed in registers, so each stream's ids are stored
 * in its own row without going through memory twice.
 *
 * The eight states of a row's draws are kept apart, each a PCG jump of
 * eight steps ahead of the last (S' = M^8 S + inc (1 + M + ... + M^7), exact
 * mod 2^64): stepping one state through the row made every draw wait for the
 * multiply before it, and a 64-bit lane multiply takes ~15 cycles on Intel's
 * AVX-512 cores (3 on AMD's). A row in which Lemire's test may reject a draw
 * (rare) is drawn again step by step by draw8, from the row's first state. */
TARGET_WIDE static void draws8_avx512(pcg32 g[8], uint32_t first, uint32_t k,
                                      uint32_t *const out[8])
{
    uint64_t st[8], inc[8];
    for (int l = 0; l < 8; l++) {
        st[l] = g[l].state;
        inc[l] = g[l].inc;
    }
    __m512i state = _mm512_loadu_si512(st), incs = _mm512_loadu_si512(inc);
    uint32_t j = 0;
    if (k >= 8u) {
        /* S_q = M^q S_0 + inc C_q with C_q = 1 + M + ... + M^(q-1). */
        const uint64_t mult = 6364136223846793005ULL;
        uint64_t power[9] = {1}, partial[9] = {0};
        for (int q = 0; q < 8; q++) {
            power[q + 1] = power[q] * mult;
            partial[q + 1] = partial[q] * mult + 1u;
        }
        __m512i inc_part[9], s[8];
        for (int q = 1; q <= 8; q++)
            inc_part[q] = times8(incs, partial[q]);
        s[0] = state;
        for (int q = 1; q < 8; q++)
            s[q] = _mm512_add_epi64(times8(state, power[q]), inc_part[q]);
        for (; j + 8u <= k; j += 8u) {
            __m256i row[8];
            __mmask8 maybe = 0;
#pragma GCC unroll 8
            for (int q = 0; q < 8; q++) {
                __mmask8 lane_maybe;
                row[q] = output8(s[q], first + j + (uint32_t)q + 1u, &lane_maybe);
                maybe |= lane_maybe;
            }
            if (__builtin_expect(maybe != 0, 0)) {
                state = s[0];
                for (int q = 0; q < 8; q++)
                    row[q] = draw8(&state, incs, first + j + (uint32_t)q + 1u);
                s[0] = state;
                for (int q = 1; q < 8; q++)
                    s[q] = _mm512_add_epi64(times8(state, power[q]), inc_part[q]);
            } else {
#pragma GCC unroll 8
                for (int q = 0; q < 8; q++)
                    s[q] = _mm512_add_epi64(times8(s[q], power[8]), inc_part[8]);
            }
            transpose8x8(row);
            for (int l = 0; l < 8; l++)
                _mm256_storeu_si256((__m256i *)(out[l] + j), row[l]);
        }
        state = s[0];
    }
    for (; j < k; j++) {
        uint32_t draw[8];
        _mm256_storeu_si256((__m256i *)draw, draw8(&state, incs, first + j + 1u));
        for (int l = 0; l < 8; l++)
            out[l][j] = draw[l];
    }
    _mm512_storeu_si512(st, state);
    for (int l = 0; l < 8; l++)
        g[l].state = st[l];
}

/* Up to this many participants repeats_avx512 decides for keep_distinct. */
enum { WIDE_CHECK_MAX_K = 64 };

/* Pairs within and across `full` vectors of sixteen ids: each vector against
 * the lanes of itself and of the vectors after it rotated by r (r <= 8 within
 * one vector covers every pair). Equal lanes XOR to zero, so the running
 * minimum of the XORs has a zero lane when two ids are equal: two plain
 * vector operations per compare, where compare masks ORed together went
 * through general registers one after another. One inlined copy per count,
 * so the vectors stay in registers, and one minimum per vector, so the
 * chains run side by side. */
__attribute__((target("avx512f"), always_inline)) static inline __m512i
full_pairs(const uint32_t *ids, int full)
{
    __m512i v[WIDE_CHECK_MAX_K / 16], low[WIDE_CHECK_MAX_K / 16];
#pragma GCC unroll 4
    for (int q = 0; q < full; q++) {
        v[q] = _mm512_loadu_si512(ids + 16 * q);
        low[q] = _mm512_set1_epi32(-1);
    }
#pragma GCC unroll 4
    for (int q = 0; q < full; q++)
#pragma GCC unroll 4
        for (int p = 0; p < q; p++)
            low[p] = _mm512_min_epu32(low[p], _mm512_xor_si512(v[p], v[q]));
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
#pragma GCC unroll 16
    for (int r = 1; r < 16; r++) {
        __m512i from = _mm512_and_si512(_mm512_add_epi32(lane, _mm512_set1_epi32(r)),
                                        _mm512_set1_epi32(15));
#pragma GCC unroll 4
        for (int q = 0; q < full; q++) {
            __m512i turned = _mm512_permutexvar_epi32(from, v[q]);
            if (r <= 8)
                low[q] = _mm512_min_epu32(low[q], _mm512_xor_si512(v[q], turned));
#pragma GCC unroll 4
            for (int p = 0; p < q; p++)
                low[p] = _mm512_min_epu32(low[p], _mm512_xor_si512(v[p], turned));
        }
    }
    __m512i all = _mm512_set1_epi32(-1);
#pragma GCC unroll 4
    for (int q = 0; q < full; q++)
        all = _mm512_min_epu32(all, low[q]);
    return all;
}

/* Whether any two of ids[0 .. k) are equal, k <= WIDE_CHECK_MAX_K: the full
 * vectors by full_pairs, then the k % 16 left over broadcast against
 * everything before them. Floyd keeps every draw when the draws are
 * distinct, and at a million agents 49 auctions in 50 are, so this settles
 * most auctions and keep_distinct runs only for the rest. */
__attribute__((target("avx512f"))) static int repeats_avx512(const uint32_t *ids, uint32_t k)
{
    uint32_t full = k / 16u, tail = k % 16u;
    __m512i low;
    switch (full) {
    case 0: low = _mm512_set1_epi32(-1); break;
    case 1: low = full_pairs(ids, 1); break;
    case 2: low = full_pairs(ids, 2); break;
    case 3: low = full_pairs(ids, 3); break;
    default: low = full_pairs(ids, 4); break;
    }
    __mmask16 hit = _mm512_cmpeq_epi32_mask(low, _mm512_setzero_si512());
    if (tail) {
        const uint32_t *rest = ids + 16u * full;
        __m512i left = _mm512_maskz_loadu_epi32((__mmask16)((1u << tail) - 1u), rest);
        for (uint32_t t = 0; t < tail; t++) {
            __m512i one = _mm512_set1_epi32((int)rest[t]);
            for (uint32_t q = 0; q < full; q++)
                hit |= _mm512_cmpeq_epi32_mask(_mm512_loadu_si512(ids + 16u * q), one);
            hit |= _mm512_mask_cmpeq_epi32_mask((__mmask16)((1u << t) - 1u), left, one);
        }
    }
    return hit != 0;
}
#endif

static int wide_draws(void)
{
#if defined(__x86_64__)
    static int known, wide;
    if (!known) {
        wide = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl");
        known = 1;
    }
    return wide;
#else
    return 0;
#endif
}

int sampling_repeats_wide(const uint32_t *ids, uint32_t k)
{
#if defined(__x86_64__)
    if (k <= WIDE_CHECK_MAX_K && wide_draws())
        return repeats_avx512(ids, k);
#endif
    (void)ids, (void)k;
    return -1;
}

int sample_distinct8(pcg32 g[8], uint32_t n, uint32_t k, uint32_t *const out[8], uint32_t *scratch)
{
    if (!wide_draws() || k == 0)
        return 0;
#if defined(__x86_64__)
    draws8_avx512(g, n - k, k, out);
    for (int l = 0; l < 8; l++)
        if (k > WIDE_CHECK_MAX_K || repeats_avx512(out[l], k))
            keep_distinct(n, k, out[l], scratch);
#endif
    return 1;
}
