/* Reading and writing the keys of a `family: cloud` scenario: mechanism,
 * requests and resources (scenarios/README.md, "Cloud auctions"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud_config.h"
#include "scenario_family.h"

static const char *const cloud_dist_names[] = {"constant", "uniform", "lognormal", NULL};

/* A distribution: a number (constant) or {dist: constant|uniform|lognormal, ...}. */
static agora_status read_cdist(loader *L, const yt_node *n, const char *key, lower_bound lb,
                               scenario_dist *d)
{
    static const char *const k_const[] = {"dist", "value", NULL};
    static const char *const k_unif[] = {"dist", "low", "high", NULL};
    static const char *const k_logn[] = {"dist", "mu", "sigma", NULL};
    static const char *const *const keys[] = {k_const, k_unif, k_logn};
    static const char *const all[] = {"dist", "value", "low", "high", "mu", "sigma", NULL};
    agora_status st = AGORA_OK;
    char sub[KEY_MAX], got[96];
    memset(d, 0, sizeof *d);
    if (n->kind != YT_MAP) {
        if (!is_number_node(n)) {
            yt_describe(n, got, sizeof got);
            return fail_at(L, n, key, "expected a number or a distribution {dist: ...}, got %s",
                           got);
        }
        d->kind = DIST_CONSTANT;
        if ((st = read_real(L, n, key, &d->a)) != AGORA_OK)
            return st;
        return check_bound(L, n, key, d->a, lb);
    }
    if ((st = check_keys(L, n, key, all, NULL)) != AGORA_OK)
        return st;
    yt_child_path(sub, sizeof sub, key, "dist");
    const yt_node *name = take_key(L, n, "dist", sub, &st);
    if (st != AGORA_OK)
        return st;
    if (!name)
        return missing_key(L, n, sub, " (constant, uniform or lognormal)");
    size_t which;
    if ((st = read_choice(L, name, sub, "distribution", cloud_dist_names, &which)) != AGORA_OK)
        return st;
    d->kind = (dist_kind)which;
    if ((st = check_keys(L, n, key, keys[which], NULL)) != AGORA_OK)
        return st;
    const char *first = keys[which][1], *second = keys[which][2];
    if ((st = read_param(L, n, first, key, &d->a)) != AGORA_OK)
        return st;
    if (second && (st = read_param(L, n, second, key, &d->b)) != AGORA_OK)
        return st;
    const yt_node *na = yt_map_find(n, first)->value;
    yt_child_path(sub, sizeof sub, key, first);
    if (d->kind != DIST_LOGNORMAL && (st = check_bound(L, na, sub, d->a, lb)) != AGORA_OK)
        return st;
    if (!second)
        return AGORA_OK;
    const yt_node *nb = yt_map_find(n, second)->value;
    yt_child_path(sub, sizeof sub, key, second);
    if (d->kind == DIST_UNIFORM && !(d->b > d->a))
        return fail_at(L, nb, sub, "must be greater than low (%s), got %s", na->text, nb->text);
    if (d->kind == DIST_LOGNORMAL && !(d->b >= 0))
        return fail_at(L, nb, sub, "must not be negative, got %s", nb->text);
    yt_child_path(sub, sizeof sub, key, first);
    if (d->kind == DIST_LOGNORMAL)
        return check_lognormal(L, na, sub, d->a, d->b);
    return AGORA_OK;
}

/* Optional child `name` of map as a distribution, or `fallback`. */
static agora_status opt_dist(loader *L, const yt_node *map, const char *name, const char *parent,
                             lower_bound lb, scenario_dist fallback, scenario_dist *d)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *n = map ? take_optional(L, map, name, key, &st) : NULL;
    *d = fallback;
    if (st != AGORA_OK || !n)
        return st;
    return read_cdist(L, n, key, lb, d);
}

static agora_status opt_real(loader *L, const yt_node *map, const char *name, const char *parent,
                             double lo, double hi, double fallback, double *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *n = map ? take_optional(L, map, name, key, &st) : NULL;
    *out = fallback;
    if (st != AGORA_OK || !n)
        return st;
    if ((st = read_real(L, n, key, out)) != AGORA_OK)
        return st;
    if (!(*out >= lo && *out <= hi))
        return fail_at(L, n, key, "must lie in [%g, %g], got %s", lo, hi, n->text);
    return AGORA_OK;
}

