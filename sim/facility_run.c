/* A run of the facility location family (`family: facility`), at one of two
 * scales (population.scale):
 *   instances  `instances` independent groups of `agents` agents; each rank owns
 *              a block of whole instances (partition.h) and their agents'
 *              peaks and reports, sorts each instance and runs the mechanism.
 *   giant      one instance whose agents are split over the ranks in blocks; the
 *              outcome's order statistics come from the exact distributed
 *              selection (facility_select.h), the mean from an exact fixed-point
 *              sum; no rank ever holds all reports.
 * One round t, per instance (the giant instance likewise, with reductions):
 *   1. t > 0: peaks take a random-walk step (population.drift)
 *   2. reports: truthful agents report their peak; with best_response, at t = 0
 *      everyone reports truthfully and at t > 0 each agent revises with
 *      probability `fraction`, to a best response to the others' reports of
 *      round t - 1 (all revisions are simultaneous)
 *   3. the mechanism places the facility from the reports
 *   4. checks against the true peaks: costs, welfare, optimum (the median of
 *      the peaks), IFS, UFS and PF violations (mechanisms/facility/check.c)
 *   5. probes: probes.agents sampled agents per instance (giant: in all) search
 *      for a profitable misreport given the others' current reports
 *   6. metrics reduced exactly (fixed sums, integer counts, max), written to
 *      /metrics; facility locations to /facility/location [round, instance]
 * The giant instance checks UFS and PF more cheaply (documented in
 * docs/hdf5-layout.md): UFS with exact multiplicities at 0 and 1 only (other
 * locations count as unshared), PF with groups made of whole bins of 1/1024
 * plus the ties at 0 and 1 (a violation it reports is real; it may miss some).
 * Checkpoints (family_checkpoint.h): a stop request, or every
 * output.checkpoint_every rounds, saves the state one round hands to the next,
 * by global agent id (state_blocks below), so --resume continues at any rank
 * count, appending to the .partial output, with datasets bit-identical to an
 * uninterrupted run. Everything else is drawn from streams keyed by round. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "collective.h"
#include "facility_config.h"
#include "facility_select.h"
#include "family_checkpoint.h"
#include "family_run.h"
#include "partition.h"
#include "peak_memory.h"
#include "progress.h"
#include "run_file.h"
#include "run_metrics.h"

#define PF_BINS 1024

enum { S_COST, S_WELFARE, S_OPT, S_MISREPORT, N_SUMS };
enum { C_IFS, C_UFS, C_PF, N_COUNTS };
enum { X_MAXCOST, X_GAIN, N_MAXES };

enum {
    M_TOTAL_COST, M_WELFARE, M_MAX_COST, M_OPT_COST, M_IFS, M_UFS, M_PF, M_SP_GAIN,
    M_WELFARE_RATIO, M_COST_RATIO, M_MISREPORT, N_METRICS
};

static const metric_info facility_metrics[N_METRICS] = {
    {"total_cost", "distance", "sum over all agents of |peak - facility|"},
    {"social_welfare", "utility", "sum over all agents of 1 - |peak - facility|"},
    {"max_cost", "distance", "largest |peak - facility| of any agent"},
    {"optimal_cost", "distance",
     "least total cost: sum of |peak - m|, m the ceil(n/2)-th smallest peak of the instance"},
    {"ifs_violations", "agents", "agents whose cost exceeds 1 - 1/n (Individual Fair Share)"},
    {"ufs_violations", "agents",
     "agents whose cost exceeds 1 - k/n, k the agents at their exact location (Unanimous Fair "
     "Share); giant scale: k exact at 0 and 1 only"},
    {"pf_violations", "agents",
     "agents in some group of k agents within a range r whose cost exceeds 1 - k/n + r "
     "(Proportional Fairness); giant scale: groups of whole 1/1024 bins and ties at 0 and 1"},
    {"sp_max_gain", "distance",
     "largest cost reduction a probed agent gets by misreporting, over the grid and the "
     "reports next to the outcome, others' reports fixed (0 without probes)"},
    {"welfare_ratio", "ratio",
     "optimal welfare / social_welfare, summed over instances (>= 1; 1 is optimal)"},
    {"cost_ratio", "ratio", "total_cost / optimal_cost, summed over instances (>= 1)"},
    {"mean_misreport", "distance", "mean over agents of |report - peak|"},
};

typedef struct {
    const scenario *s;
    const facility_config *c;
    const char *text; /* resolved scenario */
    const run_options *opt;
    MPI_Comm comm;
    int rank, ranks;
    uint64_t lo, count;   /* owned instances (giant: owned agents of the one instance) */
    uint64_t n_local;     /* agents held here */
    uint64_t first_agent; /* global id of the first */
    double *peak, *report;
    facility_nbhd *prev;  /* last round's neighbourhood per owned instance (giant: one) */
    double *sorted, *sorted_peaks, *scratch; /* instances: one instance's worth */
    double *location;     /* per owned instance (giant: one) */
    run_file *file;
    run_metrics *metrics;
    hid_t loc_ds;
    phase_clock clock;
    run_summary *summary;
    uint64_t first_round; /* 0, or the round a resumed run starts from */
    int checkpoints;      /* written by this run */
    /* this round's local contributions */
    fixed_sum sums[N_SUMS];
    uint64_t counts[N_COUNTS];
    double maxes[N_MAXES];
    double last_row[N_METRICS];
} frun;

