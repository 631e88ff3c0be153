/* Hedge's update from one auction, and its draw, eight grid levels at a time
 * with AVX-512 (the draw also four at a time with AVX2 and FMA), with the
 * scalar paths' bits (issue 11).
 *
 * Update. The scalar path (cf_grid_utilities, then hedge_update) walks the
 * levels one by one with a branch per level and per slot. Under GSP and VCG
 * a level's utility is its slot's, so here:
 *   1. the utility of every slot is priced once (cf_slot_utilities, scalar,
 *      the same expressions);
 *   2. a level's slot is the number of eligible others at or above its bid:
 *      one compare per other for eight levels;
 *   3. cum[k] += its slot's utility, the same addition.
 *
 * Draw. hedge_draw's weights hedge_exp(eta * (cum[k] - max cum)), each
 * operation of hedge_exp.h done on eight (four) lanes, their running sums by
 * a scan within the group (hedge_draw.c's scan8 order) and the first level
 * whose running sum exceeds u * total. */
#include "learning.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#include "hedge_exp.h"
#include "simd_wide.h"

#define TARGET __attribute__((target("avx512f,avx512dq")))

/* The running sums of eight weights, lane j ending with w[0] + ... + w[j]
 * in the order of hedge_draw.c's scan8: add the lanes shifted up by 1, 2
 * and 4, zeros shifted in. */
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

/* hedge_exp on eight lanes: the same operations in the same order. */
TARGET static inline __m512d exp8(__m512d x)
{
    const __m512d shifter = _mm512_set1_pd(HEDGE_EXP_SHIFTER);
    __mmask8 live = _mm512_cmp_pd_mask(x, _mm512_set1_pd(HEDGE_EXP_MIN), _CMP_GE_OQ);
    __m512d kd = _mm512_sub_pd(
        _mm512_add_pd(_mm512_mul_pd(x, _mm512_set1_pd(HEDGE_EXP_LOG2E)), shifter), shifter);
    /* fma(-kd, c, x) is -(kd * c) + x rounded once: vfnmadd. */
    __m512d r = _mm512_fnmadd_pd(kd, _mm512_set1_pd(HEDGE_EXP_LN2_HI), x);
    r = _mm512_fnmadd_pd(kd, _mm512_set1_pd(HEDGE_EXP_LN2_LO), r);
    const double *c = hedge_exp_taylor;
    __m512d r2 = _mm512_mul_pd(r, r), r4 = _mm512_mul_pd(r2, r2), r8 = _mm512_mul_pd(r4, r4);
    __m512d pair[7];
    for (int j = 0; j < 7; j++)
        pair[j] = _mm512_fmadd_pd(_mm512_set1_pd(c[2 * j + 1]), r, _mm512_set1_pd(c[2 * j]));
    __m512d q0 = _mm512_fmadd_pd(pair[1], r2, pair[0]), q1 = _mm512_fmadd_pd(pair[3], r2, pair[2]);
    __m512d q2 = _mm512_fmadd_pd(pair[5], r2, pair[4]);
    __m512d p = _mm512_fmadd_pd(_mm512_fmadd_pd(pair[6], r4, q2), r8, _mm512_fmadd_pd(q1, r4, q0));
    __m512i k = _mm512_cvtpd_epi64(_mm512_maskz_mov_pd(live, kd)); /* exact: an integer */
    __m512i bits = _mm512_slli_epi64(_mm512_add_epi64(k, _mm512_set1_epi64(1023)), 52);
    return _mm512_maskz_mul_pd(live, p, _mm512_castsi512_pd(bits));
}

/* hedge_weights on eight lanes: w[v] holds levels 8v .. 8v + 7 (0 past L),
 * scan[v] their running sums within the group and before[v] the total of
 * the groups before it (hedge_weights_total's partial sums); 0 where a cum
 * is not a number (learning_max would then pick another top). */
