/* The round loop of a run; see engine.h. */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "big_alloc.h"
#include "checkpoint.h"
#include "collective.h"
#include "output.h"
#include "partition.h"
#include "peak_memory.h"
#include "population.h"
#include "progress.h"
#include "round.h"

typedef struct {
    const scenario *s;
    const char *text; /* resolved scenario */
    const run_options *opt;
    MPI_Comm comm;
    int rank, ranks;
    population pop;
    market market;
    output *out;
    uint64_t first_round;
    double *rows;       /* rank 0: metric rows not yet written */
    uint64_t *digests;  /* rank 0: their state digests */
    uint64_t first_row; /* round of rows[0] */
    uint64_t n_rows;
    uint64_t digest;    /* state digest over all ranks after the last round */
    int checkpoints;    /* written by this process */
    double *scratch;    /* one piece of a derived snapshot field */
    size_t piece;       /* agents per piece: the scratch's length */
    uint64_t pieces;    /* collective writes per derived field, the same on every rank */
    run_summary *summary;
    phase_clock clock;
} run;

static agora_status check_rank_count(const run *r, agora_error *err)
{
    /* Without population.agents the count is the values list's length, and
     * population.agents is located at that list. */
    const char *where = scenario_where(r->s, "population.agents");
    const char *key = r->s->population.value.kind == DIST_LIST &&
                              strcmp(where, scenario_where(r->s, "population.values")) == 0
                          ? "population.values"
                          : "population.agents";
    if ((uint64_t)r->ranks > r->s->population.agents)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: %s: %llu agents cannot be spread over %d ranks "
                          "(each rank must own at least one agent)",
                          where, key, (unsigned long long)r->s->population.agents, r->ranks);
    return AGORA_OK;
}

/* Derived snapshot fields (bid, utility, multiplier, ...) are computed and written
 * SNAPSHOT_PIECE agents at a time, so their scratch is 1 MiB instead of 8 bytes
 * per agent (763 MiB at 1e8 agents). 2^17 is the datasets' chunk length
 * (sim/run_file.c); on 1e7 agents it wrote as fast as 2^16 and faster than 2^20
 * (BENCHMARKS.md, "Memory per agent"). Every rank makes as many collective
 * writes as the largest block needs, empty ones past its own end. Compressed
 * output keeps one write per field: a deflated chunk split between two writes
 * would be read back, inflated and deflated again. AGORA_SNAPSHOT_PIECE
 * (agents, > 0) overrides the size so that tests can split small populations. */
#define SNAPSHOT_PIECE ((size_t)1 << 17)

static void plan_pieces(run *r)
{
    uint64_t agents = r->s->population.agents, ranks = (uint64_t)r->ranks;
    uint64_t largest = (agents + ranks - 1) / ranks;
    const char *env = getenv("AGORA_SNAPSHOT_PIECE");
    uint64_t piece = env && strtoull(env, NULL, 10) > 0 ? strtoull(env, NULL, 10) : SNAPSHOT_PIECE;
    if (r->s->output.compress > 0 || piece > largest)
        piece = largest;
    r->piece = (size_t)piece;
    r->pieces = (largest + piece - 1) / piece;
}

/* The population, from the scenario's streams, then, when resuming, its
 * mutable state from the checkpoint. */
static agora_status build_population(run *r, agora_error *err)
{
    const scenario *s = r->s;
    uint64_t lo = block_lo(s->population.agents, r->ranks, r->rank);
    uint64_t hi = block_lo(s->population.agents, r->ranks, r->rank + 1);
    agora_status st = population_init(&r->pop, s, lo, hi - lo, err);
    if (st == AGORA_OK) {
        plan_pieces(r);
        r->scratch = r->s->output.snapshot_every ? malloc(r->piece * sizeof *r->scratch) : NULL;
        r->rows = malloc(OUTPUT_METRIC_BATCH * METRIC_COUNT * sizeof *r->rows);
        r->digests = malloc(OUTPUT_METRIC_BATCH * sizeof *r->digests);
        if ((s->output.snapshot_every && !r->scratch) || !r->rows || !r->digests)
            st = agora_fail(err, AGORA_EINTERNAL, "out of memory");
        /* Touched now, not in the first snapshot: there the faults of its
         * 256 pages took 2.7 ms of the 11 ms that writing 1e6 agents' fields
         * took on a VM (~10 us a page; BENCHMARKS.md, issue 11). */
        else if (r->scratch)
            touch_pages(r->scratch, r->piece * sizeof *r->scratch);
    }
    st = agree(st, err, r->comm);
    if (st != AGORA_OK || !r->opt->resume)
        return st;
    return checkpoint_read(r->opt->resume, s, r->text, &r->pop, &r->first_round, &r->digest,
                           r->comm, err);
}

