/* What the bid-grid learners (Hedge, EXP3, UCB1, epsilon-greedy) share: the
 * grid keys, their check, and reading the other participants' bids out of an
 * auction's feedback. */
#ifndef AGORA_GRID_LEARNER_H
#define AGORA_GRID_LEARNER_H

#include <math.h>
#include <stddef.h>

#include "behaviour.h"
#include "learning.h"

#define GRID_PARAMS                                                                      \
    {"levels", offsetof(behaviour_params, levels), 32, 2, BEHAVIOUR_GRID_MAX, 0, 1},     \
        {"low", offsetof(behaviour_params, low), 0.0, 0.0, 100.0, 0, 0},                 \
        {"high", offsetof(behaviour_params, high), 1.0, 0.0, 100.0, 1, 0}

/* The most slots an auction has (SCENARIO_MAX_SLOTS): bounds `others`. */
#define GRID_OTHERS_MAX 1024

/* NULL when low < high. */
const char *grid_validate(const behaviour_params *p);

/* What a grid learner's resolve() fills for every grid learner: the unit
 * that puts utilities on [0, 1] (the top slot's expected clicks) and the
 * multiplier of each level. */
void grid_resolve(behaviour_params *p, const market_info *m);

double grid_bid(const behaviour_params *p, double value, uint32_t level);

/* Copies the auction's top bids without this participant's own into others;
 * returns how many (at most slots). */
uint32_t grid_others(const auction_view *v, const market_info *m, double *others);

/* The counterfactual rule of the market's mechanism. */
cf_rule grid_rule(const market_info *m);

#endif
