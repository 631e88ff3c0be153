/* Bid shading: bid a fixed fraction of the per-click value. The simplest
 * non-truthful strategy, and the natural one under first-price rules. */
#include "behaviour.h"

double behaviour_shade_bid(const behaviour_params *p, const agent_state *a, size_t i,
                           uint64_t round)
{
    (void)round;
    return p->factor * a->value[i];
}
