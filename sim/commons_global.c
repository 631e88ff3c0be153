/* The commons family's global mode: one pool whose harvesters are
 * block-partitioned over all ranks (commons_run.h). The pool's scalars are
 * replicated, and every rank moves them the same way because every total it
 * reads is exact and identical everywhere:
 *   - sums of requests and harvests: fixed sums reduced to rank 0, broadcast;
 *   - random unit-by-unit serving: each requested unit has a keyed random sort
 *     key; the units in stock go to the requested units with the smallest
 *     (key, harvester id, unit index), found by a bisection on the key with an
 *     integer Allreduce per step (64 steps) and an exclusive scan for ties;
 *     memory O(local requested units);
 *   - the best earner (imitate_best): Allreduce max of the payoff, min of the id
 *     among those at the max, broadcast of its request from its owner;
 *   - imitation peers drawn from all harvesters: a request to the peer's owner
 *     and its (payoff, strategy) back through sim/exchange (Alltoallv), O(local
 *     harvesters) per rank;
 *   - the Gini of cumulative gains over all harvesters: each value's global rank
 *     in (gain, id) order, counted by passing every rank's sorted block around a
 *     ring (P - 1 steps, O(n / P) memory, O(n) time per rank per round), then
 *     G = sum_i (2 r_i - n - 1) x_i / (n sum x) with exact fixed sums. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collective.h"
#include "commons_run.h"
#include "exchange.h"
#include "partition.h"

/* The exact sum over ranks of x[0..n) on every rank. */
static agora_status exact_allsum(commons_state *w, const double *x, size_t n, double *out,
                                 agora_error *err)
{
    fixed_sum mine = {0}, total = {0};
    for (size_t i = 0; i < n; i++)
        fixed_add(&mine, x[i]);
    agora_status st = reduce_fixed_sums(&mine, &total, 1, w->comm, err);
    if (st == AGORA_OK && w->rank == 0 && fixed_out_of_range(total))
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: a sum of requests or harvests is beyond the exact range (|sum| < "
                        "2^85): reduce commons.capacity",
                        w->s->source);
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        return st;
    *out = fixed_value(total);
    MPI_Bcast(out, 1, MPI_DOUBLE, 0, w->comm);
    return AGORA_OK;
}

static uint64_t allsum_u64(commons_state *w, uint64_t x)
{
    unsigned long long mine = x, total = 0;
    MPI_Allreduce(&mine, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, w->comm);
    return total;
}

static uint64_t count_at_most(const uint64_t *keys, size_t n, uint64_t bound)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += keys[i] <= bound;
    return c;
}

