/* Position auctions (sponsored search): one auction ranks its participants' per-click
 * bids, fills `slots` positions with expected clicks ctr[0] >= ctr[1] >= ..., and
 * prices each filled position per click. Pure computation, no MPI, no globals.
 *
 * Conventions (documented in scenarios/README.md):
 *   - a bid is eligible when bid > 0 and bid >= reserve;
 *   - ranking is by bid, descending; ties go to the lower agent id;
 *   - price[s] is the price per click of the winner of slot s; the expected
 *     payment of that winner is price[s] * ctr[s]. */
#ifndef AGORA_POSITION_H
#define AGORA_POSITION_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t slots;
    const double *ctr; /* slots values, non-increasing, >= 0 */
    double reserve;    /* per-click reserve, >= 0 */
} position_params;

/* One auction's outcome: winner[s] is the participant index (into the bids
 * array) placed in slot s, for s < filled; price[s] its price per click. */
typedef struct {
    uint32_t filled;
    uint32_t *winner; /* caller-provided, `slots` entries */
    double *price;    /* caller-provided, `slots` entries */
} position_outcome;

/* Sorts the eligible participants and writes the best min(slots + 1, eligible)
 * participant indices to order (descending bid, ties to the lower id); returns
 * how many were written. */
uint32_t position_rank(const position_params *p, const double *bids, const uint32_t *ids,
                       uint32_t n, uint32_t *order);

/* A pricing rule: given the ranked eligible participants (ranked = count
 * written by position_rank), fill out->winner/price. */
typedef void (*position_price_fn)(const position_params *p, const double *bids,
                                  const uint32_t *order, uint32_t ranked,
                                  position_outcome *out);

typedef struct {
    const char *name;
    const char *description;
    position_price_fn price;
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
