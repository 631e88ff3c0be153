/* One distributed round of a position-auction market; see round.h. */
#include "round.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "big_alloc.h"
#include "bid_keys.h"
#include "node_keys.h"
#include "owners_wide.h"
#include "partition.h"
#include "prefetch.h"
#include "sampling.h"
#include "settle_wide.h"

#define SETTLE_PREFETCH 8 /* winners ahead */
/* Auctions handled together while their requests stay in cache (see
 * round_in_blocks): 3200 requests of 50, ~40 KB of ids and bids. */
enum { ROUND_BLOCK = 64 };
/* Owners are found, counted and packed in four quarters of the requests
 * side by side: one running tally per destination would make every request
 * wait for the last one's add to reach memory (a store-forwarding chain, most
 * of the time of these loops); four quarters make four independent chains.
 * Quarter s is [s * q, (s + 1) * q), the last one also taking the n % 4 rest. */
enum { QUARTERS = 4 };

/* One auction's top bids for one participant that learns from them: a fixed
 * header, then slots + 1 doubles. */
typedef struct {
    uint32_t request;  /* position in the block sent to the owner */
    int32_t position;  /* index in top, -1 when not among them */
    uint32_t n_top;
    uint32_t unused;
    double bid;
} feedback_header;

static void *alloc_array(size_t n, size_t size)
{
    return malloc((n ? n : 1) * size);
}

static int stages_plainly(const market *m);

