/* One round of a position-auction market over all ranks (DESIGN.md, "One round"):
 * sample participants, route bid requests to owners, collect bids, run the
 * mechanism, route outcomes back, settle them in canonical order, and return this
 * rank's exact partial sums of the round's metrics. */
#ifndef AGORA_ROUND_H
#define AGORA_ROUND_H

#include <mpi.h>

#include "exchange.h"
#include "fixed_sum.h"
#include "metrics.h"
#include "population.h"
#include "position.h"
#include "scenario.h"

/* What an auction sends back to an owner for one request. */
typedef struct {
    double clicks;
    double payment; /* price per click * clicks, before the budget cap */
} bid_outcome;

typedef struct {
    const scenario *s;
    population *pop;
    int rank, ranks;
    uint64_t auction_lo, auction_hi; /* this rank's auctions each round */
    uint32_t bidders;
    const position_mechanism *mechanism;
    position_params params;
    exchange_plan plan;
    MPI_Datatype outcome_type;
    size_t exhausted; /* local agents with a spent budget */

    /* Per-round buffers, sized once at init. */
    uint32_t *participant; /* [auctions * bidders] global agent ids */
    int *owner;            /* owner rank of each participant */
    uint32_t *send_index;  /* local index at the owner, packed by destination */
    double *send_bid;      /* bids as they come back, packed by destination */
    bid_outcome *send_outcome;
    uint32_t *recv_index; /* requests this rank answers */
    double *recv_bid;
    bid_outcome *recv_outcome;
    size_t recv_capacity;
    /* One auction's scratch. */
    double *bids;
    uint32_t *sample_scratch, *order, *winner;
    double *price;
} market;

agora_status market_init(market *m, const scenario *s, population *pop, MPI_Comm comm,
                         agora_error *err);
void market_free(market *m);

/* Runs round t. sums[] receives this rank's partial sums of the summed metrics. */
agora_status market_round(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED], agora_error *err);

#endif
