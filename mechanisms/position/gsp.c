/* Generalized second price (Edelman, Ostrovsky, Schwarz 2007; Varian 2007):
 * the winner of slot s pays, per click, the next-ranked eligible score, or the
 * reserve when nobody ranks below it, divided by its own weight:
 *     price_s = max(score_{s+1}, reserve) / w_s.
 * With quality weights this is the "rank by bid x quality" GSP of Varian
 * (2007, section 5): the least per-click bid that keeps the slot. Not
 * truthful; its lowest envy-free equilibrium has the VCG revenue. */
#include "position.h"

uint32_t position_price_gsp_weighted(const position_params *p, const double *bids,
                                   position_weights w, const uint32_t *order, uint32_t ranked,
                                   position_outcome *out)
{
    uint32_t filled = ranked < p->slots ? ranked : p->slots;
    uint32_t hits = 0;
    for (uint32_t s = 0; s < filled; s++) {
        /* Eligible scores are >= reserve already; the max only guards a caller
         * that ranked with a different reserve. */
        int below = s + 1u < ranked;
        double next = below ? position_score(w, bids, order[s + 1u]) : p->reserve;
        out->winner[s] = order[s];
        out->price[s] = position_per_weight(w, next > p->reserve ? next : p->reserve, order[s]);
        hits += !below && p->reserve > 0.0;
    }
    out->filled = filled;
    return hits;
}

void position_price_gsp(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out)
{
    position_price_gsp_weighted(p, bids, NULL, order, ranked, out);
}