static agora_status alloc_buffers(market *m, agora_error *err)
{
    size_t auctions = (size_t)(m->auction_hi - m->auction_lo);
    size_t requests = auctions * m->bidders, slots = m->params.slots;
    size_t wins = auctions * slots;
    m->agent_lo = alloc_array((size_t)m->ranks + 1, sizeof *m->agent_lo);
    m->tally = alloc_array((size_t)QUARTERS * (size_t)m->ranks, sizeof *m->tally);
    m->participant = alloc_array(requests, sizeof *m->participant);
    m->owner = alloc_array(requests, sizeof *m->owner);
    m->send_index = alloc_array(requests, sizeof *m->send_index);
    m->send_bid = alloc_array(requests, sizeof *m->send_bid);
    m->send_wants = alloc_array(requests, sizeof *m->send_wants);
    m->win_owner = alloc_array(wins, sizeof *m->win_owner);
    m->win_staged = alloc_array(wins, sizeof *m->win_staged);
    m->win_send = alloc_array(wins, sizeof *m->win_send);
    m->lane_bids = alloc_array((size_t)POSITION_LANES * m->bidders, sizeof *m->lane_bids);
    m->lane_order = alloc_array((size_t)POSITION_LANES * (slots + 1), sizeof *m->lane_order);
    m->lane_scratch = alloc_array(position_lanes_scratch(m->bidders, m->params.slots), sizeof(double));
    m->sample_scratch = alloc_array(sampling_scratch_size(m->bidders), sizeof(uint32_t));
    m->winner = alloc_array(slots, sizeof *m->winner);
    m->price = alloc_array(slots, sizeof *m->price);
    if (m->s->population.has_quality &&
        !(m->lane_quality = alloc_array((size_t)POSITION_LANES * m->bidders, sizeof(double))))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for quality scores");
    if (m->pop->quality &&
        !(m->send_quality = alloc_array(requests, sizeof *m->send_quality)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for quality scores");
    if (m->pop->pair_ctr &&
        !(m->send_pair = alloc_array(requests, slots * sizeof *m->send_pair)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for pair CTRs");
    if (m->s->probes.auctions && !(m->probe_bids = alloc_array(m->bidders, sizeof(double))))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for probes");
    if (!m->agent_lo || !m->tally || !m->participant || !m->owner || !m->send_index ||
        !m->send_bid || !m->send_wants || !m->win_owner || !m->win_staged || !m->win_send ||
        !m->lane_bids || !m->lane_order || !m->lane_scratch || !m->sample_scratch || !m->winner ||
        !m->price)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu bid requests per round",
                          requests);
    return AGORA_OK;
}

/* Whether this run may rank by bid keys (bid_keys.h): every bid the agent's
 * value for the whole run (truthful, no budgets, pacing or learning), so one
 * rank settles in blocks and several route in chunks; nothing that reads
 * every bid of an auction (quality scores, pair CTRs, probes, AIGC markets);
 * at most 64 bidders; and not turned off by AGORA_BID_KEYS=off (tests compare
 * both ways). Several ranks also need to share one node (node_keys.h). */
static int ranks_by_keys(const market *m)
{
    const population *pop = m->pop;
    const scenario *s = m->s;
    const char *off = getenv("AGORA_BID_KEYS");
    return pop->all_truthful && !pop->budgeted && !pop->learners &&
           !pop->wants_feedback && !pop->bandits && !s->population.has_quality && !pop->pair_ctr &&
           !s->probes.auctions && !s->mechanism.aigc && m->bidders <= BID_KEYS_MAX_BIDDERS &&
           !(off && strcmp(off, "off") == 0);
}

/* Keys that crowd more than this many times an even share into one class
 * would leave auctions with many candidates: ranking all bids costs less. */
#define KEYS_MOST_CROWDED 4.0

static agora_status keys_init(market *m, MPI_Comm comm, agora_error *err)
{
    int keyed = ranks_by_keys(m);
    if (!m->all_local) /* every rank takes the same way, or the collectives would not match */
        MPI_Allreduce(MPI_IN_PLACE, &keyed, 1, MPI_INT, MPI_LAND, comm);
    if (!keyed)
        return AGORA_OK;
    const agent_state *a = &m->pop->state;
    m->candidates = alloc_array((size_t)ROUND_BLOCK * BID_KEYS_MAX_BIDDERS, 1);
    m->n_candidates = alloc_array(ROUND_BLOCK, 1);
    if (!m->all_local) {
        node_keys_open(&m->shared, comm, a->value, a->n, a->first_id, m->params.reserve,
                       KEYS_MOST_CROWDED);
        m->key_of = m->shared.key;
        m->value_of = m->shared.value;
    } else if ((m->bid_key = alloc_array(a->n, 1))) {
        if (bid_keys_build(a->value, a->n, m->params.reserve, m->bid_key) <= KEYS_MOST_CROWDED) {
            m->key_of = m->bid_key;
            m->value_of = a->value;
        } else {
            free(m->bid_key);
            m->bid_key = NULL;
        }
    } else {
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for bid keys");
    }
    if (!m->candidates || !m->n_candidates)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for bid keys");
    return AGORA_OK;
}

agora_status market_init(market *m, const scenario *s, population *pop, phase_clock *clock,
                         MPI_Comm comm, agora_error *err)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->pop = pop;
    m->clock = clock;
    MPI_Comm_rank(comm, &m->rank);
    MPI_Comm_size(comm, &m->ranks);
    m->all_local = m->ranks == 1;
    m->settles_wide = !pop->budgeted && !pop->learners && !pop->state_hash && settle_wide_available();
    m->auction_lo = block_lo(s->market.auctions, m->ranks, m->rank);
    m->auction_hi = block_lo(s->market.auctions, m->ranks, m->rank + 1);
    m->bidders = (uint32_t)s->market.bidders;
    m->mechanism = position_mechanism_find(s->mechanism.name);
    if (!m->mechanism && !s->mechanism.aigc)
        return agora_fail(err, AGORA_EINTERNAL, "mechanism '%s' vanished from the registry",
                          s->mechanism.name);
    m->params.slots = s->mechanism.slots;
    m->params.ctr = s->mechanism.ctr;
    m->params.reserve = s->mechanism.reserve;

    agora_status st = exchange_init(&m->plan, comm, err);
    if (st == AGORA_OK)
        st = exchange_init(&m->winners, comm, err);
    if (st == AGORA_OK)
        st = exchange_init(&m->feedback, comm, err);
    if (st == AGORA_OK)
        st = alloc_buffers(m, err);
    if (st == AGORA_OK && s->mechanism.aigc)
        st = market_aigc_init(m, err);
    if (st != AGORA_OK)
        return st;
    /* Outcomes are opaque bytes: ranks of one run share one binary and machine kind. */
    MPI_Type_contiguous((int)sizeof(win_outcome), MPI_BYTE, &m->outcome_type);
    MPI_Type_commit(&m->outcome_type);
    m->feedback_size = sizeof(feedback_header) + (m->params.slots + 1) * sizeof(double);
    MPI_Type_contiguous((int)m->feedback_size, MPI_BYTE, &m->feedback_type);
    MPI_Type_commit(&m->feedback_type);
    if (m->send_pair) {
        MPI_Type_contiguous((int)m->params.slots, MPI_DOUBLE, &m->pair_type);
        MPI_Type_commit(&m->pair_type);
    }
    if (pop->wants_feedback) {
        size_t requests = (size_t)(m->auction_hi - m->auction_lo) * m->bidders;
        m->fb_owner = alloc_array(requests, sizeof *m->fb_owner);
        /* Huge pages: the first round writes these tens of megabytes for the
         * first time, and a fault per 4 KiB page cost it ~0.05 s (1e6 Hedge
         * agents: 56 MB); a 2 MiB page is one fault. */
        m->fb_staged = big_alloc(requests, m->feedback_size, 0);
        m->fb_send = big_alloc(requests, m->feedback_size, 0);
        /* One rank: stage_feedback notes each record's learner (learn). */
        if (m->all_local && (m->fb_order = alloc_array(2 * requests, sizeof *m->fb_order)))
            m->fb_order_capacity = 2 * requests;
        if (!m->fb_owner || !m->fb_staged || !m->fb_send || (m->all_local && !m->fb_order))
            return agora_fail(err, AGORA_EINTERNAL, "out of memory for learners' feedback");
    }
    for (int r = 0; r <= m->ranks; r++)
        m->agent_lo[r] = block_lo(s->population.agents, m->ranks, r);
    m->owner_scale = (double)m->ranks / (double)s->population.agents;
    m->stages_plainly = stages_plainly(m);
    /* Counted from the state, not assumed zero: a resumed run starts mid-way. */
    const agent_state *a = &pop->state;
    for (size_t i = 0; a->budget_left && i < a->n; i++)
        m->exhausted += !(a->budget_left[i] > 0.0);
    m->digest = population_digest(pop);
    return keys_init(m, comm, err);
}

void market_free(market *m)
{
    if (m->outcome_type)
        MPI_Type_free(&m->outcome_type);
    if (m->feedback_type)
        MPI_Type_free(&m->feedback_type);
    if (m->pair_type)
        MPI_Type_free(&m->pair_type);
    exchange_free(&m->plan);
    exchange_free(&m->winners);
    exchange_free(&m->feedback);
    void *owned[] = {m->agent_lo,   m->tally, m->participant, m->owner,    m->send_index,
                     m->send_bid,   m->win_owner,   m->win_staged, m->win_send, m->recv_index,
                     m->recv_bid,   m->win_recv,    m->lane_bids, m->sample_scratch,
                     m->lane_order, m->winner,      m->price,    m->send_wants,
                     m->recv_wants, m->fb_owner,    m->fb_staged, m->fb_send,
                     m->fb_recv,    m->lane_quality, m->lane_scratch, m->probe_bids,
                     m->send_quality, m->recv_quality, m->fb_order, m->send_pair,
                     m->recv_pair,    m->bid_key,    m->candidates, m->n_candidates};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
    node_keys_close(&m->shared);
    market_aigc_free(m);
    memset(m, 0, sizeof *m);
}

static agora_status grow(void **buf, size_t *capacity, size_t n, size_t size, agora_error *err)
{
    if (n <= *capacity)
        return AGORA_OK;
    free(*buf);
    *buf = alloc_array(n, size);
    if (!*buf)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu incoming items", n);
    *capacity = n;
    return AGORA_OK;
}

static agora_status reserve_recv(market *m, size_t n, agora_error *err)
{
    size_t cap = m->recv_capacity;
    agora_status st = grow((void **)&m->recv_index, &cap, n, sizeof *m->recv_index, err);
    cap = m->recv_capacity;
    if (st == AGORA_OK)
        st = grow((void **)&m->recv_bid, &cap, n, sizeof *m->recv_bid, err);
    cap = m->recv_capacity;
    if (st == AGORA_OK)
        st = grow((void **)&m->recv_wants, &cap, n, sizeof *m->recv_wants, err);
    cap = m->recv_capacity;
    if (st == AGORA_OK && m->send_quality)
        st = grow((void **)&m->recv_quality, &cap, n, sizeof *m->recv_quality, err);
    cap = m->recv_capacity;
    if (st == AGORA_OK && m->send_pair)
        st = grow((void **)&m->recv_pair, &cap, n, m->params.slots * sizeof *m->recv_pair, err);
    if (st == AGORA_OK)
        m->recv_capacity = n > m->recv_capacity ? n : m->recv_capacity;
    return st;
}

/* The owner rank of agent `id`: the floating-point estimate is off by at most
 * one, and the table of block starts settles it without a division. Written
 * without branches: with two ranks the owner of a random id is a coin flip,
 * which a branch would mispredict every other time. agent_lo has ranks + 1
 * entries, the last being the agent count, above every id. */
static inline int owner_of(const market *m, uint32_t id)
{
    int r = (int)((double)id * m->owner_scale);
    r = r < m->ranks ? r : m->ranks - 1;
    r -= m->agent_lo[r] > id;
    r += m->agent_lo[r + 1] <= id;
    return r;
}

/* The participant streams of auctions g .. g + lanes - 1 (key: their round's), and where
 * their ids go. */
static void open_streams(const market *m, rng_key key, uint64_t g, int lanes, pcg32 *rng,
                         uint32_t **ids)
{
    for (int l = 0; l < lanes; l++) {
        rng[l] = rng_stream_of(key, g + (uint64_t)l);
        ids[l] = m->participant + (g + (uint64_t)l - m->request_origin) * m->bidders;
    }
}

/* Step 2 for auctions [lo, hi): their participants. */
static void draw_range(market *m, uint64_t t, uint64_t lo, uint64_t hi)
{
    const scenario *s = m->s;
    uint32_t n = (uint32_t)s->population.agents, k = m->bidders;
    uint64_t g = lo;
    rng_key key = rng_key_of(s->seed, RNG_PARTICIPANTS, t);
    pcg32 rng[8];
    uint32_t *ids[8];
    /* Eight streams side by side (AVX-512), or four (any CPU). */
    for (; !s->market.bidders_all && g + 8 <= hi; g += 8) {
        open_streams(m, key, g, 8, rng, ids);
        if (!sample_distinct8(rng, n, k, ids, m->sample_scratch)) {
            sample_distinct4(rng, n, k, ids, m->sample_scratch);
            sample_distinct4(rng + 4, n, k, ids + 4, m->sample_scratch);
        }
    }
    for (; !s->market.bidders_all && g + 4 <= hi; g += 4) {
        open_streams(m, key, g, 4, rng, ids);
        sample_distinct4(rng, n, k, ids, m->sample_scratch);
    }
    for (; g < hi; g++) {
        uint32_t *ids = m->participant + (g - m->request_origin) * k;
        if (s->market.bidders_all) {
            for (uint32_t j = 0; j < k; j++)
                ids[j] = j;
        } else {
            pcg32 rng = rng_stream_of(key, g);
            sample_distinct(&rng, n, k, ids, m->sample_scratch);
        }
    }
}

static size_t quarter_start(size_t n, int s)
{
    return (size_t)s * (n / QUARTERS);
}

/* Request j's owner, counted in the row of tallies `tally`. */
static inline void take_owner(market *m, size_t j, int *tally)
{
    int r = owner_of(m, m->participant[j]);
    m->owner[j] = r;
    tally[r]++;
}

/* Step 2b: the owners of requests [0, n) and, per quarter, how many each rank
 * owns (m->tally[s * ranks + r]); their sums are the plan's send counts.
 * Quarter s is [s * (n / 4), (s + 1) * (n / 4)), the last one to n. */
static void find_owners(market *m, size_t n)
{
    int ranks = m->ranks, *tally = m->tally;
    size_t q = n / QUARTERS;
    memset(tally, 0, (size_t)QUARTERS * (size_t)ranks * sizeof *tally);
    if (owners_wide_available(ranks)) {
        for (int s = 0; s < QUARTERS; s++) {
            size_t lo = quarter_start(n, s), hi = s + 1 < QUARTERS ? quarter_start(n, s + 1) : n;
            size_t j = lo + owners_wide(m->participant + lo, hi - lo, m->agent_lo, m->owner_scale,
                                        ranks, m->owner + lo, tally + s * ranks);
            for (; j < hi; j++)
                take_owner(m, j, tally + s * ranks);
        }
    } else {
        /* The quarters side by side: one tally per destination would make
         * each request wait for the previous count to come back from memory. */
        for (size_t i = 0; i < q; i++)
            for (int s = 0; s < QUARTERS; s++)
                take_owner(m, quarter_start(n, s) + i, tally + s * ranks);
        for (size_t j = QUARTERS * q; j < n; j++)
            take_owner(m, j, tally + (QUARTERS - 1) * ranks);
    }
    for (int r = 0; r < ranks; r++) {
        int sum = 0;
        for (int s = 0; s < QUARTERS; s++)
            sum += tally[s * ranks + r];
        m->plan.send_counts[r] = sum;
    }
}

/* Step 2 for this rank's auctions [lo, hi), whose requests start the buffers:
 * their participants and, with several ranks, their owners. */
static void draw_participants(market *m, uint64_t t, uint64_t lo, uint64_t hi)
{
    draw_range(m, t, lo, hi);
    if (!m->all_local) /* with one rank every owner is this rank, and an id is its own local index */
        find_owners(m, (size_t)(hi - lo) * m->bidders);
}

/* Where a set of requests' answers go: bids, whether the participant wants
 * feedback, its quality and its row of pair CTRs (each NULL unless owners
 * hold them). */
typedef struct {
    double *bid;
    uint8_t *wants;
    double *quality;
    double *pair; /* `slots` numbers per request */
} answers;

static answers answers_at(const market *m, answers a, size_t offset)
{
    return (answers){a.bid + offset, a.wants + offset, a.quality ? a.quality + offset : NULL,
                     a.pair ? a.pair + offset * m->params.slots : NULL};
}

/* Step 4 for one set of requests (routed from other ranks, or this rank's own):
 * owners answer with bids and, when they hold them, their agents' qualities,
 * and say which participants learn from the auction's top bids. */
static void answer_set(market *m, uint64_t t, const uint32_t *index, size_t requests, answers out,
                       fixed_sum sums[METRIC_SUMMED])
{
    const population *pop = m->pop;
    double *bid = out.bid;
    uint8_t *wants = out.wants;
    size_t positive = population_bids(pop, index, requests, t, bid);
    if (out.quality)
        for (size_t j = 0; j < requests; j++)
            out.quality[j] = pop->quality[index[j]];
    if (out.pair) {
        size_t slots = m->params.slots;
        for (size_t j = 0; j < requests; j++)
            memcpy(out.pair + j * slots, pop->pair_ctr + index[j] * slots, slots * sizeof(double));
    }
    fixed_add(&sums[METRIC_BID_REQUESTS], (double)requests);
    if (pop->all_truthful) {
        /* Every placed bid is its value: each multiplier is exactly 1. */
        fixed_add(&sums[METRIC_MULTIPLIER_SUM], (double)positive);
        fixed_add(&sums[METRIC_BIDS_PLACED], (double)positive);
        return;
    }
    size_t placed = 0;
    for (size_t j = 0; j < requests; j++) {
        uint32_t i = index[j];
        double value = pop->state.value[i];
        if (bid[j] > 0.0 && value > 0.0) {
            fixed_add(&sums[METRIC_MULTIPLIER_SUM], bid[j] / value);
            placed++;
        }
        if (pop->wants_feedback)
            wants[j] = (uint8_t)population_group(pop, i)->b->wants_feedback;
    }
    fixed_add(&sums[METRIC_BIDS_PLACED], (double)placed);
}

/* Routed requests name agents in random order, a cache miss each: a chunk's
 * value lines are asked for while the chunk before it bids, so the misses
 * overlap (the blocked round fetches them while it draws instead). */
static void answer_routed(market *m, uint64_t t, const uint32_t *index, size_t requests,
                          answers out, fixed_sum sums[METRIC_SUMMED])
{
    enum { CHUNK = 64 };
    population_prefetch_bids(m->pop, index, requests < CHUNK ? requests : CHUNK);
    for (size_t lo = 0; lo < requests; lo += CHUNK) {
        size_t n = requests - lo < CHUNK ? requests - lo : CHUNK;
        size_t next = requests - lo - n < CHUNK ? requests - lo - n : CHUNK;
        population_prefetch_bids(m->pop, index + lo + n, next);
        answer_set(m, t, index + lo, n, answers_at(m, out, lo), sums);
    }
}

static void answer_bids(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED])
{
    if (!m->all_local)
        answer_routed(m, t, m->recv_index, m->plan.recv_total,
                      (answers){m->recv_bid, m->recv_wants, m->recv_quality, m->recv_pair}, sums);
    answer_routed(m, t, m->local_index, m->local_count,
                  (answers){m->local_bid, m->local_wants, m->local_quality, m->local_pair}, sums);
}

/* Clicks of the ad in slot `s` with quality q (separable clicks q * ctr_s, 1
 * without quality): expected, or drawn from the auction's stream. */
static double slot_clicks(const market *m, pcg32 *rng, uint32_t slot, double q)
{
    double ctr = m->quality ? q * m->params.ctr[slot] : m->params.ctr[slot];
    switch (m->s->mechanism.clicks) {
    case CLICKS_BERNOULLI:
        return (double)rng_bernoulli(rng, ctr);
    case CLICKS_POISSON:
        return (double)rng_poisson(rng, ctr);
    case CLICKS_EXPECTED:
        break;
    }
    return ctr;
}

/* Learners that asked for it get the auction's top bids and their place in them. */
static void stage_feedback(market *m, size_t base, uint32_t ranked)
{
    for (uint32_t j = 0; j < m->bidders; j++) {
        size_t r = base + j, slot = market_slot(m, r);
        if (!m->send_wants[slot])
            continue;
        int owner = market_owner(m, r);
        unsigned char *rec = m->fb_staged + m->fb_count * m->feedback_size;
        feedback_header h = {
            .request = market_request_in_block(m, r, owner),
            .position = -1,
            .n_top = ranked,
            .bid = m->bids[j],
        };
        double *top = (double *)(rec + sizeof h);
        for (uint32_t q = 0; q < ranked; q++) {
            top[q] = m->bids[m->order[q]];
            if (m->order[q] == j)
                h.position = (int32_t)q;
        }
        memcpy(rec, &h, sizeof h);
        if (m->all_local) /* learn's order entry now, not by reading the record back */
            m->fb_order[m->fb_count] = (agent_ref){m->participant[r], (uint32_t)m->fb_count};
        m->fb_owner[m->fb_count++] = owner;
    }
}

/* The bids of the auction at `base` in lane l, gathered unless they already lie
 * in request order (one rank), and its participants' quality. Returns the row. */
static const double *lane_bids(market *m, uint32_t l, size_t base)
{
    uint32_t k = m->bidders;
    double *quality = m->lane_quality ? m->lane_quality + (size_t)l * k : NULL;
    if (m->send_quality)
        for (uint32_t j = 0; j < k; j++)
            quality[j] = m->send_quality[market_slot(m, base + j)];
    else if (quality)
        for (uint32_t j = 0; j < k; j++)
            quality[j] = population_quality_of(m->s, m->participant[base + j]);
    if (m->all_local)
        return m->send_bid + base;
    double *row = m->lane_bids + (size_t)l * k;
    for (uint32_t j = 0; j < k; j++)
        row[j] = m->send_bid[m->plan.slot[base + j]];
    return row;
}

/* Points the one-auction view (bids, quality, ranking weights, order) at lane l. */
static void view_lane(market *m, uint32_t l, const double *bids)
{
    size_t k = m->bidders;
    m->bids = bids;
    m->order = m->lane_order + (size_t)l * (m->params.slots + 1u);
    m->quality = m->lane_quality ? m->lane_quality + l * k : NULL;
    m->weight = m->quality && m->s->mechanism.rank_by_score ? m->quality : NULL;
}

/* Asks the cache for the lines settling local agent i writes. */
static inline void prefetch_winner(const agent_state *a, uint32_t i)
{
    agora_prefetch(agent_spend(a, i)); /* and its clicks: the same line */
    if (a->budget_left)
        agora_prefetch(&a->budget_left[i]);
}

/* One rank without budgets settles each block of auctions right after ranking
 * it (round_in_blocks, below). */
static int settles_in_blocks(const market *m)
{
    return m->all_local && !m->pop->budgeted;
}

/* The common case of price_and_stage's winners (one rank, expected clicks,
 * no quality scores, settlement fetching its own lines): each slot's clicks
 * are its CTR and the request is the winner's own position, so an outcome is
 * three stores, not a pass through the general rules per winner. */
static int stages_plainly(const market *m)
{
    return m->all_local && m->s->mechanism.clicks == CLICKS_EXPECTED && !m->lane_quality &&
           !(settles_in_blocks(m) && !m->settles_wide);
}

static void stage_plain(market *m, size_t base, const position_outcome *out)
{
    const double *ctr = m->params.ctr;
    win_outcome *staged = m->win_staged + m->staged;
    for (uint32_t slot = 0; slot < out->filled; slot++) {
        staged[slot] = (win_outcome){.clicks = ctr[slot],
                                     .payment = out->price[slot] * ctr[slot],
                                     .request = (uint32_t)(base + out->winner[slot])};
        m->win_owner[m->staged + slot] = 0;
    }
    m->staged += out->filled;
}

/* Ranked by shared keys (node_keys.h), no request was routed: staged
 * outcome `at` names agent id by its index at its owner. */
static inline void stage_for_owner(market *m, size_t at, uint32_t id, double clicks,
                                   double payment)
{
    int owner = owner_of(m, id);
    m->win_owner[at] = owner;
    m->win_staged[at] = (win_outcome){
        .clicks = clicks,
        .payment = payment,
        .request = (uint32_t)(id - m->agent_lo[owner]),
    };
}

/* Stages the outcome of winning request j, whose bid is `bid`. Ranked by
 * shared keys, the winner's welfare (its bid is its value) is counted here,
 * where the value was read, instead of by its owner reading it again. */
static inline void stage_winner(market *m, size_t j, double bid, double clicks, double payment)
{
    if (!m->shared.key) {
        market_stage_winner(m, j, clicks, payment);
        return;
    }
    fixed_add_unclamped(&m->staged_welfare, bid * clicks);
    stage_for_owner(m, m->staged++, m->participant[j], clicks, payment);
}

/* stage_plain for several ranks ranking by shared keys (stage_winner's
 * outcomes, expected clicks): the count and the welfare are kept in
 * registers, not reloaded from the market after every store. */
static void stage_shared(market *m, size_t base, const position_outcome *out)
{
    const double *ctr = m->params.ctr;
    size_t staged = m->staged;
    fixed_sum welfare = m->staged_welfare;
    for (uint32_t slot = 0; slot < out->filled; slot++) {
        uint32_t j = out->winner[slot];
        fixed_add_unclamped(&welfare, m->bids[j] * ctr[slot]);
        stage_for_owner(m, staged++, m->participant[base + j], ctr[slot],
                        out->price[slot] * ctr[slot]);
    }
    m->staged = staged;
    m->staged_welfare = welfare;
}

/* Prices the ranked auction g in the current view, and stages its winners. */
static size_t price_and_stage(market *m, uint64_t g, uint64_t t, size_t base, uint32_t ranked)
{
    position_outcome out = {0, m->winner, m->price};
    size_t hits = m->mechanism->price_weighted(&m->params, m->bids, m->weight, m->order, ranked, &out);
    if (probe_selects(g, m->s->probes.auctions, m->s->market.auctions))
        market_probe_position(m, base, ranked, &out);
    if (m->pop->wants_feedback)
        stage_feedback(m, base, ranked);
    if (m->stages_plainly) {
        stage_plain(m, base, &out);
        return hits;
    }
    if (m->shared.key && m->s->mechanism.clicks == CLICKS_EXPECTED) {
        stage_shared(m, base, &out);
        return hits;
    }
    pcg32 rng = {0, 1};
    if (m->s->mechanism.clicks != CLICKS_EXPECTED)
        rng = rng_stream(m->s->seed, RNG_CLICKS, g, t);
    for (uint32_t slot = 0; slot < out.filled; slot++) {
        uint32_t i = out.winner[slot];
        /* Settled soon: fetch its lines while others rank. settle_wide
         * fetches them itself, further ahead, which costs less than these
         * prefetches stalling the ranking. */
        if (settles_in_blocks(m) && !m->settles_wide)
            prefetch_winner(&m->pop->state, m->participant[base + i]);
        double clicks = slot_clicks(m, &rng, slot, m->quality ? m->quality[i] : 1.0);
        stage_winner(m, base + i, m->bids[i], clicks, m->price[slot] * clicks);
    }
    return hits;
}

/* Step 5 for auctions [lo, hi): the mechanism runs POSITION_LANES auctions at
 * a time; each winner's outcome is staged after those staged before, with its
 * owner. */
static void run_range(market *m, uint64_t t, uint64_t lo, uint64_t hi,
                      fixed_sum sums[METRIC_SUMMED])
{
    uint32_t k = m->bidders;
    size_t eligible = 0, reserve_hits = 0, staged_before = m->staged;
    const scenario *s = m->s;
    for (uint64_t g0 = lo; g0 < hi; g0 += POSITION_LANES) {
        uint32_t lanes = (uint32_t)(hi - g0 < POSITION_LANES ? hi - g0 : POSITION_LANES);
        const double *bids[POSITION_LANES];
        position_weights w[POSITION_LANES];
        const uint32_t *ids[POSITION_LANES];
        uint32_t *order[POSITION_LANES], ranked[POSITION_LANES], elig[POSITION_LANES];
        for (uint32_t l = 0; l < lanes; l++) {
            size_t base = (size_t)(g0 + l - m->request_origin) * k;
            view_lane(m, l, lane_bids(m, l, base));
            bids[l] = m->bids;
            w[l] = m->weight;
            ids[l] = m->participant + base;
            order[l] = m->order;
        }
        if (m->aigc) {
            for (uint32_t l = 0; l < lanes; l++) {
                size_t base = (size_t)(g0 + l - m->request_origin) * k;
                view_lane(m, l, bids[l]);
                for (uint32_t j = 0; j < k; j++)
                    eligible += bids[l][j] > 0.0 && position_score(w[l], bids[l], j) >= m->params.reserve;
                market_aigc_auction(m, g0 + l, t, base, sums);
                if (probe_selects(g0 + l, s->probes.auctions, s->market.auctions))
                    market_probe_aigc(m, base);
            }
            continue;
        }
        position_rank_lanes(&m->params, lanes, bids, w, ids, k, order, ranked, elig, m->lane_scratch);
        for (uint32_t l = 0; l < lanes; l++) {
            view_lane(m, l, bids[l]);
            eligible += elig[l];
            reserve_hits += price_and_stage(m, g0 + l, t, (size_t)(g0 + l - m->request_origin) * k,
                                            ranked[l]);
        }
    }
    fixed_add(&sums[METRIC_AUCTIONS], (double)(hi - lo));
    fixed_add(&sums[METRIC_ELIGIBLE_BIDS], (double)eligible);
    fixed_add(&sums[METRIC_SLOTS_FILLED], (double)(m->staged - staged_before));
    fixed_add(&sums[METRIC_RESERVE_HITS], (double)reserve_hits);
}

/* What the probes found over the whole round. */
static void add_probe_sums(const market *m, fixed_sum sums[METRIC_SUMMED])
{
    if (!m->s->probes.auctions)
        return;
    fixed_add(&sums[METRIC_PROBED], (double)m->probe.probed);
    fixed_add(&sums[METRIC_IR_VIOLATIONS], (double)m->probe.ir_violations);
    fixed_add(&sums[METRIC_FEASIBILITY_VIOLATIONS], (double)m->probe.infeasible);
}

/* Step 6: winners' outcomes travel to their owners; this rank's own stay. */
static agora_status send_outcomes(market *m, agora_error *err)
{
    if (m->all_local)
        return AGORA_OK;
    exchange_plan *x = &m->winners;
    exchange_count_owners(x, m->win_owner, m->staged);
    agora_status st = exchange_plan_from_counts_keep_local(x, 0, err); /* no slots kept */
    if (st == AGORA_OK)
        st = grow((void **)&m->win_recv, &m->win_recv_capacity, x->recv_total,
                  sizeof *m->win_recv, err);
    if (st != AGORA_OK)
        return st;
    for (size_t w = 0; w < m->staged; w++)
        m->win_send[exchange_take_slot(x, m->win_owner[w])] = m->win_staged[w];
    return exchange_forward(&m->winners, m->win_send, m->win_recv, m->outcome_type, err);
}

/* Step 6b: learners' feedback travels to their owners; this rank's own stays. */
static agora_status send_feedback(market *m, agora_error *err)
{
    if (!m->pop->wants_feedback || m->all_local)
        return AGORA_OK;
    agora_status st = exchange_plan_build_keep_local(&m->feedback, m->fb_owner, m->fb_count, err);
    if (st == AGORA_OK)
        st = grow((void **)&m->fb_recv, &m->fb_recv_capacity, m->feedback.recv_total,
                  m->feedback_size, err);
    if (st != AGORA_OK)
        return st;
    for (size_t w = 0; w < m->fb_count; w++)
        memcpy(m->fb_send + m->feedback.slot[w] * m->feedback_size,
               m->fb_staged + w * m->feedback_size, m->feedback_size);
    return exchange_forward(&m->feedback, m->fb_send, m->fb_recv, m->feedback_type, err);
}

/* What an owner received from source rank src, or kept when src is itself:
 * the requests' local indices and bids, and the outcomes and feedback records
 * that refer to them by position. */
typedef struct {
    const uint32_t *index;
    const double *bid;
    size_t requests;
    const win_outcome *outcome;
    size_t outcomes;
    const unsigned char *feedback;
    size_t records;
} source_block;

static source_block block_from(const market *m, int src)
{
    source_block b;
    if (src == m->rank) {
        b.index = m->local_index;
        b.bid = m->local_bid;
        b.requests = m->local_count;
        b.outcome = m->all_local ? m->win_staged : m->win_send + m->winners.send_displs[src];
        b.outcomes = m->all_local ? m->staged : m->winners.local_count;
        b.feedback = m->all_local ? m->fb_staged
                                  : m->fb_send + (size_t)m->feedback.send_displs[src] * m->feedback_size;
        b.records = m->all_local ? m->fb_count : m->feedback.local_count;
        return b;
    }
    b.index = m->recv_index ? m->recv_index + m->plan.recv_displs[src] : NULL;
    b.bid = m->recv_bid ? m->recv_bid + m->plan.recv_displs[src] : NULL;
    b.requests = (size_t)m->plan.recv_counts[src];
    b.outcome = m->win_recv + m->winners.recv_displs[src];
    b.outcomes = (size_t)m->winners.recv_counts[src];
    b.feedback = m->fb_recv ? m->fb_recv + (size_t)m->feedback.recv_displs[src] * m->feedback_size
                            : NULL;
    b.records = (size_t)m->feedback.recv_counts[src];
    return b;
}

/* The feedback record numbered `item` by learners_in_order: this rank's own
 * records first, then those received, in the receive buffer's order. */
static const unsigned char *record_at(const market *m, uint32_t item, size_t own,
                                      const unsigned char *own_records)
{
    return item < own ? own_records + (size_t)item * m->feedback_size
                      : m->fb_recv + (size_t)(item - own) * m->feedback_size;
}

/* The round's feedback records of every source, by learner (agent_order):
 * updates of different agents commute (each reads and writes its own state,
 * the digest and the sums add), and each agent's records keep the canonical
 * order (source rank, then auction order), so the state after learning is
 * the same as in canonical order. In that order the learners' state blocks
 * (264 bytes for Hedge at 32 levels) are met in address order instead of
 * each being a random miss. */
static agora_status learners_in_order(market *m, agent_ref **order, size_t *n, size_t *own,
                                      const unsigned char **own_records, agora_error *err)
{
    source_block mine = block_from(m, m->rank);
    *own = mine.records;
    *own_records = mine.feedback;
    size_t total = 0;
    for (int src = 0; src < m->ranks; src++)
        total += block_from(m, src).records;
    /* One rank: staging noted them, and the buffer holds twice the requests. */
    agora_status st = m->all_local ? AGORA_OK
                                   : grow((void **)&m->fb_order, &m->fb_order_capacity,
                                          2 * total, sizeof(agent_ref), err);
    if (st != AGORA_OK)
        return st;
    size_t k = 0;
    for (int src = 0; !m->all_local && src < m->ranks; src++) {
        source_block b = block_from(m, src);
        if (!b.records)
            continue;
        size_t first = src == m->rank ? 0 : *own + (size_t)(b.feedback - m->fb_recv) / m->feedback_size;
        const unsigned char *rec = b.feedback;
        for (size_t w = 0; w < b.records; w++, rec += m->feedback_size) {
            feedback_header h;
            memcpy(&h, rec, sizeof h);
            m->fb_order[k++] = (agent_ref){b.index[h.request], (uint32_t)(first + w)};
        }
    }
    *n = total;
    *order = agent_order(m->fb_order, m->fb_order + total, total, (uint32_t)m->pop->state.n);
    return AGORA_OK;
}

/* Asks for the records [lo, hi) of `order` and their learners' state. */
static void prefetch_learners(const market *m, const agent_ref *order, size_t lo, size_t hi,
                              size_t own, const unsigned char *own_records)
{
    for (size_t j = lo; j < hi; j++) {
        const unsigned char *rec = record_at(m, order[j].item, own, own_records);
        for (size_t byte = 0; byte < m->feedback_size; byte += 64)
            agora_prefetch(rec + byte);
        agora_prefetch(rec + m->feedback_size - 1);
        population_prefetch(m->pop, order[j].agent, 1);
    }
}

/* Step 7b: learners update from each auction's top bids, by learner
 * (learners_in_order); then once per round from what they gained; pacing
 * controllers follow. */
static agora_status learn(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    population *pop = m->pop;
    /* In blocks, as population_bids does: the next block's learners are asked
     * for together, then this block learns from the cache. Asking 4 learners
     * ahead inside the loop cost ~1.5x as much (Hedge, 1e6 agents: ~610 ns
     * an update against ~420, ~310 of it arithmetic). */
    enum { LEARN_BLOCK = 8 };
    if (pop->wants_feedback) {
        agent_ref *order;
        size_t n, own;
        const unsigned char *own_records;
        agora_status st = learners_in_order(m, &order, &n, &own, &own_records, err);
        if (st != AGORA_OK)
            return st;
        prefetch_learners(m, order, 0, n < LEARN_BLOCK ? n : LEARN_BLOCK, own, own_records);
        for (size_t lo = 0; lo < n; lo += LEARN_BLOCK) {
            size_t hi = n - lo < LEARN_BLOCK ? n : lo + LEARN_BLOCK;
            prefetch_learners(m, order, hi, n - hi < LEARN_BLOCK ? n : hi + LEARN_BLOCK, own,
                              own_records);
            for (size_t j = lo; j < hi; j++) {
                const unsigned char *rec = record_at(m, order[j].item, own, own_records);
                feedback_header h;
                memcpy(&h, rec, sizeof h);
                auction_view v = {(const double *)(rec + sizeof h), h.n_top, h.position, h.bid, t};
                population_observe(pop, order[j].agent, t, &v);
            }
        }
    }
    for (int src = 0; pop->bandits && src < m->ranks; src++) {
        source_block b = block_from(m, src);
        for (size_t j = 0; j < b.requests; j++)
            if (b.bid[j] > 0.0)
                population_played(pop, b.index[j]);
    }
    if (pop->budgeted) {
        const agent_state *a = &pop->state;
        for (size_t i = 0; i < a->n; i++) {
            double spend = *agent_spend(a, i), rho = (a->budget_left[i] + spend) / (double)m->s->rounds;
            fixed_add(&sums[METRIC_SPEND_ERROR_SUM], fabs(spend - pop->spend_prev[i] - rho) / rho);
        }
        fixed_add(&sums[METRIC_BUDGETED], (double)a->n);
    }
    population_end_round(pop, t);
    /* Learning and pacing rehashed the agents they changed, as they changed them. */
    m->digest += population_digest_change(pop);
    return AGORA_OK;
}

/* Step 7: owners apply outcomes in canonical order: by source rank, then as
 * staged, which is global auction order. The charge is capped at the remaining
 * budget, so spend never exceeds the budget; what could not be charged is
 * reported as budget_forgiven. */
static void settle_outcomes(market *m, const win_outcome *o, size_t count, const uint32_t *index,
                            fixed_sum sums[METRIC_SUMMED])
{
    population *pop = m->pop;
    const agent_state *a = &pop->state;
    /* Locals, not fields: the loop keeps them in registers instead of
     * reloading them after every store to an agent. */
    double *budget = a->budget_left;
    /* Ranked by shared keys, welfare was counted where the auctions ran
     * (stage_winner): no value is read here. */
    const double *value = m->shared.key ? NULL : a->value;
    const int learners = pop->learners;
    uint64_t digest = m->digest;
    size_t exhausted = m->exhausted;
    /* Summed here and added once: four clamped 128-bit adds per winner cost
     * more than the rest of settling. Without budgets nothing is forgiven. */
    fixed_sum welfare = {0}, revenue = {0}, clicks = {0}, forgiven = {0};
    size_t w = 0;
    if (m->settles_wide) { /* eight at a time: the same bits */
        w = settle_wide(a, o, count, index, value ? &welfare : NULL, &revenue, &clicks, &digest);
        o += w;
    }
    for (; w < count; w++, o++) {
        /* Winners are scattered over the agent arrays: ask for the lines a
         * few winners ahead so their cache misses overlap. */
        if (w + SETTLE_PREFETCH < count) {
            uint32_t ahead = win_outcome_agent(&o[SETTLE_PREFETCH], index);
            agora_prefetch(agent_spend(a, ahead)); /* and clicks */
            if (value)
                agora_prefetch(&value[ahead]);
            if (budget)
                agora_prefetch(&budget[ahead]);
        }
        uint32_t i = win_outcome_agent(o, index);
        digest -= population_agent_hash(pop, i);
        double charge = o->payment;
        if (budget) {
            double left = budget[i];
            charge = charge < left ? charge : left;
            budget[i] = left - charge;
            exhausted += left > 0.0 && !(budget[i] > 0.0);
        }
        *agent_spend(a, i) += charge;
        *agent_clicks(a, i) += o->clicks;
        digest += population_agent_hash(pop, i);
        double gained = value ? value[i] * o->clicks : 0.0;
        if (learners)
            population_gain(pop, i, gained - charge);
        if (value)
            fixed_add_unclamped(&welfare, gained);
        fixed_add_unclamped(&revenue, charge);
        fixed_add_unclamped(&clicks, o->clicks);
        if (budget)
            fixed_add_unclamped(&forgiven, o->payment - charge);
    }
    m->digest = digest;
    m->exhausted = exhausted;
    fixed_add_sum(&sums[METRIC_WELFARE], welfare);
    fixed_add_sum(&sums[METRIC_REVENUE], revenue);
    fixed_add_sum(&sums[METRIC_CLICKS], clicks);
    fixed_add_sum(&sums[METRIC_BUDGET_FORGIVEN], forgiven);
}

static void settle(market *m, fixed_sum sums[METRIC_SUMMED])
{
    for (int src = 0; src < m->ranks; src++) {
        source_block b = block_from(m, src);
        /* Ranked by shared keys, outcomes name their winners' local indices. */
        settle_outcomes(m, b.outcome, b.outcomes, m->shared.key ? NULL : b.index, sums);
    }
}

/* Request j takes the next slot of its owner's block (cursors in next[]),
 * with the id its owner knows it by. */
static inline void pack_request(market *m, size_t j, int *next)
{
    int r = m->owner[j];
    uint32_t slot = (uint32_t)next[r]++;
    m->plan.slot[j] = slot;
    m->send_index[slot] = (uint32_t)(m->participant[j] - m->agent_lo[r]);
}

/* Steps 2b-3: requests travel to their owners; this rank's own do not travel,
 * and with one rank nothing is routed at all. */
static agora_status route_requests(market *m, size_t requests, agora_error *err)
{
    if (m->all_local) {
        m->local_index = m->participant;
        m->local_bid = m->send_bid;
        m->local_wants = m->send_wants;
        m->local_quality = m->send_quality;
        m->local_pair = m->send_pair;
        m->local_count = requests;
        return AGORA_OK;
    }
    exchange_plan *x = &m->plan;
    agora_status st = exchange_plan_from_counts_keep_local(x, requests, err);
    if (st == AGORA_OK)
        st = reserve_recv(m, x->recv_total, err);
    if (st != AGORA_OK)
        return st;
    /* Slots taken and requests packed in one pass, by quarters (see
     * find_owners): quarter s of destination r starts after the quarters
     * before it, so each destination's block stays in request order. */
    int ranks = m->ranks, *next = m->tally;
    for (int r = 0; r < ranks; r++) {
        int start = x->cursor[r];
        for (int s = 0; s < QUARTERS; s++) {
            int count = next[s * ranks + r];
            next[s * ranks + r] = start;
            start += count;
        }
    }
    if (owners_wide_available(ranks)) {
        for (int s = 0; s < QUARTERS; s++) {
            size_t lo = quarter_start(requests, s);
            size_t hi = s + 1 < QUARTERS ? quarter_start(requests, s + 1) : requests;
            size_t j = lo + pack_wide(m->participant + lo, m->owner + lo, hi - lo, m->agent_lo, ranks,
                                      next + s * ranks, x->slot + lo, m->send_index);
            for (; j < hi; j++)
                pack_request(m, j, next + s * ranks);
        }
    } else {
        size_t q = requests / QUARTERS;
        for (size_t i = 0; i < q; i++)
            for (int s = 0; s < QUARTERS; s++)
                pack_request(m, quarter_start(requests, s) + i, next + s * ranks);
        for (size_t j = QUARTERS * q; j < requests; j++)
            pack_request(m, j, next + (QUARTERS - 1) * ranks);
    }
    size_t mine = (size_t)m->plan.send_displs[m->rank];
    m->local_index = m->send_index + mine;
    m->local_bid = m->send_bid + mine;
    m->local_wants = m->send_wants + mine;
    m->local_quality = m->send_quality ? m->send_quality + mine : NULL;
    m->local_pair = m->send_pair ? m->send_pair + mine * m->params.slots : NULL;
    m->local_count = m->plan.local_count;
    return exchange_forward(&m->plan, m->send_index, m->recv_index, MPI_UINT32_T, err);
}

/* Auctions whose participants' keys are asked for ahead of their selection. */
enum { KEYS_AHEAD = 4 };

/* Ranking by bid keys (bid_keys.h), step 4 for auctions [lo, hi) of a block:
 * each chooses its candidates from its participants' keys, and their values
 * are asked for while the other auctions choose; counted as answer_set counts
 * (placed bids, every multiplier 1) and run_range counts eligible bids. */
static void select_candidates(market *m, uint64_t lo, uint64_t hi, fixed_sum sums[METRIC_SUMMED])
{
    uint32_t k = m->bidders, need = m->params.slots + 1u;
    size_t placed = 0, eligible = 0;
    const uint32_t *first = m->participant + (lo - m->request_origin) * k;
    const uint32_t *end = m->participant + (hi - m->request_origin) * k;
    for (const uint32_t *id = first; id < end && id < first + KEYS_AHEAD * k; id++)
        agora_prefetch(&m->key_of[*id]);
    for (uint64_t g = lo; g < hi; g++) {
        const uint32_t *ids = m->participant + (g - m->request_origin) * k;
        for (const uint32_t *id = ids + KEYS_AHEAD * k; id < end && id < ids + (KEYS_AHEAD + 1) * k; id++)
            agora_prefetch(&m->key_of[*id]);
        uint8_t key[BID_KEYS_MAX_BIDDERS], *pos = m->candidates + (g - lo) * BID_KEYS_MAX_BIDDERS;
        for (uint32_t j = 0; j < k; j++)
            key[j] = m->key_of[ids[j]];
        uint32_t e, p, c = bid_keys_select(key, k, need, pos, &e, &p);
        m->n_candidates[g - lo] = (uint8_t)c;
        m->keyed_candidates += c;
        eligible += e;
        placed += p;
    }
    m->keyed_auctions += hi - lo;
    fixed_add(&sums[METRIC_BID_REQUESTS], (double)((hi - lo) * k));
    fixed_add(&sums[METRIC_MULTIPLIER_SUM], (double)placed);
    fixed_add(&sums[METRIC_BIDS_PLACED], (double)placed);
    fixed_add(&sums[METRIC_ELIGIBLE_BIDS], (double)eligible);
}

/* Auctions whose candidates' values are asked for ahead of their ranking. */
enum { CANDIDATES_AHEAD = 8 };

static void prefetch_candidates(const market *m, uint64_t g, uint64_t lo)
{
    const uint32_t *ids = m->participant + (g - m->request_origin) * m->bidders;
    const uint8_t *pos = m->candidates + (g - lo) * BID_KEYS_MAX_BIDDERS;
    for (uint32_t q = 0; q < m->n_candidates[g - lo]; q++)
        agora_prefetch(&m->value_of[ids[pos[q]]]);
}

/* Step 5 for the same auctions: the candidates' bids (their values) are
 * ranked exactly and the best slots + 1 priced as run_range prices them.
 * Every other participant bids less than every candidate. */
static void rank_candidates(market *m, uint64_t t, uint64_t lo, uint64_t hi,
                            fixed_sum sums[METRIC_SUMMED])
{
    uint32_t k = m->bidders, need = m->params.slots + 1u;
    const double *value = m->value_of;
    size_t reserve_hits = 0, staged_before = m->staged;
    m->order = m->lane_order;
    m->quality = NULL;
    m->weight = NULL;
    for (uint64_t g = lo; g < hi && g < lo + CANDIDATES_AHEAD; g++)
        prefetch_candidates(m, g, lo);
    for (uint64_t g = lo; g < hi; g++) {
        if (g + CANDIDATES_AHEAD < hi)
            prefetch_candidates(m, g + CANDIDATES_AHEAD, lo);
        size_t base = (size_t)(g - m->request_origin) * k;
        const uint32_t *ids = m->participant + base;
        const uint8_t *pos = m->candidates + (g - lo) * BID_KEYS_MAX_BIDDERS;
        uint32_t c = m->n_candidates[g - lo];
        double *row = m->send_bid + base, bid[BID_KEYS_MAX_BIDDERS];
        uint32_t id[BID_KEYS_MAX_BIDDERS];
        for (uint32_t q = 0; q < c; q++) {
            id[q] = ids[pos[q]];
            bid[q] = row[pos[q]] = value[id[q]];
        }
        bid_keys_rank(bid, id, pos, c, need, m->order);
        m->bids = row;
        reserve_hits += price_and_stage(m, g, t, base, c < need ? c : need);
    }
    fixed_add(&sums[METRIC_AUCTIONS], (double)(hi - lo));
    fixed_add(&sums[METRIC_SLOTS_FILLED], (double)(m->staged - staged_before));
    fixed_add(&sums[METRIC_RESERVE_HITS], (double)reserve_hits);
}

/* With one rank and no budgets, a block of auctions goes from its draws to
 * its settlement before the next block is drawn: an agent's lines, fetched
 * for its bid, are still in cache when it wins, and the block's requests stay
 * in L2 instead of streaming the round's megabytes through memory three times.
 * Outcomes still apply in auction order, and no bid of the round can see them
 * early: without budgets a bid reads nothing that settling changes (learners
 * and pacing update after the round). */
static void round_in_blocks(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED])
{
    uint32_t k = m->bidders;
    /* Unless learners read the whole round's requests afterwards, every block
     * reuses the start of the request and outcome buffers: they stay in L2
     * instead of pushing the agents' lines out of L3. */
    int reuse = !m->pop->wants_feedback && !m->pop->bandits;
    for (uint64_t lo = m->auction_lo; lo < m->auction_hi; lo += ROUND_BLOCK) {
        uint64_t hi = m->auction_hi - lo < ROUND_BLOCK ? m->auction_hi : lo + ROUND_BLOCK;
        if (reuse) {
            m->request_origin = lo;
            m->staged = 0;
        }
        size_t base = (size_t)(lo - m->request_origin) * k, count = (size_t)(hi - lo) * k;
        draw_range(m, t, lo, hi);
        size_t first = m->staged;
        if (m->key_of) {
            phase_end(m->clock, PHASE_SAMPLE);
            select_candidates(m, lo, hi, sums);
            phase_end(m->clock, PHASE_BID);
            rank_candidates(m, t, lo, hi, sums);
        } else {
            population_prefetch_bids(m->pop, m->participant + base, count);
            phase_end(m->clock, PHASE_SAMPLE);
            answers own = {m->send_bid, m->send_wants, m->send_quality, m->send_pair};
            answer_set(m, t, m->participant + base, count, answers_at(m, own, base), sums);
            phase_end(m->clock, PHASE_BID);
            run_range(m, t, lo, hi, sums);
        }
        phase_end(m->clock, PHASE_ALLOCATE);
        settle_outcomes(m, m->win_staged + first, m->staged - first, m->participant, sums);
        phase_end(m->clock, PHASE_SETTLE);
    }
}

