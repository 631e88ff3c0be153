/* The `commons` family's run: set-up (strategies drawn per harvester), the
 * villages mode (each rank plays its block of pools, all local), the round loop
 * with its metrics and the final per-pool and per-harvester datasets. The global
 * pool's round is in commons_global.c; the layout is in docs/hdf5-layout.md.
 *
 * Checkpoints (sim/family_checkpoint.h) carry every harvester's strategy,
 * cumulative gain, last payoff and last request (the next round's imitation and
 * best-earner rules read them) and every pool's stock, collapse flag, rounds
 * survived and last Gini (plus, for the global pool, the best earner's
 * request), by global id: a run resumes on any rank count. */
#include "commons_run.h"

#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "collective.h"
#include "family_checkpoint.h"
#include "family_run.h"
#include "partition.h"
#include "peak_memory.h"
#include "progress.h"
#include "rng.h"
#include "run_file.h"
#include "run_metrics.h"

enum {
    M_STOCK,
    M_HARVEST,
    M_COOPERATORS,
    M_COLLAPSED,
    M_SURVIVAL,
    M_GINI,
    M_OVER_USAGE,
    M_COUNT
};

static const metric_info commons_metrics[M_COUNT] = {
    {"stock", "resource units",
     "mean stock per pool at the end of the round (after the harvest and regrowth; 0 once "
     "collapsed)"},
    {"total_harvest", "resource units", "harvest served in the round, summed over all pools"},
    {"cooperator_fraction", "fraction",
     "share of all harvesters whose strategy in the round is cooperative (cooperator, "
     "fixed_quota, sustainable)"},
    {"collapsed", "pools", "pools collapsed by the end of the round"},
    {"survival_rounds", "rounds",
     "mean over pools of the rounds played without collapse, up to this round"},
    {"gini", "index",
     "Gini coefficient of cumulative gains: per pool over its harvesters, averaged over "
     "pools (the global pool: over all its harvesters)"},
    {"over_usage", "fraction",
     "share of the round's requests (harvesters of live pools) above the sustainable "
     "threshold"},
};

/* ---- keyed draws ---------------------------------------------------------------------------- */

void commons_unit_keys(uint64_t seed, uint64_t id, uint64_t round, uint64_t *keys, size_t count)
{
    pcg32 g = rng_stream(seed, RNG_COMMONS_UNITS, id, round);
    for (size_t k = 0; k < count; k++) {
        uint64_t hi = pcg32_next(&g);
        keys[k] = hi << 32 | pcg32_next(&g);
    }
}

/* One harvester's update draws from g: a peer in [0, pool_n) other than `self`
 * (self when pool_n == 1), then the copy and mutation uniforms, then the mutant. */
static uint64_t draw_update(const commons_state *w, pcg32 *g, uint64_t self, uint64_t pool_n,
                            commons_draws *d)
{
    uint64_t j = self;
    if (pool_n > 1) {
        /* Uniform over the others: draw in [0, n - 1) and step over self. Pools
         * hold < 2^32 harvesters (the loader's limit). */
        j = rng_below(g, (uint32_t)(pool_n - 1));
        if (j >= self)
            j++;
    }
    d->copy = rng_uniform01(g);
    d->mutate = rng_uniform01(g);
    d->mutant = rng_below(g, (uint32_t)w->evo.groups);
    return j;
}

void commons_evolve_draws(const commons_state *w, uint64_t id, uint64_t round, uint64_t self,
                          uint64_t pool_n, uint64_t *peer, commons_draws *d)
{
    pcg32 g = rng_stream(w->s->seed, RNG_COMMONS_EVOLVE, id, round);
    *peer = draw_update(w, &g, self, pool_n, d);
}

/* The strategy a harvester starts with: by blocks of its pool, or its group by
 * the shares from its own draw. */
