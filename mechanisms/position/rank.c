/* Ranking one position auction's participants, and running an auction
 * (rank, then the mechanism's pricing rule). This is the simulator's hot loop
 * (~50 bidders, ~10 slots, 1e4 auctions a round per rank), so ranking is a
 * partial selection into the caller's small buffer: no allocation, no full
 * sort, and most bidders are rejected by one comparison against the current
 * last place once the buffer is full. With quality weights the score
 * bid * weight is formed at each comparison (one multiply, no buffer); the
 * selection is written once and specialised for both cases by the compiler,
 * so the unweighted path is the one it always was. */
#include "position.h"

#include <stddef.h>

/* The agent id used for tie-breaking; with no ids the participant index
 * stands in, which keeps unit tests and callers without ids simple. */
static inline uint32_t id_of(const uint32_t *ids, uint32_t i)
{
    return ids ? ids[i] : i;
}

static inline double key_of(const double *bids, const double *weight, int weighted, uint32_t i)
{
    return weighted ? bids[i] * weight[i] : bids[i];
}

/* Strict total order: higher score first, then lower agent id. Participants
 * are visited in index order, so equal ids (a caller error) keep that order. */
static inline int ranks_before(const double *bids, const double *weight, int weighted,
                               const uint32_t *ids, uint32_t i, uint32_t j)
{
    double a = key_of(bids, weight, weighted, i), b = key_of(bids, weight, weighted, j);
    return a > b || (a == b && id_of(ids, i) < id_of(ids, j));
}

/* Written as a negated conjunction so that NaN, which fails every
 * comparison, is ineligible without a separate isnan test. The bid must be
 * positive and the score reach the reserve (score units). */
static inline int eligible(double bid, double score, double reserve)
{
    return bid > 0.0 && score >= reserve;
}

static inline uint32_t select_top(const position_params *p, const double *bids, const double *w,
                                  const uint32_t *ids, uint32_t n, uint32_t *order, int weighted)
{
    uint32_t cap = p->slots + 1u; /* the best loser prices the last slot */
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!eligible(bids[i], key_of(bids, w, weighted, i), p->reserve))
            continue;
        if (count == cap && !ranks_before(bids, w, weighted, ids, i, order[cap - 1u]))
            continue;
        uint32_t pos = count < cap ? count++ : cap - 1u; /* full: evict the last */
        while (pos > 0 && ranks_before(bids, w, weighted, ids, i, order[pos - 1u])) {
            order[pos] = order[pos - 1u];
            pos--;
        }
        order[pos] = i;
    }
    return count;
}

uint32_t position_rank(const position_params *p, const double *bids, const uint32_t *ids,
                       uint32_t n, uint32_t *order)
{
    return select_top(p, bids, NULL, ids, n, order, 0);
}

uint32_t position_rank_weighted(const position_params *p, const double *bids, position_weights w,
                                const uint32_t *ids, uint32_t n, uint32_t *order)
{
    if (w)
        return select_top(p, bids, w, ids, n, order, 1);
    return select_top(p, bids, NULL, ids, n, order, 0);
}

void position_run(const position_mechanism *m, const position_params *p, const double *bids,
                  const uint32_t *ids, uint32_t n, uint32_t *order, position_outcome *out)
{
    uint32_t ranked = position_rank(p, bids, ids, n, order);
    m->price(p, bids, order, ranked, out);
}
