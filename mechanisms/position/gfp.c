/* Generalized first price (the pre-2002 Overture rule): every winner pays its
 * own bid per click, whatever the ranking weights. Kept as the baseline whose
 * bid cycling motivated GSP. The reserve (score units) only decides who is
 * eligible, so it never sets a price: reserve_hits stays 0. */
#include "position.h"

uint32_t position_price_gfp_weighted(const position_params *p, const double *bids,
                                   position_weights w, const uint32_t *order, uint32_t ranked,
                                   position_outcome *out)
{
    (void)w; /* ranking only: the price is the bid itself */
    uint32_t filled = ranked < p->slots ? ranked : p->slots;
    for (uint32_t s = 0; s < filled; s++) {
        out->winner[s] = order[s];
        out->price[s] = bids[order[s]];
    }
    out->filled = filled;
    return 0;
}

void position_price_gfp(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out)
{
    position_price_gfp_weighted(p, bids, NULL, order, ranked, out);
}
