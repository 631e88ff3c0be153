/* e^x for Hedge's weights (issue 11, session 14), written out so that the
 * scalar path (here) and the eight-lane path (hedge_wide.c) take the same
 * operations in the same order and give the same bits on every machine,
 * which libm's exp does not promise across versions or paths.
 *
 * Hedge needs e^x only for x <= 0 (a level's log-weight minus the largest):
 *   - below -708 the result is 0: such a level's probability is under
 *     e^-708 (1e-307) relative to the best level's;
 *   - x = k ln 2 + r with k the integer nearest x / ln 2 (rounded by adding
 *     1.5 * 2^52) and |r| <= ln 2 / 2, r found with two fused multiply-adds
 *     (ln 2 split in a high and a low part, Cody & Waite 1980);
 *   - e^r by its Taylor series to r^13 / 13! in Estrin's form (pairs of
 *     terms, then pairs of pairs with r^2, r^4, r^8: a chain of 4 fused
 *     multiply-adds instead of Horner's 13): the first term left out is
 *     below 4e-18 relative at |r| = ln 2 / 2, so rounding, within 2 ulp of
 *     e^x (tests/test_learning.c), is the error;
 *   - times 2^k built from its exponent bits: k >= -1022, so no subnormals.
 * NaN gives 0, like a level that can never be chosen. The build is ISO C11
 * (CMAKE_C_EXTENSIONS OFF), in which GCC does not contract a * b + c on its
 * own, so the only fused operations are the fma calls. */
#ifndef AGORA_HEDGE_EXP_H
#define AGORA_HEDGE_EXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define HEDGE_EXP_MIN (-708.0)
#define HEDGE_EXP_LOG2E 1.4426950408889634
#define HEDGE_EXP_SHIFTER 6755399441055744.0 /* 1.5 * 2^52 */
#define HEDGE_EXP_LN2_HI 0x1.62e42fefa39efp-1
#define HEDGE_EXP_LN2_LO 0x1.abc9e3b39803fp-56

/* 1 / n! for n = 0 .. 13. */
static const double hedge_exp_taylor[14] = {
    1.0,
    1.0,
    0.5,
    0.16666666666666666,
    0.041666666666666664,
    0.008333333333333333,
    0.001388888888888889,
    0.0001984126984126984,
    2.48015873015873e-05,
    2.7557319223985893e-06,
    2.755731922398589e-07,
    2.505210838544172e-08,
    2.08767569878681e-09,
    1.6059043836821613e-10,
};

/* Always inlined: hedge_draw.c compiles it once more for CPUs with FMA. */
static inline __attribute__((always_inline)) double hedge_exp(double x)
{
    if (!(x >= HEDGE_EXP_MIN))
        return 0.0;
    double kd = (x * HEDGE_EXP_LOG2E + HEDGE_EXP_SHIFTER) - HEDGE_EXP_SHIFTER;
    double r = fma(-kd, HEDGE_EXP_LN2_HI, x);
    r = fma(-kd, HEDGE_EXP_LN2_LO, r);
    const double *c = hedge_exp_taylor;
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4, pair[7];
    for (int j = 0; j < 7; j++)
        pair[j] = fma(c[2 * j + 1], r, c[2 * j]);
    double q0 = fma(pair[1], r2, pair[0]), q1 = fma(pair[3], r2, pair[2]);
    double q2 = fma(pair[5], r2, pair[4]);
    double p = fma(fma(pair[6], r4, q2), r8, fma(q1, r4, q0));
    uint64_t bits = (uint64_t)((int64_t)kd + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#endif