/* Steps 6-7: the staged outcomes (and learners' feedback) travel to their
 * owners, who settle them. */
static agora_status send_and_settle(market *m, fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    agora_status st = send_outcomes(m, err);
    if (st == AGORA_OK)
        st = send_feedback(m, err);
    phase_end(m->clock, PHASE_ROUTE);
    if (st != AGORA_OK)
        return st;
    settle(m, sums);
    phase_end(m->clock, PHASE_SETTLE);
    return AGORA_OK;
}

/* Steps 2-7 for this rank's auctions [lo, hi) of round t: their requests
 * start the buffers, and their outcomes are settled before it returns. */
static agora_status play_range(market *m, uint64_t t, uint64_t lo, uint64_t hi,
                               fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    phase_clock *clock = m->clock;
    m->request_origin = lo;
    m->staged = 0;
    draw_participants(m, t, lo, hi);
    phase_end(clock, PHASE_SAMPLE);
    agora_status st = route_requests(m, (size_t)(hi - lo) * m->bidders, err);
    phase_end(clock, PHASE_ROUTE);
    if (st != AGORA_OK)
        return st;
    answer_bids(m, t, sums);
    phase_end(clock, PHASE_BID);
    if (!m->all_local) {
        st = exchange_backward(&m->plan, m->recv_bid, m->send_bid, MPI_DOUBLE, err);
        if (st == AGORA_OK && m->send_quality)
            st = exchange_backward(&m->plan, m->recv_quality, m->send_quality, MPI_DOUBLE, err);
        if (st == AGORA_OK && m->send_pair)
            st = exchange_backward(&m->plan, m->recv_pair, m->send_pair, m->pair_type, err);
        if (st == AGORA_OK && m->pop->wants_feedback)
            st = exchange_backward(&m->plan, m->recv_wants, m->send_wants, MPI_UINT8_T, err);
    }
    phase_end(clock, PHASE_ROUTE);
    if (st != AGORA_OK)
        return st;
    run_range(m, t, lo, hi, sums);
    phase_end(clock, PHASE_ALLOCATE);
    return send_and_settle(m, sums, err);
}

