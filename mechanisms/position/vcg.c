/* Vickrey-Clarke-Groves for position auctions: each winner pays the clicks it
 * takes away from those ranked below it. With b'_k the k-th ranked eligible
 * bid (or the reserve when there are fewer than k+1 eligible bidders), the
 * expected payment of slot s is
 *     T_s = sum_{j=s}^{S-1} (ctr_j - ctr_{j+1}) * b'_{j+1},   ctr_S = 0
 * (Edelman, Ostrovsky, Schwarz 2007; Varian 2007). Treating the
 * reserve as phantom bids makes VCG with a reserve charge at least
 * reserve * ctr_s. Truthful bidding is a dominant strategy. */
#include "position.h"

static inline double bid_or_reserve(const position_params *p, const double *bids,
                                    const uint32_t *order, uint32_t ranked, uint32_t k)
{
    return k < ranked ? bids[order[k]] : p->reserve;
}

void position_price_vcg(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out)
{
    uint32_t slots = p->slots;
    uint32_t filled = ranked < slots ? ranked : slots;
    /* T_s = T_{s+1} + (ctr_s - ctr_{s+1}) b'_{s+1}, summed from the bottom
     * slot up, term by term as in the formula (the reserve tail is not
     * telescoped to reserve * ctr), so one code path fixes the rounding. */
    double total = 0.0;
    for (uint32_t j = slots; j-- > 0;) {
        double below = j + 1u < slots ? p->ctr[j + 1u] : 0.0;
        total += (p->ctr[j] - below) * bid_or_reserve(p, bids, order, ranked, j + 1u);
        if (j < filled) {
            out->winner[j] = order[j];
            out->price[j] = p->ctr[j] > 0.0 ? total / p->ctr[j] : 0.0;
        }
    }
    out->filled = filled;
}
