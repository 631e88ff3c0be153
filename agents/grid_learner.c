/* Helpers shared by the bid-grid learners; see grid_learner.h. */
#include "grid_learner.h"

const char *grid_validate(const behaviour_params *p)
{
    return p->low < p->high ? NULL : "low must be less than high";
}

_Static_assert(CF_GRID_MAX == BEHAVIOUR_GRID_MAX, "one bound on the levels");

void grid_resolve(behaviour_params *p, const market_info *m)
{
    double top = m->auction->slots ? m->auction->ctr[0] : 0.0;
    p->unit = top > 0.0 ? top : 1.0;
    uint32_t L = (uint32_t)p->levels;
    for (uint32_t k = 0; k < BEHAVIOUR_GRID_MAX; k++)
        p->grid[k] = k < L ? grid_multiplier(p->low, p->high, L, k) : 0.0;
}

double grid_bid(const behaviour_params *p, double value, uint32_t level)
{
    return p->grid[level] * value;
}

uint32_t grid_others(const auction_view *v, const market_info *m, double *others)
{
    uint32_t n = 0, slots = m->auction->slots;
    for (uint32_t q = 0; q < v->n_top && n < slots; q++)
        if ((int32_t)q != v->position)
            others[n++] = v->top[q];
    return n;
}

cf_rule grid_rule(const market_info *m)
{
    cf_rule rule = CF_GSP;
    cf_rule_find(m->mechanism->name, &rule);
    return rule;
}
