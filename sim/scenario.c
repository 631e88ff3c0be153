/* The scenario loader: YAML text + overrides -> a checked `scenario` with every
 * default filled. Each reader takes one key, checks its type and range, and on
 * failure writes one "file:line:col: dotted.key: reason" line. Every mapping is
 * checked for unknown keys before its values are read, so a misspelt key is
 * reported as such (with the valid keys) rather than as a missing one.
 * The keys are documented in scenarios/README.md: keep the two in step. */
#include "scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent_fields.h"
#include "aigc.h"
#include "behaviour.h"
#include "position.h"
#include "scenario_family.h"
#include "scenario_read.h"
#include "yaml_tree.h"

#define MAX_ROUNDS 1000000000ULL
#define MAX_AUCTIONS 4294967295ULL
#define MAX_GROUPS 255 /* agent_state.group is a uint8 */
#define SHARE_TOLERANCE 1e-9

#define MAX_PLUGINS 64
#define PACING_STEP_DEFAULT 0.05
#define PACING_MAX_DEFAULT 10.0
static const char *const click_names[] = {"expected", "sampled", "bernoulli", "poisson", NULL};
static const char *const dist_names[] = {"constant", "uniform", "lognormal", "file", NULL};
static const dist_kind dist_kinds[] = {DIST_CONSTANT, DIST_UNIFORM, DIST_LOGNORMAL, DIST_FILE};
/* Quality is read by the auction's rank for any participant, so it must be
 * computable everywhere: no file. */
static const char *const dist_names_computed[] = {"constant", "uniform", "lognormal", NULL};

/* The names a scenario may use come from the registries (DESIGN.md, invariant 4):
 * adding a mechanism or behaviour never touches the loader. */
static void registered_mechanisms(const char *names[MAX_PLUGINS + 2])
{
    size_t i = 0;
    for (const position_mechanism *m; i < MAX_PLUGINS && (m = position_mechanism_at(i)); i++)
        names[i] = m->name;
    names[i++] = AIGC_MECHANISM; /* not a pricing rule: the round runs mechanisms/aigc */
    names[i] = NULL;
}

static void registered_behaviours(const char *names[MAX_PLUGINS + 1])
{
    size_t i = 0;
    for (const behaviour *b; i < MAX_PLUGINS && (b = behaviour_at(i)); i++)
        names[i] = b->name;
    names[i] = NULL;
}


/* {dist: file, path: P, dataset: D}: only the names here; the owners read and
 * check the numbers when the population starts (sim/dist_file.c). */
static agora_status read_dist_file(loader *L, const yt_node *map, const char *key,
                                   scenario_dist *d)
{
    static const char *const keys[] = {"dist", "path", "dataset", NULL};
    char sub[KEY_MAX];
    agora_status st = check_keys(L, map, key, keys, NULL);
    if (st != AGORA_OK)
        return st;
    yt_child_path(sub, sizeof sub, key, "path");
    const yt_node *path = take_key(L, map, "path", sub, &st);
    if (st == AGORA_OK && !path)
        return missing_key(L, map, sub, " (the HDF5 file holding the numbers per agent)");
    if (st == AGORA_OK)
        st = read_string(L, path, sub, d->path, sizeof d->path);
    if (st != AGORA_OK)
        return st;
    yt_child_path(sub, sizeof sub, key, "dataset");
    const yt_node *dataset = take_optional(L, map, "dataset", sub, &st);
    snprintf(d->dataset, sizeof d->dataset, "value");
    if (st == AGORA_OK && dataset)
        st = read_string(L, dataset, sub, d->dataset, sizeof d->dataset);
    return st;
}

static agora_status read_dist_params(loader *L, const yt_node *map, const char *key,
                                     lower_bound lb, scenario_dist *d)
{
    if (d->kind == DIST_FILE)
        return read_dist_file(L, map, key, d);
    static const char *const k_const[] = {"dist", "value", NULL};
    static const char *const k_unif[] = {"dist", "low", "high", NULL};
    static const char *const k_logn[] = {"dist", "mu", "sigma", NULL};
    static const char *const *const keys[] = {k_const, k_unif, k_logn};
    agora_status st = check_keys(L, map, key, keys[d->kind], NULL);
    if (st != AGORA_OK)
        return st;
    char sub[KEY_MAX];
    const char *first = keys[d->kind][1];
    const char *second = keys[d->kind][2];
    if ((st = read_param(L, map, first, key, &d->a)) != AGORA_OK)
        return st;
    if (second && (st = read_param(L, map, second, key, &d->b)) != AGORA_OK)
        return st;
    yt_child_path(sub, sizeof sub, key, first);
    const yt_node *na = yt_map_find(map, first)->value;
    if (d->kind == DIST_CONSTANT || d->kind == DIST_UNIFORM)
        if ((st = check_bound(L, na, sub, d->a, lb)) != AGORA_OK)
            return st;
    if (!second)
        return AGORA_OK;
    yt_child_path(sub, sizeof sub, key, second);
    const yt_node *nb = yt_map_find(map, second)->value;
    if (d->kind == DIST_UNIFORM && !(d->b > d->a))
        return fail_at(L, nb, sub, "must be greater than low (%s), got %s", na->text, nb->text);
    if (d->kind == DIST_LOGNORMAL && !(d->b >= 0))
        return fail_at(L, nb, sub, "must not be negative, got %s", nb->text);
    yt_child_path(sub, sizeof sub, key, first);
    if (d->kind == DIST_LOGNORMAL)
        return check_lognormal(L, na, sub, d->a, d->b);
    return AGORA_OK;
}

static agora_status read_dist_map(loader *L, const yt_node *map, const char *key,
                                  lower_bound lb, int from_file, scenario_dist *d)
{
    char sub[KEY_MAX];
    size_t which;
    agora_status st = AGORA_OK;
    yt_child_path(sub, sizeof sub, key, "dist");
    const yt_node *name = take_key(L, map, "dist", sub, &st);
    if (st != AGORA_OK)
        return st;
    if (!name)
        return missing_key(L, map, sub,
                           from_file ? " (constant, uniform, lognormal or file)"
                                     : " (constant, uniform or lognormal)");
    if ((st = read_choice(L, name, sub, "distribution",
                          from_file ? dist_names : dist_names_computed, &which)) != AGORA_OK)
        return st;
    d->kind = dist_kinds[which];
    return read_dist_params(L, map, key, lb, d);
}

/* A distribution: a number, {dist: ...} ({dist: file, ...} where from_file),
 * or (when n_list > 0) a list of exactly n_list numbers, one per agent. */
