/* One distributed round of a position-auction market; see round.h. */
#include "round.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "partition.h"
#include "sampling.h"

static void *alloc_array(size_t n, size_t size)
{
    return malloc((n ? n : 1) * size);
}

agora_status market_init(market *m, const scenario *s, population *pop, MPI_Comm comm,
                         agora_error *err)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->pop = pop;
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
    if (st != AGORA_OK)
        return st;
    MPI_Type_contiguous(2, MPI_DOUBLE, &m->outcome_type);
    MPI_Type_commit(&m->outcome_type);

    size_t requests = (size_t)(m->auction_hi - m->auction_lo) * m->bidders;
    size_t slots = s->mechanism.slots;
    m->participant = alloc_array(requests, sizeof *m->participant);
    m->owner = alloc_array(requests, sizeof *m->owner);
    m->send_index = alloc_array(requests, sizeof *m->send_index);
    m->send_bid = alloc_array(requests, sizeof *m->send_bid);
    m->send_outcome = alloc_array(requests, sizeof *m->send_outcome);
    m->bids = alloc_array(m->bidders, sizeof *m->bids);
    m->sample_scratch = alloc_array(sampling_scratch_size(m->bidders), sizeof(uint32_t));
    m->order = alloc_array(slots + 1, sizeof *m->order);
    m->winner = alloc_array(slots, sizeof *m->winner);
    m->price = alloc_array(slots, sizeof *m->price);
    if (!m->participant || !m->owner || !m->send_index || !m->send_bid || !m->send_outcome ||
        !m->bids || !m->sample_scratch || !m->order || !m->winner || !m->price)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu bid requests per round",
                          requests);
    return AGORA_OK;
}

void market_free(market *m)
{
    if (m->outcome_type)
        MPI_Type_free(&m->outcome_type);
    exchange_free(&m->plan);
    free(m->participant);
    free(m->owner);
    free(m->send_index);
    free(m->send_bid);
    free(m->send_outcome);
    free(m->recv_index);
    free(m->recv_bid);
    free(m->recv_outcome);
    free(m->bids);
    free(m->sample_scratch);
    free(m->order);
    free(m->winner);
    free(m->price);
    memset(m, 0, sizeof *m);
}

static agora_status reserve_recv(market *m, size_t n, agora_error *err)
{
    if (n <= m->recv_capacity)
        return AGORA_OK;
    free(m->recv_index);
    free(m->recv_bid);
    free(m->recv_outcome);
    m->recv_index = alloc_array(n, sizeof *m->recv_index);
    m->recv_bid = alloc_array(n, sizeof *m->recv_bid);
    m->recv_outcome = alloc_array(n, sizeof *m->recv_outcome);
    if (!m->recv_index || !m->recv_bid || !m->recv_outcome)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu incoming requests", n);
    m->recv_capacity = n;
    return AGORA_OK;
}

/* Step 2: the participants of every local auction, and their owners. */
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
    for (size_t j = 0; j < requests; j++)
        m->owner[j] = block_owner(n, m->ranks, m->participant[j]);
}