/* This rank's agents with their round-0 peaks and truthful reports. */
static agora_status start(frun *r, agora_error *err)
{
    const facility_config *c = r->c;
    uint64_t units = c->giant ? c->agents : c->instances;
    r->lo = block_lo(units, r->ranks, r->rank);
    r->count = block_lo(units, r->ranks, r->rank + 1) - r->lo;
    r->n_local = c->giant ? r->count : r->count * c->agents;
    r->first_agent = c->giant ? r->lo : r->lo * c->agents;
    size_t nl = r->n_local ? r->n_local : 1, per = c->giant ? 1 : c->agents;
    size_t inst = c->giant ? 1 : (r->count ? r->count : 1);
    r->peak = malloc(nl * sizeof *r->peak);
    r->report = malloc(nl * sizeof *r->report);
    r->prev = calloc(inst, sizeof *r->prev);
    r->location = calloc(inst, sizeof *r->location);
    r->sorted = malloc(per * sizeof *r->sorted);
    r->sorted_peaks = malloc(per * sizeof *r->sorted_peaks);
    r->scratch = malloc(per * sizeof *r->scratch);
    agora_status st = AGORA_OK;
    if (!r->peak || !r->report || !r->prev || !r->location || !r->sorted || !r->sorted_peaks ||
        !r->scratch)
        st = agora_fail(err, AGORA_EINTERNAL, "out of memory for %llu agents",
                        (unsigned long long)r->n_local);
    for (uint64_t i = 0; st == AGORA_OK && i < r->n_local; i++)
        r->report[i] = r->peak[i] = facility_peak_draw(&c->peaks, r->s->seed, r->first_agent + i);
    return agree(st, err, r->comm);
}

static agora_status create_output(frun *r, agora_error *err)
{
    agora_status st = agree(run_file_create(&r->file, r->s, r->text, r->comm, err), err, r->comm);
    if (st != AGORA_OK)
        return st;
    st = run_metrics_create(&r->metrics, r->file, facility_metrics, N_METRICS, r->s->rounds, 0,
                            err);
    hsize_t dims[2] = {r->s->rounds, r->c->instances};
    if (st == AGORA_OK)
        st = run_file_dataset(r->file, "facility/location", H5T_IEEE_F64LE, 2, dims, "position",
                              "facility location of each instance after each round, in [0, 1]",
                              &r->loc_ds, err);
    return agree(st, err, r->comm);
}

