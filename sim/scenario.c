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

#include "behaviour.h"
#include "position.h"
#include "yaml_tree.h"

#define MAX_ROUNDS 1000000000ULL
#define MAX_AUCTIONS 4294967295ULL
#define MAX_GROUPS 255 /* agent_state.group is a uint8 */
#define SHARE_TOLERANCE 1e-9
#define KEY_MAX 256

#define MAX_PLUGINS 64
#define PACING_STEP_DEFAULT 0.05
#define PACING_MAX_DEFAULT 10.0
static const char *const click_names[] = {"expected", "sampled", "bernoulli", "poisson", NULL};
static const char *const dist_names[] = {"constant", "uniform", "lognormal", NULL};

/* The names a scenario may use come from the registries (DESIGN.md, invariant 4):
 * adding a mechanism or behaviour never touches the loader. */
static void registered_mechanisms(const char *names[MAX_PLUGINS + 1])
{
    size_t i = 0;
    for (const position_mechanism *m; i < MAX_PLUGINS && (m = position_mechanism_at(i)); i++)
        names[i] = m->name;
    names[i] = NULL;
}

static void registered_behaviours(const char *names[MAX_PLUGINS + 1])
{
    size_t i = 0;
    for (const behaviour *b; i < MAX_PLUGINS && (b = behaviour_at(i)); i++)
        names[i] = b->name;
    names[i] = NULL;
}

typedef struct {
    scenario *s;
    agora_error *err;
    size_t loc_cap;
} loader;

/* ---- messages --------------------------------------------------------------------- */

