/* Start-up state, bids and learning of the agents a rank owns; see population.h. */
#include "population.h"

#include <math.h>

#include "big_alloc.h"
#include "bids_wide.h"
#include "dist_file.h"
#include "learning.h"
#include "prefetch.h"
#include <stdio.h>
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
    case DIST_FILE: /* read by the owner (population_init): values are kept from probes,
                     * qualities travel with the bids (sim/round.c) */
        break;
    }
    return NAN;
}

double population_value_of(const scenario *s, uint64_t id)
{
    pcg32 g = rng_stream(s->seed, RNG_VALUE, id, 0);
    return dist_draw(&s->population.value, &g, id);
}

double population_quality_of(const scenario *s, uint64_t id)
{
    const scenario_dist *d = &s->population.quality;
    if (!s->population.has_quality)
        return 1.0;
    if (d->kind == DIST_CONSTANT || d->kind == DIST_LIST)
        return dist_draw(d, NULL, id); /* no draw: skip keying a stream */
    pcg32 g = rng_stream(s->seed, RNG_QUALITY, id, 0);
    return dist_draw(d, &g, id);
}

/* Quality divides prices and scales clicks: agent id's quality q (drawn, or
 * read from a file) must be positive and finite, and with Bernoulli clicks
 * quality * ctr must stay a probability. */
static agora_status check_quality(const scenario *s, uint64_t id, double q, agora_error *err)
{
    const char *why = NULL;
    if (!(q > 0.0) || !isfinite(q))
        why = "quality must be positive and finite";
    else if (s->mechanism.clicks == CLICKS_BERNOULLI && !s->mechanism.aigc &&
             !(q * s->mechanism.ctr[0] <= 1.0))
        why = "with bernoulli clicks quality * ctr must not exceed 1 (use poisson)";
    if (!why)
        return AGORA_OK;
    const scenario_dist *d = &s->population.quality;
    if (d->kind == DIST_FILE)
        return agora_fail(err, AGORA_EINPUT, "%s: population.quality: agent %llu has %g in %s: %s",
                          scenario_where(s, "population.quality"), (unsigned long long)id, q,
                          d->path, why);
    return agora_fail(err, AGORA_EINPUT, "%s: population.quality: agent %llu draws %g: %s",
                      scenario_where(s, "population.quality"), (unsigned long long)id, q, why);
}

void population_group_bounds(const scenario *s, size_t k, uint64_t *lo, uint64_t *hi)
{
    double cumulative = 0.0, n = (double)s->population.agents;
    *lo = 0;
    for (size_t j = 0; j <= k; j++) {
        *lo = j == 0 ? 0 : *hi;
        cumulative += s->groups[j].share;
        *hi = j + 1 == s->n_groups ? s->population.agents : (uint64_t)nearbyint(cumulative * n);
    }
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
    a->value = big_alloc(m, sizeof(double), 0);
    a->paid = big_alloc(2 * m, sizeof(double), 1);
    a->group = big_alloc(m, 1, 0);
    if (budgeted)
        a->budget_left = big_alloc(m, sizeof(double), 0);
    if (!a->value || !a->paid || !a->group || (budgeted && !a->budget_left))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu agents", n);
    return AGORA_OK;
}