static agora_status start(run *r, agora_error *err)
{
    agora_status st = check_rank_count(r, err);
    if (st != AGORA_OK)
        return st; /* the same on every rank: no agreement needed */
    st = build_population(r, err);
    if (st == AGORA_OK)
        st = agree(market_init(&r->market, r->s, &r->pop, &r->clock, r->comm, err), err, r->comm);
    if (st != AGORA_OK)
        return st;
    r->first_row = r->first_round;
    double opened = phase_now();
    if (r->opt->resume)
        st = agree(output_reopen(&r->out, r->s, r->text, r->first_round, r->comm, err), err,
                   r->comm);
    else
        st = agree(output_open(&r->out, r->s, r->text, r->comm, err), err, r->comm);
    if (st == AGORA_OK && !r->opt->resume)
        st = agree(output_write_population(r->out, &r->pop, err), err, r->comm);
    r->summary->open_seconds = phase_now() - opened;
    return st;
}

static agora_status flush_metrics(run *r, agora_error *err)
{
    if (r->n_rows == 0)
        return AGORA_OK;
    agora_status st =
        output_write_metrics(r->out, r->first_row, r->n_rows, r->rows, r->digests, err);
    r->first_row += r->n_rows;
    r->n_rows = 0;
    return agree(st, err, r->comm);
}

/* Totals of the round over all ranks: exact sums to rank 0, the state digest
 * to every rank (a checkpoint records it). */
static agora_status reduce_round(run *r, const fixed_sum local[METRIC_SUMMED], agora_error *err)
{
    fixed_sum total[METRIC_SUMMED];
    agora_status st = reduce_fixed_sums(local, total, METRIC_SUMMED, r->comm, err);
    if (st != AGORA_OK)
        return st;
    MPI_Allreduce(&r->market.digest, &r->digest, 1, MPI_UINT64_T, MPI_SUM, r->comm);
    /* Maxima are exact under any reduction order: MPI_MAX keeps the bits. */
    double maxima[METRIC_MAXIMA] = {r->market.probe.max_gain}, top[METRIC_MAXIMA] = {0};
    if (r->s->probes.auctions)
        MPI_Reduce(maxima, top, METRIC_MAXIMA, MPI_DOUBLE, MPI_MAX, 0, r->comm);
    for (int k = 0; r->rank == 0 && k < METRIC_SUMMED && st == AGORA_OK; k++)
        if (fixed_out_of_range(total[k]))
            st = agora_fail(err, AGORA_EINPUT,
                            "%s: round %llu: %s is beyond the range of exact sums (|sum| < 3.9e25, "
                            "or a term was not finite): values, budgets or clicks are too large",
                            r->s->source, (unsigned long long)(r->first_row + r->n_rows),
                            metric_table[k].name);
    if (st != AGORA_OK)
        return st;
    if (r->rank == 0) {
        double *row = r->rows + r->n_rows * METRIC_COUNT;
        for (int k = 0; k < METRIC_SUMMED; k++)
            row[k] = fixed_value(total[k]);
        for (int k = METRIC_SUMMED; k < METRIC_MAXED; k++)
            row[k] = top[k - METRIC_SUMMED];
        metrics_derive(row);
        r->digests[r->n_rows] = r->digest;
        r->summary->welfare += row[METRIC_WELFARE];
        r->summary->revenue += row[METRIC_REVENUE];
        r->summary->clicks += row[METRIC_CLICKS];
    }
    r->n_rows++;
    return AGORA_OK;
}

#define BID_BLOCK 1024

/* A snapshot field the state holds as an array, or NULL for a derived one (or
 * one stored interleaved, like spend and clicks). The answer depends on the
 * scenario alone, so every rank writes it the same way. */
static const double *state_field(const agent_state *a, agent_field f)
{
    switch (f) {
    case FIELD_VALUE:
        return a->value;
    case FIELD_BUDGET_LEFT:
        return a->budget_left;
    default:
        return NULL;
    }
}

