/* Bidding behaviours: how an agent turns its private per-click value into a bid.
 * Agent state is structure-of-arrays over the agents a rank owns; a behaviour
 * reads it and writes bids, nothing else. Pure computation, no MPI. */
#ifndef AGORA_BEHAVIOUR_H
#define AGORA_BEHAVIOUR_H

#include <stddef.h>
#include <stdint.h>

/* The agents one rank owns: global ids first_id .. first_id + n - 1.
 * Utility is not stored: with a fixed per-click value it is value * clicks - spend.
 * Random access dominates (each bid request touches one agent), so every array
 * a round does not need is left out: 25 bytes per agent, 33 with budgets. */
typedef struct {
    uint64_t first_id;
    size_t n;
    double *value;       /* per-click value */
    double *budget_left; /* remaining budget; NULL when the scenario has no budgets */
    double *spend;       /* total charged so far */
    double *clicks;      /* clicks received, summed */
    uint8_t *group;      /* index into the scenario's behaviour groups */
} agent_state;

/* Parameters of one behaviour group, from the scenario. */
typedef struct {
    double factor; /* shade: bid = factor * value */
} behaviour_params;

typedef struct {
    const char *name;
    const char *description;
    /* Extra state bytes per agent beyond agent_state (documented in BENCHMARKS.md). */
    size_t state_bytes;
    /* The per-click bid of local agent i in round `round`, before budget rules. */
    double (*bid)(const behaviour_params *p, const agent_state *a, size_t i, uint64_t round);
    /* Optional: out[j] = bid of local agent index[j], for n requests at once (the
     * hot path when the whole population shares this behaviour). */
    void (*bid_many)(const behaviour_params *p, const agent_state *a, const uint32_t *index,
                     size_t n, uint64_t round, double *out);
} behaviour;

const behaviour *behaviour_find(const char *name);
/* The i-th registered behaviour, NULL past the last. */
const behaviour *behaviour_at(size_t i);
const char *behaviour_names(void); /* "truthful, shade" */

#endif
