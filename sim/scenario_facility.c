/* The scenario keys of the facility location family (`family: facility`):
 * mechanism, population, behaviour, probes. Read with the shared readers
 * (scenario_read.h), every value checked, every default filled, and written back
 * so that the text reloads to the same configuration. Keys are documented in
 * scenarios/README.md ("Facility location"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facility_config.h"
#include "scenario_family.h"

#define FRACTION_DEFAULT 0.1
#define GRID_DEFAULT 101
#define PROBES_DEFAULT 1

static const char *const scale_names[] = {"instances", "giant", NULL};
static const char *const facility_behaviour_names[] = {"truthful", "best_response", NULL};
static const char *const peak_names[] = {"uniform", "beta", "clusters", "two_point", NULL};

static void free_config(void *p)
{
    facility_config *c = p;
    if (!c)
        return;
    free(c->phantoms);
    free(c->peaks.centers);
    free(c->peaks.weights);
    free(c->peaks.list);
    free(c);
}

/* A number in [lo, hi] (closed), with a message that names the range. */
static agora_status read_in(loader *L, const yt_node *n, const char *key, double lo, double hi,
                            double *out)
{
    agora_status st = read_real(L, n, key, out);
    if (st == AGORA_OK && !(*out >= lo && *out <= hi))
        return fail_at(L, n, key, "must be between %g and %g, got %s", lo, hi, n->text);
    return st;
}

static agora_status read_opt_in(loader *L, const yt_node *map, const char *name,
                                const char *parent, double lo, double hi, double *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *v = take_optional(L, map, name, key, &st);
    if (st != AGORA_OK || !v)
        return st;
    return read_in(L, v, key, lo, hi, out);
}

static agora_status read_req_in(loader *L, const yt_node *map, const char *name,
                                const char *parent, double lo, double hi, double *out)
{
    char key[KEY_MAX];
    yt_child_path(key, sizeof key, parent, name);
    const yt_pair *p = yt_map_find(map, name);
    if (!p || yt_is_null(p->value)) /* `b:` with no value is as missing as no `b` */
        return missing_key(L, map, key, NULL);
    return read_opt_in(L, map, name, parent, lo, hi, out);
}