/* Pacing starts at no shading (mu = 0) and full participation (p = 1). */
static agora_status init_group(population *p, const scenario *s, size_t k, agora_error *err)
{
    agent_group *g = &p->groups[k];
    const scenario_group *sg = &s->groups[k];
    uint64_t glo, ghi, first = p->state.first_id, last = first + p->state.n;
    population_group_bounds(s, k, &glo, &ghi);
    /* The group's global range clipped to this rank's agents (possibly empty). */
    glo = glo < first ? first : glo > last ? last : glo;
    ghi = ghi < glo ? glo : ghi > last ? last : ghi;
    g->lo = (size_t)(glo - first);
    g->hi = (size_t)(ghi - first);
    g->b = behaviour_find(sg->behaviour);
    if (!g->b)
        return agora_fail(err, AGORA_EINTERNAL, "behaviour '%s' vanished from the registry",
                          sg->behaviour);
    g->params = sg->params;
    g->pacing = sg->pacing;
    g->pacing_step = sg->pacing_step;
    g->pacing_max = sg->pacing_max;
    g->stride = g->b->state_size ? g->b->state_size(&g->params) : 0;
    g->draws = g->stride > 0 || g->pacing == PACING_THROTTLE;
    size_t n = g->hi - g->lo, m = n ? n : 1;
    if (g->stride && !(g->state = big_alloc(m * g->stride, sizeof(double), 1)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for learner state");
    if (g->b->round_end && (!(g->gain = calloc(m, sizeof(double))) ||
                            !(g->played = calloc(m, sizeof(uint32_t)))))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for learner state");
    if (g->pacing != PACING_NONE) {
        if (!(g->pace = malloc(m * sizeof(double))))
            return agora_fail(err, AGORA_EINTERNAL, "out of memory for pacing state");
        for (size_t i = 0; i < n; i++)
            g->pace[i] = g->pacing == PACING_MULTIPLIER ? 0.0 : 1.0;
    }
    for (size_t i = 0; g->b->init && i < n; i++)
        g->b->init(&g->params, p->state.value[g->lo + i], g->state + i * g->stride);
    p->learners |= g->stride > 0 || g->pacing != PACING_NONE;
    p->bandits |= g->played != NULL;
    p->wants_feedback |= g->b->wants_feedback;
    return AGORA_OK;
}

/* The owner's rows of an AIGC pair-CTR matrix from a file: each entry a CTR
 * (finite, not negative) and, for the cascade models, a probability. */
static agora_status read_pair_ctr(population *p, const scenario *s, uint64_t first_id,
                                  uint64_t n, agora_error *err)
{
    const scenario_dist *d = &s->mechanism.pair_ctr_file;
    uint64_t slots = s->mechanism.slots;
    if (!(p->pair_ctr = malloc((n ? n : 1) * slots * sizeof *p->pair_ctr)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for pair CTRs");
    agora_status st = dist_file_read_rows(s, "mechanism.pair_ctr", d, slots, first_id, n,
                                          p->pair_ctr, err);
    int cascade = strncmp(s->mechanism.user_model, "cascade", 7) == 0;
    for (uint64_t k = 0; st == AGORA_OK && k < n * slots; k++) {
        double c = p->pair_ctr[k];
        if (c >= 0.0 && isfinite(c) && !(cascade && c > 1.0))
            continue;
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: mechanism.pair_ctr: agent %llu, position %llu has %g in %s: %s",
                        scenario_where(s, "mechanism.pair_ctr"),
                        (unsigned long long)(first_id + k / slots), (unsigned long long)(k % slots),
                        c, d->path,
                        cascade && c > 1.0 ? "a cascade click probability must be <= 1"
                                           : "CTRs must be finite and not negative");
    }
    return st;
}

agora_status population_init(population *p, const scenario *s, uint64_t first_id, uint64_t n,
                             agora_error *err)
{
    memset(p, 0, sizeof *p);
    p->budgeted = s->population.has_budget;
    p->seed = s->seed;
    p->rounds = s->rounds;
    p->auction = (position_params){s->mechanism.slots, s->mechanism.ctr, s->mechanism.reserve};
    p->market = (market_info){position_mechanism_find(s->mechanism.name), &p->auction, s->rounds};
    agora_status st = alloc_state(&p->state, first_id, (size_t)n, p->budgeted, err);
    if (st != AGORA_OK)
        return st;
    if (p->budgeted && !(p->spend_prev = calloc(n ? n : 1, sizeof(double))))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    const scenario_dist *vd = &s->population.value, *bd = &s->population.budget;
    if (vd->kind == DIST_FILE &&
        (st = dist_file_read(s, "population.value", vd, first_id, n, p->state.value, err)))
        return st;
    if (p->budgeted && bd->kind == DIST_FILE &&
        (st = dist_file_read(s, "population.budget", bd, first_id, n, p->state.budget_left, err)))
        return st;
    /* A quality from a file exists only on its owner; a drawn one costs a
     * keyed stream and a lognormal or uniform draw (~110 ns) each time an
     * auction needs it. Owners hold both and answer them beside each bid. A
     * constant or a list is read where it is needed. */
    const scenario_dist *qd = &s->population.quality;
    if (s->population.has_quality && qd->kind != DIST_CONSTANT && qd->kind != DIST_LIST) {
        if (!(p->quality = malloc((n ? n : 1) * sizeof *p->quality)))
            return agora_fail(err, AGORA_EINTERNAL, "out of memory for quality scores");
        if (qd->kind == DIST_FILE &&
            (st = dist_file_read(s, "population.quality", qd, first_id, n, p->quality, err)))
            return st;
        for (uint64_t i = 0; qd->kind != DIST_FILE && i < n; i++)
            p->quality[i] = population_quality_of(s, first_id + i);
    }
    if (s->mechanism.pair_ctr_file.kind == DIST_FILE &&
        (st = read_pair_ctr(p, s, first_id, n, err)) != AGORA_OK)
        return st;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t id = first_id + i;
        if (vd->kind != DIST_FILE)
            p->state.value[i] = population_value_of(s, id);
        double value = p->state.value[i];
        if (vd->kind == DIST_FILE && !(value >= 0.0 && isfinite(value)))
            return agora_fail(err, AGORA_EINPUT,
                              "%s: population.value: agent %llu has %g in %s: values must be "
                              "finite and not negative", scenario_where(s, "population.value"),
                              (unsigned long long)id, value, vd->path);
        if (s->population.has_quality &&
            (st = check_quality(s, id, p->quality ? p->quality[i] : population_quality_of(s, id),
                                err)) != AGORA_OK)
            return st;
        /* A lognormal with a huge sigma can overflow to inf or underflow a
         * budget to 0: refuse the draw rather than run on it. */
        if (!isfinite(value))
            return agora_fail(err, AGORA_EINPUT,
                              "%s: population.value: agent %llu draws %g: choose a distribution "
                              "whose draws stay finite", scenario_where(s, "population.value"),
                              (unsigned long long)id, value);
        if (p->budgeted) {
            if (bd->kind != DIST_FILE) {
                pcg32 gb = rng_stream(s->seed, RNG_BUDGET, id, 0);
                p->state.budget_left[i] = dist_draw(bd, &gb, id);
            }
            double budget = p->state.budget_left[i];
            if (!(budget > 0.0) || !isfinite(budget) || !(budget / (double)s->rounds > 0.0))
                return agora_fail(err, AGORA_EINPUT,
                                  "%s: population.budget: agent %llu %s %g: budgets must be "
                                  "finite and large enough to spread over the rounds",
                                  scenario_where(s, "population.budget"), (unsigned long long)id,
                                  bd->kind == DIST_FILE ? "has" : "draws", budget);
        }
        p->state.group[i] = population_group_of(s, id);
    }
    p->n_groups = s->n_groups;
    if (!(p->groups = calloc(s->n_groups, sizeof *p->groups)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    p->all_truthful = 1;
    for (size_t k = 0; k < s->n_groups && st == AGORA_OK; k++) {
        st = init_group(p, s, k, err);
        p->all_truthful &= strcmp(s->groups[k].behaviour, "truthful") == 0 &&
                           s->groups[k].pacing == PACING_NONE;
    }
    if (st == AGORA_OK && p->learners && !(p->state_hash = big_alloc(n, sizeof(uint64_t), 1)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for learner state hashes");
    return st;
}

void population_free(population *p)
{
    agent_state *a = &p->state;
    free(a->value);
    free(a->budget_left);
    free(a->paid);
    free(a->group);
    free(p->spend_prev);
    free(p->quality);
    free(p->pair_ctr);
    free(p->state_hash);
    for (size_t k = 0; p->groups && k < p->n_groups; k++) {
        free(p->groups[k].state);
        free(p->groups[k].pace);
        free(p->groups[k].gain);
        free(p->groups[k].played);
    }
    free(p->groups);
    memset(p, 0, sizeof *p);
}

/* ---- bids ------------------------------------------------------------------------ */

/* The agent's two uniform draws for a round: one for its behaviour, one for
 * throttling. Keyed by (seed, agent, round), so any rank draws the same. */
static void round_draws(const population *p, size_t i, uint64_t round, double u[2])
{
    pcg32 g = rng_stream(p->seed, RNG_BEHAVIOUR, p->state.first_id + i, round);
    u[0] = rng_uniform01(&g);
    u[1] = rng_uniform01(&g);
}

static double group_bid(const population *p, const agent_group *g, size_t i, uint64_t round)
{
    double u[2] = {0.5, 0.5};
    if (g->draws)
        round_draws(p, i, round, u);
    size_t j = i - g->lo;
    double bid = g->b->bid(&g->params, p->state.value[i], g->state + j * g->stride, u[0]);
    if (g->pacing == PACING_MULTIPLIER)
        bid /= 1.0 + g->pace[j];
    else if (g->pacing == PACING_THROTTLE && !(u[1] < g->pace[j]))
        bid = 0.0;
    return bid;
}

double population_bid(const population *p, size_t i, uint64_t round)
{
    if (p->budgeted && !(p->state.budget_left[i] > 0.0))
        return 0.0;
    double bid = group_bid(p, population_group(p, i), i, round);
    if (!(bid > 0.0) || !isfinite(bid))
        return 0.0;
    return bid;
}

/* Cache lines of a learner's state block a bid reads, at most: Hedge's
 * cumulative utilities lead its block (256 bytes at 32 levels). */
#define BID_STATE_LINES 5
#define BIDS_BLOCK 16 /* requests */

void population_prefetch(const population *p, size_t i, int learning)
{
    const agent_state *a = &p->state;
    agora_prefetch(&a->value[i]);
    if (a->budget_left)
        agora_prefetch(&a->budget_left[i]);
    if (learning) {
        agora_prefetch(agent_spend(a, i)); /* and clicks: the same line */
        if (p->state_hash)
            agora_prefetch(&p->state_hash[i]);
    }
    /* With several groups the group byte must be read first: it may miss too. */
    const agent_group *g = population_group(p, i);
    if (!g->stride)
        return;
    const char *x = (const char *)(g->state + (i - g->lo) * g->stride);
    size_t bytes = g->stride * sizeof(double), lines = (bytes + 63) / 64 + 1;
    if (!learning && lines > BID_STATE_LINES)
        lines = BID_STATE_LINES;
    for (size_t l = 0; l < lines; l++)
        agora_prefetch(x + 64 * l);
    if (g->pace)
        agora_prefetch(&g->pace[i - g->lo]);
}

void population_prefetch_bids(const population *p, const uint32_t *index, size_t n)
{
    /* Only a value line per request: a block's learner state (up to 5 lines
     * each) would not fit in L2, and population_bids prefetches it a few
     * requests ahead anyway. */
    for (size_t j = 0; j < n; j++)
        agora_prefetch(&p->state.value[index[j]]);
}

size_t population_bids(const population *p, const uint32_t *index, size_t n, uint64_t round,
                       double *out)
{
    const agent_group *only = p->n_groups == 1 ? &p->groups[0] : NULL;
    size_t placed = 0;
    if (!only || !only->b->bid_many || only->stride || only->pacing != PACING_NONE) {
        /* Agents with state, in blocks: the next block's lines are asked for
         * together, then this block bids from the cache. Asking a few requests
         * ahead inside the loop instead ran 2.3x slower (Hedge, 1e6 agents):
         * its prefetches waited for free miss buffers in the middle of the
         * bids, which then could not run meanwhile. */
        int ahead = p->learners;
        for (size_t j = 0; ahead && j < n && j < BIDS_BLOCK; j++)
            population_prefetch(p, index[j], 0);
        for (size_t lo = 0; lo < n; lo += BIDS_BLOCK) {
            size_t hi = n - lo < BIDS_BLOCK ? n : lo + BIDS_BLOCK;
            for (size_t j = hi; ahead && j < n && j < hi + BIDS_BLOCK; j++)
                population_prefetch(p, index[j], 0);
            for (size_t j = lo; j < hi; j++) {
                out[j] = population_bid(p, index[j], round);
                placed += out[j] > 0.0;
            }
        }
        return placed;
    }
    /* One stateless behaviour for everyone: a tight gather the CPU can overlap,
     * then the same rules as population_bid, in one pass that also counts. */
    const double *budget = p->budgeted ? p->state.budget_left : NULL;
    if (!budget && p->all_truthful &&
        (placed = bids_values_placeable_wide(p->state.value, index, n, out)) != SIZE_MAX)
        return placed;
    only->b->bid_many(&only->params, &p->state, index, n, out);
    if (!budget && (placed = bids_keep_placeable_wide(out, n)) != SIZE_MAX)
        return placed;
    placed = 0;
    for (size_t j = 0; j < n; j++) {
        double b = out[j];
        int ok = b > 0.0 && isfinite(b) && !(budget && !(budget[index[j]] > 0.0));
        out[j] = ok ? b : 0.0;
        placed += (size_t)ok;
    }
    return placed;
}

double population_multiplier(const population *p, size_t i, uint64_t round)
{
    const agent_group *g = population_group(p, i);
    double value = p->state.value[i];
    size_t j = i - g->lo;
    double m;
    if (g->b->multiplier)
        m = g->b->multiplier(&g->params, value, g->state + j * g->stride);
    else
        m = value > 0.0 ? group_bid(p, g, i, round) / value : 0.0;
    if (g->b->multiplier && g->pacing == PACING_MULTIPLIER)
        m /= 1.0 + g->pace[j];
    return isfinite(m) ? m : 0.0;
}

double population_regret(const population *p, size_t i)
{
    const agent_group *g = population_group(p, i);
    if (!g->b->regret)
        return 0.0;
    return g->b->regret(&g->params, g->state + (i - g->lo) * g->stride);
}

/* ---- learning -------------------------------------------------------------------- */

/* Bracket each change to an agent's learner or pacing state (defined with the
 * digest below). */
static uint64_t change_begin(const population *p, size_t i);
static void change_end(population *p, size_t i, uint64_t before);

void population_observe(population *p, size_t i, uint64_t round, const auction_view *v)
{
    agent_group *g = population_group(p, i);
    if (!g->b->observe)
        return;
    double u[2] = {0.5, 0.5};
    if (g->b->observe_draws)
        round_draws(p, i, round, u);
    uint64_t before = change_begin(p, i);
    g->b->observe(&g->params, &p->market, p->state.value[i], u[0], v,
                  g->state + (i - g->lo) * g->stride);
    change_end(p, i, before);
}

void population_gain(population *p, size_t i, double gain)
{
    agent_group *g = population_group(p, i);
    if (g->gain)
        g->gain[i - g->lo] += gain;
}

void population_played(population *p, size_t i)
{
    agent_group *g = population_group(p, i);
    if (g->played)
        g->played[i - g->lo]++;
}

/* Budget pacing (agents/pacing.c): the target spend per round is
 * rho = budget / rounds. Spend is measured in units of rho, so that one step
 * size suits every budget: the controllers see a target of 1. */
static void pace(population *p, agent_group *g, size_t i, double spent)
{
    double budget = p->state.budget_left[i] + *agent_spend(&p->state, i);
    double rho = budget / (double)p->rounds;
    if (!(rho > 0.0))
        return;
    double *x = &g->pace[i - g->lo];
    if (g->pacing == PACING_MULTIPLIER)
        *x = pacing_update(*x, g->pacing_step, 1.0, spent / rho, g->pacing_max);
    else
        *x = throttle_update(*x, g->pacing_step, 1.0, spent / rho);
}

void population_end_round(population *p, uint64_t round)
{
    for (size_t k = 0; k < p->n_groups; k++) {
        agent_group *g = &p->groups[k];
        for (size_t i = g->lo; g->played && i < g->hi; i++) {
            size_t j = i - g->lo;
            if (!g->played[j])
                continue;
            double u[2];
            round_draws(p, i, round, u);
            uint64_t before = change_begin(p, i);
            g->b->round_end(&g->params, &p->market, p->state.value[i], g->gain[j], g->played[j],
                            u[0], g->state + j * g->stride);
            change_end(p, i, before);
            g->gain[j] = 0.0;
            g->played[j] = 0;
        }
        for (size_t i = g->lo; g->pace && i < g->hi; i++) {
            uint64_t before = change_begin(p, i);
            pace(p, g, i, *agent_spend(&p->state, i) - p->spend_prev[i]);
            change_end(p, i, before);
        }
    }
    if (p->budgeted)
        for (size_t i = 0; i < p->state.n; i++)
            p->spend_prev[i] = *agent_spend(&p->state, i);
}

/* ---- checkpoint blocks and digest -------------------------------------------------- */

size_t population_state_blocks(const population *p, const scenario *s, state_block *out,
                               size_t max)
{
    const agent_state *a = &p->state;
    uint64_t n_all = s->population.agents;
    size_t n = 0;
    state_block base[] = {
        {"spend_clicks", a->paid, a->first_id, a->n, n_all, 2, STATE_F64},
        {"budget_left", a->budget_left, a->first_id, a->n, n_all, 1, STATE_F64},
        {"spend_prev", p->spend_prev, a->first_id, a->n, n_all, 1, STATE_F64},
    };
    for (size_t b = 0; b < sizeof base / sizeof base[0] && n < max; b++)
        if (base[b].data)
            out[n++] = base[b];
    for (size_t k = 0; k < p->n_groups; k++) {
        const agent_group *g = &p->groups[k];
        uint64_t glo, ghi;
        population_group_bounds(s, k, &glo, &ghi);
        uint64_t count = g->hi - g->lo, first = count ? a->first_id + g->lo - glo : 0;
        if (g->stride && n < max) {
            out[n] = (state_block){"", g->state, first, count, ghi - glo, g->stride, STATE_F64};
            snprintf(out[n++].name, sizeof out->name, "group%zu_%s", k, g->b->name);
        }
        if (g->pace && n < max) {
            out[n] = (state_block){"", g->pace, first, count, ghi - glo, 1, STATE_F64};
            snprintf(out[n++].name, sizeof out->name, "group%zu_pacing", k);
        }
    }
    return n;
}

/* The learner and pacing state of local agent i folded to 64 bits: four
 * independent xor-multiply lanes, so the CPU overlaps them (a Hedge agent
 * has 66 doubles; one mix64 chain over them cost more than its update), then
 * mix64 over the lanes. Multiplying by an odd constant is a bijection, so
 * changing any one double always changes its lane. */
static uint64_t learner_hash(const population *p, size_t i)
{
    const uint64_t odd = 0x9e3779b97f4a7c15ULL;
    const agent_group *g = population_group(p, i);
    size_t j = i - g->lo;
    const double *x = g->state ? g->state + j * g->stride : NULL;
    /* Four named chains rather than an array, so they stay in registers. */
    uint64_t l0 = 1, l1 = 2, l2 = 3, l3 = 4;
    uint32_t k = 0;
    for (; k + 4u <= g->stride; k += 4u) {
        l0 = (l0 ^ agent_bits_of(x[k])) * odd;
        l1 = (l1 ^ agent_bits_of(x[k + 1u])) * odd;
        l2 = (l2 ^ agent_bits_of(x[k + 2u])) * odd;
        l3 = (l3 ^ agent_bits_of(x[k + 3u])) * odd;
    }
    uint64_t lane[4] = {l0, l1, l2, l3};
    for (; k < g->stride; k++)
        lane[k % 4u] = (lane[k % 4u] ^ agent_bits_of(x[k])) * odd;
    if (g->pace)
        lane[0] = (lane[0] ^ agent_bits_of(g->pace[j])) * odd;
    return agent_mix64(lane[0] ^ agent_mix64(lane[1] ^ agent_mix64(lane[2] ^ agent_mix64(lane[3] ^ g->stride))));
}

uint64_t population_digest(population *p)
{
    uint64_t d = 0;
    for (size_t i = 0; p->state_hash && i < p->state.n; i++)
        p->state_hash[i] = learner_hash(p, i);
    for (size_t i = 0; i < p->state.n; i++)
        d += population_agent_hash(p, i);
    p->digest_change = 0;
    return d;
}

/* Around every change to an agent's learner or pacing state: the digest moves
 * by the agent's new hash minus its old one (wrapping, like the sum). */
static uint64_t change_begin(const population *p, size_t i)
{
    return population_agent_hash(p, i);
}

static void change_end(population *p, size_t i, uint64_t before)
{
    p->state_hash[i] = learner_hash(p, i);
    p->digest_change += population_agent_hash(p, i) - before;
}

uint64_t population_digest_change(population *p)
{
    uint64_t d = p->digest_change;
    p->digest_change = 0;
    return d;
}
