/* Generalized first price (the pre-2002 Overture rule): every winner pays its
 * own bid per click. Kept as the baseline whose bid cycling motivated GSP. */
#include "position.h"

void position_price_gfp(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out)
{
    uint32_t filled = ranked < p->slots ? ranked : p->slots;
    for (uint32_t s = 0; s < filled; s++) {
        out->winner[s] = order[s];
        out->price[s] = bids[order[s]];
    }
    out->filled = filled;
}