/* The .partial output of the rounds before the checkpoint, to append to. */
static agora_status reopen_output(frun *r, agora_error *err)
{
    agora_status st =
        agree(run_file_reopen(&r->file, r->s, r->text, r->first_round, r->comm, err), err, r->comm);
    if (st != AGORA_OK)
        return st;
    st = run_metrics_reopen(&r->metrics, r->file, facility_metrics, N_METRICS, 0, err);
    if (st == AGORA_OK)
        st = run_file_open_dataset(r->file, "facility/location", &r->loc_ds, err);
    return agree(st, err, r->comm);
}

static void reset_round(frun *r)
{
    memset(r->sums, 0, sizeof r->sums);
    memset(r->counts, 0, sizeof r->counts);
    r->maxes[X_MAXCOST] = 0.0;
    r->maxes[X_GAIN] = 0.0;
}

/* Steps 1-2 for agents [i0, i0 + n) (local indices) of one instance. */
static void move_agents(frun *r, uint64_t i0, uint64_t n, const facility_nbhd *prev, uint64_t t)
{
    const facility_config *c = r->c;
    uint64_t seed = r->s->seed;
    for (uint64_t i = i0; i < i0 + n; i++) {
        uint64_t id = r->first_agent + i;
        if (t > 0)
            r->peak[i] = facility_drift(r->peak[i], c->drift, seed, id, t);
        if (c->behaviour == FACILITY_TRUTHFUL || t == 0)
            r->report[i] = r->peak[i];
        else if (facility_moves(c->fraction, seed, id, t))
            r->report[i] = facility_best_response(c->mech, prev, r->report[i], r->peak[i],
                                                  c->probe_grid);
    }
}

/* ---- instances -------------------------------------------------------------- */

static void instance_round(frun *r, uint64_t k, uint64_t t)
{
    const facility_config *c = r->c;
    uint64_t n = c->agents, i0 = k * n, inst = r->lo + k;
    move_agents(r, i0, n, &r->prev[k], t);
    memcpy(r->sorted, r->report + i0, n * sizeof *r->sorted);
    facility_sort(r->sorted, n);
    facility_nbhd h;
    facility_neighbourhood(c->mech, &c->params, r->sorted, n, &h);
    double y = facility_outcome(c->mech, &h);
    r->prev[k] = h;
    r->location[k] = y;
    memcpy(r->sorted_peaks, r->peak + i0, n * sizeof *r->sorted_peaks);
    facility_sort(r->sorted_peaks, n);
    facility_check ck;
    facility_check_sorted(r->sorted_peaks, n, y, r->scratch, &ck);
    double mis = 0.0;
    for (uint64_t i = i0; i < i0 + n; i++)
        mis += fabs(r->report[i] - r->peak[i]);
    fixed_add(&r->sums[S_COST], ck.total_cost);
    fixed_add(&r->sums[S_WELFARE], ck.welfare);
    fixed_add(&r->sums[S_OPT], ck.opt_cost);
    fixed_add(&r->sums[S_MISREPORT], mis);
    r->counts[C_IFS] += ck.ifs;
    r->counts[C_UFS] += ck.ufs;
    r->counts[C_PF] += ck.pf;
    r->maxes[X_MAXCOST] = fmax(r->maxes[X_MAXCOST], ck.max_cost);
    for (uint64_t j = 0; j < c->probe_agents; j++) {
        uint64_t a = i0 + facility_probe_pick(n, r->s->seed, inst * c->probe_agents + j, t);
        double g = facility_gain(c->mech, &h, r->report[a], r->peak[a], c->probe_grid);
        r->maxes[X_GAIN] = fmax(r->maxes[X_GAIN], g);
    }
}

/* ---- giant ------------------------------------------------------------------- */

