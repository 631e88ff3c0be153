/* Balanced bidding (BB) under GSP: Cary, Das, Edelman, Giotis, Heimerl,
 * Karlin, Mathieu & Schwarz 2007, "Greedy bidding strategies for keyword
 * auctions" (EC'07), Definition of BB. Assuming the others repeat their bids,
 * the agent targets the slot s* that maximises ctr_s (v - p_s) and bids
 *     b = v - (ctr_s* / ctr_s*-1) (v - p_s*),
 * the bid at which it would be indifferent between s* at its price and the
 * slot above at price b; for the top slot it bids its value. Slots past the
 * last have ctr 0 (the paper's theta_j = 0 for j > k), so an agent that can
 * profit from no slot also bids its value.
 *
 * Why this rule: its unique fixed point is the lowest envy-free (locally
 * envy-free) equilibrium of Edelman, Ostrovsky & Schwarz 2007, whose GSP
 * payments equal VCG's; Cary et al. prove convergence for up to two slots
 * under synchronous updates, and with probability 1 for any number of slots
 * when one random bidder updates at a time. */
#include "learning.h"

/* Slot s costs the bid to beat, others[s], at least the reserve; the reserve
 * alone when fewer than s + 1 others take part. */
static inline double slot_price(const double *others, uint32_t n_elig, double reserve,
                                uint32_t s)
{
    return s < n_elig && others[s] > reserve ? others[s] : reserve;
}

/* ctr_s (v - p_s); 0 for s = slots, "no slot" (the paper's zero-ctr slots). */
static inline double slot_utility(const position_params *p, const double *others,
                                  uint32_t n_elig, double value, uint32_t s)
{
    if (s >= p->slots)
        return 0.0;
    return p->ctr[s] * (value - slot_price(others, n_elig, p->reserve, s));
}

double balanced_bid(const position_params *p, const double *others, uint32_t n_others,
                    double value, uint32_t *target)
{
    uint32_t slots = p->slots;
    double reserve = p->reserve;
    /* Eligible others, as in cf_utility: only the first `slots` matter. */
    uint32_t cap = n_others < slots ? n_others : slots;
    uint32_t n_elig = 0;
    while (n_elig < cap && others[n_elig] > 0.0 && others[n_elig] >= reserve)
        n_elig++;

    /* Candidates s = 0 .. slots, the last meaning "no slot", utility 0. The
     * first maximum wins: ties go to the better slot. */
    uint32_t best = 0;
    double best_u = slot_utility(p, others, n_elig, value, 0);
    for (uint32_t s = 1; s <= slots; s++) {
        double u = slot_utility(p, others, n_elig, value, s);
        if (u > best_u) {
            best = s;
            best_u = u;
        }
    }
    if (target)
        *target = best;
    if (best == 0 || best >= slots || !(p->ctr[best - 1u] > 0.0))
        return value; /* top slot, no slot, or nothing to be indifferent to */
    double price = slot_price(others, n_elig, reserve, best);
    return value - (p->ctr[best] / p->ctr[best - 1u]) * (value - price);
}
