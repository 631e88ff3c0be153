/* One distributed round of a position-auction market; see round.h. */
#include "round.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "partition.h"
#include "sampling.h"

#define SETTLE_PREFETCH 8 /* winners ahead */

static void *alloc_array(size_t n, size_t size)
{
    return malloc((n ? n : 1) * size);
}

static agora_status alloc_buffers(market *m, agora_error *err)
{
    size_t auctions = (size_t)(m->auction_hi - m->auction_lo);
    size_t requests = auctions * m->bidders, slots = m->params.slots;
    size_t wins = auctions * slots;
    m->agent_lo = alloc_array((size_t)m->ranks + 1, sizeof *m->agent_lo);
    m->participant = alloc_array(requests, sizeof *m->participant);
    m->owner = alloc_array(requests, sizeof *m->owner);
    m->local = alloc_array(requests, sizeof *m->local);
    m->send_index = alloc_array(requests, sizeof *m->send_index);
    m->send_bid = alloc_array(requests, sizeof *m->send_bid);
    m->win_owner = alloc_array(wins, sizeof *m->win_owner);
    m->win_staged = alloc_array(wins, sizeof *m->win_staged);
    m->win_send = alloc_array(wins, sizeof *m->win_send);
    m->bids = alloc_array(m->bidders, sizeof *m->bids);
    m->sample_scratch = alloc_array(sampling_scratch_size(m->bidders), sizeof(uint32_t));
    m->order = alloc_array(slots + 1, sizeof *m->order);
    m->winner = alloc_array(slots, sizeof *m->winner);
    m->price = alloc_array(slots, sizeof *m->price);
    if (!m->agent_lo || !m->participant || !m->owner || !m->local || !m->send_index ||
        !m->send_bid || !m->win_owner || !m->win_staged || !m->win_send || !m->bids ||
        !m->sample_scratch || !m->order || !m->winner || !m->price)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu bid requests per round",
                          requests);
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
    m->auction_lo = block_lo(s->market.auctions, m->ranks, m->rank);
    m->auction_hi = block_lo(s->market.auctions, m->ranks, m->rank + 1);
    m->bidders = (uint32_t)s->market.bidders;
    m->mechanism = position_mechanism_find(s->mechanism.name);
    if (!m->mechanism)
        return agora_fail(err, AGORA_EINTERNAL, "mechanism '%s' vanished from the registry",
                          s->mechanism.name);
    m->params.slots = s->mechanism.slots;
    m->params.ctr = s->mechanism.ctr;
    m->params.reserve = s->mechanism.reserve;

    agora_status st = exchange_init(&m->plan, comm, err);
    if (st == AGORA_OK)
        st = exchange_init(&m->winners, comm, err);
    if (st == AGORA_OK)
        st = alloc_buffers(m, err);
    if (st != AGORA_OK)
        return st;
    /* Outcomes are opaque bytes: ranks of one run share one binary and machine kind. */
    MPI_Type_contiguous((int)sizeof(win_outcome), MPI_BYTE, &m->outcome_type);
    MPI_Type_commit(&m->outcome_type);
    for (int r = 0; r <= m->ranks; r++)
        m->agent_lo[r] = block_lo(s->population.agents, m->ranks, r);
    m->owner_scale = (double)m->ranks / (double)s->population.agents;
    /* Counted from the state, not assumed zero: a resumed run starts mid-way. */
    const agent_state *a = &pop->state;
    for (size_t i = 0; a->budget_left && i < a->n; i++)
        m->exhausted += !(a->budget_left[i] > 0.0);
    m->digest = population_digest(pop);
    return AGORA_OK;
}

void market_free(market *m)
{
    if (m->outcome_type)
        MPI_Type_free(&m->outcome_type);
    exchange_free(&m->plan);
    exchange_free(&m->winners);
    void *owned[] = {m->agent_lo,   m->participant, m->owner,    m->local,     m->send_index,
                     m->send_bid,   m->win_owner,   m->win_staged, m->win_send, m->recv_index,
                     m->recv_bid,   m->win_recv,    m->bids,     m->sample_scratch,
                     m->order,      m->winner,      m->price};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
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
    if (st == AGORA_OK)
        m->recv_capacity = cap;
    return st;
}

