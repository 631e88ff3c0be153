/* Ranking several auctions at once: the engine's fast path for
 * position_rank_weighted. Inserting random bids into a sorted top-(slots + 1)
 * list mispredicts a branch for about every second bid (~15 ns each), so this
 * works in two branch-free steps:
 *
 *   1. the slots + 1 highest scores of POSITION_LANES auctions at once, one
 *      auction per SIMD lane, by a min/max insertion network:
 *          top'[p] = max(top[p], min(top[p - 1], x)),   top'[0] = max(top[0], x);
 *      min and max are exact, so every instruction set gives the same values;
 *   2. per auction, the participants scoring at least the last of them are
 *      the winners; when their scores are distinct, each one's place is the
 *      number of top scores above it.
 *
 * Ties (equal scores among the winners, or at the threshold) need the lower-id
 * rule, and go to the reference selection in rank.c, as does an auction with
 * more than POSITION_LANE_CAP ranked places. The result is always exactly what
 * position_rank_weighted returns.
 *
 * The instruction set is chosen once, at run time: AVX-512 or AVX2 where the
 * CPU has it, SSE2 (every x86-64) otherwise, a scalar loop elsewhere.
 * AGORA_SIMD=scalar, sse2, avx2 or avx512 in the environment forces one (tests
 * compare them). */
#include "position.h"
#include "rank_lanes_avx512.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef void (*top_fn)(const double *keys, uint32_t n, uint32_t cap, double *top);

/* keys: [n][POSITION_LANES], top: [cap][POSITION_LANES], both lane-minor. */
static void top_scalar(const double *keys, uint32_t n, uint32_t cap, double *top)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t l = 0; l < POSITION_LANES; l++) {
            double x = keys[i * POSITION_LANES + l];
            for (uint32_t p = cap - 1u; p > 0; p--) {
                double above = top[(p - 1u) * POSITION_LANES + l];
                double lo = above < x ? above : x;
                double *t = &top[p * POSITION_LANES + l];
                *t = *t > lo ? *t : lo;
            }
            top[l] = top[l] > x ? top[l] : x;
        }
}

#if defined(__x86_64__)
/* No key is NaN (ineligible participants enter as -inf), so max_pd and min_pd
 * are exact maxima and minima. Each path runs the network over a group of lanes
 * as wide as its register, one group after another, so that the group's top
 * list fits in registers (cap <= 11 of 16, or of 32 with AVX-512). It only
 * stays there when cap is a compile-time constant: with a run-time one the
 * compiler keeps the list on the stack, and every step waits for the store
 * before it (twice as slow). Hence one unrolled copy per cap up to 16 places
 * (slots <= 15, the usual page), and the loop beyond. */
#define TOP_NETWORK(VEC, WIDTH, LOAD, STORE, MAX, MIN, UNROLL)                                 \
    for (uint32_t h = 0; h < POSITION_LANES; h += WIDTH) {                                    \
        VEC t[POSITION_LANE_CAP];                                                              \
        for (uint32_t p = 0; p < cap; p++)                                                     \
            t[p] = LOAD(top + p * POSITION_LANES + h);                                         \
        for (uint32_t i = 0; i < n; i++) {                                                     \
            VEC x = LOAD(keys + i * POSITION_LANES + h);                                       \
            _Pragma(UNROLL) for (uint32_t p = cap - 1u; p > 0; p--)                            \
                t[p] = MAX(t[p], MIN(t[p - 1], x));                                            \
            t[0] = MAX(t[0], x);                                                               \
        }                                                                                      \
        for (uint32_t p = 0; p < cap; p++)                                                     \
            STORE(top + p * POSITION_LANES + h, t[p]);                                         \
    }

#define CAP_CASE(NAME, c)                                                                      \
    case c:                                                                                    \
        NAME##_cap(keys, n, c, top);                                                           \
        return;