/* The instance's neighbourhood: distributed selection, or the exact sum. */
static void giant_outcome(frun *r, const double *v, facility_nbhd *h)
{
    const facility_config *c = r->c;
    memset(h, 0, sizeof *h);
    h->n = c->agents;
    if (c->mech->rule == FACILITY_MEAN) {
        fixed_sum local = {0}, total = {0};
        for (uint64_t i = 0; i < r->n_local; i++)
            fixed_add(&local, v[i]);
        agora_error ignored;
        reduce_fixed_sums(&local, &total, 1, r->comm, &ignored);
        h->sum = fixed_value(total);
        MPI_Bcast(&h->sum, 1, MPI_DOUBLE, 0, r->comm);
        h->at = h->sum / (double)h->n;
        h->below = -INFINITY;
        h->above = INFINITY;
        return;
    }
    facility_extra x = {c->mech, &c->params, c->agents};
    facility_select_neighbourhood(v, r->n_local, c->mech->rank(c->agents, &c->params), &x,
                                  r->comm, h);
}

/* PF lower bounds per bin from the global bin counts (see the file comment):
 * best[b] = max over bins p <= b <= q of (agents in p..q)/n - (q - p + 1)/B. */
static void pf_bounds(const uint64_t *bins, double n, double *best)
{
    double pre[PF_BINS], run = -INFINITY, cum = 0.0;
    for (int p = 0; p < PF_BINS; p++) { /* max over p' <= p of p'/B - S_p'/n */
        double v = (double)p / PF_BINS - cum / n;
        run = v > run ? v : run;
        pre[p] = run;
        cum += (double)bins[p];
    }
    run = -INFINITY;
    for (int q = PF_BINS - 1; q >= 0; q--) { /* max over q' >= q of S_(q'+1)/n - (q'+1)/B */
        double v = cum / n - (double)(q + 1) / PF_BINS;
        run = v > run ? v : run;
        best[q] = pre[q] + run;
        cum -= (double)bins[q];
    }
}

static int pf_bin(double x)
{
    int b = (int)(x * PF_BINS);
    return b < PF_BINS ? b : PF_BINS - 1;
}

static void giant_round(frun *r, uint64_t t)
{
    const facility_config *c = r->c;
    double n = (double)c->agents;
    move_agents(r, 0, r->n_local, &r->prev[0], t);
    phase_end(&r->clock, PHASE_BID);
    facility_nbhd h;
    giant_outcome(r, r->report, &h);
    double y = facility_outcome(c->mech, &h);
    r->prev[0] = h;
    r->location[0] = y;
    phase_end(&r->clock, PHASE_ALLOCATE);
    facility_extra none = {NULL, NULL, 0};
    double med = facility_select(r->peak, r->n_local, (c->agents + 1) / 2, &none, r->comm);
    uint64_t local[PF_BINS + 2] = {0}, global[PF_BINS + 2];
    for (uint64_t i = 0; i < r->n_local; i++) {
        double x = r->peak[i];
        local[pf_bin(x)]++;
        local[PF_BINS] += x == 0.0;
        local[PF_BINS + 1] += x == 1.0;
    }
    MPI_Allreduce(local, global, PF_BINS + 2, MPI_UINT64_T, MPI_SUM, r->comm);
    double best[PF_BINS];
    pf_bounds(global, n, best);
    for (uint64_t i = 0; i < r->n_local; i++) {
        double x = r->peak[i], cost = fabs(x - y);
        double m = x == 0.0 ? (double)global[PF_BINS] : x == 1.0 ? (double)global[PF_BINS + 1] : 1.0;
        fixed_add(&r->sums[S_COST], cost);
        fixed_add(&r->sums[S_WELFARE], 1.0 - cost);
        fixed_add(&r->sums[S_OPT], fabs(x - med));
        fixed_add(&r->sums[S_MISREPORT], fabs(r->report[i] - x));
        r->maxes[X_MAXCOST] = fmax(r->maxes[X_MAXCOST], cost);
        r->counts[C_IFS] += cost > 1.0 - 1.0 / n + FACILITY_TOL;
        r->counts[C_UFS] += cost > 1.0 - m / n + FACILITY_TOL;
        double b = fmax(best[pf_bin(x)], m / n);
        r->counts[C_PF] += cost > 1.0 - b + FACILITY_TOL;
    }
    for (uint64_t j = 0; j < c->probe_agents; j++) {
        uint64_t a = facility_probe_pick(c->agents, r->s->seed, j, t);
        if (a < r->lo || a >= r->lo + r->count)
            continue;
        a -= r->lo;
        double g = facility_gain(c->mech, &h, r->report[a], r->peak[a], c->probe_grid);
        r->maxes[X_GAIN] = fmax(r->maxes[X_GAIN], g);
    }
}