static uint8_t initial_strategy(const commons_config *c, uint64_t seed, uint64_t id)
{
    if (c->assign_blocks) {
        double shares[COMMONS_MAX_GROUPS];
        for (size_t k = 0; k < c->n_groups; k++)
            shares[k] = c->groups[k].share;
        uint64_t n = c->harvesters_per_pool;
        return commons_block_group(shares, c->n_groups, n, id % n);
    }
    pcg32 g = rng_stream(seed, RNG_COMMONS_STRATEGY, id, 0);
    double u = rng_uniform01(&g), edge = 0.0;
    for (size_t k = 0; k + 1 < c->n_groups; k++) {
        edge += c->groups[k].share;
        if (u < edge)
            return (uint8_t)k;
    }
    return (uint8_t)(c->n_groups - 1);
}

/* ---- set-up --------------------------------------------------------------------------------- */

static agora_status setup(commons_state *w, agora_error *err)
{
    const commons_config *c = w->c;
    for (size_t k = 0; k < c->n_groups; k++) {
        w->beh[k] = harvester_find(c->groups[k].behaviour);
        w->params[k] = c->groups[k].params;
    }
    w->rules = (commons_rules){
        .pool = {c->regrowth, c->growth, c->capacity, c->collapse_below},
        .order = c->order,
        .unit = c->unit,
        .effort_c = c->effort_c,
        .effort_d = c->effort_d,
        .groups = c->n_groups,
        .behaviour = w->beh,
        .params = w->params,
    };
    w->evo = (commons_evolution){c->rule, c->kappa, c->mutation, (unsigned)c->n_groups};
    uint64_t hpp = c->harvesters_per_pool;
    w->harvesters = c->pools * hpp;
    if (c->mode == COMMONS_VILLAGES) {
        w->first_pool = block_lo(c->pools, w->ranks, w->rank);
        w->np = (size_t)(block_lo(c->pools, w->ranks, w->rank + 1) - w->first_pool);
        w->first_h = w->first_pool * hpp;
        w->nh = w->np * (size_t)hpp;
    } else {
        w->first_pool = 0;
        w->np = 1; /* replicated; rank 0 writes it */
        w->first_h = block_lo(hpp, w->ranks, w->rank);
        w->nh = (size_t)(block_lo(hpp, w->ranks, w->rank + 1) - w->first_h);
    }
    size_t nh = w->nh ? w->nh : 1, np = w->np ? w->np : 1;
    w->strategy = malloc(nh);
    w->next = malloc(nh);
    w->gain = calloc(nh, sizeof *w->gain);
    w->payoff = calloc(nh, sizeof *w->payoff);
    w->request = calloc(nh, sizeof *w->request);
    w->stock = malloc(np * sizeof *w->stock);
    w->collapsed = calloc(np, 1);
    w->survived = calloc(np, sizeof *w->survived);
    w->gini = calloc(np, sizeof *w->gini);
    if (!w->strategy || !w->next || !w->gain || !w->payoff || !w->request || !w->stock ||
        !w->collapsed || !w->survived || !w->gini)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu harvesters", w->nh);
    for (size_t i = 0; i < w->nh; i++)
        w->strategy[i] = initial_strategy(c, w->s->seed, w->first_h + i);
    for (size_t p = 0; p < w->np; p++)
        w->stock[p] = c->initial_stock;
    return AGORA_OK;
}

static void release(commons_state *w)
{
    free(w->strategy);
    free(w->next);
    free(w->gain);
    free(w->payoff);
    free(w->request);
    free(w->stock);
    free(w->collapsed);
    free(w->survived);
    free(w->gini);
    commons_scratch_free(&w->scratch);
}

/* ---- villages ------------------------------------------------------------------------------- */

typedef struct {
    uint64_t seed, round, first_id; /* first_id: the village's first harvester */
} village_keys;

static void village_key_fn(void *ctx, size_t who, uint64_t *keys, size_t count)
{
    const village_keys *k = ctx;
    commons_unit_keys(k->seed, k->first_id + who, k->round, keys, count);
}

static commons_village village_at(commons_state *w, size_t p)
{
    size_t n = (size_t)w->c->harvesters_per_pool, o = p * n;
    return (commons_village){n,
                             &w->stock[p],
                             &w->collapsed[p],
                             w->strategy + o,
                             w->gain + o,
                             w->payoff + o,
                             w->request + o};
}