#define TOP_PATH(NAME, ISA, VEC, WIDTH, LOAD, STORE, MAX, MIN)                                 \
    __attribute__((target(ISA), always_inline)) static inline void NAME##_cap(                 \
        const double *keys, uint32_t n, const uint32_t cap, double *top)                       \
    {                                                                                          \
        TOP_NETWORK(VEC, WIDTH, LOAD, STORE, MAX, MIN, "GCC unroll 16")                        \
    }                                                                                          \
    __attribute__((target(ISA))) static void NAME##_any(const double *keys, uint32_t n,        \
                                                         uint32_t cap, double *top)            \
    {                                                                                          \
        TOP_NETWORK(VEC, WIDTH, LOAD, STORE, MAX, MIN, "GCC unroll 1")                         \
    }                                                                                          \
    __attribute__((target(ISA))) static void NAME(const double *keys, uint32_t n, uint32_t cap,\
                                                  double *top)                                 \
    {                                                                                          \
        switch (cap) {                                                                         \
            CAP_CASE(NAME, 1) CAP_CASE(NAME, 2) CAP_CASE(NAME, 3) CAP_CASE(NAME, 4)            \
            CAP_CASE(NAME, 5) CAP_CASE(NAME, 6) CAP_CASE(NAME, 7) CAP_CASE(NAME, 8)            \
            CAP_CASE(NAME, 9) CAP_CASE(NAME, 10) CAP_CASE(NAME, 11) CAP_CASE(NAME, 12)         \
            CAP_CASE(NAME, 13) CAP_CASE(NAME, 14) CAP_CASE(NAME, 15) CAP_CASE(NAME, 16)        \
        default:                                                                               \
            NAME##_any(keys, n, cap, top);                                                     \
        }                                                                                      \
    }

TOP_PATH(top_sse2, "sse2", __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, _mm_max_pd, _mm_min_pd)
TOP_PATH(top_avx2, "avx2", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_max_pd,
         _mm256_min_pd)
/* All eight lanes in one register: where the CPU executes 512-bit operations
 * at full width (Zen 5), half the instructions of the AVX2 path. */
TOP_PATH(top_avx512, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_max_pd,
         _mm512_min_pd)
#endif

static const struct {
    const char *name;
    top_fn fn;
} paths[] = {
    {"scalar", top_scalar},
#if defined(__x86_64__)
    {"sse2", top_sse2},
    {"avx2", top_avx2},
    {"avx512", top_avx512},
#endif
};

static top_fn chosen;
static const char *chosen_name;

static int path_runs_here(const char *name)
{
#if defined(__x86_64__)
    if (strcmp(name, "avx2") == 0)
        return __builtin_cpu_supports("avx2");
    if (strcmp(name, "avx512") == 0)
        return __builtin_cpu_supports("avx512f");
#endif
    (void)name;
    return 1;
}

int position_simd_force(const char *name)
{
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (strcmp(paths[i].name, name) == 0 && path_runs_here(name)) {
            chosen = paths[i].fn;
            chosen_name = paths[i].name;
            return 1;
        }
    return 0;
}

const char *position_simd_path(void)
{
    if (!chosen) {
        const char *forced = getenv("AGORA_SIMD");
        if (!forced || !position_simd_force(forced)) {
            /* The widest path this CPU runs: the table is ordered narrowest first. */
            for (size_t i = sizeof paths / sizeof paths[0]; i-- > 0 && !chosen;)
                if (path_runs_here(paths[i].name))
                    position_simd_force(paths[i].name);
        }
    }
    return chosen_name;
}

size_t position_lanes_scratch(uint32_t n, uint32_t slots)
{
    (void)slots; /* the top list is padded to POSITION_LANE_CAP whatever the slots */
    return ((size_t)n + 2u * POSITION_LANE_CAP) * POSITION_LANES; /* keys, top, its columns */
}

/* Step 2 for one lane. top holds `width` (a power of two >= cap) scores per
 * lane, -inf past cap. Returns the number ranked, or UINT32_MAX when scores tie
 * among the winners or at the threshold (the caller then uses the reference). */
static uint32_t place_lane(const double *keys, uint32_t n, const double *top, uint32_t cap,
                           uint32_t width, uint32_t lane, uint32_t *order)
{
    /* With fewer eligible than places the threshold is -inf; eligible scores
     * are >= 0, so -DBL_MAX keeps them and still drops the ineligible. */
    double threshold = top[(cap - 1u) * POSITION_LANES + lane];
    if (threshold < -DBL_MAX)
        threshold = -DBL_MAX;
    uint32_t winner[POSITION_LANE_CAP + 1u], count = 0;
    for (uint32_t i = 0; i < n; i++) {
        /* Branch-free compaction; past cap entries land in the spare last one. */
        winner[count < cap ? count : cap] = i;
        count += keys[i * POSITION_LANES + lane] >= threshold;
    }
    if (count > cap)
        return UINT32_MAX; /* ties at the threshold */
    for (uint32_t p = 0; p + 1u < count; p++)
        if (top[p * POSITION_LANES + lane] == top[(p + 1u) * POSITION_LANES + lane])
            return UINT32_MAX;
    /* A winner's place is the number of top scores above its own: a
     * branch-free binary search of the descending list. */
    for (uint32_t q = 0; q < count; q++) {
        double k = keys[winner[q] * POSITION_LANES + lane];
        uint32_t place = 0;
        for (uint32_t step = width / 2u; step > 0; step /= 2u)
            place += top[(place + step - 1u) * POSITION_LANES + lane] > k ? step : 0u;
        order[place] = winner[q];
    }
    return count;
}