/* Random unit by unit over all ranks; served[i] gets the units' amount. */
static agora_status serve_units(commons_state *w, uint64_t t, double stock, double *served,
                                agora_error *err)
{
    double unit = w->rules.unit, whole = floor(stock / unit);
    /* The stock is the same on every rank, so every rank fails together. */
    if (!(whole <= COMMONS_MAX_UNITS))
        return agora_fail(err, AGORA_EINPUT,
                          "%s: commons.unit: round %llu: the pool holds more than 2^40 units of "
                          "%g (raise the unit)",
                          w->s->source, (unsigned long long)t, unit);
    uint64_t avail = (uint64_t)whole, mine = 0;
    uint64_t *units = calloc(w->nh ? w->nh : 1, sizeof *units);
    if (!units)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    for (size_t i = 0; i < w->nh; i++) {
        double q = w->request[i] < stock ? w->request[i] : stock;
        units[i] = (uint64_t)floor(q / unit);
        mine += units[i];
    }
    uint64_t wanted = allsum_u64(w, mine);
    agora_status st = AGORA_OK;
    if (wanted > avail) {
        /* Keys of every local unit, in (harvester, unit) order. */
        uint64_t *keys = malloc((mine ? mine : 1) * sizeof *keys);
        st = keys ? AGORA_OK : agora_fail(err, AGORA_EINTERNAL, "out of memory for %llu units",
                                          (unsigned long long)mine);
        if ((st = agree(st, err, w->comm)) != AGORA_OK) {
            free(units);
            return st;
        }
        size_t k = 0;
        for (size_t i = 0; i < w->nh; i++) {
            commons_unit_keys(w->s->seed, w->first_h + i, t, keys + k, (size_t)units[i]);
            k += (size_t)units[i];
        }
        /* The avail-th smallest key T: the least T with count(key <= T) >= avail. */
        uint64_t lo = 0, hi = UINT64_MAX, below = 0;
        if (avail > 0) {
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (allsum_u64(w, count_at_most(keys, k, mid)) >= avail)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            below = lo ? allsum_u64(w, count_at_most(keys, k, lo - 1)) : 0;
        }
        /* Keys equal to T are served in (harvester id, unit) order: ranks hold
         * ascending id blocks, so an exclusive scan gives this rank's offset. */
        unsigned long long equal = 0, before = 0;
        for (size_t j = 0; j < k && avail > 0; j++)
            equal += keys[j] == lo;
        MPI_Exscan(&equal, &before, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, w->comm);
        if (w->rank == 0)
            before = 0;
        uint64_t need = avail - below, seen = 0;
        k = 0;
        for (size_t i = 0; i < w->nh; i++) {
            uint64_t got = 0;
            for (uint64_t u = 0; u < units[i]; u++, k++) {
                if (avail == 0)
                    continue;
                if (keys[k] < lo)
                    got++;
                else if (keys[k] == lo && before + seen++ < need)
                    got++;
            }
            units[i] = got;
        }
        free(keys);
    }
    for (size_t i = 0; i < w->nh; i++)
        served[i] = (double)units[i] * unit;
    free(units);
    return st;
}

/* The last round's best earner (highest payoff, lowest id among ties) and its
 * request, on every rank. */
static void best_earner(commons_state *w)
{
    double mine = -INFINITY, best;
    for (size_t i = 0; i < w->nh; i++)
        if (w->payoff[i] > mine)
            mine = w->payoff[i];
    MPI_Allreduce(&mine, &best, 1, MPI_DOUBLE, MPI_MAX, w->comm);
    unsigned long long id = UINT64_MAX, who;
    for (size_t i = 0; i < w->nh && id == UINT64_MAX; i++)
        if (w->payoff[i] == best)
            id = w->first_h + i;
    MPI_Allreduce(&id, &who, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, w->comm);
    uint64_t n = w->c->harvesters_per_pool;
    int owner = block_owner(n, w->ranks, who);
    double req = owner == w->rank ? w->request[who - w->first_h] : 0.0;
    MPI_Bcast(&req, 1, MPI_DOUBLE, owner, w->comm);
    w->best_request = req;
}

typedef struct {
    double x;
    uint64_t id;
} gini_item;