/* Every village of the rank plays round t; the per-pool sums are exact. */
static agora_status villages_round(commons_state *w, uint64_t t, fixed_sum *sums,
                                   agora_error *err)
{
    size_t n = (size_t)w->c->harvesters_per_pool;
    for (size_t p = 0; p < w->np; p++) {
        commons_village v = village_at(w, p);
        village_keys k = {w->s->seed, t, (w->first_pool + p) * n};
        fixed_add(&sums[SUM_COOPERATORS], (double)commons_village_cooperators(&w->rules, &v));
        int was_collapsed = w->collapsed[p];
        commons_round_out o;
        int bad = commons_village_round(&w->rules, &v, t, village_key_fn, &k, &w->scratch, &o);
        if (bad == -2)
            return agora_fail(err, AGORA_EINPUT,
                              "%s: commons.unit: round %llu: pool %llu holds more than 2^40 "
                              "units of %g (raise the unit)",
                              w->s->source, (unsigned long long)t,
                              (unsigned long long)(w->first_pool + p), w->c->unit);
        if (bad)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory for the units of pool %llu",
                              (unsigned long long)(w->first_pool + p));
        if (!w->collapsed[p])
            w->survived[p]++;
        fixed_add(&sums[SUM_STOCK], w->stock[p]);
        fixed_add(&sums[SUM_HARVEST], o.harvest);
        fixed_add(&sums[SUM_COLLAPSED], w->collapsed[p]);
        fixed_add(&sums[SUM_SURVIVED], w->survived[p]);
        if (!was_collapsed)
            w->gini[p] = commons_gini(v.gain, n, w->scratch.sorted);
        fixed_add(&sums[SUM_GINI], w->gini[p]);
        fixed_add(&sums[SUM_OVER], (double)o.over);
        fixed_add(&sums[SUM_REQUESTS], (double)o.requests);
    }
    return AGORA_OK;
}

/* Imitation inside each live village, then mutation; peers are the village's
 * other harvesters. Collapsed villages keep their strategies. */
static agora_status villages_evolve(commons_state *w, uint64_t t, agora_error *err)
{
    size_t n = (size_t)w->c->harvesters_per_pool;
    uint32_t *peer = malloc(n * sizeof *peer);
    commons_draws *d = malloc(n * sizeof *d);
    if (!peer || !d) {
        free(peer);
        free(d);
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    }
    for (size_t p = 0; p < w->np; p++) {
        if (w->collapsed[p])
            continue;
        commons_village v = village_at(w, p);
        /* One stream per village (entity: the pool id): the village is on one
         * rank, and one stream costs a tenth of ten. */
        pcg32 g = rng_stream(w->s->seed, RNG_COMMONS_EVOLVE, w->first_pool + p, t);
        for (size_t i = 0; i < n; i++)
            peer[i] = (uint32_t)draw_update(w, &g, i, n, &d[i]);
        commons_village_evolve(&w->evo, &v, peer, d, w->next + p * n);
        memcpy(v.strategy, w->next + p * n, n);
    }
    free(peer);
    free(d);
    return AGORA_OK;
}

/* ---- metrics and output --------------------------------------------------------------------- */

static void metric_row(const commons_state *w, const fixed_sum *total, double *row)
{
    double pools = (double)w->c->pools, req = fixed_value(total[SUM_REQUESTS]);
    row[M_STOCK] = fixed_value(total[SUM_STOCK]) / pools;
    row[M_HARVEST] = fixed_value(total[SUM_HARVEST]);
    row[M_COOPERATORS] = fixed_value(total[SUM_COOPERATORS]) / (double)w->harvesters;
    row[M_COLLAPSED] = fixed_value(total[SUM_COLLAPSED]);
    row[M_SURVIVAL] = fixed_value(total[SUM_SURVIVED]) / pools;
    row[M_GINI] = fixed_value(total[SUM_GINI]) / pools;
    row[M_OVER_USAGE] = req > 0 ? fixed_value(total[SUM_OVER]) / req : 0.0;
}

