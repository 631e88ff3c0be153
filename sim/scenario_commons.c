/* The `commons` family's scenario section: reading `commons:` into a
 * commons_config (every value checked, every default filled, one-line messages)
 * and writing it back as YAML that loads to the same config. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commons_config.h"
#include "scenario_family.h"

#define SHARE_TOLERANCE 1e-9
/* Ids travel as uint32 in tickets and partitions (sim/partition.h). */
#define MAX_ENTITIES 4294967295ULL

static const char *const mode_names[] = {"villages", "global", NULL};
static const char *const regrowth_names[] = {"logistic", "doubling", NULL};
static const char *const order_names[] = {"proportional", "random_units", NULL};
static const char *const rule_names[] = {"fermi", "replicator", "none", NULL};
static const char *const assign_names[] = {"random", "blocks", NULL};

/* An optional number `name` of map (dotted path parent.name), bounded below, with
 * a default. */
static agora_status opt_real(loader *L, const yt_node *map, const char *name, const char *parent,
                             lower_bound lb, double fallback, double *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *v = map ? take_optional(L, map, name, key, &st) : NULL;
    *out = fallback;
    if (st != AGORA_OK || !v)
        return st;
    if ((st = read_real(L, v, key, out)) != AGORA_OK)
        return st;
    return check_bound(L, v, key, *out, lb);
}

/* At most 1 (probabilities, efforts as fractions of the stock). */
static agora_status at_most_one(loader *L, const yt_node *map, const char *name,
                                const char *parent, double v)
{
    if (v <= 1.0)
        return AGORA_OK;
    char key[KEY_MAX];
    yt_child_path(key, sizeof key, parent, name);
    const yt_pair *p = yt_map_find(map, name);
    return fail_at(L, p ? p->value : map, key, "%.17g is above 1", v);
}

static agora_status opt_choice(loader *L, const yt_node *map, const char *name,
                               const char *parent, const char *what,
                               const char *const *names, size_t *which)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *v = map ? take_optional(L, map, name, key, &st) : NULL;
    if (st != AGORA_OK || !v)
        return st;
    return read_choice(L, v, key, what, names, which);
}

static agora_status opt_count(loader *L, const yt_node *map, const char *name, uint64_t lo,
                              uint64_t hi, uint64_t fallback, uint64_t *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, "commons", name);
    const yt_node *v = map ? take_optional(L, map, name, key, &st) : NULL;
    *out = fallback;
    if (st != AGORA_OK || !v)
        return st;
    return read_count(L, v, key, lo, hi, out);
}

/* An optional sub-mapping `name` of commons (NULL when absent), keys checked. */
static agora_status sub_map(loader *L, const yt_node *map, const char *name,
                            const char *const *keys, const yt_node **out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, "commons", name);
    *out = map ? take_optional(L, map, name, key, &st) : NULL;
    if (st != AGORA_OK || !*out)
        return st;
    if ((st = expect_map(L, *out, key)) != AGORA_OK)
        return st;
    return check_keys(L, *out, key, keys, NULL);
}

static void behaviour_list(const char **names)
{
    size_t n = 0;
    for (const harvester_behaviour *b; (b = harvester_at(n)); n++)
        names[n] = b->name;
    names[n] = NULL;
}

static agora_status read_group(loader *L, const yt_node *g, const char *key, size_t count,
                               commons_group *out)
{
    static const char *const plain_keys[] = {"behaviour", "share", NULL};
    static const char *const quota_keys[] = {"behaviour", "share", "quota", NULL};
    char sub[KEY_MAX];
    agora_status st = expect_map(L, g, key);
    if (st != AGORA_OK)
        return st;
    const char *names[COMMONS_MAX_GROUPS + 1];
    behaviour_list(names);
    yt_child_path(sub, sizeof sub, key, "behaviour");
    const yt_node *b = take_key(L, g, "behaviour", sub, &st);
    if (st != AGORA_OK)
        return st;
    if (!b) {
        char list[256], hint[300];
        join_names(list, sizeof list, names);
        snprintf(hint, sizeof hint, " (one of: %s)", list);
        return missing_key(L, g, sub, hint);
    }
    size_t which;
    if ((st = read_choice(L, b, sub, "behaviour", names, &which)) != AGORA_OK)
        return st;
    const harvester_behaviour *beh = harvester_at(which);
    snprintf(out->behaviour, sizeof out->behaviour, "%s", beh->name);
    if ((st = check_keys(L, g, key, beh->needs_quota ? quota_keys : plain_keys, NULL)))
        return st;
    /* A single group may leave its share out: it is everyone. */
    yt_child_path(sub, sizeof sub, key, "share");
    const yt_node *share = take_optional(L, g, "share", sub, &st);
    out->share = 1.0;
    if (st == AGORA_OK && share)
        st = read_real(L, share, sub, &out->share);
    else if (st == AGORA_OK && count > 1)
        return missing_key(L, g, sub, NULL);
    if (st == AGORA_OK && share)
        st = check_bound(L, share, sub, out->share, MIN_NONNEG);
    if (st == AGORA_OK && out->share > 1.0)
        return fail_at(L, share, sub, "%.17g is above 1", out->share);
    if (st == AGORA_OK && beh->needs_quota) {
        yt_child_path(sub, sizeof sub, key, "quota");
        if ((st = read_param(L, g, "quota", key, &out->params.quota)) == AGORA_OK)
            st = check_bound(L, yt_map_find(g, "quota")->value, sub, out->params.quota,
                             MIN_NONNEG);
    }
    return st;
}