/* x[0..n) = derived field f of local agents [lo, lo + n). */
static void derive_field(run *r, agent_field f, uint64_t t, size_t lo, size_t n, double *x)
{
    const agent_state *a = &r->pop.state;
    switch (f) {
    case FIELD_BUDGET_LEFT: /* no budgets: unlimited */
        for (size_t i = 0; i < n; i++)
            x[i] = INFINITY;
        break;
    case FIELD_BID:
        /* Through population_bids: one call per block, not per agent. */
        for (size_t b = 0; b < n; b += BID_BLOCK) {
            uint32_t index[BID_BLOCK];
            size_t m = n - b < BID_BLOCK ? n - b : BID_BLOCK;
            for (size_t j = 0; j < m; j++)
                index[j] = (uint32_t)(lo + b + j);
            population_bids(&r->pop, index, m, t + 1, x + b);
        }
        break;
    case FIELD_SPEND:
        for (size_t i = 0; i < n; i++)
            x[i] = *agent_spend(a, lo + i);
        break;
    case FIELD_CLICKS:
        for (size_t i = 0; i < n; i++)
            x[i] = *agent_clicks(a, lo + i);
        break;
    case FIELD_UTILITY:
        for (size_t i = 0; i < n; i++)
            x[i] = a->value[lo + i] * *agent_clicks(a, lo + i) - *agent_spend(a, lo + i);
        break;
    case FIELD_MULTIPLIER:
        for (size_t i = 0; i < n; i++)
            x[i] = population_multiplier(&r->pop, lo + i, t + 1);
        break;
    case FIELD_REGRET:
        for (size_t i = 0; i < n; i++)
            x[i] = population_regret(&r->pop, lo + i);
        break;
    default:
        break;
    }
}

/* Field f of snapshot `index`: a state array in one collective write, a derived
 * field in r->pieces of them (see plan_pieces). */
static agora_status write_field(run *r, agent_field f, uint64_t index, uint64_t t,
                                agora_error *err)
{
    const agent_state *a = &r->pop.state;
    const double *data = state_field(a, f);
    if (data)
        return output_write_field(r->out, f, index, a->first_id, a->n, data, err);
    agora_status st = AGORA_OK;
    for (uint64_t k = 0; k < r->pieces && st == AGORA_OK; k++) {
        size_t lo = k * r->piece < a->n ? (size_t)(k * r->piece) : a->n;
        size_t n = a->n - lo < r->piece ? a->n - lo : r->piece;
        derive_field(r, f, t, lo, n, r->scratch);
        /* An empty write still takes part in the collective call; its start
         * stays inside the dataset. */
        uint64_t first = a->first_id + (n ? lo : 0);
        st = agree(output_write_field(r->out, f, index, first, n, r->scratch, err), err, r->comm);
    }
    return st;
}

static agora_status snapshot(run *r, uint64_t t, agora_error *err)
{
    uint64_t every = r->s->output.snapshot_every;
    if (every == 0 || (t + 1) % every != 0)
        return AGORA_OK;
    uint64_t index = (t + 1) / every - 1;
    agora_status st = AGORA_OK;
    /* Agreed after every write: with compression the writes are collective,
     * and a rank going on to the next one after another rank's write failed
     * waited for it forever (2 ranks on a full disk). */
    for (int f = 0; f < FIELD_COUNT && st == AGORA_OK; f++)
        if (r->s->output.fields & FIELD_BIT(f))
            st = agree(write_field(r, (agent_field)f, index, t, err), err, r->comm);
    if (st == AGORA_OK)
        st = output_write_snapshot_round(r->out, index, t, err);
    return agree(st, err, r->comm);
}

/* Every rank stops after the same round: a signal may reach ranks at different
 * times, so each round they agree on whether any rank saw one. */
static int stop_now(const run *r, uint64_t done)
{
    const run_options *opt = r->opt;
    int mine = (opt->stop_requested && *opt->stop_requested) ||
               (opt->stop_after && done == opt->stop_after);
    int any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, r->comm);
    return any;
}

/* Everything written before the checkpoint is made durable first, so the
 * partial output and the checkpoint agree on where the run stands. */
static agora_status write_checkpoint(run *r, uint64_t done, agora_error *err)
{
    agora_status st = flush_metrics(r, err);
    if (st == AGORA_OK)
        st = agree(output_save(r->out, done, err), err, r->comm);
    if (st == AGORA_OK)
        st = checkpoint_write(r->s->output.checkpoint, r->s, r->text, done, r->digest, &r->pop,
                              r->comm, err);
    if (st == AGORA_OK)
        r->checkpoints++;
    return st;
}

