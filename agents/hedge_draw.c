/* Hedge's draw from its cumulative utilities (issue 11, session 14): the
 * weights exp(eta * (cum[k] - max cum)) (Freund & Schapire 1997) are worked
 * out at every draw, with hedge_exp, and summed in one fixed order. The
 * state is cum alone: an update only adds utilities, and the probabilities
 * are exact Hedge's at every draw (rounding aside) over any horizon.
 *
 * (Sessions 7-13 kept the weights themselves in the state, multiplied by a
 * factor per update, so that a draw needed no exponential: twice the state,
 * and rescaling and reviving weights that drifted or underflowed. Working
 * them out at each draw, eight or four lanes at a time, made the standard
 * Hedge run faster than moving the extra 256 bytes an agent through memory
 * did; BENCHMARKS.md, session 14.) */
#include "learning.h"

#include <string.h>

#include "hedge_exp.h"

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

static void weights_plain(const double *cum, uint32_t L, double eta, double top, double *w)
{
    for (uint32_t k = 0; k < L; k++)
        w[k] = hedge_exp(eta * (cum[k] - top));
}

#if defined(__x86_64__)
/* The same loop compiled for CPUs with FMA: the portable build otherwise
 * calls libm's fma() for each of hedge_exp's fused steps, which made the
 * scalar path's draws ~10x slower than this (the result is the same: fma
 * is exact either way). */
__attribute__((target("fma"))) static void weights_fma(const double *cum, uint32_t L, double eta,
                                                       double top, double *w)
{
    for (uint32_t k = 0; k < L; k++)
        w[k] = hedge_exp(eta * (cum[k] - top));
}
#endif

double hedge_weights(const double *cum, uint32_t L, double eta, double *w)
{
    if (L == 0)
        return 0.0;
    double top = learning_max(cum, L);
#if defined(__x86_64__)
    if (!hedge_exp_avx2(cum, L, eta, top, w)) {
        if (__builtin_cpu_supports("fma"))
            weights_fma(cum, L, eta, top, w);
        else
            weights_plain(cum, L, eta, top, w);
    }
#else
    weights_plain(cum, L, eta, top, w);
#endif
    return hedge_weights_total(w, L);
}

uint32_t hedge_draw(const double *cum, uint32_t L, double eta, double u)
{
    double w[CF_GRID_MAX];
    if (L == 0 || L > CF_GRID_MAX)
        return 0;
    double total = hedge_weights(cum, L, eta, w);
    return hedge_weights_choose(w, L, total, u);
}
