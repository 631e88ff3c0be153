/* The round loop of a run; see engine.h. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "collective.h"
#include "output.h"
#include "partition.h"
#include "population.h"
#include "progress.h"
#include "round.h"

typedef struct {
    const scenario *s;
    MPI_Comm comm;
    int rank, ranks;
    population pop;
    market market;
    output *out;
    double *rows;      /* rank 0: metric rows not yet written */
    uint64_t first_row; /* round of rows[0] */
    uint64_t n_rows;
    double *scratch;   /* one derived snapshot field of the local agents */
    run_summary *summary;
    phase_clock clock;
} run;

static agora_status check_rank_count(const run *r, agora_error *err)
{
    if ((uint64_t)r->ranks > r->s->population.agents)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: population.agents: %llu agents cannot be spread over %d ranks "
                          "(each rank must own at least one agent)",
                          scenario_where(r->s, "population.agents"),
                          (unsigned long long)r->s->population.agents, r->ranks);
    return AGORA_OK;
}

static agora_status start(run *r, const char *text, agora_error *err)
{
    const scenario *s = r->s;
    agora_status st = check_rank_count(r, err);
    if (st != AGORA_OK)
        return st; /* the same on every rank: no agreement needed */
    uint64_t lo = block_lo(s->population.agents, r->ranks, r->rank);
    uint64_t hi = block_lo(s->population.agents, r->ranks, r->rank + 1);
    st = population_init(&r->pop, s, lo, hi - lo, err);
    if (st == AGORA_OK)
        st = market_init(&r->market, s, &r->pop, &r->clock, r->comm, err);
    if (st == AGORA_OK) {
        r->scratch = malloc((hi - lo) * sizeof *r->scratch);
        r->rows = malloc(OUTPUT_METRIC_BATCH * METRIC_COUNT * sizeof *r->rows);
        if (!r->scratch || !r->rows)
            st = agora_fail(err, AGORA_EINTERNAL, "out of memory");
    }
    st = agree(st, err, r->comm);
    if (st != AGORA_OK)
        return st;
    st = agree(output_open(&r->out, s, text, r->comm, err), err, r->comm);
    if (st != AGORA_OK)
        return st;
    return agree(output_write_population(r->out, &r->pop, err), err, r->comm);
}

static agora_status flush_metrics(run *r, agora_error *err)
{
    agora_status st = output_write_metrics(r->out, r->first_row, r->n_rows, r->rows, err);
    r->first_row += r->n_rows;
    r->n_rows = 0;
    return agree(st, err, r->comm);
}

/* Rank 0 turns the round's exact totals into a metric row. */
static void record_row(run *r, const fixed_sum total[METRIC_SUMMED])
{
    double *row = r->rows + r->n_rows * METRIC_COUNT;
    for (int k = 0; k < METRIC_SUMMED; k++)
        row[k] = fixed_value(total[k]);
    metrics_derive(row);
    r->summary->welfare += row[METRIC_WELFARE];
    r->summary->revenue += row[METRIC_REVENUE];
    r->summary->clicks += row[METRIC_CLICKS];
}

/* The data of one snapshot field: a state array, or a derived one in scratch. */
static const double *field_data(run *r, agent_field f, uint64_t t)
{
    const agent_state *a = &r->pop.state;
    double *x = r->scratch;
    switch (f) {
    case FIELD_VALUE:
        return a->value;
    case FIELD_SPEND:
        return a->spend;
    case FIELD_CLICKS:
        return a->clicks;
    case FIELD_BUDGET_LEFT:
        if (a->budget_left)
            return a->budget_left;
        for (size_t i = 0; i < a->n; i++)
            x[i] = INFINITY;
        return x;
    case FIELD_BID:
        for (size_t i = 0; i < a->n; i++)
            x[i] = population_bid(&r->pop, i, t + 1);
        return x;
    case FIELD_UTILITY:
        for (size_t i = 0; i < a->n; i++)
            x[i] = a->value[i] * a->clicks[i] - a->spend[i];
        return x;
    case FIELD_COUNT:
        break;
    }
    return NULL;
}