/* Steps 2-7 for this rank's auctions [lo, hi) of round t when several ranks
 * on one node rank by shared keys (node_keys.h): a block of auctions at a
 * time goes from its draws to its staged outcomes, reading its participants'
 * keys and its candidates' values where their owners put them (each block
 * reuses the start of the request buffers); then only the outcomes travel,
 * and are settled before it returns. */
static agora_status play_range_by_keys(market *m, uint64_t t, uint64_t lo, uint64_t hi,
                                       fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    phase_clock *clock = m->clock;
    m->staged = 0;
    for (uint64_t first = lo; first < hi; first += ROUND_BLOCK) {
        uint64_t last = hi - first < ROUND_BLOCK ? hi : first + ROUND_BLOCK;
        m->request_origin = first;
        draw_range(m, t, first, last);
        phase_end(clock, PHASE_SAMPLE);
        select_candidates(m, first, last, sums);
        phase_end(clock, PHASE_BID);
        rank_candidates(m, t, first, last, sums);
        phase_end(clock, PHASE_ALLOCATE);
    }
    fixed_add_sum(&sums[METRIC_WELFARE], m->staged_welfare);
    m->staged_welfare = (fixed_sum){0};
    return send_and_settle(m, sums, err);
}

/* Several ranks play a round in chunks when nothing needs the whole round's
 * requests at once: no budgets (a bid then reads nothing that settling
 * changes, so settling early cannot change a bid), no learners' feedback or
 * bandit counts (read from the round's requests afterwards), no AIGC market. */
