/* The resolved scenario written back as YAML: every key, every default, ctr as an
 * explicit list, and each double in the fewest of 15..17 significant digits that
 * reads back to the same bits (0.1 stays "0.1"), so that loading the text again
 * gives the same scenario to the bit. This is the text stored in output files, so
 * a run can be repeated from its output alone. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_fields.h"
#include "scenario.h"
#include "scenario_family.h"
#include "scenario_text.h"

#define DOUBLE_CHARS 32

void put(text_buf *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = 2 * t->cap + (size_t)n;
        char *bigger = realloc(t->buf, cap);
        if (!bigger) {
            t->failed = 1;
            return;
        }
        t->buf = bigger;
        t->cap = cap;
    }
}

/* %.17g always round-trips; shorter forms are tried first for readability. */
static void format_double(char *buf, size_t size, double v)
{
    for (int digits = 15; digits < 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
    snprintf(buf, size, "%.17g", v);
}

void put_num(text_buf *t, double v)
{
    char buf[DOUBLE_CHARS];
    format_double(buf, sizeof buf, v);
    put(t, "%s", buf);
}

void put_list(text_buf *t, const double *v, size_t n, const char *indent)
{
    put(t, "[");
    for (size_t i = 0; i < n; i++) {
        if (i && i % LIST_WRAP == 0)
            put(t, ",\n%s  ", indent);
        else if (i)
            put(t, ", ");
        put_num(t, v[i]);
    }
    put(t, "]\n");
}

static void put_dist(text_buf *t, const char *name, const scenario_dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        put(t, "  %s: {dist: constant, value: ", name);
        put_num(t, d->a);
        put(t, "}\n");
        break;
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
    case DIST_LIST:
        put(t, "  %s: ", name);
        put_list(t, d->list, d->n, "  ");
        break;
    case DIST_FILE:
        put(t, "  %s: {dist: file, path: ", name);
        put_quoted(t, d->path);
        put(t, ", dataset: ");
        put_quoted(t, d->dataset);
        put(t, "}\n");
        break;
    }
}

/* The code point of the UTF-8 sequence at s and its length in *n; the loader
 * hands over only well-formed UTF-8 (libyaml checks files, the override code
 * checks --set), so a malformed byte is taken as the code point of its value. */
static unsigned long utf8_decode(const unsigned char *s, size_t *n)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    unsigned long cp = len == 1 ? s[0] : s[0] & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *n = 1;
            return s[0];
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *n = len;
    return cp;
}

/* Double-quoted so that any path survives: escapes for every character that a
 * YAML reader would refuse (C0 and C1 controls, U+FFFE, U+FFFF) or take as a line
 * break and fold (NEL, U+2028, U+2029); everything else is copied, so that the
 * text loads back to the same bytes. */
void put_quoted(text_buf *t, const char *s)
{
    put(t, "\"");
    while (*s) {
        size_t n;
        unsigned long cp = utf8_decode((const unsigned char *)s, &n);
        if (cp == '"' || cp == '\\')
            put(t, "\\%c", (int)cp);
        else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            put(t, "\\x%02lx", cp);
        else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF)
            put(t, "\\u%04lX", cp);
        else
            put(t, "%.*s", (int)n, s);
        s += n;
    }
    put(t, "\"");
}

static void put_population(text_buf *t, const scenario *s)
{
    put(t, "population:\n");
    put(t, "  agents: %llu\n", (unsigned long long)s->population.agents);
    put_dist(t, s->population.value.kind == DIST_LIST ? "values" : "value", &s->population.value);
    if (s->population.has_budget)
        put_dist(t, "budget", &s->population.budget);
    /* Keys added after the first release are written when they differ from their
     * defaults, so that earlier scenarios resolve to the same text (and outputs
     * stay byte-identical); loading either form gives the same scenario. */
    if (s->population.has_quality)
        put_dist(t, "quality", &s->population.quality);
}