/* The owner rank of agent `id`: the floating-point estimate is off by at most
 * one, and the table of block starts settles it without a division. */
static inline int owner_of(const market *m, uint32_t id)
{
    int r = (int)((double)id * m->owner_scale);
    if (r >= m->ranks)
        r = m->ranks - 1;
    while (r > 0 && m->agent_lo[r] > id)
        r--;
    while (r + 1 < m->ranks && m->agent_lo[r + 1] <= id)
        r++;
    return r;
}

/* Step 2: the participants of every local auction, their owners and their
 * indices there. */
static void draw_participants(market *m, uint64_t t)
{
    const scenario *s = m->s;
    uint32_t n = (uint32_t)s->population.agents, k = m->bidders;
    for (uint64_t g = m->auction_lo; g < m->auction_hi; g++) {
        uint32_t *ids = m->participant + (g - m->auction_lo) * k;
        if (s->market.bidders_all) {
            for (uint32_t j = 0; j < k; j++)
                ids[j] = j;
        } else {
            pcg32 rng = rng_stream(s->seed, RNG_PARTICIPANTS, g, t);
            sample_distinct(&rng, n, k, ids, m->sample_scratch);
        }
    }
    size_t requests = (size_t)(m->auction_hi - m->auction_lo) * k;
    for (size_t j = 0; j < requests; j++) {
        int r = owner_of(m, m->participant[j]);
        m->owner[j] = r;
        m->local[j] = (uint32_t)(m->participant[j] - m->agent_lo[r]);
    }
}

/* Step 4: owners answer with bids. */
static void answer_bids(market *m, uint64_t t)
{
    population_bids(m->pop, m->recv_index, m->plan.recv_total, t, m->recv_bid);
}

/* Clicks of the ad in slot `s`: expected, or drawn from the auction's stream. */
static double slot_clicks(const market *m, pcg32 *rng, uint32_t slot)
{
    double ctr = m->params.ctr[slot];
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

/* Step 5: every local auction runs the mechanism; each winner's outcome is
 * staged in auction order with its owner. Returns the number staged. */
static size_t run_auctions(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED])
{
    uint32_t k = m->bidders;
    double reserve = m->params.reserve;
    size_t eligible = 0, staged = 0;
    int sampled = m->s->mechanism.clicks != CLICKS_EXPECTED;
    position_outcome out = {0, m->winner, m->price};
    for (uint64_t g = m->auction_lo; g < m->auction_hi; g++) {
        size_t base = (size_t)(g - m->auction_lo) * k;
        for (uint32_t j = 0; j < k; j++) {
            double b = m->send_bid[m->plan.slot[base + j]];
            m->bids[j] = b;
            eligible += (b > 0.0 && b >= reserve);
        }
        position_run(m->mechanism, &m->params, m->bids, m->participant + base, k, m->order, &out);
        pcg32 rng = {0, 1};
        if (sampled)
            rng = rng_stream(m->s->seed, RNG_CLICKS, g, t);
        for (uint32_t slot = 0; slot < out.filled; slot++) {
            size_t j = base + out.winner[slot];
            int owner = m->owner[j];
            double clicks = slot_clicks(m, &rng, slot);
            m->win_owner[staged] = owner;
            m->win_staged[staged] = (win_outcome){
                .clicks = clicks,
                .payment = m->price[slot] * clicks,
                .request = (uint32_t)(m->plan.slot[j] - (size_t)m->plan.send_displs[owner]),
            };
            staged++;
        }
    }
    fixed_add(&sums[METRIC_AUCTIONS], (double)(m->auction_hi - m->auction_lo));
    fixed_add(&sums[METRIC_ELIGIBLE_BIDS], (double)eligible);
    fixed_add(&sums[METRIC_SLOTS_FILLED], (double)staged);
    return staged;
}

