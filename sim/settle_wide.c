/* Settlement eight winners at a time. Without budgets or learner state, most
 * of a winner's settling is arithmetic, not memory: six splitmix64 mixes (its
 * hash before and after, for the state digest) and three fixed-point terms.
 * Here the agents are updated one by one, in order, as before (an agent may
 * win twice in a row), and their old and new states recorded; the mixes and
 * the terms' rounding then run on eight lanes. Integer sums do not depend on
 * their order, so the digest and the fixed-point totals keep their bits:
 * each lane's terms are split into 32-bit halves and summed in 64-bit lanes,
 * and the halves are joined into the 128-bit sums once per call. A group with
 * a term too large for the lanes (or a NaN) is added term by term instead,
 * exactly as fixed_add_unclamped would. */
#include "settle_wide.h"

#include "prefetch.h"
#include "simd_wide.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512dq")))
/* Groups of eight winners whose lines are asked for ahead, a group at a
 * time: a prefetch per winner inside the updates (32 ahead) left the updates
 * waiting on full miss buffers; settling took ~15% longer (1 rank, 1e6
 * agents; 4 to 16 groups ahead measured alike). */
#define AHEAD_GROUPS 8

/* agent_mix64 (population.h) on eight lanes. */
TARGET static inline __m512i mix8(__m512i x)
{
    x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 30));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64((long long)0xbf58476d1ce4e5b9ULL));
    x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 27));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64((long long)0x94d049bb133111ebULL));
    return _mm512_xor_si512(x, _mm512_srli_epi64(x, 31));
}

/* population_agent_hash without budgets or learner state, from the lanes'
 * mixed ids and their spend and clicks. */
TARGET static inline __m512i hash8(__m512i mixed_id, const double *spend, const double *clicks)
{
    __m512i h = mix8(_mm512_xor_si512(mixed_id, _mm512_castpd_si512(_mm512_loadu_pd(spend))));
    return mix8(_mm512_xor_si512(h, _mm512_castpd_si512(_mm512_loadu_pd(clicks))));
}

/* 64-bit lane sums of the low (unsigned) and high (signed) 32-bit halves of
 * one fixed-point sum's terms. */
typedef struct {
    __m512i low, high;
} lane_sum;

/* The terms of fixed_add_unclamped for eight values, or 0 when one of them
 * takes its wide path (then the group is added term by term). */
TARGET static inline int round8(const double *x, __m512i *rounded)
{
    __m512d scaled = _mm512_mul_pd(_mm512_loadu_pd(x), _mm512_set1_pd(FIXED_SCALE));
    __m512d size = _mm512_abs_pd(scaled);
    if (_mm512_cmp_pd_mask(size, _mm512_set1_pd(0x1p62), _CMP_LT_OQ) != 0xff)
        return 0;
    /* scaled + copysign(0.5, scaled), truncated: the scalar rounding. */
    __m512d half = _mm512_or_pd(_mm512_set1_pd(0.5), _mm512_and_pd(scaled, _mm512_set1_pd(-0.0)));
    *rounded = _mm512_cvttpd_epi64(_mm512_add_pd(scaled, half));
    return 1;
}

TARGET static inline void add8(lane_sum *s, __m512i r)
{
    s->low = _mm512_add_epi64(s->low, _mm512_and_si512(r, _mm512_set1_epi64(0xffffffff)));
    s->high = _mm512_add_epi64(s->high, _mm512_srai_epi64(r, 32));
}

/* sum += the lanes' total, and the lanes restart from zero. */
TARGET static void flush(lane_sum *s, fixed_sum *sum)
{
    int64_t low[8], high[8];
    _mm512_storeu_si512(low, s->low);
    _mm512_storeu_si512(high, s->high);
    __extension__ __int128 total = 0;
    for (int l = 0; l < 8; l++)
        total += (__extension__(__int128)high[l] * 0x100000000) + low[l]; /* high may be negative: no shift */
    sum->v += total;
    s->low = s->high = _mm512_setzero_si512();
}

/* One group's winners as the scalar updates left them, for the lanes. */
typedef struct {
    uint64_t id[8];
    double spend_before[8], clicks_before[8], spend_after[8], clicks_after[8];
    double term[3][8]; /* welfare, revenue, clicks */
} group_record;

/* Applies group `o`'s eight outcomes one by one and records them in r; the
 * welfare terms are 0 without `value` (the caller counted them). */