static int routes_in_chunks(const market *m)
{
    const population *pop = m->pop;
    return !m->all_local && !pop->budgeted && !pop->wants_feedback && !pop->bandits && !m->aigc;
}

/* Chunk c is the global auctions [c * ranks * per_rank, ...) split over the
 * ranks in rank order, as the round's auctions are without chunks. Settling
 * chunk after chunk, each by source rank, therefore still applies outcomes in
 * global auction order, the canonical order, and a chunk's requests, bids and
 * outcomes (~32K requests a rank) stay in L2 instead of streaming the round's
 * megabytes through memory between phases. Every rank plays every chunk, an
 * empty share included, so the collectives match. */
enum { CHUNK_REQUESTS = 1 << 15 };

static agora_status round_in_chunks(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED],
                                    agora_error *err)
{
    uint64_t auctions = m->s->market.auctions, ranks = (uint64_t)m->ranks;
    uint64_t per_rank = CHUNK_REQUESTS / m->bidders ? CHUNK_REQUESTS / m->bidders : 1;
    uint64_t span = per_rank * ranks;
    for (uint64_t first = 0; first < auctions; first += span) {
        uint64_t len = auctions - first < span ? auctions - first : span;
        uint64_t lo = first + block_lo(len, m->ranks, m->rank);
        uint64_t hi = first + block_lo(len, m->ranks, m->rank + 1);
        agora_status st = m->shared.key ? play_range_by_keys(m, t, lo, hi, sums, err)
                                        : play_range(m, t, lo, hi, sums, err);
        if (st != AGORA_OK)
            return st;
    }
    return AGORA_OK;
}

agora_status market_round(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    phase_clock *clock = m->clock;
    memset(sums, 0, METRIC_SUMMED * sizeof *sums);
    memset(&m->probe, 0, sizeof m->probe);
    m->fb_count = 0;
    m->staged = 0;
    m->request_origin = m->auction_lo;
    phase_begin(clock);
    agora_status st = AGORA_OK;
    if (settles_in_blocks(m)) {
        st = route_requests(m, (size_t)(m->auction_hi - m->auction_lo) * m->bidders,
                            err); /* sets the local views only */
        if (st == AGORA_OK)
            round_in_blocks(m, t, sums);
    } else if (routes_in_chunks(m)) {
        st = round_in_chunks(m, t, sums, err);
    } else {
        st = play_range(m, t, m->auction_lo, m->auction_hi, sums, err);
    }
    if (st != AGORA_OK)
        return st;
    add_probe_sums(m, sums);
    fixed_add(&sums[METRIC_BUDGET_EXHAUSTED], (double)m->exhausted);
    st = learn(m, t, sums, err);
    phase_end(clock, PHASE_SETTLE);
    return st;
}
