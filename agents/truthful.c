/* Truthful bidding: bid the per-click value. The dominant strategy under VCG
 * and the reference point every other behaviour is measured against. */
#include "behaviour.h"

double behaviour_truthful_bid(const behaviour_params *p, double value, const double *state,
                              double u)
{
    (void)p;
    (void)state;
    (void)u;
    return value;
}

void behaviour_truthful_bid_many(const behaviour_params *p, const agent_state *a,
                                 const uint32_t *index, size_t n, double *out)
{
    (void)p;
    for (size_t j = 0; j < n; j++)
        out[j] = a->value[index[j]];
}
