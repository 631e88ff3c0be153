/* What an auction sends back to an owner for one of its winning requests. Only
 * winners travel (about slots/bidders of the requests). `request` is the
 * request's position within the block this rank sent to that owner (its own
 * block when the owner is this rank: such outcomes never travel). */
#ifndef AGORA_WIN_OUTCOME_H
#define AGORA_WIN_OUTCOME_H

#include <stdint.h>

typedef struct {
    double clicks;
    double payment; /* price per click * clicks, before the budget cap */
    uint32_t request;
    uint32_t unused;
} win_outcome;

#endif