static agora_status snapshot(run *r, uint64_t t, agora_error *err)
{
    uint64_t every = r->s->output.snapshot_every;
    if (every == 0 || (t + 1) % every != 0)
        return AGORA_OK;
    uint64_t index = (t + 1) / every - 1;
    const agent_state *a = &r->pop.state;
    agora_status st = AGORA_OK;
    for (int f = 0; f < FIELD_COUNT && st == AGORA_OK; f++)
        st = output_write_field(r->out, (agent_field)f, index, a->first_id, a->n,
                                field_data(r, (agent_field)f, t), err);
    if (st == AGORA_OK)
        st = output_write_snapshot_round(r->out, index, t, err);
    return agree(st, err, r->comm);
}

static agora_status play(run *r, const run_options *opt, agora_error *err)
{
    const scenario *s = r->s;
    progress bar;
    progress_start(&bar, (r->rank == 0 && !opt->quiet) ? stderr : NULL, s->rounds);
    fixed_sum local[METRIC_SUMMED], total[METRIC_SUMMED];
    for (uint64_t t = 0; t < s->rounds; t++) {
        agora_status st = market_round(&r->market, t, local, err);
        if (st == AGORA_OK)
            st = reduce_fixed_sums(local, total, METRIC_SUMMED, r->comm, err);
        if (st != AGORA_OK)
            return agree(st, err, r->comm);
        if (r->rank == 0)
            record_row(r, total);
        r->n_rows++;
        phase_end(&r->clock, PHASE_REDUCE);
        if (r->n_rows == OUTPUT_METRIC_BATCH || t + 1 == s->rounds)
            st = flush_metrics(r, err);
        if (st == AGORA_OK)
            st = snapshot(r, t, err);
        phase_end(&r->clock, PHASE_WRITE);
        if (st != AGORA_OK)
            return st;
        progress_update(&bar, t + 1);
    }
    progress_finish(&bar);
    return AGORA_OK;
}

/* Linux reports ru_maxrss in KiB. */
static double peak_rss_max(MPI_Comm comm)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    double mine = (double)u.ru_maxrss * 1024.0, most = 0.0;
    MPI_Reduce(&mine, &most, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    return most;
}

static void release(run *r)
{
    market_free(&r->market);
    population_free(&r->pop);
    free(r->scratch);
    free(r->rows);
}

agora_status engine_run(const scenario *s, const char *scenario_text, const run_options *opt,
                        MPI_Comm comm, run_summary *summary, agora_error *err)
{
    run r;
    memset(&r, 0, sizeof r);
    memset(summary, 0, sizeof *summary);
    r.s = s;
    r.comm = comm;
    r.summary = summary;
    MPI_Comm_rank(comm, &r.rank);
    MPI_Comm_size(comm, &r.ranks);
    double t0 = phase_now();
    agora_status st = start(&r, scenario_text, err);
    double t1 = phase_now();
    if (st == AGORA_OK)
        st = play(&r, opt, err);
    double t2 = phase_now();
    summary->rounds = s->rounds;
    summary->loop_seconds = t2 - t1;
    summary->bid_evaluations = (double)s->market.auctions * (double)s->market.bidders * (double)s->rounds;
    summary->wall_seconds = t2 - t0;
    if (r.out) {
        agora_error close_err;
        agora_status cst = output_close(r.out, st == AGORA_OK, summary->wall_seconds, &close_err);
        if (st == AGORA_OK && cst != AGORA_OK) {
            st = cst;
            *err = close_err;
        }
    }
    summary->wall_seconds = phase_now() - t0;
    release(&r);
    summary->peak_rss_bytes = peak_rss_max(comm);
    MPI_Reduce(r.clock.seconds, summary->phase_seconds, PHASE_COUNT, MPI_DOUBLE, MPI_MAX, 0, comm);
    return st;
}
