/* A village's round and its strategy evolution; see commons_village.h. */
#include "commons_village.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void commons_scratch_free(commons_scratch *s)
{
    free(s->served);
    free(s->units);
    free(s->sorted);
    free(s->tickets);
    free(s->keys);
    memset(s, 0, sizeof *s);
}

static int grow(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int ensure(commons_scratch *s, size_t n)
{
    if (n <= s->cap)
        return 0;
    if (grow((void **)&s->served, n, sizeof *s->served) ||
        grow((void **)&s->units, n, sizeof *s->units) ||
        grow((void **)&s->sorted, n, sizeof *s->sorted))
        return -1;
    s->cap = n;
    return 0;
}

static int ensure_tickets(commons_scratch *s, size_t n)
{
    if (n <= s->ticket_cap)
        return 0;
    if (grow((void **)&s->tickets, n, sizeof *s->tickets) ||
        grow((void **)&s->keys, n, sizeof *s->keys))
        return -1;
    s->ticket_cap = n;
    return 0;
}

/* Random unit by unit: requests and the stock count in whole units (rounded
 * down); when the units requested exceed the units in stock, each unit goes to a
 * uniformly random requested unit (commons_serve_tickets). */
static int serve_units(const commons_rules *r, commons_village *v, commons_key_fn keys,
                       void *key_ctx, commons_scratch *s, double *harvest)
{
    size_t n = v->n;
    double whole = floor(*v->stock / r->unit);
    if (!(whole <= COMMONS_MAX_UNITS))
        return -2;
    uint64_t avail = (uint64_t)whole, wanted = 0;
    for (size_t i = 0; i < n; i++) {
        /* Nobody can be given more than the stock: that also bounds the count. */
        double q = v->request[i] < *v->stock ? v->request[i] : *v->stock;
        s->units[i] = (uint64_t)floor(q / r->unit);
        wanted += s->units[i];
    }
    if (wanted > avail) {
        if (wanted > SIZE_MAX / sizeof(commons_ticket) || ensure_tickets(s, (size_t)wanted))
            return -1;
        size_t t = 0;
        for (size_t i = 0; i < n; i++) {
            keys(key_ctx, i, s->keys + t, (size_t)s->units[i]);
            for (uint64_t k = 0; k < s->units[i]; k++, t++) {
                s->tickets[t].key = s->keys[t];
                s->tickets[t].who = (uint32_t)i;
                s->tickets[t].index = (uint32_t)k;
            }
        }
        commons_serve_tickets(s->tickets, t, avail, s->units, n);
    }
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        s->served[i] = (double)s->units[i] * r->unit;
        total += s->served[i];
    }
    *harvest = total;
    return 0;
}

int commons_village_round(const commons_rules *r, commons_village *v, uint64_t round,
                          commons_key_fn keys, void *key_ctx, commons_scratch *s,
                          commons_round_out *out)
{
    memset(out, 0, sizeof *out);
    size_t n = v->n;
    if (*v->collapsed || n == 0)
        return 0;
    if (ensure(s, n))
        return -1;
    double before = *v->stock;
    harvest_view view = {.stock = before,
                         .sustainable = commons_sustainable(&r->pool, before, n),
                         .effort_c = r->effort_c,
                         .effort_d = r->effort_d,
                         .has_best = round > 0};
    if (view.has_best) {
        /* The best earner of the last round, the lowest index among ties. */
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (v->payoff[i] > v->payoff[best])
                best = i;
        view.best_request = v->request[best];
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t g = v->strategy[i];
        double q = r->behaviour[g]->request(&view, &r->params[g]);
        v->request[i] = q > 0.0 ? q : 0.0;
        out->over += v->request[i] > view.sustainable;
    }
    out->requests = n;
    double harvest;
    if (r->order == ORDER_RANDOM_UNITS) {
        int bad = serve_units(r, v, keys, key_ctx, s, &harvest);
        if (bad)
            return bad;
    } else {
        harvest = commons_serve_proportional(v->request, n, before, s->served);
    }
    for (size_t i = 0; i < n; i++) {
        v->payoff[i] = s->served[i];
        v->gain[i] += s->served[i];
    }
    out->harvest = harvest;
    double after = before - harvest;
    if (after < 0.0)
        after = 0.0; /* rationing can leave a rounding residue below zero */
    if (commons_collapses(&r->pool, after)) {
        *v->collapsed = 1;
        *v->stock = 0.0;
        out->collapsed_now = 1;
        return 0;
    }
    *v->stock = commons_regrow(&r->pool, before, after);
    return 0;
}

void commons_village_evolve(const commons_evolution *e, const commons_village *v,
                            const uint32_t *peer, const commons_draws *d, uint8_t *next)
{
    double lo = 0.0, hi = 0.0;
    for (size_t i = 0; i < v->n; i++) {
        if (i == 0 || v->payoff[i] < lo)
            lo = v->payoff[i];
        if (i == 0 || v->payoff[i] > hi)
            hi = v->payoff[i];
    }
    for (size_t i = 0; i < v->n; i++) {
        uint32_t j = peer[i];
        next[i] = commons_next_strategy(e, v->strategy[i], v->payoff[i], v->strategy[j],
                                        v->payoff[j], hi - lo, &d[i]);
    }
}

uint8_t commons_block_group(const double *shares, size_t groups, uint64_t n, uint64_t h)
{
    double c = 0.0;
    for (size_t k = 0; k + 1 < groups; k++) {
        c += shares[k];
        if ((double)h < floor((double)n * c + 0.5))
            return (uint8_t)k;
    }
    return (uint8_t)(groups - 1);
}

size_t commons_village_cooperators(const commons_rules *r, const commons_village *v)
{
    size_t c = 0;
    for (size_t i = 0; i < v->n; i++)
        c += r->behaviour[v->strategy[i]]->cooperative;
    return c;
}
