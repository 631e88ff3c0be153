/* Work items put in the order of the agents they touch (issue 11, session 14).
 * A round's learner updates (and any other per-agent work whose result does
 * not depend on the order between agents) visit agents at random; visiting
 * them by ascending index turns a random miss per agent state line into a
 * stream the memory system prefetches itself. The sort is stable, so the
 * items of one agent keep their canonical order. */
#ifndef AGORA_AGENT_ORDER_H
#define AGORA_AGENT_ORDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t agent; /* local index of the agent the item touches */
    uint32_t item;  /* the caller's number for the item */
} agent_ref;

/* Sorts ref[0 .. n) by agent, stably, every agent below `agents`, using
 * tmp[0 .. n) as scratch; returns whichever of the two holds the result. */
agent_ref *agent_order(agent_ref *ref, agent_ref *tmp, size_t n, uint32_t agents);

#endif