static agora_status play(run *r, agora_error *err)
{
    const scenario *s = r->s;
    progress bar;
    progress_start(&bar, (r->rank == 0 && !r->opt->quiet) ? stderr : NULL, s->rounds,
                   r->first_round);
    fixed_sum local[METRIC_SUMMED];
    uint64_t every = s->output.checkpoint_every;
    for (uint64_t t = r->first_round; t < s->rounds; t++) {
        agora_status st = market_round(&r->market, t, local, err);
        if (st == AGORA_OK)
            st = reduce_round(r, local, err);
        /* Only rank 0 sees the totals: every rank must learn if they failed. */
        if ((st = agree(st, err, r->comm)) != AGORA_OK)
            return st;
        phase_end(&r->clock, PHASE_REDUCE);
        uint64_t done = t + 1;
        r->summary->rounds_done = done;
        int last = done == s->rounds, stop = !last && stop_now(r, done);
        int checkpoint = !last && (stop || (every && done % every == 0));
        if (r->n_rows == OUTPUT_METRIC_BATCH || last)
            st = flush_metrics(r, err);
        if (st == AGORA_OK)
            st = snapshot(r, t, err);
        if (st == AGORA_OK && checkpoint)
            st = write_checkpoint(r, done, err);
        phase_end(&r->clock, PHASE_WRITE);
        if (st != AGORA_OK)
            return st;
        progress_update(&bar, done);
        if (stop)
            return AGORA_STOPPED;
    }
    progress_finish(&bar);
    return AGORA_OK;
}

/* A finished run renames its output and drops its checkpoint; a stopped one, or
 * a failed one that can still be resumed, keeps the .partial file. */
static agora_status finish(run *r, agora_status st, agora_error *err)
{
    if (!r->out)
        return st;
    output_end end = OUTPUT_FINISH;
    if (st == AGORA_STOPPED || (st != AGORA_OK && (r->opt->resume || r->checkpoints)))
        end = OUTPUT_SUSPEND;
    else if (st != AGORA_OK)
        end = OUTPUT_DISCARD;
    agora_error close_err;
    double closing = phase_now();
    agora_status cst = output_close(r->out, end, r->summary->wall_seconds, &close_err);
    r->summary->close_seconds = phase_now() - closing;
    r->out = NULL;
    if (st == AGORA_OK && cst != AGORA_OK) {
        *err = close_err;
        return cst;
    }
    if (st == AGORA_OK && r->rank == 0)
        remove(r->s->output.checkpoint);
    return st;
}

static void release(run *r)
{
    market_free(&r->market);
    population_free(&r->pop);
    free(r->scratch);
    free(r->rows);
    free(r->digests);
}

agora_status engine_run(const scenario *s, const char *scenario_text, const run_options *opt,
                        MPI_Comm comm, run_summary *summary, agora_error *err)
{
    run r;
    memset(&r, 0, sizeof r);
    memset(summary, 0, sizeof *summary);
    r.s = s;
    r.text = scenario_text;
    r.opt = opt;
    r.comm = comm;
    r.summary = summary;
    MPI_Comm_rank(comm, &r.rank);
    MPI_Comm_size(comm, &r.ranks);
    double t0 = phase_now();
    agora_status st = start(&r, err);
    summary->first_round = r.first_round;
    double t1 = phase_now();
    if (st == AGORA_OK)
        st = play(&r, err);
    double t2 = phase_now();
    uint64_t played = summary->rounds_done > r.first_round ? summary->rounds_done - r.first_round : 0;
    summary->loop_seconds = t2 - t1;
    summary->bid_evaluations =
        (double)s->market.auctions * (double)s->market.bidders * (double)played;
    summary->wall_seconds = t2 - t0;
    uint64_t keyed[2] = {r.market.keyed_auctions, r.market.keyed_candidates}, all_keyed[2] = {0};
    st = finish(&r, st, err);
    summary->wall_seconds = phase_now() - t0;
    release(&r);
    summary->peak_rss_bytes = peak_memory_max(comm);
    MPI_Reduce(r.clock.seconds, summary->phase_seconds, PHASE_COUNT, MPI_DOUBLE, MPI_MAX, 0, comm);
    /* Every rank's auctions: several ranks on one node rank by keys too. */
    MPI_Reduce(keyed, all_keyed, 2, MPI_UINT64_T, MPI_SUM, 0, comm);
    if (all_keyed[0])
        summary->candidates_per_auction = (double)all_keyed[1] / (double)all_keyed[0];
    return st;
}
