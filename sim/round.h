/* One round of a position-auction market over all ranks (DESIGN.md, "One round"):
 * sample participants, route bid requests to owners, collect bids, run the
 * mechanism, route outcomes back, settle them in canonical order, and return this
 * rank's exact partial sums of the round's metrics. */
#ifndef AGORA_ROUND_H
#define AGORA_ROUND_H

#include <mpi.h>

#include "agent_order.h"
#include "exchange.h"
#include "fixed_sum.h"
#include "metrics.h"
#include "node_keys.h"
#include "aigc.h"
#include "phase_clock.h"
#include "population.h"
#include "position.h"
#include "probe.h"
#include "scenario.h"
#include "win_outcome.h"

typedef struct {
    const scenario *s;
    population *pop;
    int rank, ranks;
    int all_local; /* one rank: no routing at all, requests are their own slots */
    int settles_wide; /* settle_outcomes starts with settle_wide (round.c) */
    int stages_plainly; /* price_and_stage takes stage_plain (round.c) */
    uint64_t auction_lo, auction_hi; /* this rank's auctions each round */
    uint64_t request_origin; /* the auction whose requests start the buffers */
    uint32_t bidders;
    const position_mechanism *mechanism;
    position_params params;
    exchange_plan plan;    /* requests out, bids back */
    exchange_plan winners; /* outcomes of winning requests out */
    exchange_plan feedback; /* auction top bids to participants that learn from them */
    MPI_Datatype feedback_type;
    size_t feedback_size;  /* bytes of one feedback record */
    MPI_Datatype outcome_type;
    MPI_Datatype pair_type; /* a row of pair CTRs: `slots` doubles (send_pair) */
    uint64_t *agent_lo;    /* [ranks + 1] first agent id of each rank */
    double owner_scale;    /* ranks / agents: estimates an id's owner without dividing */
    int *tally;            /* [4][ranks]: owners per quarter of the requests, then cursors */
    size_t exhausted; /* local agents with a spent budget */
    uint64_t digest;  /* population_digest of the local agents, kept up to date */
    phase_clock *clock;

    /* Per-round buffers, sized once at init. */
    uint32_t *participant; /* [auctions * bidders] global agent ids */
    int *owner;            /* owner rank of each participant */
    uint32_t *send_index;  /* local index at the owner, packed by destination */
    double *send_bid;      /* bids as they come back, packed by destination */
    uint8_t *send_wants;   /* per request: the participant wants feedback */
    /* Per request: the participant's quality, answered by its owner beside
     * its bid when owners hold qualities (drawn or from a file,
     * population.h); NULL otherwise (a constant, or the whole list). */
    double *send_quality;
    /* Per request: the participant's row of `slots` pair CTRs, answered by its
     * owner when owners hold them (mechanism.pair_ctr from a file); else NULL. */
    double *send_pair;
    int *win_owner;        /* [auctions * slots] owner of each winner, auction order */
    win_outcome *win_staged, *win_send;
    uint32_t *recv_index; /* requests this rank answers */
    double *recv_bid;
    uint8_t *recv_wants;
    double *recv_quality;
    double *recv_pair;
    size_t recv_capacity;
    win_outcome *win_recv;
    size_t win_recv_capacity;
    int *fb_owner;                 /* owner of each staged feedback record */
    unsigned char *fb_staged, *fb_send, *fb_recv;
    size_t fb_count, fb_capacity, fb_recv_capacity;
    agent_ref *fb_order; /* the round's records by learner, and its scratch (learn) */
    size_t fb_order_capacity;
    /* This rank's own requests, answered without routing (set each round). */
    const uint32_t *local_index; /* their agents' local indices, in request order */
    double *local_bid;
    uint8_t *local_wants;
    double *local_quality;
    double *local_pair;
    size_t local_count;
    size_t staged; /* winners' outcomes staged this round */
    /* POSITION_LANES auctions ranked together (position_rank_lanes). */
    double *lane_bids;    /* [lanes][bidders], gathered when bids were routed */
    double *lane_quality; /* [lanes][bidders], or NULL without population.quality */
    uint32_t *lane_order; /* [lanes][slots + 1] */
    double *lane_scratch;
    /* One auction's view into the lanes: what the pricing, probes, AIGC markets
     * and feedback read. */
    const double *bids;
    uint32_t *order;
    double *quality;      /* [bidders] participants' quality; NULL without population.quality */
    const double *weight; /* ranking weights: quality under rank_by: score, else NULL */
    uint32_t *sample_scratch, *winner;
    double *price;

    /* AIGC markets (mechanism.name: aigc, sim/round_aigc.c); aigc == NULL otherwise. */
    const aigc_model *aigc;
    void *aigc_work;
    double *pair;       /* [bidders * slots] pair CTRs of the auction */
    double *aigc_value; /* [bidders] the reports the model sees (0: not eligible) */
    double *cont;       /* [bidders] cascade continuation, or NULL (all 1) */
    int32_t *aigc_pos;
    double *aigc_clicks, *aigc_pay, *aigc_price;

    /* Bids fixed for the run (market_init): every agent's bid key (bid_keys.h)
     * and value by global id, and each block auction's candidates; key_of is
     * NULL otherwise. One rank keeps its keys in bid_key; several ranks on one
     * node read everyone's keys and values from the node's shared memory. */
    const uint8_t *key_of;
    const double *value_of;
    uint8_t *bid_key;
    node_keys shared;
    fixed_sum staged_welfare; /* by shared keys: the staged winners' welfare (stage_winner) */
    uint8_t *candidates; /* [ROUND_BLOCK][BID_KEYS_MAX_BIDDERS] positions */
    uint8_t *n_candidates; /* [ROUND_BLOCK] */
    uint64_t keyed_auctions, keyed_candidates; /* over the run, for --profile */

    /* Probes (scenario `probes:`): this round's findings on this rank. */
    probe_stats probe;
    double *probe_bids; /* [bidders] a copy of the auction's reports to vary */
} market;

