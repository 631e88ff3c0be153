/* What an auction sends back to an owner for one of its winning requests. Only
 * winners travel (about slots/bidders of the requests). `request` is the
 * request's position within the block this rank sent to that owner (its own
 * block when the owner is this rank: such outcomes never travel), or, when no
 * request was routed (bids read from node_keys.h), the winner's local index
 * at its owner. */
#ifndef AGORA_WIN_OUTCOME_H
#define AGORA_WIN_OUTCOME_H

#include <stdint.h>

typedef struct {
    double clicks;
    double payment; /* price per click * clicks, before the budget cap */
    uint32_t request;
    uint32_t unused;
} win_outcome;

/* The owner's local index of o's winner: index[o->request] for the requests
 * the owner answered, or o->request itself where index is NULL. */
static inline uint32_t win_outcome_agent(const win_outcome *o, const uint32_t *index)
{
    return index ? index[o->request] : o->request;
}

#endif