static agora_status read_dist(loader *L, const yt_node *n, const char *key, lower_bound lb,
                              uint64_t n_list, int from_file, scenario_dist *d)
{
    char got[96];
    memset(d, 0, sizeof *d);
    if (n->kind == YT_MAP)
        return read_dist_map(L, n, key, lb, from_file, d);
    if (n->kind == YT_SEQ && n_list) {
        agora_status st = read_number_list(L, n, key, lb, &d->list, &d->n);
        if (st == AGORA_OK && d->n != n_list)
            st = fail_at(L, n, key, "the list has %zu values but there are %llu agents", d->n,
                         (unsigned long long)n_list);
        d->kind = DIST_LIST;
        return st;
    }
    if (n->kind == YT_SEQ || !is_number_node(n)) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, key, "expected a number or a distribution {dist: ...}%s, got %s%s",
                       n_list ? " or a list" : "", got,
                       n->kind == YT_SEQ ? " (per-agent values go in population.values)" : "");
    }
    d->kind = DIST_CONSTANT;
    agora_status st = read_real(L, n, key, &d->a);
    return st == AGORA_OK ? check_bound(L, n, key, d->a, lb) : st;
}

/* ---- sections ------------------------------------------------------------------------------ */

static agora_status read_values_list(loader *L, const yt_node *values,
                                     const yt_node *agents)
{
    scenario *s = L->s;
    char got[96];
    if (values->kind != YT_SEQ) {
        yt_describe(values, got, sizeof got);
        return fail_at(L, values, "population.values", "expected a list of numbers, got %s",
                       got);
    }
    agora_status st = read_number_list(L, values, "population.values", MIN_NONNEG,
                                       &s->population.value.list, &s->population.value.n);
    if (st != AGORA_OK)
        return st;
    s->population.value.kind = DIST_LIST;
    uint64_t count = s->population.value.n;
    if (agents) {
        uint64_t given;
        if ((st = read_count(L, agents, "population.agents", 1, SCENARIO_MAX_AGENTS, &given)))
            return st;
        if (given != count)
            return fail_at(L, agents, "population.agents",
                           "is %llu but population.values has %llu values",
                           (unsigned long long)given, (unsigned long long)count);
    } else if ((st = record_loc(L, "population.agents", values)) != AGORA_OK) {
        return st; /* the count comes from the list: errors about it point there */
    }
    s->population.agents = count;
    return AGORA_OK;
}

