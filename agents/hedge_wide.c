/* Hedge's update from one auction, and its draw, eight grid levels at a time
 * (issue 11).
 * The scalar path (cf_grid_utilities, then hedge_weights_update) walks the
 * levels one by one with a branch per level, per slot and per run of equal
 * utilities: most of an update's ~300 ns. Under GSP and VCG a level's utility
 * is its slot's, so here:
 *   1. the utility of every slot is priced once (cf_slot_utilities, scalar,
 *      the same expressions);
 *   2. a level's slot is the number of eligible others at or above its bid:
 *      one compare per other for eight levels;
 *   3. a level's factor exp(eta * (u - best)) is its slot's, one exponential
 *      per slot that some level lands in (the scalar path takes one per run
 *      of equal utilities: the same arguments, so the same values);
 *   4. the weights' total is summed in hedge_weights_total's order: eight
 *      levels a register, a scan within it (session 14: the sum in level
 *      order was a chain of L dependent additions, a quarter of an update).
 * Every step is exact or the scalar path's own operation, so the state after
 * an update has the same bits. */
#include "learning.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>

#include "simd_wide.h"

#define TARGET __attribute__((target("avx512f,avx512dq")))
#define VECTORS (CF_GRID_MAX / 8)

/* The running sums of eight weights, lane j ending with w[0] + ... + w[j]
 * in the order of hedge_weights.c's scan8: add the lanes shifted up by 1,
 * 2 and 4, zeros shifted in. */
TARGET static inline __m512d scan8_wide(__m512d x)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i b = _mm512_castpd_si512(x);
    x = _mm512_add_pd(x, _mm512_castsi512_pd(_mm512_alignr_epi64(b, zero, 7)));
    b = _mm512_castpd_si512(x);
    x = _mm512_add_pd(x, _mm512_castsi512_pd(_mm512_alignr_epi64(b, zero, 6)));
    b = _mm512_castpd_si512(x);
    return _mm512_add_pd(x, _mm512_castsi512_pd(_mm512_alignr_epi64(b, zero, 4)));
}

TARGET static inline double lane7(__m512d x)
{
    return _mm512_cvtsd_f64(_mm512_permutexvar_pd(_mm512_set1_epi64(7), x));
}

/* Each level's entry in the slot table: its slot when its bid is eligible,
 * else `slots` (utility 0). */
TARGET static inline __m512i level_entries(__m512d bid, const position_params *p,
                                           const double *others, uint32_t n_elig)
{
    __m512i slot = _mm512_setzero_si512();
    for (uint32_t j = 0; j < n_elig; j++) {
        __mmask8 above = _mm512_cmp_pd_mask(_mm512_set1_pd(others[j]), bid, _CMP_GE_OQ);
        slot = _mm512_mask_add_epi64(slot, above, slot, _mm512_set1_epi64(1));
    }
    __mmask8 eligible = _mm512_cmp_pd_mask(bid, _mm512_setzero_pd(), _CMP_GT_OQ) &
                        _mm512_cmp_pd_mask(bid, _mm512_set1_pd(p->reserve), _CMP_GE_OQ);
    return _mm512_mask_blend_epi64(eligible, _mm512_set1_epi64(p->slots), slot);
}