static agora_status read_groups(loader *L, const yt_node *list, commons_config *c)
{
    char got[96];
    if (!list) {
        snprintf(c->groups[0].behaviour, sizeof c->groups[0].behaviour, "cooperator");
        c->groups[0].share = 1.0;
        c->n_groups = 1;
        return AGORA_OK;
    }
    if (list->kind != YT_SEQ) {
        yt_describe(list, got, sizeof got);
        return fail_at(L, list, "commons.behaviours",
                       "expected a list of {behaviour: ..., share: ...}, got %s", got);
    }
    if (list->n_items == 0 || list->n_items > COMMONS_MAX_GROUPS)
        return fail_at(L, list, "commons.behaviours", "%zu groups: give 1 to %d", list->n_items,
                       COMMONS_MAX_GROUPS);
    double sum = 0.0;
    for (size_t i = 0; i < list->n_items; i++) {
        char key[KEY_MAX];
        snprintf(key, sizeof key, "commons.behaviours.%zu", i);
        agora_status st = read_group(L, list->items[i], key, list->n_items, &c->groups[i]);
        if (st != AGORA_OK)
            return st;
        sum += c->groups[i].share;
    }
    c->n_groups = list->n_items;
    if (fabs(sum - 1.0) > SHARE_TOLERANCE)
        return fail_at(L, list, "commons.behaviours", "the shares sum to %.15g, not 1", sum);
    return AGORA_OK;
}

static agora_status read_section(loader *L, const yt_node *m, commons_config *c)
{
    static const char *const keys[] = {
        "mode",  "pools",         "harvesters_per_pool", "regrowth",  "growth",
        "capacity", "initial_stock", "collapse_below",   "order",     "unit",
        "effort", "evolution",    "behaviours",          "assign",    NULL};
    static const char *const effort_keys[] = {"cooperator", "defector", NULL};
    static const char *const evolution_keys[] = {"rule", "kappa", "mutation", NULL};
    /* m is NULL when the section is absent or empty: every key's default. */
    agora_status st = m ? expect_map(L, m, "commons") : AGORA_OK;
    if (st == AGORA_OK && m)
        st = check_keys(L, m, "commons", keys, NULL);
    if (st != AGORA_OK)
        return st;
    size_t which = 0;
    if ((st = opt_choice(L, m, "mode", "commons", "mode", mode_names, &which)))
        return st;
    c->mode = (commons_mode)which;
    if ((st = opt_count(L, m, "pools", 1, MAX_ENTITIES, 1, &c->pools)) ||
        (st = opt_count(L, m, "harvesters_per_pool", 1, MAX_ENTITIES, 10,
                        &c->harvesters_per_pool)))
        return st;
    /* Every harvester of every pool is an array slot somewhere: keep the total
     * (and pool * harvesters_per_pool ids) far from overflow. */
    if ((double)c->pools * (double)c->harvesters_per_pool > 0x1p48)
        return fail_at(L, yt_map_find(m, "harvesters_per_pool")->value,
                       "commons.harvesters_per_pool",
                       "%llu pools x %llu harvesters is above 2^48 harvesters",
                       (unsigned long long)c->pools,
                       (unsigned long long)c->harvesters_per_pool);
    if (c->mode == COMMONS_GLOBAL && c->pools != 1)
        return fail_at(L, yt_map_find(m, "pools")->value, "commons.pools",
                       "the global mode has one pool (its harvesters spread over the ranks)");
    which = 0;
    if ((st = opt_choice(L, m, "regrowth", "commons", "regrowth", regrowth_names, &which)))
        return st;
    c->regrowth = (commons_regrowth)which;
    if ((st = opt_real(L, m, "growth", "commons", MIN_NONNEG, 0.5, &c->growth)) ||
        (st = opt_real(L, m, "capacity", "commons", MIN_POSITIVE, 100, &c->capacity)) ||
        (st = opt_real(L, m, "initial_stock", "commons", MIN_NONNEG, c->capacity,
                       &c->initial_stock)) ||
        (st = opt_real(L, m, "collapse_below", "commons", MIN_NONNEG, 0, &c->collapse_below)))
        return st;
    which = 0;
    if ((st = opt_choice(L, m, "order", "commons", "order", order_names, &which)))
        return st;
    c->order = (commons_order)which;
    if ((st = opt_real(L, m, "unit", "commons", MIN_POSITIVE, 1, &c->unit)))
        return st;
    double most = c->initial_stock > c->capacity ? c->initial_stock : c->capacity;
    if (c->order == ORDER_RANDOM_UNITS && !(most / c->unit <= 0x1p32)) {
        const yt_pair *u = yt_map_find(m, "unit");
        return fail_at(L, u ? u->value : m, "commons.unit",
                       "a stock of %.6g is %.6g units of %.6g; random_units counts at most "
                       "2^32 (raise the unit)",
                       most, most / c->unit, c->unit);
    }
    const yt_node *effort, *evolution;
    if ((st = sub_map(L, m, "effort", effort_keys, &effort)) ||
        (st = opt_real(L, effort, "cooperator", "commons.effort", MIN_NONNEG, 0.05,
                       &c->effort_c)) ||
        (st = opt_real(L, effort, "defector", "commons.effort", MIN_NONNEG, 0.15,
                       &c->effort_d)))
        return st;
    if ((st = sub_map(L, m, "evolution", evolution_keys, &evolution)))
        return st;
    which = EVOLVE_NONE;
    if ((st = opt_choice(L, evolution, "rule", "commons.evolution", "rule", rule_names, &which)))
        return st;
    c->rule = (commons_rule)which;
    if ((st = opt_real(L, evolution, "kappa", "commons.evolution", MIN_POSITIVE, 0.1,
                       &c->kappa)) ||
        (st = opt_real(L, evolution, "mutation", "commons.evolution", MIN_NONNEG, 0,
                       &c->mutation)))
        return st;
    if (evolution && (st = at_most_one(L, evolution, "mutation", "commons.evolution",
                                       c->mutation)))
        return st;
    which = 0;
    if ((st = opt_choice(L, m, "assign", "commons", "assignment", assign_names, &which)))
        return st;
    c->assign_blocks = (int)which;
    const yt_node *groups = m ? take_optional(L, m, "behaviours", "commons.behaviours", &st) : NULL;
    if (st == AGORA_OK)
        st = read_groups(L, groups, c);
    return st;
}