static agora_status fail_at(loader *L, const yt_node *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static agora_status fail_at(loader *L, const yt_node *n, const char *key, const char *fmt, ...)
{
    char where[SCENARIO_PATH_MAX + 64];
    char reason[AGORA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    yt_where(n, where, sizeof where);
    return agora_fail(L->err, AGORA_EINPUT, "%s: %s: %s", where, key, reason);
}

static agora_status oom(loader *L)
{
    return agora_fail(L->err, AGORA_EINTERNAL, "%s: out of memory", L->s->source);
}

static void join_names(char *buf, size_t size, const char *const *names)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}


/* ---- key bookkeeping ----------------------------------------------------------------- */

static agora_status record_loc(loader *L, const char *key, const yt_node *value)
{
    scenario *s = L->s;
    if (s->n_locs == L->loc_cap) {
        size_t cap = L->loc_cap ? 2 * L->loc_cap : 32;
        scenario_loc *locs = realloc(s->locs, cap * sizeof *locs);
        if (!locs)
            return oom(L);
        s->locs = locs;
        L->loc_cap = cap;
    }
    scenario_loc *loc = &s->locs[s->n_locs++];
    snprintf(loc->key, sizeof loc->key, "%s", key);
    yt_where(value, loc->where, sizeof loc->where);
    return AGORA_OK;
}

/* The value under `name` in map, or NULL when absent; marks the key read and
 * records where it came from. `key` is the dotted path of that value. */
static const yt_node *take(loader *L, const yt_node *map, const char *name, const char *key,
                           agora_status *st)
{
    yt_pair *p = yt_map_find(map, name);
    if (!p)
        return NULL;
    p->key->used = 1;
    *st = record_loc(L, key, p->value);
    return p->value;
}

/* Like take, for optional keys: an empty value (`budget:` or `~`) means "not given",
 * so the default applies; that is also how `--set key=` removes a key. */
static const yt_node *take_opt(loader *L, const yt_node *map, const char *name,
                               const char *key, agora_status *st)
{
    const yt_node *v = take(L, map, name, key, st);
    return yt_is_null(v) ? NULL : v;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

static int in_list(const char *name, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static agora_status unknown_key(loader *L, const yt_node *keynode, const char *parent,
                                const char *const *allowed, const char *hint)
{
    char key[KEY_MAX], names[512], guess[96] = "";
    yt_child_path(key, sizeof key, parent, keynode->text);
    join_names(names, sizeof names, allowed);
    for (size_t i = 0; allowed[i]; i++) {
        size_t d = edit_distance(keynode->text, allowed[i]);
        if (d <= 2 && d < strlen(allowed[i])) {
            snprintf(guess, sizeof guess, "did you mean %s? ", allowed[i]);
            break;
        }
    }
    return fail_at(L, keynode, key, "unknown key (%sexpected one of: %s)%s", guess, names,
                   hint ? hint : "");
}

/* Refuses keys outside `allowed` before anything in the mapping is read. */
static agora_status check_keys(loader *L, const yt_node *map, const char *parent,
                               const char *const *allowed, const char *hint)
{
    for (size_t i = 0; i < map->n_pairs; i++)
        if (!in_list(map->pairs[i].key->text, allowed))
            return unknown_key(L, map->pairs[i].key, parent, allowed, hint);
    return AGORA_OK;
}

/* The safety net after reading: a key that no reader took is unknown, even if
 * some reader forgot to call check_keys. */
static agora_status check_unused(loader *L, const yt_node *n, const char *path)
{
    char key[KEY_MAX];
    if (n->kind == YT_SEQ) {
        for (size_t i = 0; i < n->n_items; i++) {
            char idx[24];
            snprintf(idx, sizeof idx, "%zu", i);
            yt_child_path(key, sizeof key, path, idx);
            agora_status st = check_unused(L, n->items[i], key);
            if (st != AGORA_OK)
                return st;
        }
    } else if (n->kind == YT_MAP) {
        for (size_t i = 0; i < n->n_pairs; i++) {
            const yt_pair *p = &n->pairs[i];
            if (!p->key->used) {
                const char *read[64];
                size_t k = 0;
                for (size_t j = 0; j < n->n_pairs && k < 63; j++)
                    if (n->pairs[j].key->used)
                        read[k++] = n->pairs[j].key->text;
                read[k] = NULL;
                return unknown_key(L, p->key, path, read, NULL);
            }
            yt_child_path(key, sizeof key, path, p->key->text);
            agora_status st = check_unused(L, p->value, key);
            if (st != AGORA_OK)
                return st;
        }
    }
    return AGORA_OK;
}

static agora_status missing(loader *L, const yt_node *map, const char *key, const char *hint)
{
    return fail_at(L, map, key, "required key is missing%s", hint ? hint : "");
}

static agora_status expect_map(loader *L, const yt_node *n, const char *key)
{
    char got[96];
    if (n->kind == YT_MAP)
        return AGORA_OK;
    yt_describe(n, got, sizeof got);
    return fail_at(L, n, key, "expected a mapping of keys, got %s", got);
}

/* ---- scalars ------------------------------------------------------------------------- */

typedef enum { NUM_NONE, NUM_INT, NUM_REAL, NUM_NAN, NUM_INF } num_kind;

typedef struct {
    num_kind kind;
    int negative;
    int overflow;  /* NUM_INT beyond 64 bits */
    uint64_t mag;  /* NUM_INT: |value| */
    double d;      /* the value as a double (all but NUM_NONE) */
} number;

static int digit_value(char c, int base)
{
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 99;
    return v < base ? v : -1;
}

/* YAML 1.2 core schema integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+. */
static int parse_int_text(const char *t, number *num)
{
    int base = 10;
    if (t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) {
        base = t[1] == 'x' ? 16 : 8;
        t += 2;
    } else if (*t == '-' || *t == '+') {
        num->negative = *t == '-';
        t++;
    }
    if (!*t)
        return 0;
    for (; *t; t++) {
        int v = digit_value(*t, base);
        if (v < 0)
            return 0;
        if (num->mag > (UINT64_MAX - (uint64_t)v) / (uint64_t)base)
            num->overflow = 1;
        num->mag = num->mag * (uint64_t)base + (uint64_t)v;
    }
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* YAML 1.2 core schema floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 * Checked by hand because strtod also takes "inf", "nan" and hex floats. */
static int is_real_text(const char *t)
{
    int digits = 0;
    if (*t == '-' || *t == '+')
        t++;
    for (; is_digit(*t); t++)
        digits++;
    if (*t == '.')
        for (t++; is_digit(*t); t++)
            digits++;
    if (!digits)
        return 0;
    if (*t == 'e' || *t == 'E') {
        t++;
        if (*t == '-' || *t == '+')
            t++;
        if (!is_digit(*t))
            return 0;
        while (is_digit(*t))
            t++;
    }
    return *t == '\0';
}

static number classify(const yt_node *n)
{
    number num = {.kind = NUM_NONE};
    if (n->kind != YT_SCALAR || !n->plain || n->len != strlen(n->text) || n->len == 0)
        return num;
    const char *t = n->text;
    const char *u = (*t == '-' || *t == '+') ? t + 1 : t;
    if (!strcmp(u, ".inf") || !strcmp(u, ".Inf") || !strcmp(u, ".INF")) {
        num.kind = NUM_INF;
        num.d = *t == '-' ? -INFINITY : INFINITY;
    } else if (!strcmp(t, ".nan") || !strcmp(t, ".NaN") || !strcmp(t, ".NAN")) {
        num.kind = NUM_NAN;
        num.d = NAN;
    } else if (parse_int_text(t, &num)) {
        num.kind = NUM_INT;
        /* strtod rounds a long decimal correctly; 0o has no strtod form. */
        if (t[0] == '0' && t[1] == 'o')
            num.d = num.overflow ? INFINITY : (double)num.mag;
        else
            num.d = strtod(t, NULL);
    } else if (is_real_text(t)) {
        num = (number){.kind = NUM_REAL, .d = strtod(t, NULL)};
    } else {
        num = (number){.kind = NUM_NONE};
    }
    return num;
}

/* A finite real number. */
static agora_status read_real(loader *L, const yt_node *n, const char *key, double *out)
{
    char got[96];
    number num = classify(n);
    if (num.kind == NUM_NONE) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, key, "expected a number, got %s", got);
    }
    if (num.kind == NUM_NAN || !isfinite(num.d))
        return fail_at(L, n, key, "must be a finite number, got %s", n->text);
    *out = num.d;
    return AGORA_OK;
}

/* A whole number in [lo, hi]. Reals such as 1e6 count when they are exact integers,
 * because large populations are naturally written that way. */
static agora_status read_count(loader *L, const yt_node *n, const char *key, uint64_t lo,
                               uint64_t hi, uint64_t *out)
{
    char got[96];
    number num = classify(n);
    if (num.kind == NUM_NONE || num.kind == NUM_NAN ||
        (num.kind == NUM_REAL && num.d != floor(num.d))) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, key, "expected a whole number, got %s", got);
    }
    int in_range;
    uint64_t v = 0;
    if (num.kind == NUM_INT) {
        v = num.mag;
        in_range = !num.overflow && (!num.negative || v == 0);
    } else { /* 2^64 is exactly representable; anything from it up does not fit */
        in_range = num.d >= 0 && num.d < 18446744073709551616.0;
        if (in_range)
            v = (uint64_t)num.d;
    }
    if (!in_range || v < lo || v > hi)
        return fail_at(L, n, key, "must be between %llu and %llu, got %s",
                       (unsigned long long)lo, (unsigned long long)hi, n->text);
    *out = v;
    return AGORA_OK;
}