static agora_status opt_count(loader *L, const yt_node *map, const char *name, const char *parent,
                              uint64_t lo, uint64_t hi, uint64_t fallback, uint64_t *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *n = map ? take_optional(L, map, name, key, &st) : NULL;
    *out = fallback;
    if (st != AGORA_OK || !n)
        return st;
    return read_count(L, n, key, lo, hi, out);
}

static scenario_dist uniform(double lo, double hi)
{
    scenario_dist d = {.kind = DIST_UNIFORM, .a = lo, .b = hi};
    return d;
}

/* A section that may be absent (every key defaulted) or must be a mapping. */
static agora_status section(loader *L, const yt_node *parent, const char *name, const char *key,
                            const char *const *keys, const yt_node **out)
{
    agora_status st = AGORA_OK;
    *out = take_optional(L, parent, name, key, &st);
    if (st != AGORA_OK || !*out)
        return st;
    if ((st = expect_map(L, *out, key)) != AGORA_OK)
        return st;
    return check_keys(L, *out, key, keys, NULL);
}

static agora_status read_mechanism(loader *L, const yt_node *root, cloud_config *c)
{
    static const char *const keys[] = {"name", "weights", "price", "clusters_per_request", NULL};
    static const char *const wkeys[] = {"cost", "qos", "energy", "fairness", NULL};
    static const char *const pkeys[] = {"step", "target", "floor", "cap", NULL};
    const yt_node *m, *w = NULL, *p = NULL;
    agora_status st = section(L, root, "mechanism", "mechanism", keys, &m);
    if (st != AGORA_OK)
        return st;
    c->mechanism = CLOUD_MOHAF;
    const yt_node *name = m ? take_optional(L, m, "name", "mechanism.name", &st) : NULL;
    if (st != AGORA_OK)
        return st;
    size_t which;
    if (name) {
        if ((st = read_choice(L, name, "mechanism.name", "cloud mechanism",
                              cloud_mechanism_names, &which)) != AGORA_OK)
            return st;
        c->mechanism = (cloud_mechanism)which;
    }
    if (m && (st = section(L, m, "weights", "mechanism.weights", wkeys, &w)) != AGORA_OK)
        return st;
    if ((st = opt_real(L, w, "cost", "mechanism.weights", 0, 1e6, 0.4, &c->weights.cost)) ||
        (st = opt_real(L, w, "qos", "mechanism.weights", 0, 1e6, 0.3, &c->weights.qos)) ||
        (st = opt_real(L, w, "energy", "mechanism.weights", 0, 1e6, 0.15, &c->weights.energy)) ||
        (st = opt_real(L, w, "fairness", "mechanism.weights", 0, 1e6, 0.15,
                       &c->weights.fairness)))
        return st;
    if (m && (st = section(L, m, "price", "mechanism.price", pkeys, &p)) != AGORA_OK)
        return st;
    if ((st = opt_real(L, p, "step", "mechanism.price", 0, 1, 0.5, &c->price.step)) ||
        (st = opt_real(L, p, "target", "mechanism.price", 0, 1, 0.7, &c->price.target)) ||
        (st = opt_real(L, p, "floor", "mechanism.price", 0, 1e6, 0.5, &c->price.floor)) ||
        (st = opt_real(L, p, "cap", "mechanism.price", 0, 1e6, 4, &c->price.cap)))
        return st;
    if (c->price.cap < c->price.floor)
        return fail_at(L, p ? p : root, "mechanism.price.cap", "must not be below floor (%g)",
                       c->price.floor);
    if (!(c->price.floor <= 1 && c->price.cap >= 1))
        return fail_at(L, p ? p : root, "mechanism.price",
                       "floor must be at most 1 and cap at least 1 (prices start at cost)");
    uint64_t kept;
    if ((st = opt_count(L, m, "clusters_per_request", "mechanism", 1, CLOUD_MAX_CLUSTERS_KEPT, 2,
                        &kept)))
        return st;
    c->clusters_kept = (uint32_t)kept;
    return AGORA_OK;
}

