/* Work items put in the order of the agents they touch (issue 11, session 14).
 * A round's learner updates (per-agent work whose result does not depend on
 * the order between agents) visit agents at random; visiting them by
 * ascending index, to within a small bucket of neighbours, turns a random
 * miss per state line into a walk through memory. The sort is stable, so the
 * items of one agent keep their canonical order. */
#ifndef AGORA_AGENT_ORDER_H
#define AGORA_AGENT_ORDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t agent; /* local index of the agent the item touches */
    uint32_t item;  /* the caller's number for the item */
} agent_ref;

/* Sorts ref[0 .. n) into tmp[0 .. n) (returned) stably by agent >> shift,
 * every agent below `agents`, shift the least with (agents - 1) >> shift
 * below 2^11: by agent where agents <= 2048, else by buckets of 2^shift
 * adjacent agents. */
agent_ref *agent_order(agent_ref *ref, agent_ref *tmp, size_t n, uint32_t agents);

#endif