TARGET static int weights8(const double *cum, uint32_t L, double eta, __m512d *w, __m512d *scan,
                           double *before, double *sum)
{
    uint32_t vectors = (L + 7u) / 8u;
    __m512d c[CF_GRID_MAX / 8];
    __m512d top = _mm512_set1_pd(-INFINITY);
    __mmask8 nan = 0;
    for (uint32_t v = 0; v < vectors; v++) {
        __mmask8 lanes = (__mmask8)(L - v * 8u >= 8u ? 0xff : (1u << (L - v * 8u)) - 1u);
        c[v] = _mm512_mask_loadu_pd(_mm512_set1_pd(-INFINITY), lanes, cum + v * 8u);
        nan |= _mm512_cmp_pd_mask(c[v], c[v], _CMP_UNORD_Q);
        top = _mm512_max_pd(top, c[v]);
    }
    if (nan)
        return 0;
    /* learning_max's value, but for the sign of a zero top: x - (+0) and
     * x - (-0) differ only in the sign of a zero, whose weight is 1 alike. */
    const __m512d best = _mm512_set1_pd(_mm512_reduce_max_pd(top)), rate = _mm512_set1_pd(eta);
    double total = 0.0;
    for (uint32_t v = 0; v < vectors; v++) {
        /* Lanes past L hold -inf: -inf - best is -inf, or NaN if eta is
         * 0, and exp8 gives 0 for both, as scan8 counts them. */
        w[v] = exp8(_mm512_mul_pd(rate, _mm512_sub_pd(c[v], best)));
        scan[v] = scan8_wide(w[v]);
        before[v] = total;
        total += lane7(scan[v]);
    }
    *sum = total;
    return 1;
}

TARGET static int weights8_out(const double *cum, uint32_t L, double eta, double *w,
                              double *total)
{
    __m512d x[CF_GRID_MAX / 8], scan[CF_GRID_MAX / 8];
    double before[CF_GRID_MAX / 8];
    if (!weights8(cum, L, eta, x, scan, before, total))
        return 0;
    for (uint32_t v = 0; v * 8u < L; v++) {
        __mmask8 lanes = (__mmask8)(L - v * 8u >= 8u ? 0xff : (1u << (L - v * 8u)) - 1u);
        _mm512_mask_storeu_pd(w + v * 8u, lanes, x[v]);
    }
    return 1;
}

TARGET static int draw8(const double *cum, uint32_t L, double eta, double u, uint32_t *out)
{
    __m512d w[CF_GRID_MAX / 8], scan[CF_GRID_MAX / 8];
    double before[CF_GRID_MAX / 8], total;
    if (!weights8(cum, L, eta, w, scan, before, &total))
        return 0;
    uint32_t vectors = (L + 7u) / 8u;
    double target = u * total;
    uint32_t last = 0;
    for (uint32_t v = 0; v < vectors; v++) {
        __m512d cdf = _mm512_add_pd(_mm512_set1_pd(before[v]), scan[v]);
        __mmask8 live = _mm512_cmp_pd_mask(w[v], _mm512_setzero_pd(), _CMP_GT_OQ);
        __mmask8 hit = live & _mm512_cmp_pd_mask(_mm512_set1_pd(target), cdf, _CMP_LT_OQ);
        if (hit) {
            *out = v * 8u + (uint32_t)__builtin_ctz(hit);
            return 1;
        }
        if (live)
            last = v * 8u + 31u - (uint32_t)__builtin_clz(live);
    }
    *out = last;
    return 1;
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
                          double *cum)
{
    double table[CF_SLOT_TABLE];
    uint32_t n_elig = cf_slot_utilities(rule, p, others, n_others, value, table);
    if (n_elig == UINT32_MAX)
        return 0;
    const __m512d util_lo = _mm512_loadu_pd(table), util_hi = _mm512_loadu_pd(table + 8);
    uint32_t vectors = (L + 7u) / 8u;
    __m512i entry[CF_GRID_MAX / 8];
    __mmask8 nan = 0;
    for (uint32_t v = 0; v < vectors; v++) {
        __mmask8 lanes = (__mmask8)(L - v * 8u >= 8u ? 0xff : (1u << (L - v * 8u)) - 1u);
        __m512d m = _mm512_maskz_loadu_pd(lanes, grid + v * 8u);
        entry[v] = level_entries(_mm512_mul_pd(m, _mm512_set1_pd(value)), p, others, n_elig);
        __m512d u = _mm512_permutex2var_pd(util_lo, entry[v], util_hi);
        nan |= _mm512_mask_cmp_pd_mask(lanes, u, u, _CMP_UNORD_Q);
    }
    if (nan) /* left to the scalar path */
        return 0;
    for (uint32_t v = 0; v < vectors; v++) {
        __mmask8 lanes = (__mmask8)(L - v * 8u >= 8u ? 0xff : (1u << (L - v * 8u)) - 1u);
        __m512d u = _mm512_permutex2var_pd(util_lo, entry[v], util_hi);
        __m512d x = _mm512_maskz_loadu_pd(lanes, cum + v * 8u);
        _mm512_mask_storeu_pd(cum + v * 8u, lanes, _mm512_add_pd(x, u));
    }
    return 1;
}