static agora_status read_string(loader *L, const yt_node *n, const char *key, char *buf,
                                size_t size)
{
    char got[96];
    if (n->kind != YT_SCALAR || yt_is_null(n)) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, key, "expected a string, got %s", got);
    }
    if (n->len != strlen(n->text))
        return fail_at(L, n, key, "must not contain a NUL character");
    if (n->len == 0)
        return fail_at(L, n, key, "must not be empty");
    if (n->len >= size)
        return fail_at(L, n, key, "too long (at most %zu characters)", size - 1);
    /* Zero the tail too: scenarios are compared (and broadcast) as bytes. */
    memset(buf, 0, size);
    memcpy(buf, n->text, n->len);
    return AGORA_OK;
}

/* A string that must be one of `names`; returns its index in *which. */
static agora_status read_choice(loader *L, const yt_node *n, const char *key, const char *what,
                                const char *const *names, size_t *which)
{
    char got[96], list[256];
    if (n->kind != YT_SCALAR || yt_is_null(n)) {
        yt_describe(n, got, sizeof got);
        return fail_at(L, n, key, "expected a string, got %s", got);
    }
    for (size_t i = 0; names[i]; i++)
        if (n->len == strlen(names[i]) && strcmp(n->text, names[i]) == 0) {
            *which = i;
            return AGORA_OK;
        }
    join_names(list, sizeof list, names);
    return fail_at(L, n, key, "unknown %s \"%.40s\" (expected one of: %s)", what, n->text,
                   list);
}