static inline void update8(const agent_state *a, const double *value, const win_outcome *o,
                           const uint32_t *index, group_record *r)
{
    double *paid = a->paid;
    for (int q = 0; q < 8; q++) {
        uint32_t i = win_outcome_agent(&o[q], index);
        double *p = &paid[2u * (size_t)i]; /* agent_spend, then agent_clicks */
        r->spend_before[q] = p[0];
        r->clicks_before[q] = p[1];
        p[0] += o[q].payment;
        p[1] += o[q].clicks;
        r->spend_after[q] = p[0];
        r->clicks_after[q] = p[1];
        r->id[q] = a->first_id + i;
        r->term[0][q] = value ? value[i] * o[q].clicks : 0.0;
        r->term[1][q] = o[q].payment;
        r->term[2][q] = o[q].clicks;
    }
}

/* The lines the eight winners of group o will read and write. */
static inline void prefetch_group(const agent_state *a, const double *value, const win_outcome *o,
                                  const uint32_t *index)
{
    for (int q = 0; q < 8; q++) {
        uint32_t i = win_outcome_agent(&o[q], index);
        agora_prefetch(&a->paid[2u * (size_t)i]);
        if (value)
            agora_prefetch(&value[i]);
    }
}

/* The digest's change and the sums' terms of a recorded group. */
TARGET static inline __m512i lanes8(const group_record *r, __m512i change, lane_sum lanes[3],
                                    fixed_sum *sums[3])
{
    __m512i mixed = mix8(_mm512_loadu_si512(r->id));
    change = _mm512_add_epi64(change, hash8(mixed, r->spend_after, r->clicks_after));
    change = _mm512_sub_epi64(change, hash8(mixed, r->spend_before, r->clicks_before));
    __m512i rounded[3];
    if (round8(r->term[0], &rounded[0]) && round8(r->term[1], &rounded[1]) &&
        round8(r->term[2], &rounded[2])) {
        for (int k = 0; k < 3; k++)
            add8(&lanes[k], rounded[k]);
        return change;
    }
    for (int k = 0; k < 3; k++) {
        flush(&lanes[k], sums[k]);
        for (int q = 0; q < 8; q++)
            fixed_add_unclamped(sums[k], r->term[k][q]);
    }
    return change;
}

/* The lanes read each group one group after its scalar updates wrote it:
 * read at once, eight scalar stores could not be forwarded to one vector
 * load, and that stall was a fifth of settling. The digest and the sums do
 * not depend on the order of their terms. */
TARGET static size_t settle8(const agent_state *a, const double *value, const win_outcome *o,
                             size_t count, const uint32_t *index, fixed_sum *sums[3],
                             uint64_t *digest)
{
    lane_sum lanes[3];
    for (int k = 0; k < 3; k++)
        lanes[k].low = lanes[k].high = _mm512_setzero_si512();
    __m512i change = _mm512_setzero_si512();
    group_record record[2];
    size_t groups = count / 8u;
    for (size_t g = 0; g < AHEAD_GROUPS && g < groups; g++)
        prefetch_group(a, value, o + g * 8u, index);
    for (size_t group = 0; group <= groups; group++) {
        if (group + AHEAD_GROUPS < groups)
            prefetch_group(a, value, o + (group + AHEAD_GROUPS) * 8u, index);
        if (group < groups)
            update8(a, value, o + group * 8u, index, &record[group & 1u]);
        if (group > 0)
            change = lanes8(&record[(group - 1u) & 1u], change, lanes, sums);
    }
    for (int k = 0; k < 3; k++)
        flush(&lanes[k], sums[k]);
    /* Summed as unsigned: the lanes wrap by design, and the intrinsic's
     * reduction adds them as signed (overflow there is undefined). */
    uint64_t lanes_change[8];
    _mm512_storeu_si512(lanes_change, change);
    for (int l = 0; l < 8; l++)
        *digest += lanes_change[l];
    return groups * 8u;
}
#endif

int settle_wide_available(void)
{
    return simd_wide_allowed();
}

size_t settle_wide(const agent_state *a, const win_outcome *o, size_t count, const uint32_t *index,
                   fixed_sum *welfare, fixed_sum *revenue, fixed_sum *clicks, uint64_t *digest)
{
    if (a->budget_left || !settle_wide_available())
        return 0;
#if defined(__x86_64__)
    /* Without a welfare sum its terms are zeros, added to a sum nobody reads. */
    fixed_sum unused = {0};
    fixed_sum *sums[3] = {welfare ? welfare : &unused, revenue, clicks};
    return settle8(a, welfare ? a->value : NULL, o, count, index, sums, digest);
#else
    (void)o, (void)count, (void)index, (void)welfare, (void)revenue, (void)clicks, (void)digest;
    return 0;
#endif
}