/* hedge_exp on four lanes with AVX2 and FMA, for CPUs without AVX-512: the
 * same operations; k is read from the rounded sum's low bits (x / ln 2 +
 * 1.5 * 2^52 holds k there exactly), as AVX2 cannot convert to int64. */
#define TARGET2 __attribute__((target("avx2,fma")))

TARGET2 static inline __m256d exp4(__m256d x)
{
    const __m256d shifter = _mm256_set1_pd(HEDGE_EXP_SHIFTER);
    const double *c = hedge_exp_taylor;
    __m256d live = _mm256_cmp_pd(x, _mm256_set1_pd(HEDGE_EXP_MIN), _CMP_GE_OQ);
    __m256d t = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(HEDGE_EXP_LOG2E)), shifter);
    __m256d kd = _mm256_sub_pd(t, shifter);
    __m256d r = _mm256_fnmadd_pd(kd, _mm256_set1_pd(HEDGE_EXP_LN2_HI), x);
    r = _mm256_fnmadd_pd(kd, _mm256_set1_pd(HEDGE_EXP_LN2_LO), r);
    __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2), r8 = _mm256_mul_pd(r4, r4);
    __m256d pair[7];
    for (int j = 0; j < 7; j++)
        pair[j] = _mm256_fmadd_pd(_mm256_set1_pd(c[2 * j + 1]), r, _mm256_set1_pd(c[2 * j]));
    __m256d q0 = _mm256_fmadd_pd(pair[1], r2, pair[0]), q1 = _mm256_fmadd_pd(pair[3], r2, pair[2]);
    __m256d q2 = _mm256_fmadd_pd(pair[5], r2, pair[4]);
    __m256d p = _mm256_fmadd_pd(_mm256_fmadd_pd(pair[6], r4, q2), r8, _mm256_fmadd_pd(q1, r4, q0));
    __m256i k = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(shifter));
    __m256i bits = _mm256_slli_epi64(_mm256_add_epi64(k, _mm256_set1_epi64x(1023)), 52);
    return _mm256_and_pd(live, _mm256_mul_pd(p, _mm256_castsi256_pd(bits)));
}

TARGET2 static void weights4(const double *cum, uint32_t L, double eta, double top, double *w)
{
    const __m256d rate = _mm256_set1_pd(eta), best = _mm256_set1_pd(top);
    uint32_t k = 0;
    for (; k + 4u <= L; k += 4u)
        _mm256_storeu_pd(w + k, exp4(_mm256_mul_pd(rate, _mm256_sub_pd(_mm256_loadu_pd(cum + k), best))));
    for (; k < L; k++)
        w[k] = hedge_exp(eta * (cum[k] - top));
}

/* scan8 on a group held in two halves, lanes 0-3 and 4-7: lane j adds lane
 * j - 1, then j - 2, then j - 4, zeros shifted in, as hedge_draw.c's scan8.
 * (A lane adding nothing keeps its value: weights are never -0.) */
TARGET2 static inline void scan8_avx2(__m256d *lo, __m256d *hi)
{
    const __m256d zero = _mm256_setzero_pd();
    __m256d up_lo = _mm256_blend_pd(_mm256_permute4x64_pd(*lo, _MM_SHUFFLE(2, 1, 0, 0)), zero, 1);
    __m256d up_hi = _mm256_blend_pd(_mm256_permute4x64_pd(*hi, _MM_SHUFFLE(2, 1, 0, 0)),
                                    _mm256_permute4x64_pd(*lo, _MM_SHUFFLE(3, 3, 3, 3)), 1);
    *lo = _mm256_add_pd(*lo, up_lo);
    *hi = _mm256_add_pd(*hi, up_hi);
    up_lo = _mm256_permute2f128_pd(*lo, *lo, 0x08); /* 0, 0, lo0, lo1 */
    up_hi = _mm256_permute2f128_pd(*lo, *hi, 0x21); /* lo2, lo3, hi0, hi1 */
    *lo = _mm256_add_pd(*lo, up_lo);
    *hi = _mm256_add_pd(*hi, up_hi);
    *hi = _mm256_add_pd(*hi, *lo);
}