static agora_status write_state(commons_state *w, run_file *f, agora_error *err)
{
    hsize_t pools[1] = {w->c->pools}, harv[1] = {w->harvesters};
    hid_t ds;
    /* The global pool is replicated: rank 0 writes it. */
    size_t np = w->c->mode == COMMONS_GLOBAL && w->rank != 0 ? 0 : w->np;
    double *survived = malloc((w->np ? w->np : 1) * sizeof *survived);
    if (!survived)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    for (size_t p = 0; p < w->np; p++)
        survived[p] = w->survived[p];
    agora_status st = run_file_dataset(f, "pools/stock", H5T_IEEE_F64LE, 1, pools,
                                       "resource units", "stock of each pool after the last round",
                                       &ds, err);
    if (st == AGORA_OK)
        st = run_file_write(f, ds, H5T_NATIVE_DOUBLE, -1, w->first_pool, np, w->stock, err);
    if (st == AGORA_OK)
        st = run_file_dataset(f, "pools/survival_rounds", H5T_IEEE_F64LE, 1, pools, "rounds",
                              "rounds each pool played without collapse", &ds, err);
    if (st == AGORA_OK)
        st = run_file_write(f, ds, H5T_NATIVE_DOUBLE, -1, w->first_pool, np, survived, err);
    if (st == AGORA_OK)
        st = run_file_dataset(f, "pools/collapsed", H5T_STD_U8LE, 1, pools, "flag",
                              "1 when the pool collapsed", &ds, err);
    if (st == AGORA_OK)
        st = run_file_write(f, ds, H5T_NATIVE_UINT8, -1, w->first_pool, np, w->collapsed, err);
    if (st == AGORA_OK)
        st = run_file_dataset(f, "harvesters/strategy", H5T_STD_U8LE, 1, harv, "index",
                              "behaviour group (index into commons.behaviours) after the last "
                              "round; harvester h of pool p is p * harvesters_per_pool + h",
                              &ds, err);
    if (st == AGORA_OK)
        st = run_file_write(f, ds, H5T_NATIVE_UINT8, -1, w->first_h, w->nh, w->strategy, err);
    if (st == AGORA_OK)
        st = run_file_dataset(f, "harvesters/gain", H5T_IEEE_F64LE, 1, harv, "resource units",
                              "cumulative harvest of each harvester", &ds, err);
    if (st == AGORA_OK)
        st = run_file_write(f, ds, H5T_NATIVE_DOUBLE, -1, w->first_h, w->nh, w->gain, err);
    free(survived);
    return st;
}

/* ---- checkpoints ---------------------------------------------------------------------------- */

enum { COMMONS_BLOCKS = 9 };

/* The state a round reads from the rounds before it. The global pool's
 * scalars are replicated: rank 0 saves them, and every rank gets them back
 * from rank 0 after loading. */
static size_t state_blocks(commons_state *w, state_block *b)
{
    uint64_t h = w->harvesters, p = w->c->pools;
    int global = w->c->mode == COMMONS_GLOBAL;
    size_t np = global && w->rank != 0 ? 0 : w->np;
    size_t n = 0;
    b[n++] = (state_block){"harvester_strategy", w->strategy, w->first_h, w->nh, h, 1, STATE_U8};
    b[n++] = (state_block){"harvester_gain", w->gain, w->first_h, w->nh, h, 1, STATE_F64};
    b[n++] = (state_block){"harvester_payoff", w->payoff, w->first_h, w->nh, h, 1, STATE_F64};
    b[n++] = (state_block){"harvester_request", w->request, w->first_h, w->nh, h, 1, STATE_F64};
    b[n++] = (state_block){"pool_stock", w->stock, w->first_pool, np, p, 1, STATE_F64};
    b[n++] = (state_block){"pool_collapsed", w->collapsed, w->first_pool, np, p, 1, STATE_U8};
    b[n++] = (state_block){"pool_survived", w->survived, w->first_pool, np, p, 1, STATE_U32};
    b[n++] = (state_block){"pool_gini", w->gini, w->first_pool, np, p, 1, STATE_F64};
    if (global)
        b[n++] = (state_block){"pool_best_request", &w->best_request, 0, np, 1, 1, STATE_F64};
    return n;
}