static int read_bool_text(const yt_node *n, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", NULL};
    static const char *const no[] = {"false", "False", "FALSE", NULL};
    if (n->kind != YT_SCALAR || !n->plain)
        return 0;
    if (in_list(n->text, yes))
        *out = 1;
    else if (in_list(n->text, no))
        *out = 0;
    else
        return 0;
    return 1;
}

/* ---- lists and distributions ---------------------------------------------------------- */

typedef enum { MIN_NONNEG, MIN_POSITIVE } lower_bound;

static agora_status check_bound(loader *L, const yt_node *n, const char *key, double v,
                                lower_bound lb)
{
    if (lb == MIN_POSITIVE && !(v > 0))
        return fail_at(L, n, key, "must be greater than 0, got %s", n->text);
    if (lb == MIN_NONNEG && !(v >= 0))
        return fail_at(L, n, key, "must not be negative, got %s", n->text);
    return AGORA_OK;
}

/* A list of finite numbers, each bounded below; malloc'd into *out. */
static agora_status read_number_list(loader *L, const yt_node *n, const char *key,
                                     lower_bound lb, double **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (n->n_items == 0)
        return fail_at(L, n, key, "the list is empty");
    double *v = malloc(n->n_items * sizeof *v);
    if (!v)
        return oom(L);
    for (size_t i = 0; i < n->n_items; i++) {
        char item[KEY_MAX];
        snprintf(item, sizeof item, "%s.%zu", key, i);
        agora_status st = read_real(L, n->items[i], item, &v[i]);
        if (st == AGORA_OK)
            st = check_bound(L, n->items[i], item, v[i], lb);
        if (st != AGORA_OK) {
            free(v);
            return st;
        }
    }
    *out = v;
    *count = n->n_items;
    return AGORA_OK;
}

static agora_status read_param(loader *L, const yt_node *map, const char *name,
                               const char *parent, double *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *v = take(L, map, name, key, &st);
    if (st != AGORA_OK)
        return st;
    if (!v)
        return missing(L, map, key, NULL);
    return read_real(L, v, key, out);
}

static agora_status read_dist_params(loader *L, const yt_node *map, const char *key,
                                     lower_bound lb, scenario_dist *d)
{
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
    return AGORA_OK;
}

static agora_status read_dist_map(loader *L, const yt_node *map, const char *key,
                                  lower_bound lb, scenario_dist *d)
{
    char sub[KEY_MAX];
    size_t which;
    agora_status st = AGORA_OK;
    yt_child_path(sub, sizeof sub, key, "dist");
    const yt_node *name = take(L, map, "dist", sub, &st);
    if (st != AGORA_OK)
        return st;
    if (!name)
        return missing(L, map, sub, " (constant, uniform or lognormal)");
    if ((st = read_choice(L, name, sub, "distribution", dist_names, &which)) != AGORA_OK)
        return st;
    d->kind = (dist_kind)which; /* dist_names is in dist_kind order */
    return read_dist_params(L, map, key, lb, d);
}