static int item_cmp(const void *a, const void *b)
{
    const gini_item *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

static int item_less(const gini_item *p, const gini_item *q)
{
    return p->x < q->x || (p->x == q->x && p->id < q->id);
}

/* Gini of the cumulative gains of all harvesters (valid on rank 0). */
static agora_status global_gini(commons_state *w, double *gini, agora_error *err)
{
    uint64_t n = w->c->harvesters_per_pool;
    size_t most = (size_t)(n / (uint64_t)w->ranks + 1);
    gini_item *mine = malloc((w->nh ? w->nh : 1) * sizeof *mine);
    gini_item *buf = malloc(most * sizeof *buf), *in = malloc(most * sizeof *in);
    uint64_t *less = calloc(w->nh ? w->nh : 1, sizeof *less);
    agora_status st = mine && buf && in && less ? AGORA_OK
                                                : agora_fail(err, AGORA_EINTERNAL, "out of memory");
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        goto done;
    for (size_t i = 0; i < w->nh; i++)
        mine[i] = (gini_item){w->gain[i], w->first_h + i};
    qsort(mine, w->nh, sizeof *mine, item_cmp);
    for (size_t i = 0; i < w->nh; i++)
        less[i] = i; /* the local elements before it */
    /* Pass the sorted blocks around the ring: at step s this rank holds the
     * block of rank - s and counts, for each of its own, how many are smaller. */
    memcpy(buf, mine, w->nh * sizeof *mine);
    int have = (int)w->nh;
    int right = (w->rank + 1) % w->ranks, left = (w->rank + w->ranks - 1) % w->ranks;
    for (int s = 1; s < w->ranks; s++) {
        int got;
        MPI_Sendrecv(&have, 1, MPI_INT, right, 0, &got, 1, MPI_INT, left, 0, w->comm,
                     MPI_STATUS_IGNORE);
        MPI_Sendrecv(buf, have * (int)sizeof *buf, MPI_BYTE, right, 1, in,
                     got * (int)sizeof *in, MPI_BYTE, left, 1, w->comm, MPI_STATUS_IGNORE);
        size_t j = 0;
        for (size_t i = 0; i < w->nh; i++) {
            while (j < (size_t)got && item_less(&in[j], &mine[i]))
                j++;
            less[i] += j;
        }
        gini_item *swap = buf;
        buf = in;
        in = swap;
        have = got;
    }
    fixed_sum part[2] = {{0}}, total[2] = {{0}};
    for (size_t i = 0; i < w->nh; i++) {
        double weight = 2.0 * (double)(less[i] + 1) - (double)n - 1.0;
        fixed_add(&part[0], weight * mine[i].x);
        fixed_add(&part[1], mine[i].x);
    }
    st = reduce_fixed_sums(part, total, 2, w->comm, err);
    double sum = fixed_value(total[1]);
    *gini = n > 1 && sum > 0 ? fixed_value(total[0]) / ((double)n * sum) : 0.0;
done:
    free(mine);
    free(buf);
    free(in);
    free(less);
    return agree(st, err, w->comm);
}

agora_status commons_global_round(commons_state *w, uint64_t t, fixed_sum *sums,
                                  agora_error *err)
{
    uint64_t n = w->c->harvesters_per_pool;
    size_t coop = 0, over = 0;
    for (size_t i = 0; i < w->nh; i++)
        coop += w->beh[w->strategy[i]]->cooperative;
    fixed_add(&sums[SUM_COOPERATORS], (double)coop);
    double harvest = 0.0;
    agora_status st = AGORA_OK;
    int was_collapsed = w->collapsed[0];
    if (!was_collapsed) {
        double before = w->stock[0];
        harvest_view view = {.stock = before,
                             .sustainable = commons_sustainable(&w->rules.pool, before, n),
                             .effort_c = w->rules.effort_c,
                             .effort_d = w->rules.effort_d,
                             .has_best = t > 0,
                             .best_request = w->best_request};
        for (size_t i = 0; i < w->nh; i++) {
            uint8_t g = w->strategy[i];
            double q = w->beh[g]->request(&view, &w->params[g]);
            w->request[i] = q > 0.0 ? q : 0.0;
            over += w->request[i] > view.sustainable;
        }
        fixed_add(&sums[SUM_OVER], (double)over);
        fixed_add(&sums[SUM_REQUESTS], (double)w->nh);
        double *served = w->payoff; /* the payoffs of the round are the served amounts */
        if (w->rules.order == ORDER_RANDOM_UNITS) {
            st = serve_units(w, t, before, served, err);
        } else {
            double total;
            st = exact_allsum(w, w->request, w->nh, &total, err);
            for (size_t i = 0; i < w->nh && st == AGORA_OK; i++)
                served[i] = total <= before ? w->request[i] : w->request[i] * (before / total);
        }
        if (st == AGORA_OK)
            st = exact_allsum(w, served, w->nh, &harvest, err);
        if (st != AGORA_OK)
            return st;
        for (size_t i = 0; i < w->nh; i++)
            w->gain[i] += served[i];
        double after = before - harvest;
        if (after < 0.0)
            after = 0.0;
        if (commons_collapses(&w->rules.pool, after)) {
            w->collapsed[0] = 1;
            w->stock[0] = 0.0;
        } else {
            w->stock[0] = commons_regrow(&w->rules.pool, before, after);
            w->survived[0]++;
        }
        best_earner(w);
    }
    /* A collapsed pool's gains no longer change: its Gini neither. */
    if (!was_collapsed && (st = global_gini(w, &w->gini[0], err)) != AGORA_OK)
        return st;
    double gini = w->gini[0];
    if (w->rank == 0) {
        /* The pool's own values once, not once per rank. */
        fixed_add(&sums[SUM_STOCK], w->stock[0]);
        fixed_add(&sums[SUM_HARVEST], harvest);
        fixed_add(&sums[SUM_COLLAPSED], w->collapsed[0]);
        fixed_add(&sums[SUM_SURVIVED], w->survived[0]);
        fixed_add(&sums[SUM_GINI], gini);
    }
    return AGORA_OK;
}

typedef struct {
    double payoff, strategy;
} peer_info;

agora_status commons_global_evolve(commons_state *w, uint64_t t, agora_error *err)
{
    if (w->collapsed[0])
        return AGORA_OK; /* as in villages: a collapsed pool's strategies stay */
    uint64_t n = w->c->harvesters_per_pool;
    size_t m = w->nh ? w->nh : 1;
    uint64_t *peer = malloc(m * sizeof *peer), *send = malloc(m * sizeof *send);
    uint64_t *recv = NULL;
    peer_info *reply = NULL, *back = malloc(m * sizeof *back);
    commons_draws *d = malloc(m * sizeof *d);
    int *owner = malloc(m * sizeof *owner);
    exchange_plan x;
    memset(&x, 0, sizeof x);
    MPI_Datatype pair;
    MPI_Type_contiguous(2, MPI_DOUBLE, &pair);
    MPI_Type_commit(&pair);
    agora_status st = peer && send && back && d && owner
                          ? AGORA_OK
                          : agora_fail(err, AGORA_EINTERNAL, "out of memory");
    if (st == AGORA_OK)
        st = exchange_init(&x, w->comm, err);
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        goto done;
    for (size_t i = 0; i < w->nh; i++) {
        uint64_t id = w->first_h + i;
        commons_evolve_draws(w, id, t, id, n, &peer[i], &d[i]);
        owner[i] = block_owner(n, w->ranks, peer[i]);
    }
    if ((st = agree(exchange_plan_build(&x, owner, w->nh, err), err, w->comm)) != AGORA_OK)
        goto done;
    for (size_t i = 0; i < w->nh; i++)
        send[x.slot[i]] = peer[i];
    size_t r = x.recv_total ? x.recv_total : 1;
    recv = malloc(r * sizeof *recv);
    reply = malloc(r * sizeof *reply);
    st = recv && reply ? AGORA_OK : agora_fail(err, AGORA_EINTERNAL, "out of memory");
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        goto done;
    if ((st = exchange_forward(&x, send, recv, MPI_UINT64_T, err)) != AGORA_OK)
        goto done;
    for (size_t k = 0; k < x.recv_total; k++) {
        size_t j = (size_t)(recv[k] - w->first_h);
        reply[k] = (peer_info){w->payoff[j], (double)w->strategy[j]};
    }
    if ((st = exchange_backward(&x, reply, back, pair, err)) != AGORA_OK)
        goto done;
    double lo = INFINITY, hi = -INFINITY, glo, ghi;
    for (size_t i = 0; i < w->nh; i++) {
        lo = fmin(lo, w->payoff[i]);
        hi = fmax(hi, w->payoff[i]);
    }
    MPI_Allreduce(&lo, &glo, 1, MPI_DOUBLE, MPI_MIN, w->comm);
    MPI_Allreduce(&hi, &ghi, 1, MPI_DOUBLE, MPI_MAX, w->comm);
    for (size_t i = 0; i < w->nh; i++) {
        const peer_info *p = &back[x.slot[i]];
        w->next[i] = commons_next_strategy(&w->evo, w->strategy[i], w->payoff[i],
                                           (uint8_t)p->strategy, p->payoff, ghi - glo, &d[i]);
    }
    memcpy(w->strategy, w->next, w->nh);
done:
    exchange_free(&x);
    MPI_Type_free(&pair);
    free(peer);
    free(send);
    free(recv);
    free(reply);
    free(back);
    free(d);
    free(owner);
    return agree(st, err, w->comm);
}