static agora_status read_requests(loader *L, const yt_node *root, cloud_config *c)
{
    static const char *const keys[] = {"per_round", "cpu",    "mem",   "amount_max",
                                       "priorities", "budget", "trace", NULL};
    const yt_node *q;
    agora_status st = section(L, root, "requests", "requests", keys, &q);
    if (st != AGORA_OK)
        return st;
    if ((st = opt_count(L, q, "per_round", "requests", 1, CLOUD_MAX_REQUESTS, 100,
                        &c->per_round)) ||
        (st = opt_dist(L, q, "cpu", "requests", MIN_POSITIVE, uniform(0.05, 0.5), &c->cpu)) ||
        (st = opt_dist(L, q, "mem", "requests", MIN_POSITIVE, uniform(0.05, 0.5), &c->mem)) ||
        (st = opt_count(L, q, "amount_max", "requests", 1, 1000000, 1, &c->amount_max)) ||
        (st = opt_count(L, q, "priorities", "requests", 1, 1000000, 12, &c->priorities)) ||
        (st = opt_dist(L, q, "budget", "requests", MIN_POSITIVE, uniform(1, 3), &c->budget)))
        return st;
    const yt_node *t = q ? take_optional(L, q, "trace", "requests.trace", &st) : NULL;
    if (st != AGORA_OK)
        return st;
    c->trace[0] = 0;
    if (t) {
        if ((st = read_string(L, t, "requests.trace", c->trace, sizeof c->trace)) != AGORA_OK)
            return st;
        if (!c->trace[0])
            return fail_at(L, t, "requests.trace", "must name a file");
    }
    return AGORA_OK;
}

static agora_status read_resources(loader *L, const yt_node *root, cloud_config *c)
{
    static const char *const keys[] = {"count",       "clusters",     "cpu",    "mem", "cost",
                                       "reliability", "availability", "energy", NULL};
    const yt_node *r;
    agora_status st = section(L, root, "resources", "resources", keys, &r);
    if (st != AGORA_OK)
        return st;
    if ((st = opt_count(L, r, "count", "resources", 1, CLOUD_MAX_RESOURCES, 20, &c->resources)) ||
        (st = opt_count(L, r, "clusters", "resources", 1, CLOUD_MAX_CLUSTERS, 4, &c->clusters)) ||
        (st = opt_dist(L, r, "cpu", "resources", MIN_POSITIVE, uniform(1, 4), &c->res_cpu)) ||
        (st = opt_dist(L, r, "mem", "resources", MIN_POSITIVE, uniform(1, 4), &c->res_mem)) ||
        (st = opt_dist(L, r, "cost", "resources", MIN_POSITIVE, uniform(0.5, 1.5),
                       &c->res_cost)) ||
        (st = opt_dist(L, r, "reliability", "resources", MIN_NONNEG, uniform(0.9, 1),
                       &c->reliability)) ||
        (st = opt_dist(L, r, "availability", "resources", MIN_NONNEG, uniform(0.9, 1),
                       &c->availability)) ||
        (st = opt_dist(L, r, "energy", "resources", MIN_NONNEG, uniform(0.3, 1), &c->energy)))
        return st;
    if (c->clusters > c->resources) {
        const yt_node *n = yt_map_find(r, "clusters") ? yt_map_find(r, "clusters")->value : r;
        return fail_at(L, n, "resources.clusters", "must not exceed resources.count (%llu)",
                       (unsigned long long)c->resources);
    }
    return AGORA_OK;
}

/* Where `optimal` was named, for the size refusal (the root when --set put it). */
static const yt_node *optimal_node(const yt_node *root)
{
    const yt_pair *m = yt_map_find(root, "mechanism");
    const yt_pair *n = m && m->value->kind == YT_MAP ? yt_map_find(m->value, "name") : NULL;
    return n ? n->value : root;
}

