/* Generalized second price (Edelman, Ostrovsky, Schwarz 2007; Varian 2007):
 * the winner of slot s pays, per click, the next-ranked eligible bid, or the
 * reserve when nobody ranks below it. Not truthful; its lowest envy-free
 * equilibrium has the VCG revenue. */
#include "position.h"

void position_price_gsp(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out)
{
    uint32_t filled = ranked < p->slots ? ranked : p->slots;
    for (uint32_t s = 0; s < filled; s++) {
        /* Eligible bids are >= reserve already; the max only guards a caller
         * that ranked with a different reserve. */
        double next = s + 1u < ranked ? bids[order[s + 1u]] : p->reserve;
        out->winner[s] = order[s];
        out->price[s] = next > p->reserve ? next : p->reserve;
    }
    out->filled = filled;
}
