/* Bid shading: bid a fixed fraction of the per-click value. The simplest
 * non-truthful strategy, and the natural one under first-price rules. */
#include <math.h>
#include <stddef.h>

#include "behaviour.h"

const behaviour_param behaviour_shade_params[] = {
    {"factor", offsetof(behaviour_params, factor), 1.0, 0.0, INFINITY, 1, 0},
    {NULL, 0, 0, 0, 0, 0, 0},
};

double behaviour_shade_bid(const behaviour_params *p, double value, const double *state, double u)
{
    (void)state;
    (void)u;
    return p->factor * value;
}

void behaviour_shade_bid_many(const behaviour_params *p, const agent_state *a,
                              const uint32_t *index, size_t n, double *out)
{
    double factor = p->factor;
    for (size_t j = 0; j < n; j++)
        out[j] = factor * a->value[index[j]];
}