/* A distribution: a number, {dist: ...}, or (when n_list > 0) a list of exactly
 * n_list numbers, one per agent. */
static agora_status read_dist(loader *L, const yt_node *n, const char *key, lower_bound lb,
                              uint64_t n_list, scenario_dist *d)
{
    char got[96];
    memset(d, 0, sizeof *d);
    if (n->kind == YT_MAP)
        return read_dist_map(L, n, key, lb, d);
    if (n->kind == YT_SEQ && n_list) {
        agora_status st = read_number_list(L, n, key, lb, &d->list, &d->n);
        if (st == AGORA_OK && d->n != n_list)
            st = fail_at(L, n, key, "the list has %zu values but there are %llu agents", d->n,
                         (unsigned long long)n_list);
        d->kind = DIST_LIST;
        return st;
    }
    if (n->kind == YT_SEQ || classify(n).kind == NUM_NONE) {
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
    static const char *const keys[] = {"agents", "value", "values", "budget", NULL};
    scenario *s = L->s;
    agora_status st = expect_map(L, pop, "population");
    if (st == AGORA_OK)
        st = check_keys(L, pop, "population", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *agents = take_opt(L, pop, "agents", "population.agents", &st);
    const yt_node *value = take_opt(L, pop, "value", "population.value", &st);
    const yt_node *values = take_opt(L, pop, "values", "population.values", &st);
    const yt_node *budget = take_opt(L, pop, "budget", "population.budget", &st);
    if (st != AGORA_OK)
        return st;
    if (value && values)
        return fail_at(L, values, "population.values",
                       "give population.value (a distribution) or population.values (a list), "
                       "not both");
    if (values) {
        st = read_values_list(L, values, agents);
    } else if (!agents) {
        return missing(L, pop, "population.agents", " (or give population.values, a list)");
    } else if (!value) {
        return missing(L, pop, "population.value", " (or give population.values, a list)");
    } else {
        st = read_count(L, agents, "population.agents", 1, SCENARIO_MAX_AGENTS,
                        &s->population.agents);
        if (st == AGORA_OK)
            st = read_dist(L, value, "population.value", MIN_NONNEG, 0, &s->population.value);
    }
    if (st != AGORA_OK || !budget)
        return st;
    s->population.has_budget = 1;
    return read_dist(L, budget, "population.budget", MIN_POSITIVE, s->population.agents,
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
    const yt_node *auctions = take(L, m, "auctions", "market.auctions", &st);
    const yt_node *bidders = take(L, m, "bidders", "market.bidders", &st);
    if (st != AGORA_OK)
        return st;
    if (!auctions)
        return missing(L, m, "market.auctions", NULL);
    if (!bidders)
        return missing(L, m, "market.bidders", " (a number, or all)");
    st = read_count(L, auctions, "market.auctions", 1, MAX_AUCTIONS, &s->market.auctions);
    if (st != AGORA_OK)
        return st;
    if (bidders->kind == YT_SCALAR && strcmp(bidders->text, "all") == 0) {
        s->market.bidders_all = 1;
        s->market.bidders = s->population.agents;
        return AGORA_OK;
    }
    st = read_count(L, bidders, "market.bidders", 1, UINT64_MAX, &s->market.bidders);
    if (st == AGORA_OK && s->market.bidders > s->population.agents)
        st = fail_at(L, bidders, "market.bidders",
                     "%llu is more than the %llu agents (use all for every agent)",
                     (unsigned long long)s->market.bidders,
                     (unsigned long long)s->population.agents);
    return st;
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
        return missing(L, ctr, "mechanism.slots", " (the geometric ctr form needs it)");
    L->s->mechanism.slots = (uint32_t)slots;
    double c = first;
    for (uint64_t i = 0; i < slots; i++, c *= decay)
        L->s->mechanism.ctr[i] = c;
    return AGORA_OK;
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
    /* `over`: the first slot whose ctr cannot be a probability, or slots if none. */
    uint32_t slots = s->mechanism.slots, over = slots;
    for (uint32_t i = 0; i < slots && over == slots; i++)
        if (s->mechanism.ctr[i] > 1)
            over = i;
    /* click_names order: expected, sampled, bernoulli, poisson */
    static const click_model models[] = {CLICKS_EXPECTED, CLICKS_BERNOULLI, CLICKS_BERNOULLI,
                                         CLICKS_POISSON};
    s->mechanism.clicks = which == 1 && over < slots ? CLICKS_POISSON : models[which];
    if (which == 2 && over < slots)
        return fail_at(L, clicks, "mechanism.clicks",
                       "bernoulli needs every ctr <= 1, but ctr %u is %.15g (use poisson)", over,
                       s->mechanism.ctr[over]);
    return AGORA_OK;
}

static agora_status read_mechanism(loader *L, const yt_node *m)
{
    static const char *const keys[] = {"name", "ctr", "slots", "reserve", "clicks", NULL};
    scenario *s = L->s;
    char got[96];
    size_t which;
    uint64_t slots = 0;
    agora_status st = expect_map(L, m, "mechanism");
    if (st == AGORA_OK)
        st = check_keys(L, m, "mechanism", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *name = take(L, m, "name", "mechanism.name", &st);
    const yt_node *ctr = take(L, m, "ctr", "mechanism.ctr", &st);
    const yt_node *slots_node = take_opt(L, m, "slots", "mechanism.slots", &st);
    const yt_node *reserve = take_opt(L, m, "reserve", "mechanism.reserve", &st);
    const yt_node *clicks = take_opt(L, m, "clicks", "mechanism.clicks", &st);
    if (st != AGORA_OK)
        return st;
    if (!name)
    {
        char hint[300];
        snprintf(hint, sizeof hint, " (one of: %s)", position_mechanism_names());
        return missing(L, m, "mechanism.name", hint);
    }
    const char *mechanism_names[MAX_PLUGINS + 1];
    registered_mechanisms(mechanism_names);
    if ((st = read_choice(L, name, "mechanism.name", "mechanism", mechanism_names, &which)))
        return st;
    snprintf(s->mechanism.name, sizeof s->mechanism.name, "%s", mechanism_names[which]);
    if (!ctr)
        return missing(L, m, "mechanism.ctr", " (a list, or {first: f, decay: d})");
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
    return st == AGORA_OK ? read_clicks(L, clicks) : st;
}

/* A group's share of the population; a lone group may leave it out (it is 1). */
static agora_status read_share(loader *L, const yt_node *g, const char *key, int only_one,
                               double *share)
{
    char sub[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(sub, sizeof sub, key, "share");
    const yt_node *n = take(L, g, "share", sub, &st);
    *share = 1;
    if (st != AGORA_OK)
        return st;
    if (!n)
        return only_one ? AGORA_OK
                        : missing(L, g, sub, " (the fraction of agents in this group)");
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
    const yt_node *kind = take_opt(L, g, "pacing", sub, &st);
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
        const yt_node *n = take_opt(L, g, knobs[k]->key, sub, &st);
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
        return missing(L, g, sub, hint);
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
    take(L, g, "behaviour", sub, &st);
    snprintf(out->behaviour, sizeof out->behaviour, "%s", names[which]);
    if ((st = read_share(L, g, key, only_one, &out->share)) != AGORA_OK)
        return st;
    for (const behaviour_param *bp = beh->params; bp && bp->key; bp++) {
        double *field = (double *)((char *)&out->params + bp->offset);
        yt_child_path(sub, sizeof sub, key, bp->key);
        const yt_node *n = take_opt(L, g, bp->key, sub, &st);
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
        return oom(L);
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
        return oom(L);
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

static agora_status read_output(loader *L, const yt_node *o)
{
    static const char *const keys[] = {"path",       "snapshot_every",   "compress",
                                       "checkpoint", "checkpoint_every", NULL};
    scenario *s = L->s;
    agora_status st = AGORA_OK;
    const yt_node *path = NULL, *every = NULL, *compress = NULL, *ckpt = NULL, *ckpt_every = NULL;
    if (o) {
        if ((st = expect_map(L, o, "output")) || (st = check_keys(L, o, "output", keys, NULL)))
            return st;
        path = take_opt(L, o, "path", "output.path", &st);
        every = take_opt(L, o, "snapshot_every", "output.snapshot_every", &st);
        compress = take_opt(L, o, "compress", "output.compress", &st);
        ckpt = take_opt(L, o, "checkpoint", "output.checkpoint", &st);
        ckpt_every = take_opt(L, o, "checkpoint_every", "output.checkpoint_every", &st);
    }
    s->output.snapshot_every = s->rounds;
    if (!path)
        default_output_path(s->source, s->output.path, sizeof s->output.path);
    else if (st == AGORA_OK &&
             (st = read_string(L, path, "output.path", s->output.path,
                               sizeof s->output.path)) == AGORA_OK)
        st = check_output_dir(L, path, "output.path", s->output.path);
    if (st == AGORA_OK && every)
        st = read_count(L, every, "output.snapshot_every", 0, s->rounds,
                        &s->output.snapshot_every);
    if (st == AGORA_OK && compress)
        st = read_compress(L, compress);
    return st == AGORA_OK ? read_checkpoint_keys(L, ckpt_every, ckpt) : st;
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

static agora_status read_top(loader *L, const yt_node *root)
{
    static const char *const keys[] = {"seed",      "rounds", "population", "market",
                                       "mechanism", "agents", "output",     NULL};
    scenario *s = L->s;
    agora_status st = expect_map(L, root, "scenario");
    if (st == AGORA_OK)
        st = check_keys(L, root, "", keys, NULL);
    if (st != AGORA_OK)
        return st;
    const yt_node *seed = take_opt(L, root, "seed", "seed", &st);
    const yt_node *rounds = take(L, root, "rounds", "rounds", &st);
    const yt_node *pop = take(L, root, "population", "population", &st);
    const yt_node *market = take(L, root, "market", "market", &st);
    const yt_node *mech = take(L, root, "mechanism", "mechanism", &st);
    const yt_node *agents = take_opt(L, root, "agents", "agents", &st);
    const yt_node *output = take_opt(L, root, "output", "output", &st);
    if (st != AGORA_OK)
        return st;
    s->seed = 1;
    if (seed && (st = read_count(L, seed, "seed", 0, UINT64_MAX, &s->seed)))
        return st;
    if (!rounds)
        return missing(L, root, "rounds", NULL);
    if ((st = read_count(L, rounds, "rounds", 1, MAX_ROUNDS, &s->rounds)))
        return st;
    if (!pop)
        return missing(L, root, "population", NULL);
    if ((st = read_population(L, pop)))
        return st;
    if (!market)
        return missing(L, root, "market", NULL);
    if ((st = read_market(L, market)))
        return st;
    if (!mech)
        return missing(L, root, "mechanism", NULL);
    if ((st = read_mechanism(L, mech)) || (st = read_agents(L, agents)))
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
    free(s->groups);
    free(s->locs);
    char source[SCENARIO_PATH_MAX];
    memcpy(source, s->source, sizeof source);
    memset(s, 0, sizeof *s);
    /* Messages about a failed load may still want the source name. */
    memcpy(s->source, source, sizeof source);
}

const char *scenario_where(const scenario *s, const char *key)
{
    for (size_t i = 0; i < s->n_locs; i++)
        if (strcmp(s->locs[i].key, key) == 0)
            return s->locs[i].where;
    return s->source;
}