static agora_status read_population(loader *L, const yt_node *pop)
{
    static const char *const keys[] = {"agents", "value", "values", "budget", "quality", NULL};
    scenario *s = L->s;
    agora_status st = expect_map(L, pop, "population");
    if (st == AGORA_OK)
        st = check_keys(L, pop, "population", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *agents = take_optional(L, pop, "agents", "population.agents", &st);
    const yt_node *value = take_optional(L, pop, "value", "population.value", &st);
    const yt_node *values = take_optional(L, pop, "values", "population.values", &st);
    const yt_node *budget = take_optional(L, pop, "budget", "population.budget", &st);
    const yt_node *quality = take_optional(L, pop, "quality", "population.quality", &st);
    if (st != AGORA_OK)
        return st;
    if (value && values)
        return fail_at(L, values, "population.values",
                       "give population.value (a distribution) or population.values (a list), "
                       "not both");
    if (values) {
        st = read_values_list(L, values, agents);
    } else if (!agents) {
        return missing_key(L, pop, "population.agents", " (or give population.values, a list)");
    } else if (!value) {
        return missing_key(L, pop, "population.value", " (or give population.values, a list)");
    } else {
        st = read_count(L, agents, "population.agents", 1, SCENARIO_MAX_AGENTS,
                        &s->population.agents);
        if (st == AGORA_OK)
            st = read_dist(L, value, "population.value", MIN_NONNEG, 0, 1, &s->population.value);
    }
    if (st == AGORA_OK && quality) {
        /* Quality divides prices: it must be positive (lognormal draws are
         * checked when drawn, population.c). */
        s->population.has_quality = 1;
        st = read_dist(L, quality, "population.quality", MIN_POSITIVE, s->population.agents, 1,
                       &s->population.quality);
    }
    if (st != AGORA_OK || !budget)
        return st;
    s->population.has_budget = 1;
    return read_dist(L, budget, "population.budget", MIN_POSITIVE, s->population.agents, 1,
                     &s->population.budget);
}

static agora_status read_market(loader *L, const yt_node *m)
{
    static const char *const keys[] = {"auctions", "bidders", NULL};
    scenario *s = L->s;
    agora_status st = expect_map(L, m, "market");
    if (st == AGORA_OK)
        st = check_keys(L, m, "market", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *auctions = take_key(L, m, "auctions", "market.auctions", &st);
    const yt_node *bidders = take_key(L, m, "bidders", "market.bidders", &st);
    if (st != AGORA_OK)
        return st;
    if (!auctions)
        return missing_key(L, m, "market.auctions", NULL);
    if (!bidders)
        return missing_key(L, m, "market.bidders", " (a number, or all)");
    st = read_count(L, auctions, "market.auctions", 1, MAX_AUCTIONS, &s->market.auctions);
    if (st != AGORA_OK)
        return st;
    if (bidders->kind == YT_SCALAR && strcmp(bidders->text, "all") == 0) {
        s->market.bidders_all = 1;
        s->market.bidders = s->population.agents;
        return AGORA_OK;
    }
    return read_count_hinted(L, bidders, "market.bidders", 1, s->population.agents,
                             " (the agents), or all", &s->market.bidders);
}

/* ctr as an explicit list: non-increasing, non-negative. `slots` (0 = not given)
 * truncates it. */
static agora_status read_ctr_list(loader *L, const yt_node *ctr, const yt_node *slots_node,
                                  uint64_t slots)
{
    scenario *s = L->s;
    double *v;
    size_t n;
    agora_status st = read_number_list(L, ctr, "mechanism.ctr", MIN_NONNEG, &v, &n);
    if (st != AGORA_OK)
        return st;
    for (size_t i = 1; i < n && st == AGORA_OK; i++) {
        char item[KEY_MAX];
        snprintf(item, sizeof item, "mechanism.ctr.%zu", i);
        if (v[i] > v[i - 1])
            st = fail_at(L, ctr->items[i], item,
                         "%s is more than the slot above it (%s): ctr must not increase",
                         ctr->items[i]->text, ctr->items[i - 1]->text);
    }
    if (st == AGORA_OK && slots > n)
        st = fail_at(L, slots_node, "mechanism.slots", "%llu is more than the %zu ctr values",
                     (unsigned long long)slots, n);
    if (st == AGORA_OK && !slots && n > SCENARIO_MAX_SLOTS)
        st = fail_at(L, ctr, "mechanism.ctr",
                     "%zu values: at most %d slots (set mechanism.slots to use fewer)", n,
                     SCENARIO_MAX_SLOTS);
    if (st == AGORA_OK) {
        s->mechanism.slots = (uint32_t)(slots ? slots : n);
        memcpy(s->mechanism.ctr, v, s->mechanism.slots * sizeof *v);
    }
    free(v);
    return st;
}

/* ctr[s] = first * decay^s, by repeated multiplication so the bits are the same
 * on every platform (pow() need not be correctly rounded). */
static agora_status read_ctr_geometric(loader *L, const yt_node *ctr, const yt_node *slots_node,
                                       uint64_t slots)
{
    static const char *const keys[] = {"first", "decay", NULL};
    double first = 0.0, decay = 0.0;
    agora_status st = check_keys(L, ctr, "mechanism.ctr", keys, NULL);
    if (st == AGORA_OK)
        st = read_param(L, ctr, "first", "mechanism.ctr", &first);
    if (st == AGORA_OK)
        st = read_param(L, ctr, "decay", "mechanism.ctr", &decay);
    if (st != AGORA_OK)
        return st;
    if (!(first > 0))
        return fail_at(L, yt_map_find(ctr, "first")->value, "mechanism.ctr.first",
                       "must be greater than 0, got %.15g", first);
    if (!(decay > 0 && decay <= 1))
        return fail_at(L, yt_map_find(ctr, "decay")->value, "mechanism.ctr.decay",
                       "must be in (0, 1], got %.15g", decay);
    if (!slots_node)
        return missing_key(L, ctr, "mechanism.slots", " (the geometric ctr form needs it)");
    L->s->mechanism.slots = (uint32_t)slots;
    double c = first;
    for (uint64_t i = 0; i < slots; i++, c *= decay)
        L->s->mechanism.ctr[i] = c;
    return AGORA_OK;
}

/* The largest quality an ad of the population can have when the scenario
 * fixes it (a constant, a uniform's upper end, a list's largest); 1 without
 * quality or where draws or a file decide (population.c checks each agent's
 * quality * ctr then). AIGC markets do not scale clicks by quality here. */
static double quality_bound(const scenario *s)
{
    const scenario_dist *d = &s->population.quality;
    if (!s->population.has_quality || s->mechanism.aigc)
        return 1.0;
    if (d->kind == DIST_CONSTANT)
        return d->a;
    if (d->kind == DIST_UNIFORM)
        return d->b;
    double most = 0.0;
    for (size_t i = 0; d->kind == DIST_LIST && i < d->n; i++)
        most = d->list[i] > most ? d->list[i] : most;
    return d->kind == DIST_LIST ? most : 1.0;
}

static agora_status read_clicks(loader *L, const yt_node *clicks)
{
    scenario *s = L->s;
    size_t which = 0;
    if (clicks) {
        agora_status st =
            read_choice(L, clicks, "mechanism.clicks", "click model", click_names, &which);
        if (st != AGORA_OK)
            return st;
    }
    /* `over`: the first slot whose click probability quality * ctr cannot be a
     * probability, or slots if none. */
    uint32_t slots = s->mechanism.slots, over = slots;
    double q = quality_bound(s);
    for (uint32_t i = 0; i < slots && over == slots; i++)
        if (q * s->mechanism.ctr[i] > 1)
            over = i;
    /* click_names order: expected, sampled, bernoulli, poisson */
    static const click_model models[] = {CLICKS_EXPECTED, CLICKS_BERNOULLI, CLICKS_BERNOULLI,
                                         CLICKS_POISSON};
    s->mechanism.clicks = which == 1 && over < slots ? CLICKS_POISSON : models[which];
    if (which == 2 && over < slots && q == 1.0)
        return fail_at(L, clicks, "mechanism.clicks",
                       "bernoulli needs every ctr <= 1, but ctr %u is %.15g (use poisson)", over,
                       s->mechanism.ctr[over]);
    if (which == 2 && over < slots)
        return fail_at(L, clicks, "mechanism.clicks",
                       "bernoulli needs quality * ctr <= 1, but population.quality reaches %.15g "
                       "and ctr %u is %.15g (use poisson)",
                       q, over, s->mechanism.ctr[over]);
    return AGORA_OK;
}

/* ---- AIGC markets (mechanism.name: aigc) ------------------------------------------------ */

/* mechanism.pair_ctr: one row of `slots` numbers per agent. */
static agora_status read_pair_matrix(loader *L, const yt_node *n, int cascade)
{
    scenario *s = L->s;
    uint64_t agents = s->population.agents, slots = s->mechanism.slots;
    char got[96];
    if (n->kind != YT_SEQ) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, "mechanism.pair_ctr",
                       "expected a list with one row of %llu numbers per agent or {dist: file, "
                       "path, dataset}, got %s",
                       (unsigned long long)slots, got);
    }
    if (n->n_items != agents)
        return fail_at(L, n, "mechanism.pair_ctr", "%zu rows but there are %llu agents",
                       n->n_items, (unsigned long long)agents);
    if (!(s->mechanism.pair_ctr = malloc(agents * slots * sizeof(double))))
        return loader_oom(L);
    for (size_t i = 0; i < n->n_items; i++) {
        char key[KEY_MAX];
        double *row;
        size_t count;
        snprintf(key, sizeof key, "mechanism.pair_ctr.%zu", i);
        if (n->items[i]->kind != YT_SEQ) {
            yt_describe(n->items[i], got, sizeof got);
            return fail_at(L, n->items[i], key, "expected a list of %llu numbers, got %s",
                           (unsigned long long)slots, got);
        }
        agora_status st = read_number_list(L, n->items[i], key, MIN_NONNEG, &row, &count);
        if (st != AGORA_OK)
            return st;
        for (size_t j = 0; j < count && st == AGORA_OK; j++)
            if (cascade && row[j] > 1)
                st = fail_at(L, n->items[i]->items[j], key,
                             "%s: a cascade click probability must be <= 1",
                             n->items[i]->items[j]->text);
        if (st == AGORA_OK && count != slots)
            st = fail_at(L, n->items[i], key, "the row has %zu values but there are %llu positions",
                         count, (unsigned long long)slots);
        if (st == AGORA_OK)
            memcpy(s->mechanism.pair_ctr + i * slots, row, slots * sizeof *row);
        free(row);
        if (st != AGORA_OK)
            return st;
    }
    return AGORA_OK;
}

/* mechanism.pair_ctr: {dist: file, path, dataset}, only the names here; the
 * owners read and check their agents' rows when the population starts. */
static agora_status read_pair_file(loader *L, const yt_node *n)
{
    scenario_dist *d = &L->s->mechanism.pair_ctr_file;
    agora_status st = read_dist_map(L, n, "mechanism.pair_ctr", MIN_NONNEG, 1, d);
    if (st == AGORA_OK && d->kind != DIST_FILE)
        st = fail_at(L, yt_map_find(n, "dist")->value, "mechanism.pair_ctr.dist",
                     "a matrix is a list of rows or {dist: file, path, dataset}, not a "
                     "distribution");
    if (st == AGORA_OK && !yt_map_find(n, "dataset"))
        snprintf(d->dataset, sizeof d->dataset, "pair_ctr");
    return st;
}