static void put_mechanism(text_buf *t, const scenario *s)
{
    static const char *const clicks[] = {"expected", "bernoulli", "poisson"};
    put(t, "mechanism:\n");
    put(t, "  name: %s\n", s->mechanism.name);
    put(t, "  slots: %u\n", (unsigned)s->mechanism.slots);
    put(t, "  ctr: ");
    put_list(t, s->mechanism.ctr, s->mechanism.slots, "  ");
    put(t, "  reserve: ");
    put_num(t, s->mechanism.reserve);
    put(t, "\n");
    put(t, "  clicks: %s\n", clicks[s->mechanism.clicks]);
    if (s->mechanism.rank_by_score)
        put(t, "  rank_by: score\n");
    if (!s->mechanism.aigc)
        return;
    put(t, "  user_model: %s\n", s->mechanism.user_model);
    put(t, "  max_shown: %u\n", (unsigned)s->mechanism.max_shown);
    if (strncmp(s->mechanism.user_model, "cascade", 7) == 0) {
        put(t, "  continuation: ");
        put_num(t, s->mechanism.continuation);
        put(t, "\n");
    }
    if (s->mechanism.pair_ctr_file.kind == DIST_FILE) {
        put_dist(t, "pair_ctr", &s->mechanism.pair_ctr_file);
    } else if (s->mechanism.pair_ctr) {
        put(t, "  pair_ctr:\n");
        for (uint64_t i = 0; i < s->population.agents; i++) {
            put(t, "    - ");
            put_list(t, s->mechanism.pair_ctr + i * s->mechanism.slots, s->mechanism.slots,
                     "    ");
        }
    } else {
        put(t, "  pair_noise: ");
        put_num(t, s->mechanism.pair_noise);
        put(t, "\n");
    }
}

static void put_groups(text_buf *t, const scenario *s)
{
    put(t, "agents:\n");
    for (size_t i = 0; i < s->n_groups; i++) {
        const scenario_group *g = &s->groups[i];
        static const char *const pacing[] = {"none", "multiplier", "throttle"};
        put(t, "  - {behaviour: %s, share: ", g->behaviour);
        put_num(t, g->share);
        /* Each behaviour's own keys, from its table: other behaviours refuse them. */
        const behaviour *b = behaviour_find(g->behaviour);
        for (const behaviour_param *q = b ? b->params : NULL; q && q->key; q++) {
            put(t, ", %s: ", q->key);
            put_num(t, *(const double *)((const char *)&g->params + q->offset));
        }
        if (g->pacing != PACING_NONE) {
            put(t, ", pacing: %s, pacing_step: ", pacing[g->pacing]);
            put_num(t, g->pacing_step);
            put(t, ", pacing_max: ");
            put_num(t, g->pacing_max);
        }
        put(t, "}\n");
    }
}

static void put_position(text_buf *t, const scenario *s)
{
    put_population(t, s);
    put(t, "market:\n");
    put(t, "  auctions: %llu\n", (unsigned long long)s->market.auctions);
    if (s->market.bidders_all)
        put(t, "  bidders: all\n");
    else
        put(t, "  bidders: %llu\n", (unsigned long long)s->market.bidders);
    put_mechanism(t, s);
    put_groups(t, s);
    if (s->probes.auctions)
        put(t, "probes: {auctions: %llu, grid: %u}\n", (unsigned long long)s->probes.auctions,
            (unsigned)s->probes.grid);
}

static void put_family(text_buf *t, const scenario *s)
{
    put(t, "family: %s\n", s->family->name);
    s->family->emit(t, s->family_config);
}

char *scenario_to_yaml(const scenario *s)
{
    text_buf t = {.cap = 4096};
    t.buf = malloc(t.cap);
    if (!t.buf)
        return NULL;
    put(&t, "# agora scenario, resolved: every key with its default filled in\n");
    put(&t, "seed: %llu\n", (unsigned long long)s->seed);
    put(&t, "rounds: %llu\n", (unsigned long long)s->rounds);
    if (s->family)
        put_family(&t, s);
    else
        put_position(&t, s);
    put(&t, "output:\n  path: ");
    put_quoted(&t, s->output.path);
    put(&t, "\n  snapshot_every: %llu\n", (unsigned long long)s->output.snapshot_every);
    if (!s->family) {
        const char *sep = "";
        put(&t, "  fields: [");
        for (int f = 0; f < FIELD_COUNT; f++)
            if (s->output.fields & FIELD_BIT(f)) {
                put(&t, "%s%s", sep, agent_field_names[f]);
                sep = ", ";
            }
        put(&t, "]\n");
    }
    put(&t, "  compress: %d\n", s->output.compress);
    put(&t, "  checkpoint: ");
    put_quoted(&t, s->output.checkpoint);
    put(&t, "\n  checkpoint_every: %llu\n", (unsigned long long)s->output.checkpoint_every);
    if (t.failed) {
        free(t.buf);
        return NULL;
    }
    return t.buf;
}