static agora_status cloud_read(loader *L, const yt_node *root, void **config)
{
    cloud_config *c = calloc(1, sizeof *c);
    if (!c)
        return loader_oom(L);
    agora_status st = read_mechanism(L, root, c);
    if (st == AGORA_OK)
        st = read_requests(L, root, c);
    if (st == AGORA_OK)
        st = read_resources(L, root, c);
    if (st == AGORA_OK && c->mechanism == CLOUD_OPTIMAL &&
        c->per_round * c->resources > CLOUD_OPTIMAL_MAX_INSTANCE)
        st = fail_at(L, optimal_node(root), "mechanism.name",
                     "optimal is exact only on small instances: requests.per_round x "
                     "resources.count = %llu exceeds %llu",
                     (unsigned long long)(c->per_round * c->resources),
                     (unsigned long long)CLOUD_OPTIMAL_MAX_INSTANCE);
    if (st != AGORA_OK) {
        free(c);
        return st;
    }
    *config = c;
    return AGORA_OK;
}

static void put_dist(text_buf *t, const char *name, const scenario_dist *d)
{
    switch (d->kind) {
    case DIST_UNIFORM:
        put(t, "  %s: {dist: uniform, low: ", name);
        put_num(t, d->a);
        put(t, ", high: ");
        put_num(t, d->b);
        put(t, "}\n");
        break;
    case DIST_LOGNORMAL:
        put(t, "  %s: {dist: lognormal, mu: ", name);
        put_num(t, d->a);
        put(t, ", sigma: ");
        put_num(t, d->b);
        put(t, "}\n");
        break;
    case DIST_CONSTANT:
    case DIST_LIST: /* not read for the cloud family, nor is DIST_FILE */
    case DIST_FILE:
        put(t, "  %s: ", name);
        put_num(t, d->a);
        put(t, "\n");
        break;
    }
}

static void put_field(text_buf *t, const char *name, double v, const char *end)
{
    put(t, "%s: ", name);
    put_num(t, v);
    put(t, "%s", end);
}

static void cloud_emit(text_buf *t, const void *config)
{
    const cloud_config *c = config;
    put(t, "mechanism:\n  name: %s\n", cloud_mechanism_names[c->mechanism]);
    put(t, "  weights: {");
    put_field(t, "cost", c->weights.cost, ", ");
    put_field(t, "qos", c->weights.qos, ", ");
    put_field(t, "energy", c->weights.energy, ", ");
    put_field(t, "fairness", c->weights.fairness, "}\n");
    put(t, "  price: {");
    put_field(t, "step", c->price.step, ", ");
    put_field(t, "target", c->price.target, ", ");
    put_field(t, "floor", c->price.floor, ", ");
    put_field(t, "cap", c->price.cap, "}\n");
    put(t, "  clusters_per_request: %u\n", c->clusters_kept);
    put(t, "requests:\n  per_round: %llu\n", (unsigned long long)c->per_round);
    put_dist(t, "cpu", &c->cpu);
    put_dist(t, "mem", &c->mem);
    put(t, "  amount_max: %llu\n  priorities: %llu\n", (unsigned long long)c->amount_max,
        (unsigned long long)c->priorities);
    put_dist(t, "budget", &c->budget);
    if (c->trace[0]) {
        put(t, "  trace: ");
        put_quoted(t, c->trace);
        put(t, "\n");
    }
    put(t, "resources:\n  count: %llu\n  clusters: %llu\n", (unsigned long long)c->resources,
        (unsigned long long)c->clusters);
    put_dist(t, "cpu", &c->res_cpu);
    put_dist(t, "mem", &c->res_mem);
    put_dist(t, "cost", &c->res_cost);
    put_dist(t, "reliability", &c->reliability);
    put_dist(t, "availability", &c->availability);
    put_dist(t, "energy", &c->energy);
}

static void cloud_free(void *config)
{
    free(config);
}

static unsigned long long cloud_partitioned(const void *config)
{
    /* Requests are split too, but a rank may own none of a round's. */
    return ((const cloud_config *)config)->resources;
}

static char *cloud_input_path(void *config, const char **key)
{
    cloud_config *c = config;
    *key = "requests.trace";
    return c->trace[0] ? c->trace : NULL;
}

static const char *const cloud_keys[] = {"mechanism", "requests", "resources", NULL};

const scenario_family cloud_family = {
    .name = "cloud",
    .keys = cloud_keys,
    .read = cloud_read,
    .emit = cloud_emit,
    .free_config = cloud_free,
    .partitioned = cloud_partitioned,
    .count_key = "resources.count",
    .input_path = cloud_input_path,
};