/* ---- checkpoints ------------------------------------------------------------- */

static uint64_t agents_total(const frun *r)
{
    return r->c->instances * r->c->agents;
}

static void add_block(const frun *r, state_block *b, const char *name, double *data)
{
    memset(b, 0, sizeof *b);
    snprintf(b->name, sizeof b->name, "%s", name);
    b->data = data;
    b->first = r->first_agent;
    b->count = r->n_local;
    b->total = agents_total(r);
    b->per_agent = 1;
    b->type = STATE_F64;
}

/* What a round hands to the next that no keyed stream gives back, by global
 * agent id: the peaks once they drift (8 bytes per agent; fixed peaks are
 * drawn again) and, under best_response, the reports (8 bytes per agent; a
 * truthful report is the peak). Last round's neighbourhoods follow from the
 * reports (restore_neighbourhoods); drift steps, revisions and probes are keyed
 * by round. The list depends on the scenario alone, which the load checks. */
static size_t state_blocks(const frun *r, state_block b[2])
{
    size_t n = 0;
    if (r->c->drift > 0.0)
        add_block(r, &b[n++], "peak", r->peak);
    if (r->c->behaviour == FACILITY_BEST_RESPONSE)
        add_block(r, &b[n++], "report", r->report);
    return n;
}

/* Last round's neighbourhoods, which this round's best responses answer,
 * computed from the restored reports as that round computed them (the giant
 * instance's selection and fixed sum give the same bits at any rank count).
 * Truthful agents never read them. Collective at giant scale. */
static void restore_neighbourhoods(frun *r)
{
    const facility_config *c = r->c;
    if (c->behaviour != FACILITY_BEST_RESPONSE)
        return;
    if (c->giant) {
        giant_outcome(r, r->report, &r->prev[0]);
        return;
    }
    for (uint64_t k = 0; k < r->count; k++) {
        memcpy(r->sorted, r->report + k * c->agents, c->agents * sizeof *r->sorted);
        facility_sort(r->sorted, c->agents);
        facility_neighbourhood(c->mech, &c->params, r->sorted, c->agents, &r->prev[k]);
    }
}

static agora_status save_state(frun *r, uint64_t done, agora_error *err)
{
    state_block b[2];
    size_t n = state_blocks(r, b);
    agora_status st = family_checkpoint(r->s, r->text, r->metrics, r->file, done, agents_total(r),
                                        b, n, r->comm, err);
    if (st == AGORA_OK)
        r->checkpoints++;
    return st;
}

/* The state at the start of the checkpoint's round, over the round-0 state
 * that start() drew, then the output of the rounds before it. */
static agora_status resume(frun *r, agora_error *err)
{
    state_block b[2];
    size_t n = state_blocks(r, b);
    agora_status st = checkpoint_load_state(r->opt->resume, r->text, agents_total(r), b, n,
                                            &r->first_round, r->comm, err);
    if ((st = agree(st, err, r->comm)) != AGORA_OK)
        return st;
    restore_neighbourhoods(r);
    return reopen_output(r, err);
}

