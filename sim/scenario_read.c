/* The building blocks of scenario readers, shared by the loader of every
 * family (scenario.c and scenario_<family>.c): typed values with ranges, key
 * bookkeeping (unknown keys, where each key came from), and messages in the one
 * "file:line:col: dotted.key: reason" form. */
#include "scenario_read.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages --------------------------------------------------------------------- */

agora_status fail_at(loader *L, const yt_node *n, const char *key, const char *fmt, ...)
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

agora_status loader_oom(loader *L)
{
    return agora_fail(L->err, AGORA_EINTERNAL, "%s: out of memory", L->s->source);
}

void join_names(char *buf, size_t size, const char *const *names)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}


/* ---- key bookkeeping ----------------------------------------------------------------- */

agora_status record_loc(loader *L, const char *key, const yt_node *value)
{
    scenario *s = L->s;
    if (s->n_locs == L->loc_cap) {
        size_t cap = L->loc_cap ? 2 * L->loc_cap : 32;
        scenario_loc *locs = realloc(s->locs, cap * sizeof *locs);
        if (!locs)
            return loader_oom(L);
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
const yt_node *take_key(loader *L, const yt_node *map, const char *name, const char *key,
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
const yt_node *take_optional(loader *L, const yt_node *map, const char *name,
                               const char *key, agora_status *st)
{
    const yt_node *v = take_key(L, map, name, key, st);
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

int in_list(const char *name, const char *const *list)
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
agora_status check_keys(loader *L, const yt_node *map, const char *parent,
                               const char *const *allowed, const char *hint)
{
    for (size_t i = 0; i < map->n_pairs; i++)
        if (!in_list(map->pairs[i].key->text, allowed))
            return unknown_key(L, map->pairs[i].key, parent, allowed, hint);
    return AGORA_OK;
}

/* The safety net after reading: a key that no reader took is unknown, even if
 * some reader forgot to call check_keys. */
agora_status check_unused(loader *L, const yt_node *n, const char *path)
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

agora_status missing_key(loader *L, const yt_node *map, const char *key, const char *hint)
{
    return fail_at(L, map, key, "required key is missing%s", hint ? hint : "");
}

agora_status expect_map(loader *L, const yt_node *n, const char *key)
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
    /* -0 runs as 0; made +0 here so that the resolved text, which a
     * checkpoint compares on resume, says 0 whichever was written. */
    if (num.d == 0.0)
        num.d = 0.0;
    return num;
}

/* A finite real number. */
agora_status read_real(loader *L, const yt_node *n, const char *key, double *out)
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
agora_status read_count(loader *L, const yt_node *n, const char *key, uint64_t lo,
                               uint64_t hi, uint64_t *out)
{
    return read_count_hinted(L, n, key, lo, hi, "", out);
}

agora_status read_count_hinted(loader *L, const yt_node *n, const char *key, uint64_t lo,
                               uint64_t hi, const char *hint, uint64_t *out)
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
        return fail_at(L, n, key, "must be between %llu and %llu%s, got %s",
                       (unsigned long long)lo, (unsigned long long)hi, hint, n->text);
    *out = v;
    return AGORA_OK;
}

agora_status read_string(loader *L, const yt_node *n, const char *key, char *buf,
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
agora_status read_choice(loader *L, const yt_node *n, const char *key, const char *what,
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

int read_bool_text(const yt_node *n, int *out)
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

agora_status check_bound(loader *L, const yt_node *n, const char *key, double v,
                                lower_bound lb)
{
    if (lb == MIN_POSITIVE && !(v > 0))
        return fail_at(L, n, key, "must be greater than 0, got %s", n->text);
    if (lb == MIN_NONNEG && !(v >= 0))
        return fail_at(L, n, key, "must not be negative, got %s", n->text);
    return AGORA_OK;
}

agora_status check_lognormal(loader *L, const yt_node *n, const char *key, double mu,
                             double sigma)
{
    double reach = fabs(mu) + 8.58 * sigma;
    if (reach <= 700.0)
        return AGORA_OK;
    return fail_at(L, n, key,
                   "lognormal(%.6g, %.6g) can draw numbers that overflow or vanish (exp of "
                   "+-%.6g); keep |mu| + 8.58 sigma <= 700",
                   mu, sigma, reach);
}

/* A list of finite numbers, each bounded below; malloc'd into *out. */
agora_status read_number_list(loader *L, const yt_node *n, const char *key,
                                     lower_bound lb, double **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (n->n_items == 0)
        return fail_at(L, n, key, "the list is empty");
    double *v = malloc(n->n_items * sizeof *v);
    if (!v)
        return loader_oom(L);
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

agora_status read_param(loader *L, const yt_node *map, const char *name,
                               const char *parent, double *out)
{
    char key[KEY_MAX];
    agora_status st = AGORA_OK;
    yt_child_path(key, sizeof key, parent, name);
    const yt_node *v = take_key(L, map, name, key, &st);
    if (st != AGORA_OK)
        return st;
    if (!v)
        return missing_key(L, map, key, NULL);
    return read_real(L, v, key, out);
}
int is_number_node(const yt_node *n)
{
    return classify(n).kind != NUM_NONE;
}
