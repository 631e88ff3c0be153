/* UCB1 (Auer, Cesa-Bianchi & Fischer 2002) and epsilon-greedy over a grid of
 * bid multipliers, with bandit feedback: once per round the agent took part in,
 * the realised gain, scaled to [0, 1] by value * ctr_0 per auction, updates the
 * mean reward of the level it played.
 *
 * State (2 * levels doubles): means[k], then counts[k] (whole numbers kept as
 * doubles so that every state block is one array of doubles). */
#include "grid_learner.h"

#define MAX_LEVELS 256

const behaviour_param behaviour_ucb_params[] = {GRID_PARAMS, {NULL, 0, 0, 0, 0, 0, 0}};

const behaviour_param behaviour_egreedy_params[] = {
    GRID_PARAMS,
    {"epsilon", offsetof(behaviour_params, epsilon), 0.1, 0.0, 1.0, 0, 0},
    {NULL, 0, 0, 0, 0, 0, 0},
};

void behaviour_bandit_resolve(behaviour_params *p, const market_info *m)
{
    grid_resolve(p, m);
}

uint32_t behaviour_bandit_state_size(const behaviour_params *p)
{
    return 2 * (uint32_t)p->levels;
}

void behaviour_bandit_init(const behaviour_params *p, double value, double *state)
{
    (void)value;
    for (uint32_t k = 0; k < 2 * (uint32_t)p->levels; k++)
        state[k] = 0.0;
}

static void load_counts(const double *state, uint32_t L, uint32_t *counts)
{
    for (uint32_t k = 0; k < L; k++)
        counts[k] = (uint32_t)state[L + k];
}

static uint32_t choose(const behaviour_params *p, const double *state, double u, int greedy)
{
    uint32_t L = (uint32_t)p->levels, counts[MAX_LEVELS];
    load_counts(state, L, counts);
    if (!greedy)
        return ucb_choose(counts, state, L, 0);
    /* Two independent uniforms from the round's one draw: the high and low bits. */
    double u2 = u * 4294967296.0;
    u2 -= floor(u2);
    return egreedy_choose(counts, state, L, p->epsilon, u, u2);
}

static void update(const behaviour_params *p, double value, double gain, uint32_t auctions,
                   double u, double *state, int greedy)
{
    uint32_t L = (uint32_t)p->levels, counts[MAX_LEVELS];
    uint32_t k = choose(p, state, u, greedy);
    load_counts(state, L, counts);
    double reward = learning_reward01(gain * learning_scale(value, p->unit, auctions), p->high);
    bandit_update(counts, state, k, reward);
    state[L + k] = counts[k];
}

double behaviour_ucb_bid(const behaviour_params *p, double value, const double *state, double u)
{
    return grid_bid(p, value, choose(p, state, u, 0));
}

void behaviour_ucb_round_end(const behaviour_params *p, const market_info *m, double value,
                             double gain, uint32_t auctions, double u, double *state)
{
    (void)m;
    update(p, value, gain, auctions, u, state, 0);
}

double behaviour_egreedy_bid(const behaviour_params *p, double value, const double *state,
                             double u)
{
    return grid_bid(p, value, choose(p, state, u, 1));
}

void behaviour_egreedy_round_end(const behaviour_params *p, const market_info *m, double value,
                                 double gain, uint32_t auctions, double u, double *state)
{
    (void)m;
    update(p, value, gain, auctions, u, state, 1);
}

/* The multiplier of the level with the best mean (what exploitation plays). */
double behaviour_bandit_multiplier(const behaviour_params *p, double value, const double *state)
{
    (void)value;
    uint32_t L = (uint32_t)p->levels, best = 0;
    for (uint32_t k = 1; k < L; k++)
        if (state[k] > state[best])
            best = k;
    return grid_multiplier(p->low, p->high, L, best);
}
