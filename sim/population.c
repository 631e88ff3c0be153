/* Start-up state of the agents a rank owns; see population.h. */
#include "population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double dist_draw(const scenario_dist *d, pcg32 *g, uint64_t id)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_UNIFORM:
        return d->a + (d->b - d->a) * rng_uniform01(g);
    case DIST_LOGNORMAL:
        return rng_lognormal(g, d->a, d->b);
    case DIST_LIST:
        return d->list[id];
    }
    return 0.0;
}

uint8_t population_group_of(const scenario *s, uint64_t id)
{
    double cumulative = 0.0;
    for (size_t k = 0; k + 1 < s->n_groups; k++) {
        cumulative += s->groups[k].share;
        if ((double)id < nearbyint(cumulative * (double)s->population.agents))
            return (uint8_t)k;
    }
    return (uint8_t)(s->n_groups - 1);
}

static agora_status alloc_state(agent_state *a, uint64_t first_id, size_t n, int budgeted,
                                agora_error *err)
{
    memset(a, 0, sizeof *a);
    a->first_id = first_id;
    a->n = n;
    size_t m = n ? n : 1;
    a->value = malloc(m * sizeof(double));
    a->spend = calloc(m, sizeof(double));
    a->clicks = calloc(m, sizeof(double));
    a->group = malloc(m);
    if (budgeted)
        a->budget_left = malloc(m * sizeof(double));
    if (!a->value || !a->spend || !a->clicks || !a->group || (budgeted && !a->budget_left))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu agents", n);
    return AGORA_OK;
}

agora_status population_init(population *p, const scenario *s, uint64_t first_id, uint64_t n,
                             agora_error *err)
{
    memset(p, 0, sizeof *p);
    agora_status st = alloc_state(&p->state, first_id, (size_t)n, s->population.has_budget, err);
    if (st != AGORA_OK)
        return st;
    p->n_groups = s->n_groups;
    p->behaviours = calloc(s->n_groups, sizeof *p->behaviours);
    p->params = calloc(s->n_groups, sizeof *p->params);
    if (!p->behaviours || !p->params)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    for (size_t k = 0; k < s->n_groups; k++) {
        p->behaviours[k] = behaviour_find(s->groups[k].behaviour);
        if (!p->behaviours[k])
            return agora_fail(err, AGORA_EINTERNAL, "behaviour '%s' vanished from the registry",
                              s->groups[k].behaviour);
        p->params[k].factor = s->groups[k].factor;
    }
    p->budgeted = s->population.has_budget;
    p->reserve = s->mechanism.reserve;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t id = first_id + i;
        pcg32 gv = rng_stream(s->seed, RNG_VALUE, id, 0);
        p->state.value[i] = dist_draw(&s->population.value, &gv, id);
        if (p->budgeted) {
            pcg32 gb = rng_stream(s->seed, RNG_BUDGET, id, 0);
            p->state.budget_left[i] = dist_draw(&s->population.budget, &gb, id);
        }
        p->state.group[i] = population_group_of(s, id);
    }
    return AGORA_OK;
}

void population_free(population *p)
{
    agent_state *a = &p->state;
    free(a->value);
    free(a->budget_left);
    free(a->spend);
    free(a->clicks);
    free(a->group);
    free(p->behaviours);
    free(p->params);
    memset(p, 0, sizeof *p);
}

double population_bid(const population *p, size_t i, uint64_t round)
{
    if (p->budgeted && !(p->state.budget_left[i] > 0.0))
        return 0.0;
    uint8_t k = p->state.group[i];
    double bid = p->behaviours[k]->bid(&p->params[k], &p->state, i, round);
    if (!(bid > 0.0) || !isfinite(bid))
        return 0.0;
    return bid;
}

void population_bids(const population *p, const uint32_t *index, size_t n, uint64_t round,
                     double *out)
{
    const behaviour *only = p->n_groups == 1 ? p->behaviours[0] : NULL;
    if (!only || !only->bid_many) {
        for (size_t j = 0; j < n; j++)
            out[j] = population_bid(p, index[j], round);
        return;
    }
    /* One behaviour for everyone: a tight gather the CPU can overlap, then the
     * same rules as population_bid. */
    only->bid_many(&p->params[0], &p->state, index, n, round, out);
    for (size_t j = 0; j < n; j++)
        if (!(out[j] > 0.0) || !isfinite(out[j]))
            out[j] = 0.0;
    if (p->budgeted)
        for (size_t j = 0; j < n; j++)
            if (!(p->state.budget_left[index[j]] > 0.0))
                out[j] = 0.0;
}

/* The splitmix64 finaliser (Steele, Lea, Flood 2014): every input bit reaches
 * every output bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

uint64_t population_agent_hash(const population *p, size_t i)
{
    const agent_state *a = &p->state;
    uint64_t h = mix64(a->first_id + i);
    h = mix64(h ^ bits_of(a->spend[i]));
    h = mix64(h ^ bits_of(a->clicks[i]));
    if (a->budget_left)
        h = mix64(h ^ bits_of(a->budget_left[i]));
    return h;
}

uint64_t population_digest(const population *p)
{
    uint64_t d = 0;
    for (size_t i = 0; i < p->state.n; i++)
        d += population_agent_hash(p, i);
    return d;
}
