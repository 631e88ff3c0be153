/* Hedge with its sampling weights kept between rounds (issue 11), so that a
 * draw costs a scan instead of L exponentials and an update costs one
 * exponential per run of equal utilities instead of L.
 *
 * The weights are Hedge's own, w[k] proportional to exp(eta * cum[k])
 * (Freund & Schapire 1997), but carried forward multiplicatively: an update
 * multiplies w[k] by exp(eta * (utility[k] - max utility)). Under GSP and VCG
 * the utility is constant across the grid levels that land in the same slot,
 * so an auction needs at most slots + 1 distinct factors, and the best
 * level's factor is exactly 1. The products drift from exp(eta * cum) by
 * rounding only (about one ulp per update), deterministically.
 *
 * Two things keep the weights well defined over any horizon:
 *   - scale: factors are at most 1, so the total shrinks; once it falls below
 *     2^-RESCALE_EXP every weight is multiplied by a power of two, which is
 *     exact, bringing the total back to [1/2, 1).
 *   - dead levels: a weight may underflow to 0 where the exact weight
 *     exp(eta * (cum[k] - max cum)) is merely tiny. Exact Hedge lets such a
 *     level come back once its cumulative utility catches up; here, when a
 *     zero-weight level's exact log-weight rises above -REVIVE, every weight
 *     is recomputed from cum. A weight underflows only below about e^-690
 *     relative to the total (the total stays above 2^-RESCALE_EXP), so the gap
 *     between the two thresholds keeps a level from flapping. */
#include "learning.h"

#include <math.h>
#include <string.h>

#define RESCALE_EXP 64
#define REVIVE 600.0

double hedge_weights_reset(const double *cum, uint32_t L, double eta, double *w)
{
    if (L == 0)
        return 0.0;
    double top = learning_max(cum, L);
    for (uint32_t k = 0; k < L; k++)
        w[k] = exp(eta * (cum[k] - top));
    return hedge_weights_total(w, L);
}

/* The running sums of one group of eight weights (n of them real, the rest
 * counted as 0): an inclusive scan by doubling distances 1, 2, 4, the order
 * an eight-lane register computes it in (hedge_wide.c). Adding 0.0 to a
 * weight, which is never -0, leaves its bits as they are. */
static void scan8(const double *w, uint32_t n, double s[8])
{
    double x[8];
    for (uint32_t j = 0; j < 8u; j++)
        x[j] = j < n ? w[j] : 0.0;
    for (uint32_t d = 1; d < 8u; d *= 2u) {
        double y[8];
        for (uint32_t j = 0; j < 8u; j++)
            y[j] = x[j] + (j >= d ? x[j - d] : 0.0);
        memcpy(x, y, sizeof x);
    }
    memcpy(s, x, sizeof x);
}

double hedge_weights_total(const double *w, uint32_t L)
{
    double total = 0.0, s[8];
    for (uint32_t g = 0; g < L; g += 8u) {
        scan8(w + g, L - g < 8u ? L - g : 8u, s);
        total += s[7];
    }
    return total;
}

uint32_t hedge_weights_choose(const double *w, uint32_t L, double total, double u)
{
    double target = u * total, carry = 0.0, s[8];
    uint32_t last = 0;
    for (uint32_t g = 0; g < L; g += 8u) {
        uint32_t n = L - g < 8u ? L - g : 8u;
        scan8(w + g, n, s);
        for (uint32_t j = 0; j < n; j++) {
            if (w[g + j] > 0.0) {
                last = g + j;
                if (target < carry + s[j])
                    return g + j;
            }
        }
        carry += s[7];
    }
    return last; /* the weights summed to just below u * total */
}

/* Whether some level's weight is 0 although its exact weight is not tiny. */
static int has_revivable(const double *cum, const double *w, uint32_t L, double eta)
{
    double top = learning_max(cum, L);
    for (uint32_t k = 0; k < L; k++)
        if (w[k] == 0.0 && eta * (cum[k] - top) > -REVIVE)
            return 1;
    return 0;
}

double hedge_weights_update(double *cum, double *w, uint32_t L, double eta,
                            const double *utility)
{
    if (L == 0)
        return 0.0;
    double best = learning_max(utility, L), factor = 1.0, last = best;
    int zeros = 0;
    for (uint32_t k = 0; k < L; k++) {
        cum[k] += utility[k];
        /* The factor of the previous level serves while the utility repeats. */
        if (utility[k] != last) {
            last = utility[k];
            factor = exp(eta * (last - best));
        }
        if (last != best)
            w[k] *= factor;
        zeros += w[k] == 0.0;
    }
    return hedge_weights_settle(cum, w, L, eta, hedge_weights_total(w, L), zeros);
}

double hedge_weights_settle(double *cum, double *w, uint32_t L, double eta, double total,
                            int zeros)
{
    if (!(total > 0.0) || !isfinite(total) || (zeros && has_revivable(cum, w, L, eta)))
        return hedge_weights_reset(cum, L, eta, w);
    int e;
    frexp(total, &e);
    if (e < -RESCALE_EXP) {
        for (uint32_t k = 0; k < L; k++)
            w[k] = ldexp(w[k], -e);
        total = hedge_weights_total(w, L); /* ldexp(total, -e) unless a weight was subnormal */
    }
    return total;
}