static agora_status commons_read(loader *L, const yt_node *root, void **config)
{
    *config = NULL;
    commons_config *c = calloc(1, sizeof *c);
    if (!c)
        return loader_oom(L);
    agora_status st = AGORA_OK;
    const yt_node *m = take_optional(L, root, "commons", "commons", &st);
    if (st == AGORA_OK)
        st = read_section(L, m, c);
    if (st != AGORA_OK) {
        free(c);
        return st;
    }
    *config = c;
    return AGORA_OK;
}

static void put_key_num(text_buf *t, const char *key, double v)
{
    put(t, "%s", key);
    put_num(t, v);
    put(t, "\n");
}

static void commons_emit(text_buf *t, const void *config)
{
    const commons_config *c = config;
    put(t, "commons:\n");
    put(t, "  mode: %s\n", mode_names[c->mode]);
    put(t, "  pools: %llu\n", (unsigned long long)c->pools);
    put(t, "  harvesters_per_pool: %llu\n", (unsigned long long)c->harvesters_per_pool);
    put(t, "  regrowth: %s\n", regrowth_names[c->regrowth]);
    put_key_num(t, "  growth: ", c->growth);
    put_key_num(t, "  capacity: ", c->capacity);
    put_key_num(t, "  initial_stock: ", c->initial_stock);
    put_key_num(t, "  collapse_below: ", c->collapse_below);
    put(t, "  order: %s\n", order_names[c->order]);
    put_key_num(t, "  unit: ", c->unit);
    put(t, "  effort:\n");
    put_key_num(t, "    cooperator: ", c->effort_c);
    put_key_num(t, "    defector: ", c->effort_d);
    put(t, "  evolution:\n    rule: %s\n", rule_names[c->rule]);
    put_key_num(t, "    kappa: ", c->kappa);
    put_key_num(t, "    mutation: ", c->mutation);
    put(t, "  assign: %s\n", assign_names[c->assign_blocks]);
    put(t, "  behaviours:\n");
    for (size_t i = 0; i < c->n_groups; i++) {
        const commons_group *g = &c->groups[i];
        put(t, "    - behaviour: %s\n", g->behaviour);
        put_key_num(t, "      share: ", g->share);
        if (harvester_find(g->behaviour)->needs_quota)
            put_key_num(t, "      quota: ", g->params.quota);
    }
}

static void commons_free(void *config)
{
    free(config);
}

/* Villages split pools over ranks; the global pool splits its harvesters. */
static unsigned long long commons_partitioned(const void *config)
{
    const commons_config *c = config;
    return c->mode == COMMONS_GLOBAL ? c->harvesters_per_pool : c->pools;
}

static const char *commons_count_key(const void *config)
{
    const commons_config *c = config;
    return c->mode == COMMONS_GLOBAL ? "commons.harvesters_per_pool" : "commons.pools";
}

static const char *const commons_keys[] = {"commons", NULL};

const scenario_family commons_family = {
    .name = "commons",
    .keys = commons_keys,
    .read = commons_read,
    .emit = commons_emit,
    .free_config = commons_free,
    .partitioned = commons_partitioned,
    .count_key = "commons.pools",
    .count_key_of = commons_count_key,
};
