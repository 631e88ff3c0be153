/* Exact fixed-point accumulation; see fixed_sum.h. */
#include "fixed_sum.h"

#include <math.h>

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

void fixed_add_wide(fixed_sum *acc, double x)
{
    double scaled = x * FIXED_SCALE;
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