/* ---- metrics ----------------------------------------------------------------- */

static double ratio(double num, double den)
{
    if (den > 0.0)
        return num / den;
    return num > 0.0 ? INFINITY : 1.0;
}

static agora_status reduce_round(frun *r, uint64_t t, agora_error *err)
{
    fixed_sum sums[N_SUMS];
    uint64_t counts[N_COUNTS] = {0};
    double maxes[N_MAXES] = {0};
    agora_status st = reduce_fixed_sums(r->sums, sums, N_SUMS, r->comm, err);
    MPI_Reduce(r->counts, counts, N_COUNTS, MPI_UINT64_T, MPI_SUM, 0, r->comm);
    MPI_Reduce(r->maxes, maxes, N_MAXES, MPI_DOUBLE, MPI_MAX, 0, r->comm);
    double *row = r->last_row;
    if (r->rank == 0 && st == AGORA_OK) {
        for (int k = 0; k < N_SUMS; k++)
            if (fixed_out_of_range(sums[k]))
                st = agora_fail(err, AGORA_EINPUT, "round %llu: a metric sum is out of range",
                                (unsigned long long)t);
        double agents = (double)r->c->instances * (double)r->c->agents;
        row[M_TOTAL_COST] = fixed_value(sums[S_COST]);
        row[M_WELFARE] = fixed_value(sums[S_WELFARE]);
        row[M_OPT_COST] = fixed_value(sums[S_OPT]);
        row[M_MAX_COST] = maxes[X_MAXCOST];
        row[M_IFS] = (double)counts[C_IFS];
        row[M_UFS] = (double)counts[C_UFS];
        row[M_PF] = (double)counts[C_PF];
        row[M_SP_GAIN] = maxes[X_GAIN];
        row[M_WELFARE_RATIO] = ratio(agents - row[M_OPT_COST], row[M_WELFARE]);
        row[M_COST_RATIO] = ratio(row[M_TOTAL_COST], row[M_OPT_COST]);
        row[M_MISREPORT] = fixed_value(sums[S_MISREPORT]) / agents;
    }
    if ((st = agree(st, err, r->comm)) != AGORA_OK)
        return st;
    phase_end(&r->clock, PHASE_REDUCE);
    st = run_metrics_add(r->metrics, t, row, 0, err);
    uint64_t lo = r->c->giant ? 0 : r->lo;
    uint64_t cnt = r->c->giant ? (r->rank == 0) : r->count;
    if (st == AGORA_OK)
        st = run_file_write(r->file, r->loc_ds, H5T_NATIVE_DOUBLE, (int64_t)t, lo, cnt,
                            r->location, err);
    st = agree(st, err, r->comm);
    phase_end(&r->clock, PHASE_WRITE);
    return st;
}

static agora_status play(frun *r, agora_error *err)
{
    const scenario *s = r->s;
    progress bar;
    progress_start(&bar, (r->rank == 0 && !r->opt->quiet) ? stderr : NULL, s->rounds,
                   r->first_round);
    phase_begin(&r->clock);
    for (uint64_t t = r->first_round; t < s->rounds; t++) {
        reset_round(r);
        if (r->c->giant) {
            giant_round(r, t);
        } else {
            for (uint64_t k = 0; k < r->count; k++)
                instance_round(r, k, t);
            phase_end(&r->clock, PHASE_ALLOCATE);
        }
        phase_end(&r->clock, PHASE_SETTLE);
        agora_status st = reduce_round(r, t, err);
        if (st != AGORA_OK)
            return st;
        uint64_t done = t + 1;
        r->summary->rounds_done = done;
        progress_update(&bar, done);
        round_end e = family_round_end(s, r->opt, done, r->comm);
        if (e.checkpoint && (st = save_state(r, done, err)) != AGORA_OK)
            return st;
        phase_end(&r->clock, PHASE_WRITE);
        if (e.stop)
            return AGORA_STOPPED;
    }
    progress_finish(&bar);
    return agree(run_metrics_flush(r->metrics, err), err, r->comm);
}