static agora_status load_state(commons_state *w, const char *text, const char *path,
                               uint64_t *round_next, agora_error *err)
{
    state_block b[COMMONS_BLOCKS];
    size_t n = state_blocks(w, b);
    agora_status st = agree(checkpoint_load_state(path, text, w->harvesters, b, n, round_next,
                                                  w->comm, err),
                            err, w->comm);
    if (st == AGORA_OK && w->c->mode == COMMONS_GLOBAL) {
        MPI_Bcast(w->stock, 1, MPI_DOUBLE, 0, w->comm);
        MPI_Bcast(w->collapsed, 1, MPI_UINT8_T, 0, w->comm);
        MPI_Bcast(w->survived, 1, MPI_UINT32_T, 0, w->comm);
        MPI_Bcast(w->gini, 1, MPI_DOUBLE, 0, w->comm);
        MPI_Bcast(&w->best_request, 1, MPI_DOUBLE, 0, w->comm);
    }
    return st;
}

static agora_status save_state(commons_state *w, const char *text, run_metrics *m, run_file *f,
                               uint64_t done, agora_error *err)
{
    state_block b[COMMONS_BLOCKS];
    size_t n = state_blocks(w, b);
    return family_checkpoint(w->s, text, m, f, done, w->harvesters, b, n, w->comm, err);
}

/* ---- the loop ------------------------------------------------------------------------------- */

static agora_status one_round(commons_state *w, uint64_t t, run_metrics *m, agora_error *err)
{
    fixed_sum sums[SUM_COUNT], total[SUM_COUNT];
    memset(sums, 0, sizeof sums);
    agora_status st = w->c->mode == COMMONS_GLOBAL ? commons_global_round(w, t, sums, err)
                                                   : villages_round(w, t, sums, err);
    phase_end(&w->clock, PHASE_ALLOCATE);
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        return st;
    int evolve = w->evo.rule != EVOLVE_NONE || w->evo.mutation > 0;
    if (evolve && t + 1 < w->s->rounds)
        st = w->c->mode == COMMONS_GLOBAL ? commons_global_evolve(w, t, err)
                                          : villages_evolve(w, t, err);
    phase_end(&w->clock, PHASE_SETTLE);
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        return st;
    memset(total, 0, sizeof total);
    st = reduce_fixed_sums(sums, total, SUM_COUNT, w->comm, err);
    for (int k = 0; k < SUM_COUNT && st == AGORA_OK && w->rank == 0; k++)
        if (fixed_out_of_range(total[k]))
            st = agora_fail(err, AGORA_EINPUT,
                            "%s: round %llu: a metric sum is beyond the exact range (|sum| < "
                            "2^85): reduce commons.capacity or the pool count",
                            w->s->source, (unsigned long long)t);
    if ((st = agree(st, err, w->comm)) != AGORA_OK)
        return st;
    phase_end(&w->clock, PHASE_REDUCE);
    double row[M_COUNT];
    metric_row(w, total, row);
    st = run_metrics_add(m, t, row, 0, err);
    phase_end(&w->clock, PHASE_WRITE);
    return st;
}

/* Rounds first_round .. rounds - 1; `checkpoints` counts those written. */
static agora_status play(commons_state *w, const char *text, const run_options *opt,
                         uint64_t first_round, run_file *f, run_metrics *m, run_summary *summary,
                         int *checkpoints, agora_error *err)
{
    progress bar;
    progress_start(&bar, (w->rank == 0 && !opt->quiet) ? stderr : NULL, w->s->rounds,
                   first_round);
    phase_begin(&w->clock);
    for (uint64_t t = first_round; t < w->s->rounds; t++) {
        agora_status st = one_round(w, t, m, err);
        if ((st = agree(st, err, w->comm)) != AGORA_OK)
            return st;
        summary->rounds_done = t + 1;
        round_end e = family_round_end(w->s, opt, t + 1, w->comm);
        if (e.checkpoint) {
            if ((st = save_state(w, text, m, f, t + 1, err)) != AGORA_OK)
                return st;
            ++*checkpoints;
        }
        phase_end(&w->clock, PHASE_WRITE);
        progress_update(&bar, t + 1);
        if (e.stop)
            return AGORA_STOPPED;
    }
    progress_finish(&bar);
    return AGORA_OK;
}