/* A list of numbers in [0, 1]. */
static agora_status read_unit_list(loader *L, const yt_node *n, const char *key, double **out,
                                   size_t *count)
{
    char got[96];
    if (n->kind != YT_SEQ) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, key, "expected a list of numbers in [0, 1], got %s", got);
    }
    agora_status st = read_number_list(L, n, key, MIN_NONNEG, out, count);
    for (size_t i = 0; st == AGORA_OK && i < *count; i++)
        if ((*out)[i] > 1.0) {
            char item[KEY_MAX];
            snprintf(item, sizeof item, "%s.%zu", key, i);
            st = fail_at(L, n->items[i], item, "must be between 0 and 1, got %s",
                         n->items[i]->text);
        }
    if (st == AGORA_OK)
        for (size_t i = 0; i < *count; i++)
            if ((*out)[i] == 0.0)
                (*out)[i] = 0.0; /* -0 -> +0: bit patterns order like values */
    if (st != AGORA_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static agora_status read_mechanism(loader *L, const yt_node *m, facility_config *c,
                                   const yt_node **k_node, const yt_node **ph_node)
{
    static const char *const keys[] = {"name", "k", "phantoms", NULL};
    const char *names[16];
    size_t n = 0, which;
    for (const facility_mechanism *f; n < 15 && (f = facility_mechanism_at(n)); n++)
        names[n] = f->name;
    names[n] = NULL;
    agora_status st = expect_map(L, m, "mechanism");
    if (st == AGORA_OK)
        st = check_keys(L, m, "mechanism", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *name = take_key(L, m, "name", "mechanism.name", &st);
    *k_node = take_optional(L, m, "k", "mechanism.k", &st);
    *ph_node = take_optional(L, m, "phantoms", "mechanism.phantoms", &st);
    if (st != AGORA_OK)
        return st;
    if (!name)
        return missing_key(L, m, "mechanism.name", NULL);
    if ((st = read_choice(L, name, "mechanism.name", "mechanism", names, &which)) != AGORA_OK)
        return st;
    c->mech = facility_mechanism_at(which);
    int kth = strcmp(c->mech->name, "kth") == 0, ph = strcmp(c->mech->name, "phantoms") == 0;
    if (kth && !*k_node)
        return missing_key(L, m, "mechanism.k", " (kth: which order statistic, 1 = leftmost)");
    if (!kth && *k_node)
        return fail_at(L, *k_node, "mechanism.k", "only the kth mechanism takes k");
    if (ph && !*ph_node)
        return missing_key(L, m, "mechanism.phantoms",
                           " (phantoms: a list of agents + 1 points in [0, 1])");
    if (!ph && *ph_node)
        return fail_at(L, *ph_node, "mechanism.phantoms",
                       "only the phantoms mechanism takes phantoms");
    if (ph) {
        st = read_unit_list(L, *ph_node, "mechanism.phantoms", &c->phantoms, &c->n_phantoms);
        if (st == AGORA_OK)
            qsort(c->phantoms, c->n_phantoms, sizeof *c->phantoms, cmp_double);
    }
    return st;
}

static agora_status read_peaks_map(loader *L, const yt_node *p, facility_peaks *d)
{
    static const char *const k_unif[] = {"dist", "low", "high", NULL};
    static const char *const k_beta[] = {"dist", "a", "b", NULL};
    static const char *const k_clus[] = {"dist", "centers", "weights", "spread", NULL};
    static const char *const k_two[] = {"dist", "ones", NULL};
    static const char *const *const keys[] = {k_unif, k_beta, k_clus, k_two};
    const char *key = "population.peaks";
    agora_status st = AGORA_OK;
    size_t which;
    const yt_node *dist = take_key(L, p, "dist", "population.peaks.dist", &st);
    if (st != AGORA_OK)
        return st;
    if (!dist)
        return missing_key(L, p, "population.peaks.dist",
                           " (uniform, beta, clusters or two_point; or give a list)");
    if ((st = read_choice(L, dist, "population.peaks.dist", "distribution", peak_names,
                          &which)) != AGORA_OK)
        return st;
    if ((st = check_keys(L, p, key, keys[which], NULL)) != AGORA_OK)
        return st;
    d->kind = (facility_peak_kind)which; /* peak_names is in facility_peak_kind order */
    switch (d->kind) {
    case PEAKS_UNIFORM:
        d->low = 0.0;
        d->high = 1.0;
        if ((st = read_opt_in(L, p, "low", key, 0.0, 1.0, &d->low)) == AGORA_OK &&
            (st = read_opt_in(L, p, "high", key, 0.0, 1.0, &d->high)) == AGORA_OK &&
            !(d->high > d->low))
            st = fail_at(L, p, "population.peaks.high", "must be greater than low (%g), got %g",
                         d->low, d->high);
        return st;
    case PEAKS_BETA:
        if ((st = read_req_in(L, p, "a", key, 1e-3, 1e6, &d->a)) == AGORA_OK)
            st = read_req_in(L, p, "b", key, 1e-3, 1e6, &d->b);
        return st;
    case PEAKS_CLUSTERS: {
        const yt_node *centers = take_key(L, p, "centers", "population.peaks.centers", &st);
        const yt_node *weights =
            take_optional(L, p, "weights", "population.peaks.weights", &st);
        if (st != AGORA_OK)
            return st;
        if (!centers)
            return missing_key(L, p, "population.peaks.centers", NULL);
        if ((st = read_unit_list(L, centers, "population.peaks.centers", &d->centers,
                                 &d->n_clusters)) != AGORA_OK)
            return st;
        size_t nw = d->n_clusters;
        if (weights) {
            if (weights->kind != YT_SEQ)
                return fail_at(L, weights, "population.peaks.weights",
                               "expected a list of positive numbers");
            if ((st = read_number_list(L, weights, "population.peaks.weights", MIN_POSITIVE,
                                       &d->weights, &nw)) != AGORA_OK)
                return st;
            if (nw != d->n_clusters)
                return fail_at(L, weights, "population.peaks.weights",
                               "the list has %zu values but there are %zu centers", nw,
                               d->n_clusters);
        } else {
            if (!(d->weights = malloc(nw * sizeof *d->weights)))
                return loader_oom(L);
            for (size_t i = 0; i < nw; i++)
                d->weights[i] = 1.0;
        }
        d->spread = 0.0;
        return read_opt_in(L, p, "spread", key, 0.0, 1e6, &d->spread);
    }
    case PEAKS_TWO_POINT:
        return read_req_in(L, p, "ones", key, 0.0, 1.0, &d->ones);
    case PEAKS_LIST:
        break;
    }
    return AGORA_OK;
}

static agora_status read_population(loader *L, const yt_node *p, facility_config *c)
{
    static const char *const keys[] = {"scale", "instances", "agents", "peaks", "drift", NULL};
    agora_status st = expect_map(L, p, "population");
    if (st == AGORA_OK)
        st = check_keys(L, p, "population", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *scale = take_optional(L, p, "scale", "population.scale", &st);
    const yt_node *inst = take_optional(L, p, "instances", "population.instances", &st);
    const yt_node *agents = take_key(L, p, "agents", "population.agents", &st);
    const yt_node *peaks = take_key(L, p, "peaks", "population.peaks", &st);
    if (st != AGORA_OK)
        return st;
    size_t which = 0;
    if (scale && (st = read_choice(L, scale, "population.scale", "scale", scale_names,
                                   &which)) != AGORA_OK)
        return st;
    c->giant = which == 1;
    if (!agents)
        return missing_key(L, p, "population.agents", NULL);
    if ((st = read_count(L, agents, "population.agents", 1, FACILITY_MAX_COUNT, &c->agents)))
        return st;
    c->instances = 1;
    if (c->giant && inst)
        return fail_at(L, inst, "population.instances",
                       "scale giant is one instance: leave population.instances out");
    if (!c->giant && !inst)
        return missing_key(L, p, "population.instances", " (or scale: giant)");
    if (inst && (st = read_count(L, inst, "population.instances", 1, FACILITY_MAX_COUNT,
                                 &c->instances)) != AGORA_OK)
        return st;
    if (c->instances > FACILITY_MAX_AGENTS / c->agents) /* ids stay far inside 64 bits */
        return fail_at(L, inst, "population.instances",
                       "instances x agents must be at most 2^48, got %llu x %llu",
                       (unsigned long long)c->instances, (unsigned long long)c->agents);
    if (!peaks)
        return missing_key(L, p, "population.peaks", NULL);
    if (peaks->kind == YT_SEQ) {
        c->peaks.kind = PEAKS_LIST;
        if ((st = read_unit_list(L, peaks, "population.peaks", &c->peaks.list,
                                 &c->peaks.n_list)) != AGORA_OK)
            return st;
        double total = (double)c->instances * (double)c->agents;
        if ((double)c->peaks.n_list != total)
            return fail_at(L, peaks, "population.peaks",
                           "the list has %zu peaks but there are %.17g agents "
                           "(instances x agents)", c->peaks.n_list, total);
    } else {
        if ((st = expect_map(L, peaks, "population.peaks")) != AGORA_OK)
            return st;
        if ((st = read_peaks_map(L, peaks, &c->peaks)) != AGORA_OK)
            return st;
    }
    c->drift = 0.0;
    return read_opt_in(L, p, "drift", "population", 0.0, 1e6, &c->drift);
}

static agora_status read_behaviour(loader *L, const yt_node *b, facility_config *c)
{
    static const char *const keys[] = {"name", "fraction", NULL};
    c->behaviour = FACILITY_TRUTHFUL;
    c->fraction = 0.0;
    if (!b)
        return AGORA_OK;
    agora_status st = expect_map(L, b, "behaviour");
    if (st == AGORA_OK)
        st = check_keys(L, b, "behaviour", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *name = take_optional(L, b, "name", "behaviour.name", &st);
    const yt_node *frac = take_optional(L, b, "fraction", "behaviour.fraction", &st);
    if (st != AGORA_OK)
        return st;
    size_t which = FACILITY_TRUTHFUL; /* the documented default */
    if (name &&
        (st = read_choice(L, name, "behaviour.name", "behaviour", facility_behaviour_names, &which)))
        return st;
    c->behaviour = (facility_behaviour)which;
    if (c->behaviour == FACILITY_TRUTHFUL) {
        if (frac)
            return fail_at(L, frac, "behaviour.fraction", "only best_response takes fraction");
        return AGORA_OK;
    }
    c->fraction = FRACTION_DEFAULT;
    if (frac && (st = read_in(L, frac, "behaviour.fraction", 0.0, 1.0, &c->fraction)))
        return st;
    return AGORA_OK;
}

static agora_status read_probes(loader *L, const yt_node *p, facility_config *c)
{
    static const char *const keys[] = {"agents", "grid", NULL};
    c->probe_agents = PROBES_DEFAULT;
    c->probe_grid = GRID_DEFAULT;
    if (!p)
        return AGORA_OK;
    agora_status st = expect_map(L, p, "probes");
    if (st == AGORA_OK)
        st = check_keys(L, p, "probes", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *a = take_optional(L, p, "agents", "probes.agents", &st);
    const yt_node *g = take_optional(L, p, "grid", "probes.grid", &st);
    if (st != AGORA_OK)
        return st;
    if (a && (st = read_count(L, a, "probes.agents", 0, FACILITY_MAX_PROBES, &c->probe_agents)))
        return st;
    if (g && (st = read_count(L, g, "probes.grid", 0, FACILITY_MAX_GRID, &c->probe_grid)))
        return st;
    if (c->probe_grid == 1)
        return fail_at(L, g, "probes.grid", "must be 0 (no grid) or at least 2 (0 and 1), got 1");
    return AGORA_OK;
}

/* Checks that need both mechanism and population. */
static agora_status check_mechanism(loader *L, facility_config *c, const yt_node *k_node,
                                    const yt_node *ph_node)
{
    agora_status st = AGORA_OK;
    if (k_node) {
        st = read_count(L, k_node, "mechanism.k", 1, c->agents, &c->params.k);
        if (st != AGORA_OK)
            return st;
    }
    if (ph_node && c->n_phantoms != c->agents + 1)
        return fail_at(L, ph_node, "mechanism.phantoms",
                       "the list has %zu points but the mechanism needs agents + 1 = %llu",
                       c->n_phantoms, (unsigned long long)c->agents + 1);
    c->params.phantoms = c->phantoms;
    c->params.n_phantoms = c->n_phantoms;
    return st;
}

static agora_status read_facility(loader *L, const yt_node *root, void **config)
{
    facility_config *c = calloc(1, sizeof *c);
    if (!c)
        return loader_oom(L);
    c->params.k = 1;
    agora_status st = AGORA_OK;
    const yt_node *mech = take_key(L, root, "mechanism", "mechanism", &st);
    const yt_node *pop = take_key(L, root, "population", "population", &st);
    const yt_node *beh = take_optional(L, root, "behaviour", "behaviour", &st);
    const yt_node *probes = take_optional(L, root, "probes", "probes", &st);
    const yt_node *k_node = NULL, *ph_node = NULL;
    if (st == AGORA_OK && !mech)
        st = missing_key(L, root, "mechanism", " (e.g. {name: uniform_phantom})");
    if (st == AGORA_OK && !pop)
        st = missing_key(L, root, "population", NULL);
    if (st == AGORA_OK)
        st = read_mechanism(L, mech, c, &k_node, &ph_node);
    if (st == AGORA_OK)
        st = read_population(L, pop, c);
    if (st == AGORA_OK)
        st = check_mechanism(L, c, k_node, ph_node);
    if (st == AGORA_OK)
        st = read_behaviour(L, beh, c);
    if (st == AGORA_OK)
        st = read_probes(L, probes, c);
    if (st != AGORA_OK) {
        free_config(c);
        return st;
    }
    *config = c;
    return AGORA_OK;
}

static void emit_facility(text_buf *t, const void *config)
{
    const facility_config *c = config;
    put(t, "mechanism:\n  name: %s\n", c->mech->name);
    if (strcmp(c->mech->name, "kth") == 0)
        put(t, "  k: %llu\n", (unsigned long long)c->params.k);
    if (c->phantoms) {
        put(t, "  phantoms: ");
        put_list(t, c->phantoms, c->n_phantoms, "  ");
    }
    put(t, "population:\n  scale: %s\n", c->giant ? "giant" : "instances");
    if (!c->giant)
        put(t, "  instances: %llu\n", (unsigned long long)c->instances);
    put(t, "  agents: %llu\n  peaks:", (unsigned long long)c->agents);
    const facility_peaks *d = &c->peaks;
    switch (d->kind) {
    case PEAKS_UNIFORM:
        put(t, " {dist: uniform, low: ");
        put_num(t, d->low);
        put(t, ", high: ");
        put_num(t, d->high);
        put(t, "}\n");
        break;
    case PEAKS_BETA:
        put(t, " {dist: beta, a: ");
        put_num(t, d->a);
        put(t, ", b: ");
        put_num(t, d->b);
        put(t, "}\n");
        break;
    case PEAKS_CLUSTERS:
        put(t, "\n    dist: clusters\n    centers: ");
        put_list(t, d->centers, d->n_clusters, "    ");
        put(t, "    weights: ");
        put_list(t, d->weights, d->n_clusters, "    ");
        put(t, "    spread: ");
        put_num(t, d->spread);
        put(t, "\n");
        break;
    case PEAKS_TWO_POINT:
        put(t, " {dist: two_point, ones: ");
        put_num(t, d->ones);
        put(t, "}\n");
        break;
    case PEAKS_LIST:
        put(t, " ");
        put_list(t, d->list, d->n_list, "  ");
        break;
    }
    put(t, "  drift: ");
    put_num(t, c->drift);
    put(t, "\nbehaviour: {name: %s", facility_behaviour_names[c->behaviour]);
    if (c->behaviour == FACILITY_BEST_RESPONSE) {
        put(t, ", fraction: ");
        put_num(t, c->fraction);
    }
    put(t, "}\nprobes: {agents: %llu, grid: %llu}\n", (unsigned long long)c->probe_agents,
        (unsigned long long)c->probe_grid);
}

/* Ranks split whole instances, or the giant instance's agents. */
static unsigned long long partitioned(const void *config)
{
    const facility_config *c = config;
    return c->giant ? c->agents : c->instances;
}

static const char *count_key_of(const void *config)
{
    const facility_config *c = config;
    return c->giant ? "population.agents" : "population.instances";
}

static const char *const facility_keys[] = {"mechanism", "population", "behaviour", "probes",
                                            NULL};

const scenario_family facility_family = {
    .name = "facility",
    .keys = facility_keys,
    .read = read_facility,
    .emit = emit_facility,
    .free_config = free_config,
    .partitioned = partitioned,
    .count_key = "population.instances",
    .count_key_of = count_key_of,
};
