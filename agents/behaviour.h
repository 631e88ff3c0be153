/* Bidding behaviours: how an agent turns its private per-click value into a bid,
 * and, for learners, how it updates its own state from what its auctions told
 * it. Pure computation, no MPI: a behaviour sees one agent at a time (its value,
 * its state block of state_size() doubles) and the round's uniform draw u that the
 * engine derives from (seed, agent, round), so results never depend on the rank.
 *
 * Plug-ins register by name (agents/registry.c). A behaviour declares its
 * scenario keys in a params table: the scenario loader reads them generically,
 * so adding a behaviour touches its own file, the table and a test. */
#ifndef AGORA_BEHAVIOUR_H
#define AGORA_BEHAVIOUR_H

#include <stddef.h>
#include <stdint.h>

#include "position.h"

/* The agents one rank owns: global ids first_id .. first_id + n - 1.
 * Utility is not stored: with a fixed per-click value it is value * clicks - spend.
 * Random access dominates (each bid request touches one agent), so every array
 * a round does not need is left out: 25 bytes per agent, 33 with budgets. */
typedef struct {
    uint64_t first_id;
    size_t n;
    double *value;       /* per-click value */
    double *budget_left; /* remaining budget; NULL when the scenario has no budgets */
    /* [2n]: agent i's total charge so far at 2i and its clicks received at
     * 2i + 1, side by side: settling a winner changes both, and one cache line
     * then serves it instead of two. */
    double *paid;
    uint8_t *group;      /* index into the scenario's behaviour groups */
} agent_state;

static inline double *agent_spend(const agent_state *a, size_t i)
{
    return &a->paid[2 * i];
}

static inline double *agent_clicks(const agent_state *a, size_t i)
{
    return &a->paid[2 * i + 1];
}

/* The most levels a bid-grid learner has (the `levels` key's bound). */
#define BEHAVIOUR_GRID_MAX 256

/* Parameters of one behaviour group. All doubles, so that behaviours can declare
 * theirs in a table the loader fills by offset. */
typedef struct {
    double factor;             /* shade: bid = factor * value */
    double levels, low, high;  /* learners: bid multipliers low .. high in `levels` steps */
    double eta;                /* learning rate (Hedge, EXP3) */
    double gamma;              /* EXP3 exploration */
    double epsilon;            /* epsilon-greedy exploration */
    double update_probability; /* balanced bidding: chance to update in a round */
    double unit;               /* not a key: expected clicks of the top slot (set by resolve) */
    /* Not a key: a bid-grid learner's multiplier of each level,
     * grid_multiplier(low, high, levels, k) (set by resolve): a bid or an
     * update reads them instead of dividing again. */
    double grid[BEHAVIOUR_GRID_MAX];
} behaviour_params;

/* One scenario key of a behaviour group. */
typedef struct {
    const char *key;
    size_t offset;       /* offsetof(behaviour_params, field) */
    double fallback;     /* default when absent; NAN: computed by resolve() */
    double min, max;     /* allowed range, inclusive */
    int min_open;        /* 1: min itself is not allowed */
    int integer;         /* 1: must be a whole number */
} behaviour_param;

/* The market a behaviour bids in: what counterfactual reasoning needs. */
typedef struct {
    const position_mechanism *mechanism;
    const position_params *auction;
    uint64_t rounds;
} market_info;

/* What one auction tells a participant that asked for feedback. */
typedef struct {
    const double *top;  /* the auction's best min(slots + 1, eligible) bids, descending */
    uint32_t n_top;
    int32_t position;   /* this participant's index in top, or -1 when not among them */
    double bid;         /* what it bid */
    uint64_t round;
} auction_view;

typedef struct behaviour {
    const char *name;
    const char *description;
    const behaviour_param *params; /* the group keys besides behaviour and share; the
                                      table ends with an entry whose key is NULL */
    /* Optional: fills parameters whose fallback is NAN (tuned rates need T). */
    void (*resolve)(behaviour_params *p, const market_info *m);
    /* Optional: a reason the parameters do not fit together, or NULL. */
    const char *(*validate)(const behaviour_params *p);
    /* Optional: doubles of state per agent (NULL: stateless). */
    uint32_t (*state_size)(const behaviour_params *p);
    /* Optional: the starting state of an agent. */
    void (*init)(const behaviour_params *p, double value, double *state);
    /* The per-click bid in a round, before budget rules; u is the agent's
     * uniform draw in [0, 1) for that round. */
    double (*bid)(const behaviour_params *p, double value, const double *state, double u);
    /* Optional batch form for stateless behaviours: out[j] = bid of agent index[j]. */
    void (*bid_many)(const behaviour_params *p, const agent_state *a, const uint32_t *index,
                     size_t n, double *out);
    /* Set when observe() needs each auction's top bids. */
    int wants_feedback;
    /* Set when observe() reads its draw u (the agent's uniform for the round):
     * the draw costs a keyed hash, so it is made only for those that read it. */
    int observe_draws;
    /* Optional: one auction the agent took part in (called in canonical order). */
    void (*observe)(const behaviour_params *p, const market_info *m, double value, double u,
                    const auction_view *v, double *state);
    /* Optional: once per round the agent took part in, with its realised gain
     * (value * clicks - charges) over the `auctions` it was in. */
    void (*round_end)(const behaviour_params *p, const market_info *m, double value,
                      double gain, uint32_t auctions, double u, double *state);
    /* Optional: the bid multiplier to report (expected under the learner's
     * current distribution); NULL: bid / value at u = 0.5. */
    double (*multiplier)(const behaviour_params *p, double value, const double *state);
    /* Optional: regret against the best fixed grid bid in hindsight (Hedge), in
     * value units. */
    double (*regret)(const behaviour_params *p, const double *state);
} behaviour;

const behaviour *behaviour_find(const char *name);
/* The i-th registered behaviour, NULL past the last. */
const behaviour *behaviour_at(size_t i);
const char *behaviour_names(void); /* "truthful, shade, ..." */

#endif