static void summary_lines(const commons_state *w, run_summary *summary)
{
    /* Final pool state, reduced exactly for the summary (rank 0 prints it). */
    fixed_sum mine[3] = {{0}}, total[3] = {{0}};
    size_t np = w->c->mode == COMMONS_GLOBAL && w->rank != 0 ? 0 : w->np;
    for (size_t p = 0; p < np; p++) {
        fixed_add(&mine[0], w->stock[p]);
        fixed_add(&mine[1], w->collapsed[p]);
        fixed_add(&mine[2], w->survived[p]);
    }
    agora_error ignored;
    if (reduce_fixed_sums(mine, total, 3, w->comm, &ignored) != AGORA_OK)
        return;
    double pools = (double)w->c->pools;
    snprintf(summary->family_lines, sizeof summary->family_lines,
             "  pools     %llu x %llu harvesters (%s)\n  stock     %.6g mean per pool\n"
             "  collapsed %.0f pools\n  survival  %.6g rounds mean\n",
             (unsigned long long)w->c->pools, (unsigned long long)w->c->harvesters_per_pool,
             w->c->mode == COMMONS_GLOBAL ? "one global pool" : "villages",
             fixed_value(total[0]) / pools, fixed_value(total[1]),
             fixed_value(total[2]) / pools);
}

agora_status commons_run(const scenario *s, const char *text, const run_options *opt,
                         MPI_Comm comm, run_summary *summary, agora_error *err);

agora_status commons_run(const scenario *s, const char *text, const run_options *opt,
                         MPI_Comm comm, run_summary *summary, agora_error *err)
{
    double t0 = phase_now();
    commons_state w;
    memset(&w, 0, sizeof w);
    w.s = s;
    w.c = s->family_config;
    w.comm = comm;
    MPI_Comm_rank(comm, &w.rank);
    MPI_Comm_size(comm, &w.ranks);
    run_file *f = NULL;
    run_metrics *m = NULL;
    uint64_t first_round = 0;
    int checkpoints = 0;
    agora_status st = agree(setup(&w, err), err, comm);
    if (st == AGORA_OK && opt->resume)
        st = load_state(&w, text, opt->resume, &first_round, err);
    if (st == AGORA_OK)
        st = opt->resume ? run_file_reopen(&f, s, text, first_round, comm, err)
                         : run_file_create(&f, s, text, comm, err);
    if (st == AGORA_OK)
        st = opt->resume ? run_metrics_reopen(&m, f, commons_metrics, M_COUNT, 0, err)
                         : run_metrics_create(&m, f, commons_metrics, M_COUNT, s->rounds, 0, err);
    st = f ? agree(st, err, comm) : st;
    summary->first_round = summary->rounds_done = first_round;
    double t1 = phase_now();
    if (st == AGORA_OK)
        st = play(&w, text, opt, first_round, f, m, summary, &checkpoints, err);
    double t2 = phase_now();
    if (st == AGORA_OK)
        st = agree(run_metrics_flush(m, err), err, comm);
    if (st == AGORA_OK)
        st = agree(write_state(&w, f, err), err, comm);
    if (st == AGORA_OK)
        summary_lines(&w, summary);
    run_metrics_free(m);
    if (f) {
        agora_error close_err;
        run_file_end end = family_file_end(st, opt->resume || checkpoints);
        agora_status cst = run_file_close(f, end, phase_now() - t0, &close_err);
        if (st == AGORA_OK && cst != AGORA_OK) {
            *err = close_err;
            st = cst;
        }
    }
    if (st == AGORA_OK)
        family_drop_checkpoint(s, w.rank);
    summary->loop_seconds = t2 - t1;
    summary->wall_seconds = phase_now() - t0;
    /* The rounds this process played, like the position engine's rate. */
    double played = (double)(summary->rounds_done - first_round);
    summary->work_unit = "pool-rounds";
    summary->work_done = played * (double)w.c->pools;
    if (w.c->mode == COMMONS_GLOBAL) {
        summary->work_unit = "harvester-rounds";
        summary->work_done = played * (double)w.harvesters;
    }
    release(&w);
    summary->peak_rss_bytes = peak_memory_max(comm);
    MPI_Reduce(w.clock.seconds, summary->phase_seconds, PHASE_COUNT, MPI_DOUBLE, MPI_MAX, 0,
               comm);
    return st;
}
