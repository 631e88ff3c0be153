/* The bidding behaviours a scenario can name. Adding one: write its bid
 * function in its own file, add a row here and a test. */
#include "behaviour.h"

#include <stdio.h>
#include <string.h>

/* Defined in each behaviour's file; only this table refers to them. */
double behaviour_truthful_bid(const behaviour_params *p, double value, const double *state,
                              double u);
void behaviour_truthful_bid_many(const behaviour_params *p, const agent_state *a,
                                 const uint32_t *index, size_t n, double *out);
extern const behaviour_param behaviour_shade_params[];
double behaviour_shade_bid(const behaviour_params *p, double value, const double *state, double u);
void behaviour_shade_bid_many(const behaviour_params *p, const agent_state *a,
                              const uint32_t *index, size_t n, double *out);

#define DECLARE_GRID_LEARNER(name)                                                          \
    extern const behaviour_param behaviour_##name##_params[];                               \
    double behaviour_##name##_bid(const behaviour_params *p, double value, const double *state, \
                                  double u);
DECLARE_GRID_LEARNER(hedge)
DECLARE_GRID_LEARNER(exp3)
DECLARE_GRID_LEARNER(ucb)
DECLARE_GRID_LEARNER(egreedy)
DECLARE_GRID_LEARNER(balanced)
const char *grid_validate(const behaviour_params *p);
void behaviour_hedge_resolve(behaviour_params *p, const market_info *m);
uint32_t behaviour_hedge_state_size(const behaviour_params *p);
void behaviour_hedge_init(const behaviour_params *p, double value, double *state);
void behaviour_hedge_observe(const behaviour_params *p, const market_info *m, double value,
                             double u, const auction_view *v, double *state);
double behaviour_hedge_multiplier(const behaviour_params *p, double value, const double *state);
double behaviour_hedge_regret(const behaviour_params *p, const double *state);
void behaviour_exp3_resolve(behaviour_params *p, const market_info *m);
uint32_t behaviour_exp3_state_size(const behaviour_params *p);
void behaviour_exp3_init(const behaviour_params *p, double value, double *state);
void behaviour_exp3_round_end(const behaviour_params *p, const market_info *m, double value,
                              double gain, uint32_t auctions, double u, double *state);
double behaviour_exp3_multiplier(const behaviour_params *p, double value, const double *state);
void behaviour_bandit_resolve(behaviour_params *p, const market_info *m);
uint32_t behaviour_bandit_state_size(const behaviour_params *p);
void behaviour_bandit_init(const behaviour_params *p, double value, double *state);
void behaviour_ucb_round_end(const behaviour_params *p, const market_info *m, double value,
                             double gain, uint32_t auctions, double u, double *state);
void behaviour_egreedy_round_end(const behaviour_params *p, const market_info *m, double value,
                                 double gain, uint32_t auctions, double u, double *state);
double behaviour_bandit_multiplier(const behaviour_params *p, double value, const double *state);
uint32_t behaviour_balanced_state_size(const behaviour_params *p);
void behaviour_balanced_init(const behaviour_params *p, double value, double *state);
void behaviour_balanced_observe(const behaviour_params *p, const market_info *m, double value,
                                double u, const auction_view *v, double *state);
double behaviour_balanced_multiplier(const behaviour_params *p, double value, const double *state);

static const behaviour behaviours[] = {
    {.name = "truthful",
     .description = "bid the per-click value",
     .bid = behaviour_truthful_bid,
     .bid_many = behaviour_truthful_bid_many},
    {.name = "shade",
     .description = "bid factor * per-click value",
     .params = behaviour_shade_params,
     .bid = behaviour_shade_bid,
     .bid_many = behaviour_shade_bid_many},
    {.name = "hedge",
     .description = "Hedge over a bid-multiplier grid, full information (counterfactual utilities)",
     .params = behaviour_hedge_params,
     .resolve = behaviour_hedge_resolve,
     .validate = grid_validate,
     .state_size = behaviour_hedge_state_size,
     .init = behaviour_hedge_init,
     .bid = behaviour_hedge_bid,
     .wants_feedback = 1,
     .observe = behaviour_hedge_observe,
     .multiplier = behaviour_hedge_multiplier,
     .regret = behaviour_hedge_regret},
    {.name = "exp3",
     .description = "EXP3 over a bid-multiplier grid, bandit feedback",
     .params = behaviour_exp3_params,
     .resolve = behaviour_exp3_resolve,
     .validate = grid_validate,
     .state_size = behaviour_exp3_state_size,
     .init = behaviour_exp3_init,
     .bid = behaviour_exp3_bid,
     .round_end = behaviour_exp3_round_end,
     .multiplier = behaviour_exp3_multiplier},
    {.name = "ucb",
     .description = "UCB1 over a bid-multiplier grid, bandit feedback",
     .params = behaviour_ucb_params,
     .resolve = behaviour_bandit_resolve,
     .validate = grid_validate,
     .state_size = behaviour_bandit_state_size,
     .init = behaviour_bandit_init,
     .bid = behaviour_ucb_bid,
     .round_end = behaviour_ucb_round_end,
     .multiplier = behaviour_bandit_multiplier},
    {.name = "egreedy",
     .description = "epsilon-greedy over a bid-multiplier grid, bandit feedback",
     .params = behaviour_egreedy_params,
     .resolve = behaviour_bandit_resolve,
     .validate = grid_validate,
     .state_size = behaviour_bandit_state_size,
     .init = behaviour_bandit_init,
     .bid = behaviour_egreedy_bid,
     .round_end = behaviour_egreedy_round_end,
     .multiplier = behaviour_bandit_multiplier},
    {.name = "balanced",
     .description = "balanced bidding: the GSP best response, updated asynchronously",
     .params = behaviour_balanced_params,
     .state_size = behaviour_balanced_state_size,
     .init = behaviour_balanced_init,
     .bid = behaviour_balanced_bid,
     .wants_feedback = 1,
     .observe_draws = 1,
     .observe = behaviour_balanced_observe,
     .multiplier = behaviour_balanced_multiplier},
};

const behaviour *behaviour_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof behaviours / sizeof behaviours[0]; i++)
        if (strcmp(behaviours[i].name, name) == 0)
            return &behaviours[i];
    return NULL;
}

const behaviour *behaviour_at(size_t i)
{
    return i < sizeof behaviours / sizeof behaviours[0] ? &behaviours[i] : NULL;
}

/* In table order, built from the table so it cannot fall out of step. */
const char *behaviour_names(void)
{
    static char names[256];
    if (!names[0]) {
        size_t used = 0;
        for (size_t i = 0; i < sizeof behaviours / sizeof behaviours[0]; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     behaviours[i].name);
    }
    return names;
}
