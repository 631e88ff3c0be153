/* EXP3 (Auer, Cesa-Bianchi, Freund & Schapire 2002) over a grid of bid
 * multipliers, with bandit feedback: the agent sees only what its own bid
 * earned. Once per round it took part in, the realised gain, scaled to [0, 1] by
 * value * ctr_0 per auction, is added to the chosen level's estimate weighted by
 * 1 / (the probability it had), which keeps the estimates unbiased.
 *
 * State (levels doubles): est[k], the importance-weighted reward estimates. The
 * level of a round is drawn again at update time from the same keyed draw and
 * the unchanged state, so nothing about the round needs storing. */
#include "grid_learner.h"

const behaviour_param behaviour_exp3_params[] = {
    GRID_PARAMS,
    /* NAN: gamma = min(1, sqrt(L ln L / ((e - 1) T))), eta = gamma / L (Auer et al. 2002). */
    {"gamma", offsetof(behaviour_params, gamma), NAN, 0.0, 1.0, 1, 0},
    {"eta", offsetof(behaviour_params, eta), NAN, 0.0, INFINITY, 1, 0},
    {NULL, 0, 0, 0, 0, 0, 0},
};

void behaviour_exp3_resolve(behaviour_params *p, const market_info *m)
{
    grid_resolve(p, m);
    if (isnan(p->gamma))
        p->gamma = exp3_default_gamma((uint32_t)p->levels, m->rounds);
    if (isnan(p->eta))
        p->eta = p->gamma / p->levels;
}

uint32_t behaviour_exp3_state_size(const behaviour_params *p)
{
    return (uint32_t)p->levels;
}

void behaviour_exp3_init(const behaviour_params *p, double value, double *state)
{
    (void)value;
    for (uint32_t k = 0; k < (uint32_t)p->levels; k++)
        state[k] = 0.0;
}

double behaviour_exp3_bid(const behaviour_params *p, double value, const double *state, double u)
{
    double prob;
    uint32_t k = exp3_choose(state, (uint32_t)p->levels, p->eta, p->gamma, u, &prob);
    return grid_bid(p, value, k);
}

void behaviour_exp3_round_end(const behaviour_params *p, const market_info *m, double value,
                              double gain, uint32_t auctions, double u, double *state)
{
    (void)m;
    uint32_t L = (uint32_t)p->levels;
    double prob;
    uint32_t k = exp3_choose(state, L, p->eta, p->gamma, u, &prob);
    double reward = learning_reward01(gain * learning_scale(value, p->unit, auctions), p->high);
    exp3_update(state, L, k, reward, prob);
}

double behaviour_exp3_multiplier(const behaviour_params *p, double value, const double *state)
{
    (void)value;
    uint32_t L = (uint32_t)p->levels;
    double prob[256], mean = 0.0;
    exp3_probabilities(state, L, p->eta, p->gamma, prob);
    for (uint32_t k = 0; k < L; k++)
        mean += prob[k] * grid_multiplier(p->low, p->high, L, k);
    return mean;
}