/* The ranking key of every participant, lane-minor: its score when eligible
 * (the rule of rank.c: bid > 0 and score >= reserve, which NaN fails), -inf
 * otherwise; unused lanes hold only -inf. */
static void any_keys(const position_params *p, uint32_t lanes, const double *const *bids,
                     const position_weights *w, uint32_t n, double *keys, uint32_t *eligible)
{
    for (uint32_t l = 0; l < POSITION_LANES; l++)
        for (uint32_t i = 0; i < n; i++) {
            double key = -INFINITY;
            if (l < lanes) {
                double score = position_score(w[l], bids[l], i);
                int ok = bids[l][i] > 0.0 && score >= p->reserve;
                key = ok ? score : -INFINITY;
                eligible[l] += (uint32_t)ok;
            }
            keys[i * POSITION_LANES + l] = key;
        }
}

/* The common case, every lane full and none weighted: one lane at a time (row
 * by row with branch-free & measured slower). */
static void unweighted_keys(double reserve, const double *const *bids, uint32_t n, double *keys,
                            uint32_t *eligible)
{
    for (uint32_t l = 0; l < POSITION_LANES; l++) {
        const double *b = bids[l];
        uint32_t e = 0;
        for (uint32_t i = 0; i < n; i++) {
            int ok = b[i] > 0.0 && b[i] >= reserve;
            keys[i * POSITION_LANES + l] = ok ? b[i] : -INFINITY;
            e += (uint32_t)ok;
        }
        eligible[l] = e;
    }
}

void position_rank_lanes(const position_params *p, uint32_t lanes, const double *const *bids,
                         const position_weights *w, const uint32_t *const *ids, uint32_t n,
                         uint32_t *const *order, uint32_t *ranked, uint32_t *eligible,
                         double *scratch)
{
    uint32_t cap = p->slots + 1u;
    double *keys = scratch, *top = scratch + (size_t)n * POSITION_LANES;
    for (uint32_t l = 0; l < lanes; l++)
        eligible[l] = 0;
    int weighted = 0;
    for (uint32_t l = 0; l < lanes; l++)
        weighted |= w[l] != NULL;
    if (!chosen)
        position_simd_path();
    int full = lanes == POSITION_LANES && !weighted;
#if defined(__x86_64__)
    int vector_place = full && chosen == top_avx512 && cap <= POSITION_LANE_CAP && !isnan(p->reserve);
#else
    int vector_place = 0;
#endif
    if (vector_place)
        rank_keys_avx512(rank_floor(p->reserve), bids, n, keys, eligible);
    else if (full)
        unweighted_keys(p->reserve, bids, n, keys, eligible);
    else
        any_keys(p, lanes, bids, w, n, keys, eligible);
    if (cap > POSITION_LANE_CAP) {
        for (uint32_t l = 0; l < lanes; l++)
            ranked[l] = position_rank_weighted(p, bids[l], w[l], ids[l], n, order[l]);
        return;
    }
    uint32_t width = 1;
    while (width < cap)
        width *= 2u;
    for (uint32_t q = 0; q < width * POSITION_LANES; q++)
        top[q] = -INFINITY;
    chosen(keys, n, cap, top);
#if defined(__x86_64__)
    double *columns = top + (size_t)POSITION_LANE_CAP * POSITION_LANES;
    if (vector_place)
        rank_columns_avx512(top, cap, columns);
#endif
    for (uint32_t l = 0; l < lanes; l++) {
#if defined(__x86_64__)
        if (vector_place)
            ranked[l] = rank_place_avx512(bids[l], n, rank_floor(p->reserve),
                                          columns + (size_t)l * POSITION_LANE_CAP, cap, order[l]);
        else
#endif
            ranked[l] = place_lane(keys, n, top, cap, width, l, order[l]);
        if (ranked[l] == UINT32_MAX)
            ranked[l] = position_rank_weighted(p, bids[l], w[l], ids[l], n, order[l]);
    }
}
