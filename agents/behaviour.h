/* Bidding behaviours: how an agent turns its private per-click value into a bid.
 * Agent state is structure-of-arrays over the agents a rank owns; a behaviour
 * reads it and writes bids, nothing else. Pure computation, no MPI. */
#ifndef AGORA_BEHAVIOUR_H
#define AGORA_BEHAVIOUR_H

#include <stddef.h>
#include <stdint.h>

/* The agents one rank owns: global ids first_id .. first_id + n - 1. */
typedef struct {
    uint64_t first_id;
    size_t n;
    double *value;       /* per-click value */
    double *budget_left; /* remaining budget (INFINITY when unbudgeted) */
    double *spend;       /* total charged so far */
    double *utility;     /* value * clicks - charges, summed */
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
} behaviour;

const behaviour *behaviour_find(const char *name);
/* The i-th registered behaviour, NULL past the last. */
const behaviour *behaviour_at(size_t i);
const char *behaviour_names(void); /* "truthful, shade" */

#endif
