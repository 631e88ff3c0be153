/* Exact fixed-point accumulation; see fixed_sum.h. */
#include "fixed_sum.h"

#include <math.h>

#define FIXED_LIMIT_BITS 126 /* headroom so that adding 2^126-sized terms cannot wrap */

void fixed_add(fixed_sum *acc, double x)
{
    /* Multiplying by a power of two is exact: the same as ldexp, without a call. */
    double scaled = x * FIXED_SCALE;
    /* Fast path: terms below 2^23 in magnitude round through int64 in a few
     * instructions (round half away from zero; any fixed rule keeps the sum
     * independent of order, which is all that matters here). */
    if (fabs(scaled) < 0x1p62) {
        acc->v += (int64_t)(scaled + copysign(0.5, scaled));
        return;
    }
    if (!(fabs(scaled) < ldexp(1.0, FIXED_LIMIT_BITS))) {
        /* NaN or far out of range: pin the sum to the edge so it is flagged. */
        acc->v = (__int128)1 << FIXED_LIMIT_BITS;
        return;
    }
    acc->v += (__int128)nearbyint(scaled);
}

double fixed_value(fixed_sum acc)
{
    return ldexp((double)acc.v, -FIXED_FRAC_BITS);
}

int fixed_out_of_range(fixed_sum acc)
{
    __int128 limit = (__int128)1 << (FIXED_FRAC_BITS + 86);
    return acc.v >= limit || acc.v <= -limit;
}