TARGET static int update8(cf_rule rule, const position_params *p, const double *others,
                          uint32_t n_others, double value, const double *grid, uint32_t L,
                          double eta, double *cum, double *w, double *total)
{
    double table[CF_SLOT_TABLE];
    uint32_t n_elig = cf_slot_utilities(rule, p, others, n_others, value, table);
    if (n_elig == UINT32_MAX)
        return 0;
    uint32_t vectors = (L + 7u) / 8u;
    __m512i entry[VECTORS];
    uint32_t used = 0; /* the table entries some level takes */
    for (uint32_t v = 0; v < vectors; v++) {
        __mmask8 lanes = (__mmask8)(L - v * 8u >= 8u ? 0xff : (1u << (L - v * 8u)) - 1u);
        __m512d m = _mm512_maskz_loadu_pd(lanes, grid + v * 8u);
        __m512d bid = _mm512_mul_pd(m, _mm512_set1_pd(value));
        entry[v] = level_entries(bid, p, others, n_elig);
        __m512i bit = _mm512_sllv_epi64(_mm512_set1_epi64(1), entry[v]);
        used |= (uint32_t)_mm512_mask_reduce_or_epi64(lanes, bit);
    }
    /* The best utility: learning_max picks the first of equal maxima, which
     * can differ from another only in the sign of a zero, and a zero's sign
     * changes neither u - best's exponential nor u != best. A NaN would. */
    const __m512d util_lo = _mm512_loadu_pd(table), util_hi = _mm512_loadu_pd(table + 8);
    const __mmask8 used_lo = (__mmask8)used, used_hi = (__mmask8)(used >> 8);
    if (_mm512_mask_cmp_pd_mask(used_lo, util_lo, util_lo, _CMP_UNORD_Q) |
        _mm512_mask_cmp_pd_mask(used_hi, util_hi, util_hi, _CMP_UNORD_Q))
        return 0;
    const __m512d none = _mm512_set1_pd(-INFINITY);
    double best = _mm512_reduce_max_pd(_mm512_max_pd(_mm512_mask_blend_pd(used_lo, none, util_lo),
                                                     _mm512_mask_blend_pd(used_hi, none, util_hi)));
    const __m512d top = _mm512_set1_pd(best);
    uint32_t below = used & ((uint32_t)_mm512_cmp_pd_mask(util_lo, top, _CMP_NEQ_UQ) |
                             (uint32_t)_mm512_cmp_pd_mask(util_hi, top, _CMP_NEQ_UQ) << 8);
    double factor[CF_SLOT_TABLE];
    _mm512_storeu_pd(factor, _mm512_set1_pd(1.0));
    _mm512_storeu_pd(factor + 8, _mm512_set1_pd(1.0));
    for (; below; below &= below - 1u) {
        uint32_t e = (uint32_t)__builtin_ctz(below);
        factor[e] = exp(eta * (table[e] - best));
    }
    const __m512d factor_lo = _mm512_loadu_pd(factor), factor_hi = _mm512_loadu_pd(factor + 8);
    int zeros = 0;
    double group_sum[VECTORS];
    for (uint32_t v = 0; v < vectors; v++) {
        __mmask8 lanes = (__mmask8)(L - v * 8u >= 8u ? 0xff : (1u << (L - v * 8u)) - 1u);
        __m512d u = _mm512_permutex2var_pd(util_lo, entry[v], util_hi);
        __m512d c = _mm512_maskz_loadu_pd(lanes, cum + v * 8u);
        _mm512_mask_storeu_pd(cum + v * 8u, lanes, _mm512_add_pd(c, u));
        __m512d f = _mm512_permutex2var_pd(factor_lo, entry[v], factor_hi);
        __mmask8 scaled = lanes & _mm512_cmp_pd_mask(u, _mm512_set1_pd(best), _CMP_NEQ_UQ);
        __m512d x = _mm512_maskz_loadu_pd(lanes, w + v * 8u);
        x = _mm512_mask_mul_pd(x, scaled, x, f);
        _mm512_mask_storeu_pd(w + v * 8u, lanes, x);
        zeros += __builtin_popcount(lanes & _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_EQ_OQ));
        group_sum[v] = lane7(scan8_wide(_mm512_maskz_mov_pd(lanes, x)));
    }
    double sum = 0.0; /* hedge_weights_total's order */
    for (uint32_t v = 0; v < vectors; v++)
        sum += group_sum[v];
    *total = hedge_weights_settle(cum, w, L, eta, sum, zeros);
    return 1;
}
/* hedge_weights_choose, a group of eight levels a step: the same running
 * sums (scan8_wide plus the groups before), compares and fallback. */
TARGET static uint32_t choose8(const double *w, uint32_t L, double total, double u)
{
    double target = u * total, carry = 0.0;
    uint32_t last = 0;
    for (uint32_t g = 0; g < L; g += 8u) {
        __mmask8 lanes = (__mmask8)(L - g >= 8u ? 0xff : (1u << (L - g)) - 1u);
        __m512d x = _mm512_maskz_loadu_pd(lanes, w + g);
        __m512d s = scan8_wide(x);
        __m512d cdf = _mm512_add_pd(_mm512_set1_pd(carry), s);
        __mmask8 live = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GT_OQ);
        __mmask8 hit = live & _mm512_cmp_pd_mask(_mm512_set1_pd(target), cdf, _CMP_LT_OQ);
        if (hit)
            return g + (uint32_t)__builtin_ctz(hit);
        if (live)
            last = g + 31u - (uint32_t)__builtin_clz(live);
        carry += lane7(s);
    }
    return last;
}
#endif

int hedge_choose_wide(const double *w, uint32_t L, double total, double u, uint32_t *k)
{
#if defined(__x86_64__)
    if (L == 0 || !simd_wide_allowed())
        return 0;
    *k = choose8(w, L, total, u);
    return 1;
#else
    (void)w, (void)L, (void)total, (void)u, (void)k;
    return 0;
#endif
}

int hedge_update_wide(cf_rule rule, const position_params *p, const double *others,
                      uint32_t n_others, double value, const double *grid, uint32_t L,
                      double eta, double *cum, double *w, double *total)
{
#if defined(__x86_64__)
    if (L == 0 || L > CF_GRID_MAX || !simd_wide_allowed())
        return 0;
    return update8(rule, p, others, n_others, value, grid, L, eta, cum, w, total);
#else
    (void)rule, (void)p, (void)others, (void)n_others, (void)value, (void)grid;
    (void)L, (void)eta, (void)cum, (void)w, (void)total;
    return 0;
#endif
}
