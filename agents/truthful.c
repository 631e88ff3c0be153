/* Truthful bidding: bid the per-click value. The dominant strategy under VCG
 * and the reference point every other behaviour is measured against. */
#include "behaviour.h"

double behaviour_truthful_bid(const behaviour_params *p, const agent_state *a, size_t i,
                              uint64_t round)
{
    (void)p;
    (void)round;
    return a->value[i];
}

void behaviour_truthful_bid_many(const behaviour_params *p, const agent_state *a,
                                 const uint32_t *index, size_t n, uint64_t round, double *out)
{
    (void)p;
    (void)round;
    for (size_t j = 0; j < n; j++)
        out[j] = a->value[index[j]];
}