/* Step 6: winners' outcomes travel to their owners. */
static agora_status send_outcomes(market *m, size_t staged, agora_error *err)
{
    agora_status st = exchange_plan_build(&m->winners, m->win_owner, staged, err);
    if (st == AGORA_OK)
        st = grow((void **)&m->win_recv, &m->win_recv_capacity, m->winners.recv_total,
                  sizeof *m->win_recv, err);
    if (st != AGORA_OK)
        return st;
    for (size_t w = 0; w < staged; w++)
        m->win_send[m->winners.slot[w]] = m->win_staged[w];
    return exchange_forward(&m->winners, m->win_send, m->win_recv, m->outcome_type, err);
}

/* Step 7: owners apply outcomes in canonical order: by source rank, then as
 * staged, which is global auction order. The charge is capped at the remaining
 * budget, so spend never exceeds the budget; what could not be charged is
 * reported as budget_forgiven. */
static void settle(market *m, fixed_sum sums[METRIC_SUMMED])
{
    agent_state *a = &m->pop->state;
    for (int src = 0; src < m->ranks; src++) {
        const win_outcome *o = m->win_recv + m->winners.recv_displs[src];
        const uint32_t *index = m->recv_index + m->plan.recv_displs[src];
        int count = m->winners.recv_counts[src];
        for (int w = 0; w < count; w++, o++) {
            /* Winners are scattered over the agent arrays: ask for the lines a
             * few winners ahead so their cache misses overlap. */
            if (w + SETTLE_PREFETCH < count) {
                uint32_t ahead = index[o[SETTLE_PREFETCH].request];
                __builtin_prefetch(&a->spend[ahead], 1);
                __builtin_prefetch(&a->clicks[ahead], 1);
                __builtin_prefetch(&a->value[ahead], 0);
                if (a->budget_left)
                    __builtin_prefetch(&a->budget_left[ahead], 1);
            }
            uint32_t i = index[o->request];
            m->digest -= population_agent_hash(m->pop, i);
            double charge = o->payment;
            if (a->budget_left) {
                double left = a->budget_left[i];
                charge = charge < left ? charge : left;
                a->budget_left[i] = left - charge;
                if (left > 0.0 && !(a->budget_left[i] > 0.0))
                    m->exhausted++;
            }
            a->spend[i] += charge;
            a->clicks[i] += o->clicks;
            m->digest += population_agent_hash(m->pop, i);
            fixed_add(&sums[METRIC_WELFARE], a->value[i] * o->clicks);
            fixed_add(&sums[METRIC_REVENUE], charge);
            fixed_add(&sums[METRIC_CLICKS], o->clicks);
            fixed_add(&sums[METRIC_BUDGET_FORGIVEN], o->payment - charge);
        }
    }
    fixed_add(&sums[METRIC_BUDGET_EXHAUSTED], (double)m->exhausted);
}

agora_status market_round(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    phase_clock *clock = m->clock;
    memset(sums, 0, METRIC_SUMMED * sizeof *sums);
    size_t requests = (size_t)(m->auction_hi - m->auction_lo) * m->bidders;
    phase_begin(clock);
    draw_participants(m, t);
    phase_end(clock, PHASE_SAMPLE);
    agora_status st = exchange_plan_build(&m->plan, m->owner, requests, err);
    if (st == AGORA_OK)
        st = reserve_recv(m, m->plan.recv_total, err);
    if (st != AGORA_OK)
        return st;
    for (size_t j = 0; j < requests; j++)
        m->send_index[m->plan.slot[j]] = m->local[j];
    st = exchange_forward(&m->plan, m->send_index, m->recv_index, MPI_UINT32_T, err);
    phase_end(clock, PHASE_ROUTE);
    if (st != AGORA_OK)
        return st;
    answer_bids(m, t);
    phase_end(clock, PHASE_BID);
    st = exchange_backward(&m->plan, m->recv_bid, m->send_bid, MPI_DOUBLE, err);
    phase_end(clock, PHASE_ROUTE);
    if (st != AGORA_OK)
        return st;
    size_t staged = run_auctions(m, t, sums);
    phase_end(clock, PHASE_ALLOCATE);
    st = send_outcomes(m, staged, err);
    phase_end(clock, PHASE_ROUTE);
    if (st == AGORA_OK)
        settle(m, sums);
    phase_end(clock, PHASE_SETTLE);
    return st;
}