/* The aigc keys; refused, each by name, for the other mechanisms. */
static agora_status read_aigc(loader *L, const yt_node *m)
{
    static const char *const names[] = {"user_model", "max_shown", "pair_noise", "pair_ctr",
                                        "continuation"};
    scenario *s = L->s;
    const yt_node *v[5];
    agora_status st = AGORA_OK;
    for (size_t i = 0; i < 5; i++) {
        char key[KEY_MAX];
        snprintf(key, sizeof key, "mechanism.%s", names[i]);
        v[i] = take_optional(L, m, names[i], key, &st);
        if (st != AGORA_OK)
            return st;
        if (v[i] && !s->mechanism.aigc)
            return fail_at(L, v[i], key, "only for mechanism.name: aigc");
    }
    s->mechanism.continuation = 1.0;
    if (!s->mechanism.aigc)
        return AGORA_OK;
    s->mechanism.max_shown = s->mechanism.slots;
    const yt_node *clicks = yt_map_find(m, "clicks") ? yt_map_find(m, "clicks")->value : NULL;
    if (s->mechanism.clicks != CLICKS_EXPECTED)
        return fail_at(L, clicks, "mechanism.clicks",
                       "aigc markets use expected clicks (the user model's click probabilities)");
    if (!v[0]) {
        char hint[200];
        snprintf(hint, sizeof hint, " (one of: %s)", aigc_model_names());
        return missing_key(L, m, "mechanism.user_model", hint);
    }
    const char *models[MAX_PLUGINS + 1];
    size_t n = 0, which;
    for (const aigc_model *a; n < MAX_PLUGINS && (a = aigc_model_at(n)); n++)
        models[n] = a->name;
    models[n] = NULL;
    if ((st = read_choice(L, v[0], "mechanism.user_model", "user model", models, &which)))
        return st;
    snprintf(s->mechanism.user_model, sizeof s->mechanism.user_model, "%s", models[which]);
    int cascade = strncmp(models[which], "cascade", 7) == 0;
    if (cascade && strcmp(models[which], "cascade_exact") == 0 &&
        s->market.bidders > AIGC_CASCADE_EXACT_MAX_N)
        return fail_at(L, v[0], "mechanism.user_model",
                       "cascade_exact solves over every subset of bidders: at most %u bidders, "
                       "market.bidders is %llu (use cascade)",
                       AIGC_CASCADE_EXACT_MAX_N, (unsigned long long)s->market.bidders);
    uint64_t k = 0;
    if (v[1] && (st = read_count(L, v[1], "mechanism.max_shown", 1, s->mechanism.slots, &k)))
        return st;
    if (v[1])
        s->mechanism.max_shown = (uint32_t)k;
    if (v[2]) {
        if ((st = read_real(L, v[2], "mechanism.pair_noise", &s->mechanism.pair_noise)) ||
            (st = check_bound(L, v[2], "mechanism.pair_noise", s->mechanism.pair_noise,
                              MIN_NONNEG)))
            return st;
    }
    if (v[4]) {
        if (!cascade)
            return fail_at(L, v[4], "mechanism.continuation",
                           "only for the cascade user models");
        if ((st = read_real(L, v[4], "mechanism.continuation", &s->mechanism.continuation)))
            return st;
        if (!(s->mechanism.continuation >= 0 && s->mechanism.continuation <= 1))
            return fail_at(L, v[4], "mechanism.continuation", "must be in [0, 1], got %s",
                           v[4]->text);
    }
    if (!v[3])
        return AGORA_OK;
    if (s->population.has_quality)
        return fail_at(L, v[3], "mechanism.pair_ctr",
                       "an explicit matrix replaces the quality x position generator: leave "
                       "population.quality out");
    if (v[2])
        return fail_at(L, v[3], "mechanism.pair_ctr",
                       "an explicit matrix has no noise: leave mechanism.pair_noise out");
    if (v[3]->kind == YT_MAP)
        return read_pair_file(L, v[3]);
    return read_pair_matrix(L, v[3], cascade);
}

