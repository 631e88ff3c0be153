/* Exact fixed-point accumulation; see fixed_sum.h. */
#include "fixed_sum.h"

#include <math.h>

/* Sums saturate at +-2^125 (sticky): two values within the limit add without
 * overflowing 128 bits, and a saturated sum stays saturated, so an out-of-range
 * total is reported rather than wrapped. */
#define FIXED_LIMIT ((__int128)1 << 125)

static void clamp(__int128 *v)
{
    if (*v > FIXED_LIMIT)
        *v = FIXED_LIMIT;
    else if (*v < -FIXED_LIMIT)
        *v = -FIXED_LIMIT;
}

void fixed_add_sum(fixed_sum *acc, fixed_sum x)
{
    acc->v += x.v;
    clamp(&acc->v);
}

void fixed_add(fixed_sum *acc, double x)
{
    /* Multiplying by a power of two is exact: the same as ldexp, without a call. */
    double scaled = x * FIXED_SCALE;
    /* Fast path: terms below 2^23 in magnitude round through int64 in a few
     * instructions (round half away from zero; any fixed rule keeps the sum
     * independent of order, which is all that matters here). */
    if (fabs(scaled) < 0x1p62) {
        acc->v += (int64_t)(scaled + copysign(0.5, scaled));
        clamp(&acc->v);
        return;
    }
    if (!(fabs(scaled) < 0x1p125)) {
        /* NaN or far out of range: saturate, so the sum is flagged. */
        acc->v = FIXED_LIMIT;
        return;
    }
    acc->v += (__int128)nearbyint(scaled);
    clamp(&acc->v);
}

double fixed_value(fixed_sum acc)
{
    return ldexp((double)acc.v, -FIXED_FRAC_BITS);
}

int fixed_out_of_range(fixed_sum acc)
{
    return acc.v >= FIXED_LIMIT || acc.v <= -FIXED_LIMIT;
}