/* hedge_draw with AVX2 and FMA: weights4, then each group's running sums by
 * scan8_avx2 and the first level whose running sum exceeds u * total. */
TARGET2 static uint32_t draw4(const double *cum, uint32_t L, double eta, double u)
{
    double w[CF_GRID_MAX + 8];
    uint32_t groups = (L + 7u) / 8u;
    weights4(cum, L, eta, learning_max(cum, L), w);
    for (uint32_t k = L; k < groups * 8u; k++)
        w[k] = 0.0;
    __m256d scan[CF_GRID_MAX / 4];
    double before[CF_GRID_MAX / 8], total = 0.0;
    for (uint32_t g = 0; g < groups; g++) {
        __m256d lo = _mm256_loadu_pd(w + 8u * g), hi = _mm256_loadu_pd(w + 8u * g + 4u);
        scan8_avx2(&lo, &hi);
        scan[2u * g] = lo, scan[2u * g + 1u] = hi;
        before[g] = total;
        total += _mm256_cvtsd_f64(_mm256_permute4x64_pd(hi, _MM_SHUFFLE(3, 3, 3, 3)));
    }
    const __m256d target = _mm256_set1_pd(u * total), zero = _mm256_setzero_pd();
    uint32_t last = 0;
    for (uint32_t g = 0; g < groups; g++) {
        const __m256d carry = _mm256_set1_pd(before[g]);
        for (uint32_t h = 0; h < 2u; h++) {
            __m256d x = _mm256_loadu_pd(w + 8u * g + 4u * h);
            __m256d cdf = _mm256_add_pd(carry, scan[2u * g + h]);
            int live = _mm256_movemask_pd(_mm256_cmp_pd(x, zero, _CMP_GT_OQ));
            int hit = live & _mm256_movemask_pd(_mm256_cmp_pd(target, cdf, _CMP_LT_OQ));
            if (hit)
                return 8u * g + 4u * h + (uint32_t)__builtin_ctz((unsigned)hit);
            if (live)
                last = 8u * g + 4u * h + 31u - (uint32_t)__builtin_clz((unsigned)live);
        }
    }
    return last;
}

/* Whether the AVX2 paths run: the CPU has AVX2 and FMA, and AGORA_SIMD is
 * unset or names avx2 or avx512 (asked once). */
static int avx2_runs(void)
{
    static int known, runs;
    if (!known) {
        const char *forced = getenv("AGORA_SIMD");
        runs = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               (!forced || strcmp(forced, "avx2") == 0 || strcmp(forced, "avx512") == 0);
        known = 1;
    }
    return runs;
}

#endif

int hedge_weights_wide(const double *cum, uint32_t L, double eta, double *w, double *total)
{
#if defined(__x86_64__)
    if (L == 0 || L > CF_GRID_MAX || !simd_wide_allowed())
        return 0;
    return weights8_out(cum, L, eta, w, total);
#else
    (void)cum, (void)L, (void)eta, (void)w, (void)total;
    return 0;
#endif
}

int hedge_exp_avx2(const double *cum, uint32_t L, double eta, double top, double *w)
{
#if defined(__x86_64__)
    if (!avx2_runs())
        return 0;
    weights4(cum, L, eta, top, w);
    return 1;
#else
    (void)cum, (void)L, (void)eta, (void)top, (void)w;
    return 0;
#endif
}

int hedge_draw_wide(const double *cum, uint32_t L, double eta, double u, uint32_t *k)
{
#if defined(__x86_64__)
    if (L == 0 || L > CF_GRID_MAX)
        return 0;
    if (simd_wide_allowed())
        return draw8(cum, L, eta, u, k);
    if (!avx2_runs())
        return 0;
    *k = draw4(cum, L, eta, u);
    return 1;
#else
    (void)cum, (void)L, (void)eta, (void)u, (void)k;
    return 0;
#endif
}

int hedge_update_wide(cf_rule rule, const position_params *p, const double *others,
                      uint32_t n_others, double value, const double *grid, uint32_t L,
                      double *cum)
{
#if defined(__x86_64__)
    if (L == 0 || L > CF_GRID_MAX || !simd_wide_allowed())
        return 0;
    return update8(rule, p, others, n_others, value, grid, L, cum);
#else
    (void)rule, (void)p, (void)others, (void)n_others, (void)value, (void)grid, (void)L;
    (void)cum;
    return 0;
#endif
}
