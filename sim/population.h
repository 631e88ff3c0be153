/* The agents a rank owns: their structure-of-arrays state, drawn at start-up from
 * keyed streams (so agent i gets the same value and budget at any rank count),
 * their behaviour groups, each group's per-agent learner state, and budget
 * pacing. Base state is 25 bytes per agent (value, spend, clicks, group), 41 with
 * budgets (budget_left, spend at the start of the round); learners and pacing add
 * their own (BENCHMARKS.md lists them). */
#ifndef AGORA_POPULATION_H
#define AGORA_POPULATION_H

#include <string.h>

#include "behaviour.h"
#include "rng.h"
#include "scenario.h"
#include "state_block.h"
#include "status.h"

/* One behaviour group's agents on this rank: local indices [lo, hi). */
typedef struct {
    const behaviour *b;
    behaviour_params params;
    pacing_kind pacing;
    double pacing_step, pacing_max;
    size_t lo, hi;
    uint32_t stride;   /* state doubles per agent */
    double *state;     /* (hi - lo) * stride: the behaviour's own state */
    double *pace;      /* (hi - lo): mu (multiplier pacing) or p (throttle); NULL without pacing */
    double *gain;      /* (hi - lo): this round's realised gain, for round_end */
    uint32_t *played;  /* (hi - lo): auctions taken part in this round */
    int draws;         /* needs the per-round uniform draw */
} agent_group;

typedef struct {
    agent_state state;
    double *spend_prev; /* spend at the start of the round (budgeted runs) */
    /* Each local agent's quality when it is drawn or comes from a file (else
     * NULL: none, a constant or a list): its owner answers it beside each bid
     * (sim/round.c), so no rank holds more than its own agents' numbers and
     * no draw is repeated. */
    double *quality;
    /* AIGC pair CTRs from a file (mechanism.pair_ctr: {dist: file}): each local
     * agent's row of `slots` numbers, answered beside each bid like quality;
     * else NULL. */
    double *pair_ctr;
    agent_group *groups;
    size_t n_groups;
    int budgeted, learners, wants_feedback;
    int bandits;      /* some group learns from its round's gains (round_end) */
    int all_truthful; /* every bid equals the value: multipliers are 1 without dividing */
    /* With learner or pacing state (else NULL): each agent's such state hashed,
     * kept current by every function that changes it, so an agent's hash costs
     * the same few mixes whatever its state size. */
    uint64_t *state_hash;
    uint64_t digest_change; /* what those changes did to the digest, not yet taken */
    uint64_t seed, rounds;
    market_info market;
    position_params auction;
} population;

/* Local agent i's group. With one group the group byte is not read: it is a
 * random access into an array of a byte per agent, a cache miss per request
 * that the bid and learning loops would wait for. */
static inline agent_group *population_group(const population *p, size_t i)
{
    return &p->groups[p->n_groups == 1 ? 0 : p->state.group[i]];
}

/* Group k holds global ids [lo, hi) with bound(k) = round(N * cumulative share). */
void population_group_bounds(const scenario *s, size_t k, uint64_t *lo, uint64_t *hi);
uint8_t population_group_of(const scenario *s, uint64_t id);

agora_status population_init(population *p, const scenario *s, uint64_t first_id, uint64_t n,
                             agora_error *err);
void population_free(population *p);

/* Per-click bid of local agent i in `round`: its behaviour's bid under its
 * pacing, or 0 once the budget is spent or when the bid is not a positive
 * finite number. */
double population_bid(const population *p, size_t i, uint64_t round);
/* out[j] = population_bid(p, index[j], round) for n requests, batched: the
 * round's hot path on the owner side. Returns how many bids are placed (> 0). */
size_t population_bids(const population *p, const uint32_t *index, size_t n, uint64_t round,
                       double *out);
/* The value lines of n agents, for a block of requests whose bids are
 * computed soon after. */
void population_prefetch_bids(const population *p, const uint32_t *index, size_t n);
/* Asks the cache for what bidding (learning: 0) or learning (1) for local agent
 * i reads, for callers that know which agents come next. */
void population_prefetch(const population *p, size_t i, int learning);
/* The agent's bid multiplier for reports: bid / value under its current state. */
double population_multiplier(const population *p, size_t i, uint64_t round);
/* Regret against the best fixed grid bid (Hedge); 0 for other behaviours. */
double population_regret(const population *p, size_t i);

/* Learning, in canonical order: `observe` once per auction that local agent i
 * took part in (for groups that want feedback); `gain` for each outcome it was
 * charged for, `played` for each auction it placed a bid in; then `end_round`
 * once per round (round_end callbacks, pacing controllers, start-of-round spend). */
void population_observe(population *p, size_t i, uint64_t round, const auction_view *v);
void population_gain(population *p, size_t i, double gain);
void population_played(population *p, size_t i);
void population_end_round(population *p, uint64_t round);

/* The agent's state blocks a checkpoint must carry, by global id. */
size_t population_state_blocks(const population *p, const scenario *s, state_block *out,
                               size_t max);

/* A 64-bit hash of local agent i's id and mutable state. The digest of a
 * population is the wrapping sum of its agents' hashes: independent of how
 * agents are split over ranks. population_agent_hash reads the learner and
 * pacing part from state_hash; population_digest recomputes that part for
 * every agent first (after start-up or a checkpoint load), so it is the
 * from-scratch digest. */
static inline uint64_t agent_mix64(uint64_t x)
{
    /* The splitmix64 finaliser (Steele, Lea, Flood 2014): every input bit
     * reaches every output bit. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline uint64_t agent_bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Inline: settlement hashes every winner twice, before and after. */
static inline uint64_t population_agent_hash(const population *p, size_t i)
{
    const agent_state *a = &p->state;
    uint64_t h = agent_mix64(a->first_id + i);
    h = agent_mix64(h ^ agent_bits_of(*agent_spend(a, i)));
    h = agent_mix64(h ^ agent_bits_of(*agent_clicks(a, i)));
    if (a->budget_left)
        h = agent_mix64(h ^ agent_bits_of(a->budget_left[i]));
    if (!p->state_hash)
        return h; /* no learner or pacing state */
    return agent_mix64(h ^ p->state_hash[i]);
}
uint64_t population_digest(population *p);
/* How the digest changed through population_observe and
 * population_end_round since the last call (or population_digest); resets it.
 * Adding it to a digest kept since then gives population_digest's value
 * without rehashing agents the round did not touch. */
uint64_t population_digest_change(population *p);

/* One value from a configured distribution, for agent `id`. */
double dist_draw(const scenario_dist *d, pcg32 *g, uint64_t id);

/* Agent `id`'s per-click value and ad quality (1 without population.quality),
 * from their keyed streams: any rank can compute them for any agent without
 * holding its state (an auction's rank uses them for ranking weights, clicks
 * and probes; neither changes during a run, so no checkpoint carries them). */
double population_value_of(const scenario *s, uint64_t id);
double population_quality_of(const scenario *s, uint64_t id);

#endif
