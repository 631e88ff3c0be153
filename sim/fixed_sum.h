/* Exact, order-independent sums of doubles, so that totals reaching the output
 * cannot depend on how work was split over ranks. Each term is rounded once to a
 * multiple of 2^-40 (about 9.1e-13) and added as a 128-bit integer; integer
 * addition is associative, so any grouping of the same terms gives the same bits.
 * Range: |sum| < 2^85 (about 3.9e25). A term or sum outside it (or a NaN term)
 * saturates the sum at the edge, where fixed_out_of_range() reports it; the
 * engine then stops the run with an error instead of writing a wrong number. */
#ifndef AGORA_FIXED_SUM_H
#define AGORA_FIXED_SUM_H

#include <stdint.h>

#define FIXED_FRAC_BITS 40
#define FIXED_SCALE 0x1p40 /* 2^FIXED_FRAC_BITS */

typedef struct {
    __extension__ __int128 v;
} fixed_sum;

/* Saturation edge (sticky): two values within it add without overflowing 128
 * bits, so an out-of-range total is reported rather than wrapped. */
#define FIXED_LIMIT ((__int128)1 << 125)

/* acc += x for terms too large (or NaN) for the inline path below. */
void fixed_add_wide(fixed_sum *acc, double x);

/* acc += x rounded to the grid. Inline: settlement adds four terms per winner. */
static inline void fixed_add(fixed_sum *acc, double x)
{
    /* Multiplying by a power of two is exact: the same as ldexp, without a call. */
    double scaled = x * FIXED_SCALE;
    /* Terms below 2^22 in magnitude round through int64 in a few instructions
     * (round half away from zero; any fixed rule keeps the sum independent of
     * order, which is all that matters here). */
    if (!(__builtin_fabs(scaled) < 0x1p62)) {
        fixed_add_wide(acc, x);
        return;
    }
    __int128 v = acc->v + (int64_t)(scaled + __builtin_copysign(0.5, scaled));
    acc->v = v > FIXED_LIMIT ? FIXED_LIMIT : v < -FIXED_LIMIT ? -FIXED_LIMIT : v;
}
/* acc += x rounded like fixed_add, without the range clamp: for a local
 * total over a loop's terms that fixed_add_sum then adds, and clamps, once.
 * The same bits as fixed_add on every term while the total stays in range:
 * terms taking this path are below 2^62 on the grid, so 2^63 of them cannot
 * overflow 128 bits. Larger terms take the clamping wide path as before. */
static inline void fixed_add_unclamped(fixed_sum *acc, double x)
{
    double scaled = x * FIXED_SCALE;
    if (!(__builtin_fabs(scaled) < 0x1p62)) {
        fixed_add_wide(acc, x);
        return;
    }
    acc->v += (int64_t)(scaled + __builtin_copysign(0.5, scaled));
}
/* acc += x, saturating: how partial sums of several ranks are combined. */
void fixed_add_sum(fixed_sum *acc, fixed_sum x);
double fixed_value(fixed_sum acc);
/* True when |sum| reached the documented range (precision can no longer be promised). */
int fixed_out_of_range(fixed_sum acc);

#endif