/* The send slot of request j (auction order), and its position in its owner's
 * block: with one rank both are j. */
static inline size_t market_slot(const market *m, size_t j)
{
    return m->all_local ? j : m->plan.slot[j];
}

/* The owner rank of request j, and the request's position in the block sent
 * to that owner (or kept, when the owner is this rank). */
static inline int market_owner(const market *m, size_t j)
{
    return m->all_local ? 0 : m->owner[j];
}

static inline uint32_t market_request_in_block(const market *m, size_t j, int owner)
{
    return (uint32_t)(market_slot(m, j) -
                      (m->all_local ? 0 : (size_t)m->plan.send_displs[owner]));
}

/* Stages the outcome of winning request j for its owner. */
static inline void market_stage_winner(market *m, size_t j, double clicks, double payment)
{
    int owner = market_owner(m, j);
    m->win_owner[m->staged] = owner;
    m->win_staged[m->staged++] = (win_outcome){
        .clicks = clicks,
        .payment = payment,
        .request = market_request_in_block(m, j, owner),
    };
}

/* `clock` receives the time of each phase of every round. */
agora_status market_init(market *m, const scenario *s, population *pop, phase_clock *clock,
                         MPI_Comm comm, agora_error *err);
void market_free(market *m);

/* Runs round t. sums[] receives this rank's partial sums of the summed metrics;
 * m->probe this rank's probe findings (the largest gain is reduced by the caller). */
agora_status market_round(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED], agora_error *err);

/* sim/round_aigc.c: an AIGC market's auction g (local index base into the
 * round's requests): pair CTRs, the user model's allocation and VCG payments,
 * winners staged like position winners. */
agora_status market_aigc_init(market *m, agora_error *err);
void market_aigc_free(market *m);
void market_aigc_auction(market *m, uint64_t g, uint64_t t, size_t base,
                         fixed_sum sums[METRIC_SUMMED]);

/* sim/round_probe.c: probes of one position or AIGC auction whose outcome is in
 * the market's scratch. */
void market_probe_position(market *m, size_t base, uint32_t ranked, const position_outcome *out);
void market_probe_aigc(market *m, size_t base);

#endif
