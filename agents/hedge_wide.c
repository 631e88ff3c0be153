/* Hedge's update from one auction, eight grid levels at a time (issue 11).
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
 *   4. the weights' total is summed in level order, as the scalar path does.
 * Every step is exact or the scalar path's own operation, so the state after
 * an update has the same bits. */
#include "learning.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>

#include "simd_wide.h"

#define TARGET __attribute__((target("avx512f,avx512dq")))
#define VECTORS (CF_GRID_MAX / 8)

/* The bids of levels k0 .. k0 + 7: grid_multiplier(lo, hi, L, k) * value, the
 * same operations lane by lane (the build does not contract a * b + c). */
TARGET static inline __m512d level_bids(uint32_t k0, uint32_t L, double lo, double hi,
                                        double value)
{
    __m512i k = _mm512_add_epi64(_mm512_set1_epi64(k0), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
    __m512d q = _mm512_div_pd(_mm512_cvtepi64_pd(k), _mm512_set1_pd((double)(L - 1u)));
    __m512d m = _mm512_add_pd(_mm512_set1_pd(lo), _mm512_mul_pd(_mm512_set1_pd(hi - lo), q));
    __mmask8 first = _mm512_cmpeq_epi64_mask(k, _mm512_setzero_si512());
    __mmask8 last = _mm512_cmpge_epi64_mask(k, _mm512_set1_epi64(L - 1u));
    m = _mm512_mask_blend_pd(last, m, _mm512_set1_pd(hi));
    m = _mm512_mask_blend_pd(first, m, _mm512_set1_pd(lo));
    if (L < 2u)
        m = _mm512_set1_pd(lo);
    return _mm512_mul_pd(m, _mm512_set1_pd(value));
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
                          uint32_t n_others, double value, double lo, double hi, uint32_t L,
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
        entry[v] = level_entries(level_bids(v * 8u, L, lo, hi, value), p, others, n_elig);
        __m512i bit = _mm512_sllv_epi64(_mm512_set1_epi64(1), entry[v]);
        used |= (uint32_t)_mm512_mask_reduce_or_epi64(lanes, bit);
    }
    /* The best utility: learning_max picks the first of equal maxima, which
     * can differ from another only in the sign of a zero, and a zero's sign
     * changes neither u - best's exponential nor u != best. A NaN would. */
    double best = -INFINITY;
    for (uint32_t e = 0; e < CF_SLOT_TABLE; e++) {
        if (!(used >> e & 1u))
            continue;
        if (isnan(table[e]))
            return 0;
        best = table[e] > best ? table[e] : best;
    }
    double factor[CF_SLOT_TABLE];
    for (uint32_t e = 0; e < CF_SLOT_TABLE; e++)
        factor[e] = (used >> e & 1u) && table[e] != best ? exp(eta * (table[e] - best)) : 1.0;
    const __m512d util_lo = _mm512_loadu_pd(table), util_hi = _mm512_loadu_pd(table + 8);
    const __m512d factor_lo = _mm512_loadu_pd(factor), factor_hi = _mm512_loadu_pd(factor + 8);
    int zeros = 0;
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
    }
    double sum = 0.0;
    for (uint32_t k = 0; k < L; k++)
        sum += w[k];
    *total = hedge_weights_settle(cum, w, L, eta, sum, zeros);
    return 1;
}
#endif

int hedge_update_wide(cf_rule rule, const position_params *p, const double *others,
                      uint32_t n_others, double value, double lo, double hi, uint32_t L,
                      double eta, double *cum, double *w, double *total)
{
#if defined(__x86_64__)
    if (L == 0 || L > CF_GRID_MAX || !simd_wide_allowed())
        return 0;
    return update8(rule, p, others, n_others, value, lo, hi, L, eta, cum, w, total);
#else
    (void)rule, (void)p, (void)others, (void)n_others, (void)value, (void)lo, (void)hi;
    (void)L, (void)eta, (void)cum, (void)w, (void)total;
    return 0;
#endif
}