static agora_status read_mechanism(loader *L, const yt_node *m)
{
    static const char *const keys[] = {"name",      "ctr",        "slots",      "reserve",
                                       "clicks",    "rank_by",    "user_model", "max_shown",
                                       "pair_noise", "pair_ctr",  "continuation", NULL};
    scenario *s = L->s;
    char got[96];
    size_t which;
    uint64_t slots = 0;
    agora_status st = expect_map(L, m, "mechanism");
    if (st == AGORA_OK)
        st = check_keys(L, m, "mechanism", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *name = take_key(L, m, "name", "mechanism.name", &st);
    const yt_node *ctr = take_key(L, m, "ctr", "mechanism.ctr", &st);
    const yt_node *slots_node = take_optional(L, m, "slots", "mechanism.slots", &st);
    const yt_node *reserve = take_optional(L, m, "reserve", "mechanism.reserve", &st);
    const yt_node *clicks = take_optional(L, m, "clicks", "mechanism.clicks", &st);
    const yt_node *rank_by = take_optional(L, m, "rank_by", "mechanism.rank_by", &st);
    if (st != AGORA_OK)
        return st;
    if (!name)
    {
        char hint[300];
        snprintf(hint, sizeof hint, " (one of: %s, aigc)", position_mechanism_names());
        return missing_key(L, m, "mechanism.name", hint);
    }
    const char *mechanism_names[MAX_PLUGINS + 2];
    registered_mechanisms(mechanism_names);
    if ((st = read_choice(L, name, "mechanism.name", "mechanism", mechanism_names, &which)))
        return st;
    snprintf(s->mechanism.name, sizeof s->mechanism.name, "%s", mechanism_names[which]);
    s->mechanism.aigc = strcmp(s->mechanism.name, AIGC_MECHANISM) == 0;
    if (!ctr)
        return missing_key(L, m, "mechanism.ctr", " (a list, or {first: f, decay: d})");
    if (slots_node && (st = read_count(L, slots_node, "mechanism.slots", 1, SCENARIO_MAX_SLOTS,
                                       &slots)))
        return st;
    if (ctr->kind == YT_SEQ) {
        st = read_ctr_list(L, ctr, slots_node, slots);
    } else if (ctr->kind == YT_MAP) {
        st = read_ctr_geometric(L, ctr, slots_node, slots);
    } else {
        yt_describe(ctr, got, sizeof got);
        st = fail_at(L, ctr, "mechanism.ctr",
                     "expected a list of numbers or {first: f, decay: d}, got %s", got);
    }
    if (st == AGORA_OK && reserve) {
        st = read_real(L, reserve, "mechanism.reserve", &s->mechanism.reserve);
        if (st == AGORA_OK)
            st = check_bound(L, reserve, "mechanism.reserve", s->mechanism.reserve, MIN_NONNEG);
    }
    if (st == AGORA_OK)
        st = read_clicks(L, clicks);
    if (st == AGORA_OK && rank_by) {
        static const char *const ranks[] = {"bid", "score", NULL};
        if (s->mechanism.aigc)
            return fail_at(L, rank_by, "mechanism.rank_by",
                           "aigc markets weigh every (ad, position) pair; rank_by is for "
                           "gsp, vcg and gfp");
        st = read_choice(L, rank_by, "mechanism.rank_by", "ranking", ranks, &which);
        s->mechanism.rank_by_score = which == 1;
    }
    return st == AGORA_OK ? read_aigc(L, m) : st;
}

/* A group's share of the population; a lone group may leave it out (it is 1). */
static agora_status read_share(loader *L, const yt_node *g, const char *key, int only_one,
                               double *share)
{
    char sub[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(sub, sizeof sub, key, "share");
    const yt_node *n = take_key(L, g, "share", sub, &st);
    *share = 1;
    if (st != AGORA_OK)
        return st;
    if (!n)
        return only_one ? AGORA_OK
                        : missing_key(L, g, sub, " (the fraction of agents in this group)");
    if ((st = read_real(L, n, sub, share)) != AGORA_OK)
        return st;
    if (!(*share > 0 && *share <= 1))
        return fail_at(L, n, sub, "must be in (0, 1], got %s", n->text);
    return AGORA_OK;
}

/* A behaviour parameter, checked against the range the behaviour declares. */
static agora_status read_behaviour_param(loader *L, const yt_node *n, const char *key,
                                         const behaviour_param *bp, double *out)
{
    agora_status st = read_real(L, n, key, out);
    if (st != AGORA_OK)
        return st;
    double v = *out;
    if (bp->integer && v != floor(v))
        return fail_at(L, n, key, "expected a whole number, got %s", n->text);
    if (v < bp->min || (bp->min_open && v == bp->min) || v > bp->max) {
        if (isinf(bp->max))
            return fail_at(L, n, key, "must be %s %.15g, got %s", bp->min_open ? "greater than" :
                           "at least", bp->min, n->text);
        return fail_at(L, n, key, "must be in %s%.15g, %.15g], got %s", bp->min_open ? "(" : "[",
                       bp->min, bp->max, n->text);
    }
    return AGORA_OK;
}

static agora_status read_pacing(loader *L, const yt_node *g, const char *key, scenario_group *out)
{
    static const char *const kinds[] = {"none", "multiplier", "throttle", NULL};
    char sub[KEY_MAX];
    agora_status st = AGORA_OK;
    size_t which = PACING_NONE;
    yt_child_path(sub, sizeof sub, key, "pacing");
    const yt_node *kind = take_optional(L, g, "pacing", sub, &st);
    if (st == AGORA_OK && kind)
        st = read_choice(L, kind, sub, "pacing", kinds, &which);
    if (st != AGORA_OK)
        return st;
    out->pacing = (pacing_kind)which;
    if (out->pacing != PACING_NONE && !L->s->population.has_budget)
        return fail_at(L, kind, sub, "pacing needs budgets: set population.budget");
    static const behaviour_param step = {"pacing_step", 0, PACING_STEP_DEFAULT, 0.0, INFINITY, 1, 0};
    static const behaviour_param max = {"pacing_max", 0, PACING_MAX_DEFAULT, 0.0, INFINITY, 1, 0};
    const behaviour_param *knobs[2] = {&step, &max};
    double *dest[2] = {&out->pacing_step, &out->pacing_max};
    for (int k = 0; k < 2; k++) {
        yt_child_path(sub, sizeof sub, key, knobs[k]->key);
        const yt_node *n = take_optional(L, g, knobs[k]->key, sub, &st);
        *dest[k] = knobs[k]->fallback;
        if (st == AGORA_OK && n) {
            if (out->pacing == PACING_NONE)
                return fail_at(L, n, sub, "applies only with pacing: multiplier or throttle");
            st = read_behaviour_param(L, n, sub, knobs[k], dest[k]);
        }
        if (st != AGORA_OK)
            return st;
    }
    return AGORA_OK;
}

/* When a group has a key of another behaviour (factor on a truthful group), say
 * whose key it is: the likely mistake is the behaviour, not the key. */
static const char *other_behaviours_key(const yt_node *g, const char *const *allowed, char *buf,
                                        size_t size)
{
    for (size_t i = 0; i < g->n_pairs; i++) {
        const char *k = g->pairs[i].key->text;
        if (in_list(k, allowed))
            continue;
        for (size_t b = 0; behaviour_at(b); b++)
            for (const behaviour_param *q = behaviour_at(b)->params; q && q->key; q++)
                if (strcmp(q->key, k) == 0) {
                    snprintf(buf, size, "; %s is a key of %s", k, behaviour_at(b)->name);
                    return buf;
                }
        return NULL;
    }
    return NULL;
}

/* The keys a group of behaviour b may have: its own parameters (from the
 * behaviour's table, so the loader needs no change when one is added) and the
 * keys every group has. */
static size_t group_keys(const behaviour *b, const char **keys, size_t cap)
{
    static const char *const common[] = {"behaviour", "share", "pacing", "pacing_step",
                                         "pacing_max"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof common / sizeof common[0] && n + 1 < cap; i++)
        keys[n++] = common[i];
    for (const behaviour_param *q = b ? b->params : NULL; q && q->key && n + 1 < cap; q++)
        keys[n++] = q->key;
    keys[n] = NULL;
    return n;
}

static agora_status read_group(loader *L, const yt_node *g, const char *key, int only_one,
                               scenario_group *out)
{
    char sub[KEY_MAX];
    size_t which;
    agora_status st = expect_map(L, g, key);
    if (st != AGORA_OK)
        return st;
    yt_child_path(sub, sizeof sub, key, "behaviour");
    const yt_node *b = yt_map_find(g, "behaviour") ? yt_map_find(g, "behaviour")->value : NULL;
    if (!b) {
        char hint[300];
        snprintf(hint, sizeof hint, " (one of: %s)", behaviour_names());
        return missing_key(L, g, sub, hint);
    }
    const char *names[MAX_PLUGINS + 1];
    registered_behaviours(names);
    if ((st = read_choice(L, b, sub, "behaviour", names, &which)) != AGORA_OK)
        return st;
    const behaviour *beh = behaviour_find(names[which]);
    const char *keys[MAX_PLUGINS + 8];
    group_keys(beh, keys, sizeof keys / sizeof keys[0]);
    char hint[160];
    if ((st = check_keys(L, g, key, keys, other_behaviours_key(g, keys, hint, sizeof hint))))
        return st;
    take_key(L, g, "behaviour", sub, &st);
    snprintf(out->behaviour, sizeof out->behaviour, "%s", names[which]);
    if ((st = read_share(L, g, key, only_one, &out->share)) != AGORA_OK)
        return st;
    for (const behaviour_param *bp = beh->params; bp && bp->key; bp++) {
        double *field = (double *)((char *)&out->params + bp->offset);
        yt_child_path(sub, sizeof sub, key, bp->key);
        const yt_node *n = take_optional(L, g, bp->key, sub, &st);
        *field = bp->fallback;
        if (st == AGORA_OK && n)
            st = read_behaviour_param(L, n, sub, bp, field);
        if (st != AGORA_OK)
            return st;
    }
    const char *why = beh->validate ? beh->validate(&out->params) : NULL;
    if (why)
        return fail_at(L, g, key, "%s", why);
    return read_pacing(L, g, key, out);
}

static agora_status default_groups(loader *L)
{
    scenario *s = L->s;
    s->groups = calloc(1, sizeof *s->groups);
    if (!s->groups)
        return loader_oom(L);
    snprintf(s->groups[0].behaviour, sizeof s->groups[0].behaviour, "truthful");
    s->groups[0].share = 1;
    s->groups[0].pacing_step = PACING_STEP_DEFAULT;
    s->groups[0].pacing_max = PACING_MAX_DEFAULT;
    s->n_groups = 1;
    return AGORA_OK;
}

static agora_status read_agents(loader *L, const yt_node *a)
{
    scenario *s = L->s;
    char got[96];
    if (!a)
        return default_groups(L);
    if (a->kind != YT_SEQ) {
        yt_describe(a, got, sizeof got);
        return fail_at(L, a, "agents",
                       "expected a list of groups {behaviour: ..., share: ...}, got %s", got);
    }
    if (a->n_items == 0)
        return fail_at(L, a, "agents", "the list is empty (give at least one group, or leave "
                                       "agents out for everyone truthful)");
    if (a->n_items > MAX_GROUPS)
        return fail_at(L, a, "agents", "%zu groups: at most %d", a->n_items, MAX_GROUPS);
    s->groups = calloc(a->n_items, sizeof *s->groups);
    if (!s->groups)
        return loader_oom(L);
    s->n_groups = a->n_items;
    double sum = 0;
    for (size_t i = 0; i < a->n_items; i++) {
        char key[KEY_MAX];
        snprintf(key, sizeof key, "agents.%zu", i);
        agora_status st = read_group(L, a->items[i], key, a->n_items == 1, &s->groups[i]);
        if (st != AGORA_OK)
            return st;
        sum += s->groups[i].share;
    }
    if (fabs(sum - 1) > SHARE_TOLERANCE)
        return fail_at(L, a, "agents", "the shares sum to %.15g, not 1", sum);
    return AGORA_OK;
}

/* The default output name: the scenario's basename with .yaml/.yml -> .h5, in the
 * current directory, so that runs of different scenarios do not collide. */
static void default_output_path(const char *source, char *buf, size_t size)
{
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    size_t n = strlen(base);
    if (n >= 5 && strcmp(base + n - 5, ".yaml") == 0)
        n -= 5;
    else if (n >= 4 && strcmp(base + n - 4, ".yml") == 0)
        n -= 4;
    if (n == 0 || strcmp(base, "-") == 0 || base[0] == '<')
        snprintf(buf, size, "agora.h5");
    else
        snprintf(buf, size, "%.*s.h5", (int)(n < size - 4 ? n : size - 4), base);
}

/* A missing directory is an input error worth reporting before hours of simulation,
 * with the location of the key that named it. */
static agora_status check_output_dir(loader *L, const yt_node *n, const char *key,
                                     const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fail_at(L, n, key, "%s is a directory; name a file in it", path);
    const char *slash = strrchr(path, '/');
    if (!slash)
        return AGORA_OK;
    char dir[SCENARIO_PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if (stat(dir, &st) != 0)
        return fail_at(L, n, key, "cannot use directory %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail_at(L, n, key, "%s is not a directory", dir);
    return AGORA_OK;
}

static agora_status read_compress(loader *L, const yt_node *n)
{
    int on;
    uint64_t level;
    if (read_bool_text(n, &on)) {
        L->s->output.compress = on ? 4 : 0;
        return AGORA_OK;
    }
    agora_status st = read_count(L, n, "output.compress", 0, 9, &level);
    L->s->output.compress = (int)level;
    return st;
}

/* run.h -> run.ckpt.h5: beside the output, recognisably its checkpoint. */
static void default_checkpoint_path(const char *output, char *buf, size_t size)
{
    size_t n = strlen(output);
    if (n >= 3 && strcmp(output + n - 3, ".h5") == 0)
        n -= 3;
    snprintf(buf, size, "%.*s.ckpt.h5", (int)(n < size - 9 ? n : size - 9), output);
}

static agora_status read_checkpoint_keys(loader *L, const yt_node *every, const yt_node *path)
{
    scenario *s = L->s;
    agora_status st = AGORA_OK;
    if (every)
        st = read_count(L, every, "output.checkpoint_every", 0, s->rounds,
                        &s->output.checkpoint_every);
    if (st != AGORA_OK)
        return st;
    if (!path) {
        default_checkpoint_path(s->output.path, s->output.checkpoint, sizeof s->output.checkpoint);
        return AGORA_OK;
    }
    st = read_string(L, path, "output.checkpoint", s->output.checkpoint,
                     sizeof s->output.checkpoint);
    if (st == AGORA_OK && strcmp(s->output.checkpoint, s->output.path) == 0)
        return fail_at(L, path, "output.checkpoint", "must differ from output.path");
    return st == AGORA_OK ? check_output_dir(L, path, "output.checkpoint", s->output.checkpoint)
                          : st;
}

/* output.fields left out ("auto"): the fields that can tell this scenario's
 * agents apart. One that would hold the same number for everyone is left out:
 * bid and multiplier when every agent bids its value (truthful, no budget, no
 * pacing), budget_left (+inf) without budgets, regret (0) without learners
 * that keep it. */
static uint32_t default_fields(const scenario *s)
{
    uint32_t f = FIELD_BIT(FIELD_VALUE) | FIELD_BIT(FIELD_SPEND) | FIELD_BIT(FIELD_UTILITY) |
                 FIELD_BIT(FIELD_CLICKS);
    int bids_value = !s->population.has_budget;
    for (size_t i = 0; i < s->n_groups; i++) {
        const behaviour *b = behaviour_find(s->groups[i].behaviour);
        bids_value &= strcmp(s->groups[i].behaviour, "truthful") == 0 &&
                      s->groups[i].pacing == PACING_NONE;
        if (b && b->regret)
            f |= FIELD_BIT(FIELD_REGRET);
    }
    if (!bids_value)
        f |= FIELD_BIT(FIELD_BID) | FIELD_BIT(FIELD_MULTIPLIER);
    if (s->population.has_budget)
        f |= FIELD_BIT(FIELD_BUDGET_LEFT);
    return f;
}

/* output.fields: auto, all, or a list of field names. */
static agora_status read_fields(loader *L, const yt_node *n)
{
    scenario *s = L->s;
    static const char *const words[] = {"auto", "all", NULL};
    size_t which = 0;
    if (!n || n->kind == YT_SCALAR) {
        agora_status st = n ? read_choice(L, n, "output.fields", "field set (or give a list)",
                                          words, &which)
                            : AGORA_OK;
        s->output.fields = which ? FIELDS_ALL : default_fields(s);
        return st;
    }
    if (n->kind != YT_SEQ || n->n_items == 0)
        return fail_at(L, n, "output.fields",
                       "expected a non-empty list of agent fields, auto or all");
    s->output.fields = 0;
    for (size_t i = 0; i < n->n_items; i++) {
        agora_status st = read_choice(L, n->items[i], "output.fields", "agent field",
                                      agent_field_names, &which);
        if (st != AGORA_OK)
            return st;
        if (s->output.fields & FIELD_BIT(which))
            return fail_at(L, n->items[i], "output.fields", "lists %s twice",
                           agent_field_names[which]);
        s->output.fields |= FIELD_BIT(which);
    }
    return AGORA_OK;
}

static agora_status read_output(loader *L, const yt_node *o)
{
    static const char *const keys[] = {"path",       "snapshot_every",   "compress",
                                       "checkpoint", "checkpoint_every", "fields", NULL};
    scenario *s = L->s;
    agora_status st = AGORA_OK;
    const yt_node *path = NULL, *every = NULL, *compress = NULL, *ckpt = NULL, *ckpt_every = NULL,
                  *fields = NULL;
    if (o) {
        if ((st = expect_map(L, o, "output")) || (st = check_keys(L, o, "output", keys, NULL)))
            return st;
        path = take_optional(L, o, "path", "output.path", &st);
        every = take_optional(L, o, "snapshot_every", "output.snapshot_every", &st);
        compress = take_optional(L, o, "compress", "output.compress", &st);
        ckpt = take_optional(L, o, "checkpoint", "output.checkpoint", &st);
        ckpt_every = take_optional(L, o, "checkpoint_every", "output.checkpoint_every", &st);
        fields = take_optional(L, o, "fields", "output.fields", &st);
    }
    s->output.snapshot_every = s->rounds;
    if (!path)
        default_output_path(s->source, s->output.path, sizeof s->output.path);
    else if (st == AGORA_OK &&
             (st = read_string(L, path, "output.path", s->output.path,
                               sizeof s->output.path)) == AGORA_OK)
        st = check_output_dir(L, path, "output.path", s->output.path);
    if (st == AGORA_OK && every)
        st = read_count(L, every, "output.snapshot_every", 0, UINT64_MAX,
                        &s->output.snapshot_every);
    /* Named, since a run shortened with --set rounds=N meets this bound first. */
    if (st == AGORA_OK && s->output.snapshot_every > s->rounds)
        st = fail_at(L, every, "output.snapshot_every",
                     "must be between 0 and rounds (%llu), got %s", (unsigned long long)s->rounds,
                     every->text);
    if (st == AGORA_OK && compress)
        st = read_compress(L, compress);
    if (st == AGORA_OK && fields && s->family)
        st = fail_at(L, fields, "output.fields",
                     "only position markets snapshot agent fields (family: %s)", s->family->name);
    if (st == AGORA_OK && !s->family)
        st = read_fields(L, fields);
    return st == AGORA_OK ? read_checkpoint_keys(L, ckpt_every, ckpt) : st;
}

/* ---- probes ------------------------------------------------------------------------------ */

#define PROBE_GRID_DEFAULT 21
#define PROBE_GRID_MAX 1001

static agora_status read_probes(loader *L, const yt_node *p)
{
    static const char *const keys[] = {"auctions", "grid", NULL};
    scenario *s = L->s;
    if (!p)
        return AGORA_OK;
    agora_status st = expect_map(L, p, "probes");
    if (st == AGORA_OK)
        st = check_keys(L, p, "probes", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *auctions = take_key(L, p, "auctions", "probes.auctions", &st);
    const yt_node *grid = take_optional(L, p, "grid", "probes.grid", &st);
    if (st != AGORA_OK)
        return st;
    if (!auctions)
        return missing_key(L, p, "probes.auctions", " (auctions probed per round)");
    if (s->population.value.kind == DIST_FILE)
        return fail_at(L, auctions, "probes.auctions",
                       "probes read every participant's value on the auction's rank: give "
                       "population.value as a distribution or population.values, not a file");
    if ((st = read_count(L, auctions, "probes.auctions", 1, s->market.auctions,
                         &s->probes.auctions)))
        return st;
    uint64_t g = PROBE_GRID_DEFAULT;
    if (grid && (st = read_count(L, grid, "probes.grid", 2, PROBE_GRID_MAX, &g)))
        return st;
    s->probes.grid = (uint32_t)g;
    return AGORA_OK;
}

/* Learners that reason from each auction's top bids (hedge, balanced) replay
 * the position-auction pricing rules in bid space: they cannot follow an AIGC
 * market, nor a ranking by bid x quality. Refused here, with one line. */
static agora_status check_learners(loader *L)
{
    scenario *s = L->s;
    int scored = s->mechanism.rank_by_score && s->population.has_quality;
    if (!s->mechanism.aigc && !scored)
        return AGORA_OK;
    for (size_t i = 0; i < s->n_groups; i++) {
        const behaviour *b = behaviour_find(s->groups[i].behaviour);
        char key[KEY_MAX];
        snprintf(key, sizeof key, "agents.%zu.behaviour", i);
        if (b && b->wants_feedback)
            return agora_fail(L->err, AGORA_EINPUT,
                              "%s: %s: %s replays auctions from their top bids, which cannot "
                              "follow %s; use truthful, shade or a bandit learner (exp3, ucb, "
                              "egreedy)",
                              scenario_where(s, key), key, b->name,
                              s->mechanism.aigc ? "an aigc market" : "a ranking by bid x quality");
    }
    return AGORA_OK;
}

/* ---- the whole scenario ------------------------------------------------------------------ */

/* Defaults that depend on the market (tuned learning rates need the horizon),
 * filled in once everything else is known; the resolved text then shows them. */
static void resolve_groups(scenario *s)
{
    position_params auction = {s->mechanism.slots, s->mechanism.ctr, s->mechanism.reserve};
    market_info m = {position_mechanism_find(s->mechanism.name), &auction, s->rounds};
    for (size_t i = 0; i < s->n_groups; i++) {
        const behaviour *b = behaviour_find(s->groups[i].behaviour);
        if (b && b->resolve)
            b->resolve(&s->groups[i].params, &m);
    }
}

#define MAX_FAMILIES 16

/* `family:` names position (the default) or a registered family. */
static agora_status read_family(loader *L, const yt_node *root)
{
    const char *names[MAX_FAMILIES + 2] = {"position"};
    size_t n = 1, which;
    for (const scenario_family *f; n <= MAX_FAMILIES && (f = scenario_family_at(n - 1)); n++)
        names[n] = f->name;
    names[n] = NULL;
    agora_status st = AGORA_OK;
    const yt_node *v = take_optional(L, root, "family", "family", &st);
    if (st != AGORA_OK || !v)
        return st;
    if ((st = read_choice(L, v, "family", "family", names, &which)) != AGORA_OK)
        return st;
    L->s->family = which ? scenario_family_at(which - 1) : NULL;
    return AGORA_OK;
}

/* A family's scenario: the common keys, then the family's own. */
static agora_status read_family_top(loader *L, const yt_node *root)
{
    static const char *const common[] = {"seed", "rounds", "family", "output"};
    const char *keys[64];
    size_t n = 0;
    scenario *s = L->s;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        keys[n++] = common[i];
    for (size_t i = 0; s->family->keys[i] && n < 63; i++)
        keys[n++] = s->family->keys[i];
    keys[n] = NULL;
    agora_status st = check_keys(L, root, "", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *seed = take_optional(L, root, "seed", "seed", &st);
    const yt_node *rounds = take_key(L, root, "rounds", "rounds", &st);
    const yt_node *output = take_optional(L, root, "output", "output", &st);
    if (st != AGORA_OK)
        return st;
    s->seed = 1;
    if (seed && (st = read_count(L, seed, "seed", 0, UINT64_MAX, &s->seed)))
        return st;
    if (!rounds)
        return missing_key(L, root, "rounds", NULL);
    if ((st = read_count(L, rounds, "rounds", 1, MAX_ROUNDS, &s->rounds)))
        return st;
    if ((st = s->family->read(L, root, &s->family_config)) != AGORA_OK)
        return st;
    return read_output(L, output);
}

static agora_status read_top(loader *L, const yt_node *root)
{
    static const char *const keys[] = {"seed",      "rounds", "family", "population", "market",
                                       "mechanism", "agents", "output", "probes", NULL};
    scenario *s = L->s;
    agora_status st = expect_map(L, root, "scenario");
    if (st == AGORA_OK)
        st = read_family(L, root);
    if (st == AGORA_OK && s->family)
        return read_family_top(L, root);
    if (st == AGORA_OK)
        st = check_keys(L, root, "", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *seed = take_optional(L, root, "seed", "seed", &st);
    const yt_node *rounds = take_key(L, root, "rounds", "rounds", &st);
    const yt_node *pop = take_key(L, root, "population", "population", &st);
    const yt_node *market = take_key(L, root, "market", "market", &st);
    const yt_node *mech = take_key(L, root, "mechanism", "mechanism", &st);
    const yt_node *agents = take_optional(L, root, "agents", "agents", &st);
    const yt_node *output = take_optional(L, root, "output", "output", &st);
    const yt_node *probes = take_optional(L, root, "probes", "probes", &st);
    if (st != AGORA_OK)
        return st;
    s->seed = 1;
    if (seed && (st = read_count(L, seed, "seed", 0, UINT64_MAX, &s->seed)))
        return st;
    if (!rounds)
        return missing_key(L, root, "rounds", NULL);
    if ((st = read_count(L, rounds, "rounds", 1, MAX_ROUNDS, &s->rounds)))
        return st;
    if (!pop)
        return missing_key(L, root, "population", NULL);
    if ((st = read_population(L, pop)))
        return st;
    if (!market)
        return missing_key(L, root, "market", NULL);
    if ((st = read_market(L, market)))
        return st;
    if (!mech)
        return missing_key(L, root, "mechanism", NULL);
    if ((st = read_mechanism(L, mech)) || (st = read_agents(L, agents)) ||
        (st = check_learners(L)) || (st = read_probes(L, probes)))
        return st;
    resolve_groups(s);
    return read_output(L, output);
}

/* The CLI prints a message as one line (DESIGN.md, invariant 5), but messages
 * quote what the user wrote: keys, names and --set text, which may hold line
 * breaks or other control characters. They are written as escapes here, once for
 * every message, cutting the end if the escapes do not fit. */
static void one_line(agora_error *err)
{
    char out[AGORA_ERROR_MAX];
    size_t n = 0;
    if (!err)
        return;
    for (const char *p = err->msg; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[8] = {(char)c, '\0'};
        if (c == '\n' || c == '\r' || c == '\t')
            snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        size_t k = strlen(esc);
        if (n + k >= sizeof out)
            break;
        memcpy(out + n, esc, k);
        n += k;
    }
    out[n] = '\0';
    memcpy(err->msg, out, n + 1);
}

agora_status scenario_load_text(const char *text, size_t len, const char *source,
                                const char *const *overrides, size_t n_overrides,
                                scenario *out, agora_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->source, sizeof out->source, "%s", source);
    yt_doc doc;
    agora_status st = yt_parse(&doc, text, len, out->source, err);
    if (st != AGORA_OK) {
        one_line(err);
        return st;
    }
    loader L = {.s = out, .err = err};
    /* A file that is not a mapping is the file's fault, not the overrides'. */
    if (!yt_is_null(doc.root))
        st = expect_map(&L, doc.root, "scenario");
    for (size_t i = 0; i < n_overrides && st == AGORA_OK; i++)
        st = yt_override(&doc, overrides[i], err);
    if (st == AGORA_OK)
        st = read_top(&L, doc.root);
    if (st == AGORA_OK)
        st = check_unused(&L, doc.root, "");
    yt_free(&doc);
    if (st != AGORA_OK) {
        scenario_free(out);
        one_line(err);
    }
    return st;
}

/* ---- files and accessors ------------------------------------------------------------------- */

static agora_status read_stream(FILE *f, const char *path, char **text, size_t *len,
                                agora_error *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (!buf)
        return agora_fail(err, AGORA_EINTERNAL, "%s: out of memory", path);
    if (ferror(f)) {
        int e = errno;
        free(buf);
        return agora_fail(err, AGORA_EINPUT, "%s: cannot read: %s", path, strerror(e));
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return AGORA_OK;
}

agora_status scenario_read_file(const char *path, char **text, size_t *len, agora_error *err)
{
    *text = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0)
        return read_stream(stdin, path, text, len, err);
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return agora_fail(err, AGORA_EINPUT, "%s: cannot read: %s", path, strerror(errno));
    agora_status st = read_stream(f, path, text, len, err);
    fclose(f);
    return st;
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    free(s->population.value.list);
    free(s->population.budget.list);
    free(s->population.quality.list);
    free(s->mechanism.pair_ctr);
    free(s->groups);
    if (s->family && s->family_config)
        s->family->free_config(s->family_config);
    free(s->locs);
    char source[SCENARIO_PATH_MAX];
    memcpy(source, s->source, sizeof source);
    memset(s, 0, sizeof *s);
    /* Messages about a failed load may still want the source name. */
    memcpy(s->source, source, sizeof source);
}

size_t scenario_inputs(scenario *s, scenario_input out[SCENARIO_MAX_INPUTS])
{
    size_t n = 0;
    if (s->family) {
        const char *key = NULL;
        char *path = s->family->input_path ? s->family->input_path(s->family_config, &key) : NULL;
        if (path)
            out[n++] = (scenario_input){key, path, NULL, 0};
        return n;
    }
    struct {
        const char *key;
        scenario_dist *d;
        int given;
        uint64_t width;
    } dists[] = {
        {"population.value", &s->population.value, 1, 1},
        {"population.budget", &s->population.budget, s->population.has_budget, 1},
        {"population.quality", &s->population.quality, s->population.has_quality, 1},
        {"mechanism.pair_ctr", &s->mechanism.pair_ctr_file, 1, s->mechanism.slots},
    };
    for (size_t k = 0; k < sizeof dists / sizeof dists[0]; k++)
        if (dists[k].given && dists[k].d->kind == DIST_FILE)
            out[n++] = (scenario_input){dists[k].key, dists[k].d->path, dists[k].d, dists[k].width};
    return n;
}

const char *scenario_where(const scenario *s, const char *key)
{
    for (size_t i = 0; i < s->n_locs; i++)
        if (strcmp(s->locs[i].key, key) == 0)
            return s->locs[i].where;
    return s->source;
}
