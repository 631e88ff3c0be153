/* Position auctions (sponsored search): one auction ranks its participants' per-click
 * bids, fills `slots` positions with expected clicks ctr[0] >= ctr[1] >= ..., and
 * prices each filled position per click. Pure computation, no MPI, no globals.
 *
 * Conventions (documented in scenarios/README.md):
 *   - every participant has a ranking weight w (1 unless the caller passes
 *     weights: quality scores, mechanism.rank_by: score) and a score = bid * w;
 *   - a bid is eligible when bid > 0 and score >= reserve (the reserve is in
 *     score units);
 *   - ranking is by score, descending; ties go to the lower agent id;
 *   - price[s] is the price per click of the winner of slot s, in bid units:
 *     every rule works in score units and divides by the winner's own weight
 *     (GSP: max(next score, reserve) / w). The caller scales expected clicks
 *     by the ad's quality; the payment is price[s] * clicks.
 * With no weights (weight == NULL) every expression reduces to the unweighted
 * one operation for operation, so unweighted results are bit-identical to the
 * rules before weights existed. */
#ifndef AGORA_POSITION_H
#define AGORA_POSITION_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t slots;
    const double *ctr; /* slots values, non-increasing, >= 0 */
    double reserve;    /* per-click reserve in score units, >= 0 */
} position_params;

/* One auction's outcome: winner[s] is the participant index (into the bids
 * array) placed in slot s, for s < filled; price[s] its price per click. */
typedef struct {
    uint32_t filled;
    uint32_t *winner; /* caller-provided, `slots` entries */
    double *price;    /* caller-provided, `slots` entries */
} position_outcome;

/* Ranking weights, per participant (indexed like bids), > 0; NULL: all 1. */
typedef const double *position_weights;

/* The ranking score of participant i: bid * weight, or the bid without weights. */
static inline double position_score(position_weights w, const double *bids, uint32_t i)
{
    return w ? bids[i] * w[i] : bids[i];
}

/* A score-unit amount per unit of participant i's weight (x itself without
 * weights, so the unweighted rules are unchanged to the bit). */
static inline double position_per_weight(position_weights w, double x, uint32_t i)
{
    return w ? x / w[i] : x;
}

/* Sorts the eligible participants and writes the best min(slots + 1, eligible)
 * participant indices to order (descending score, ties to the lower id); returns
 * how many were written. */
uint32_t position_rank(const position_params *p, const double *bids, const uint32_t *ids,
                       uint32_t n, uint32_t *order);
/* The same, ranking by score = bid * w (w == NULL: position_rank). */
uint32_t position_rank_weighted(const position_params *p, const double *bids, position_weights w,
                                const uint32_t *ids, uint32_t n, uint32_t *order);

/* Several auctions ranked at once (rank_lanes.c): auction l < lanes has bids[l],
 * weights w[l] (NULL: none) and ids[l], n participants each; order[l] (slots + 1
 * entries) and ranked[l] receive exactly what position_rank_weighted returns,
 * eligible[l] the number of eligible participants. scratch holds position_lanes_scratch(n, slots) doubles. */
#define POSITION_LANES 8u /* one AVX-512 register of doubles */
#define POSITION_LANE_CAP 32u /* more ranked places: the reference selection */
void position_rank_lanes(const position_params *p, uint32_t lanes, const double *const *bids,
                         const position_weights *w, const uint32_t *const *ids, uint32_t n,
                         uint32_t *const *order, uint32_t *ranked, uint32_t *eligible,
                         double *scratch);
size_t position_lanes_scratch(uint32_t n, uint32_t slots);
/* The instruction set the selection uses ("avx512", "avx2", "sse2" or "scalar"), and a way
 * to force one (returns 0 when this CPU cannot run it). */
const char *position_simd_path(void);
int position_simd_force(const char *name);

/* A pricing rule: given the ranked eligible participants (ranked = count
 * written by position_rank), fill out->winner/price. */
typedef void (*position_price_fn)(const position_params *p, const double *bids,
                                  const uint32_t *order, uint32_t ranked,
                                  position_outcome *out);
/* The rule with ranking weights (ranked by position_rank_weighted with the same
 * w); returns the reserve hits: winners whose price the reserve alone set,
 * i.e. reserve > 0 and no eligible bidder ranked below them (GSP, VCG; always
 * 0 under GFP, which charges the bid). price(...) is this with w == NULL. */
typedef uint32_t (*position_price_weighted_fn)(const position_params *p, const double *bids,
                                               position_weights w, const uint32_t *order,
                                               uint32_t ranked, position_outcome *out);

typedef struct {
    const char *name;
    const char *description;
    position_price_fn price;
    position_price_weighted_fn price_weighted;
} position_mechanism;

/* Runs one auction: rank, then price. `order` is scratch of slots + 1 entries. */
void position_run(const position_mechanism *m, const position_params *p, const double *bids,
                  const uint32_t *ids, uint32_t n, uint32_t *order, position_outcome *out);

/* The registry: NULL when no mechanism has that name. */
const position_mechanism *position_mechanism_find(const char *name);
/* The i-th registered mechanism, NULL past the last: lets the scenario loader
 * accept exactly the registered names. */
const position_mechanism *position_mechanism_at(size_t i);
/* Names, for error messages: "gsp, vcg, gfp". */
const char *position_mechanism_names(void);

#endif