static void summarise(const frun *r, run_summary *sum)
{
    const facility_config *c = r->c;
    const double *row = r->last_row;
    if (c->giant)
        snprintf(sum->family_lines, sizeof sum->family_lines,
                 "  mechanism %s, one instance of %llu agents (giant)\n"
                 "  location  %.17g (last round)\n"
                 "  ratios    welfare %.6g, cost %.6g (last round)\n"
                 "  fairness  ifs %.0f, ufs %.0f, pf %.0f violations (last round)\n"
                 "  sp gain   %.6g (last round)\n",
                 c->mech->name, (unsigned long long)c->agents, r->location[0],
                 row[M_WELFARE_RATIO], row[M_COST_RATIO], row[M_IFS], row[M_UFS], row[M_PF],
                 row[M_SP_GAIN]);
    else
        snprintf(sum->family_lines, sizeof sum->family_lines,
                 "  mechanism %s, %llu instances x %llu agents\n"
                 "  ratios    welfare %.6g, cost %.6g (last round)\n"
                 "  fairness  ifs %.0f, ufs %.0f, pf %.0f violations (last round)\n"
                 "  sp gain   %.6g (last round)\n",
                 c->mech->name, (unsigned long long)c->instances, (unsigned long long)c->agents,
                 row[M_WELFARE_RATIO], row[M_COST_RATIO], row[M_IFS], row[M_UFS], row[M_PF],
                 row[M_SP_GAIN]);
    sum->work_unit = c->giant ? "agents" : "instances";
    double played = (double)(sum->rounds_done - sum->first_round);
    sum->work_done = played * (c->giant ? (double)c->agents : (double)c->instances);
}

static void release(frun *r)
{
    run_metrics_free(r->metrics);
    free(r->peak);
    free(r->report);
    free(r->prev);
    free(r->location);
    free(r->sorted);
    free(r->sorted_peaks);
    free(r->scratch);
}

agora_status facility_run(const scenario *s, const char *text, const run_options *opt,
                          MPI_Comm comm, run_summary *summary, agora_error *err);

agora_status facility_run(const scenario *s, const char *text, const run_options *opt,
                          MPI_Comm comm, run_summary *summary, agora_error *err)
{
    frun r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.c = s->family_config;
    r.text = text;
    r.opt = opt;
    r.comm = comm;
    r.summary = summary;
    MPI_Comm_rank(comm, &r.rank);
    MPI_Comm_size(comm, &r.ranks);
    double t0 = phase_now();
    agora_status st = start(&r, err);
    if (st == AGORA_OK)
        st = opt->resume ? resume(&r, err) : create_output(&r, err);
    summary->first_round = r.first_round;
    double t1 = phase_now();
    if (st == AGORA_OK)
        st = play(&r, err);
    double t2 = phase_now();
    summary->loop_seconds = t2 - t1;
    if (r.file) {
        /* A failure after a checkpoint keeps the .partial: it can be resumed. */
        run_file_end end = family_file_end(st, opt->resume || r.checkpoints);
        agora_error close_err;
        agora_status cst = run_file_close(r.file, end, phase_now() - t0, &close_err);
        if (st == AGORA_OK && cst != AGORA_OK) {
            *err = close_err;
            st = cst;
        }
    }
    if (st == AGORA_OK)
        family_drop_checkpoint(s, r.rank);
    summary->wall_seconds = phase_now() - t0;
    if (st == AGORA_OK)
        summarise(&r, summary);
    release(&r);
    summary->peak_rss_bytes = peak_memory_max(comm);
    MPI_Reduce(r.clock.seconds, summary->phase_seconds, PHASE_COUNT, MPI_DOUBLE, MPI_MAX, 0, comm);
    return st;
}
