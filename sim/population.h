/* The agents a rank owns: their structure-of-arrays state, drawn at start-up from
 * keyed streams (so agent i gets the same value and budget at any rank count), and
 * their behaviour groups. 25 bytes per agent (value, spend, clicks, group), 33
 * with budgets (budget_left). */
#ifndef AGORA_POPULATION_H
#define AGORA_POPULATION_H

#include "behaviour.h"
#include "rng.h"
#include "scenario.h"
#include "status.h"

/* Everything the rank needs to compute bids for its agents. */
typedef struct {
    agent_state state;
    size_t n_groups;
    const behaviour **behaviours; /* per group */
    behaviour_params *params;     /* per group */
    int budgeted;
    double reserve; /* bids below it are not placed */
} population;

/* Group k holds ids [bound(k-1), bound(k)) with bound(k) = round(N * cumulative share). */
uint8_t population_group_of(const scenario *s, uint64_t id);

agora_status population_init(population *p, const scenario *s, uint64_t first_id, uint64_t n,
                             agora_error *err);
void population_free(population *p);

/* Per-click bid of local agent i in `round`: its behaviour's bid, or 0 once the
 * budget is spent or when the bid is not a positive finite number. */
double population_bid(const population *p, size_t i, uint64_t round);
/* out[j] = population_bid(p, index[j], round) for n requests, batched: the
 * round's hot path on the owner side. */
void population_bids(const population *p, const uint32_t *index, size_t n, uint64_t round,
                     double *out);

/* A 64-bit hash of local agent i's id and mutable state. The digest of a
 * population is the wrapping sum of its agents' hashes: independent of how
 * agents are split over ranks, and cheap to keep up to date as agents change. */
uint64_t population_agent_hash(const population *p, size_t i);
uint64_t population_digest(const population *p);

/* One value from a configured distribution, for agent `id`. */
double dist_draw(const scenario_dist *d, pcg32 *g, uint64_t id);

#endif
