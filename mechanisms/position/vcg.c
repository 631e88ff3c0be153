/* Vickrey-Clarke-Groves for position auctions: each winner pays the clicks it
 * takes away from those ranked below it. With b'_k the k-th ranked eligible
 * bid (or the reserve when there are fewer than k+1 eligible bidders), the
 * expected payment of slot s is
 *     T_s = sum_{j=s}^{S-1} (ctr_j - ctr_{j+1}) * b'_{j+1},   ctr_S = 0
 * (Edelman, Ostrovsky, Schwarz 2007; Varian 2007). Treating the
 * reserve as phantom bids makes VCG with a reserve charge at least
 * reserve * ctr_s. Truthful bidding is a dominant strategy.
 *
 * Quality weights (separable clicks: ad i in slot j gets w_i * ctr_j clicks,
 * Varian 2007 section 5). The reported welfare of ad i in slot j is
 * b_i * w_i * ctr_j = score_i * ctr_j, so the welfare-maximising allocation
 * ranks by score, and removing the winner of slot s moves every ad below it
 * up one slot: the others gain
 *     T_s = sum_{j=s}^{S-1} (ctr_j - ctr_{j+1}) * e'_{j+1},
 * the same sum with e'_k the k-th ranked score (the reserve, in score units,
 * as phantom). T_s is the winner's expected payment; its expected clicks are
 * w_s * ctr_s, so its price per click is T_s / (w_s * ctr_s): the sum is
 * formed in score space and divided by the winner's own weight. Without
 * weights this is the formula above, computed by the same operations. */
#include "position.h"

static inline double score_or_reserve(const position_params *p, const double *bids,
                                      position_weights w, const uint32_t *order, uint32_t ranked, uint32_t k)
{
    return k < ranked ? position_score(w, bids, order[k]) : p->reserve;
}

uint32_t position_price_vcg_weighted(const position_params *p, const double *bids,
                                   position_weights w, const uint32_t *order, uint32_t ranked,
                                   position_outcome *out)
{
    uint32_t slots = p->slots;
    uint32_t filled = ranked < slots ? ranked : slots;
    uint32_t hits = 0;
    /* T_s = T_{s+1} + (ctr_s - ctr_{s+1}) e'_{s+1}, summed from the bottom
     * slot up, term by term as in the formula (the reserve tail is not
     * telescoped to reserve * ctr), so one code path fixes the rounding. */
    double total = 0.0;
    for (uint32_t j = slots; j-- > 0;) {
        double below = j + 1u < slots ? p->ctr[j + 1u] : 0.0;
        total += (p->ctr[j] - below) * score_or_reserve(p, bids, w, order, ranked, j + 1u);
        if (j < filled) {
            out->winner[j] = order[j];
            out->price[j] =
                p->ctr[j] > 0.0 ? position_per_weight(w, total / p->ctr[j], order[j]) : 0.0;
            /* Nobody below: every term of T_j is the reserve. */
            hits += j + 1u >= ranked && p->reserve > 0.0;
        }
    }
    out->filled = filled;
    return hits;
}

void position_price_vcg(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out)
{
    position_price_vcg_weighted(p, bids, NULL, order, ranked, out);
}