/* Step 4: owners answer with bids. */
static void answer_bids(market *m, uint64_t t)
{
    for (size_t j = 0; j < m->plan.recv_total; j++)
        m->recv_bid[j] = population_bid(m->pop, m->recv_index[j], t);
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

/* Step 5: every local auction runs the mechanism; outcomes are written in
 * send order so they line up with what each owner received. */
static void run_auctions(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED])
{
    uint32_t k = m->bidders;
    double reserve = m->params.reserve;
    size_t eligible = 0, filled = 0;
    position_outcome out = {0, m->winner, m->price};
    memset(m->send_outcome, 0, m->plan.send_total * sizeof *m->send_outcome);
    for (uint64_t g = m->auction_lo; g < m->auction_hi; g++) {
        size_t base = (size_t)(g - m->auction_lo) * k;
        for (uint32_t j = 0; j < k; j++) {
            double b = m->send_bid[m->plan.slot[base + j]];
            m->bids[j] = b;
            eligible += (b > 0.0 && b >= reserve);
        }
        position_run(m->mechanism, &m->params, m->bids, m->participant + base, k, m->order, &out);
        pcg32 rng = rng_stream(m->s->seed, RNG_CLICKS, g, t);
        for (uint32_t slot = 0; slot < out.filled; slot++) {
            double clicks = slot_clicks(m, &rng, slot);
            bid_outcome *o = &m->send_outcome[m->plan.slot[base + out.winner[slot]]];
            o->clicks = clicks;
            o->payment = out.price[slot] * clicks;
        }
        filled += out.filled;
    }
    fixed_add(&sums[METRIC_AUCTIONS], (double)(m->auction_hi - m->auction_lo));
    fixed_add(&sums[METRIC_ELIGIBLE_BIDS], (double)eligible);
    fixed_add(&sums[METRIC_SLOTS_FILLED], (double)filled);
}

/* Step 7: owners apply outcomes in canonical (global auction) order. The charge
 * is capped at the remaining budget, so spend never exceeds the budget; what
 * could not be charged is reported as budget_forgiven. */
static void settle(market *m, fixed_sum sums[METRIC_SUMMED])
{
    agent_state *a = &m->pop->state;
    for (size_t j = 0; j < m->plan.recv_total; j++) {
        const bid_outcome *o = &m->recv_outcome[j];
        if (o->clicks == 0.0 && o->payment == 0.0)
            continue;
        uint32_t i = m->recv_index[j];
        double left = a->budget_left[i];
        double charge = o->payment < left ? o->payment : left;
        a->budget_left[i] = left - charge;
        if (left > 0.0 && !(a->budget_left[i] > 0.0))
            m->exhausted++;
        a->spend[i] += charge;
        a->clicks[i] += o->clicks;
        a->utility[i] += a->value[i] * o->clicks - charge;
        fixed_add(&sums[METRIC_WELFARE], a->value[i] * o->clicks);
        fixed_add(&sums[METRIC_REVENUE], charge);
        fixed_add(&sums[METRIC_CLICKS], o->clicks);
        fixed_add(&sums[METRIC_BUDGET_FORGIVEN], o->payment - charge);
    }
    fixed_add(&sums[METRIC_BUDGET_EXHAUSTED], (double)m->exhausted);
}

agora_status market_round(market *m, uint64_t t, fixed_sum sums[METRIC_SUMMED], agora_error *err)
{
    memset(sums, 0, METRIC_SUMMED * sizeof *sums);
    size_t requests = (size_t)(m->auction_hi - m->auction_lo) * m->bidders;
    uint64_t first_id_of_owner;
    draw_participants(m, t);

    agora_status st = exchange_plan_build(&m->plan, m->owner, requests, err);
    if (st == AGORA_OK)
        st = reserve_recv(m, m->plan.recv_total, err);
    if (st != AGORA_OK)
        return st;
    for (size_t j = 0; j < requests; j++) {
        first_id_of_owner = block_lo(m->s->population.agents, m->ranks, m->owner[j]);
        m->send_index[m->plan.slot[j]] = (uint32_t)(m->participant[j] - first_id_of_owner);
    }
    st = exchange_forward(&m->plan, m->send_index, m->recv_index, MPI_UINT32_T, err);
    if (st != AGORA_OK)
        return st;
    answer_bids(m, t);
    st = exchange_backward(&m->plan, m->recv_bid, m->send_bid, MPI_DOUBLE, err);
    if (st != AGORA_OK)
        return st;
    run_auctions(m, t, sums);
    st = exchange_forward(&m->plan, m->send_outcome, m->recv_outcome, m->outcome_type, err);
    if (st != AGORA_OK)
        return st;
    settle(m, sums);
    return AGORA_OK;
}
