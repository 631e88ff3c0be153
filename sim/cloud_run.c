/* Running a cloud auction (family `cloud`): every round a fresh batch of
 * requests meets the persistent resources under one mechanism
 * (mechanisms/pools/cloud.h).
 *
 * Who owns what: requests of a round are split in blocks over ranks (request
 * id = index in the round); resources too, and a resource's state (its price,
 * carried across rounds, and its last utilisation) lives on its block owner
 * only, which applies the price rule. Resource *attributes* are small and
 * fixed, so every rank holds the table read-only (sizeof(cloud_resource) =
 * 64 bytes per resource), and at the start of a round the owners' states are
 * gathered into a read-only view of the round's prices.
 *
 * The allocation is one global scan of (request, resource) pairs in a total
 * order (cloud_scan); to run it exactly with the pairs spread over ranks, the
 * scan is fed in chunks that cover the order without gaps:
 *   1. each rank sorts its requests' candidate pairs;
 *   2. each rank proposes as threshold its CLOUD_CHUNK-th live pair (live: its
 *      request unserved and the pair still fitting the room left), and the
 *      earliest threshold in scan order is taken (Allgather);
 *   3. every rank sends its live pairs up to the threshold to rank 0 (Gatherv),
 *      which merges them, continues the scan, and broadcasts the accepted pairs
 *      in scan order; every rank subtracts them from its copy of the room left
 *      in that order (so all copies agree to the bit) and marks its requests;
 *   4. until no rank has a live pair.
 * A pair that no longer fits the room left can never fit later (room only
 * shrinks), so dropping it locally does not change the scan. The chunks differ
 * with the rank count; the scan, and so the allocation, does not.
 * `optimal` gathers all pairs of the (small) round to rank 0 instead.
 *
 * Sums reaching the output are exact (fixed_sum); the prices are computed by
 * their owners from bit-identical inputs.
 *
 * Checkpoints (sim/family_checkpoint.h): what one round hands to the next is
 * each resource's price and last utilisation, saved by global resource id
 * from their owners (16 bytes per resource), so a run stopped at one rank
 * count resumes at another. Everything else is drawn again: resources from the
 * seed, requests, trace events and the random order keyed by (round, id). A
 * resumed run reopens the .partial output and appends its rows. A trace is
 * read again on resuming: the checkpoint checks its path (in the scenario
 * text), not its contents, so it must not change in between. */
#include "family_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cloud_config.h"
#include "cloud_instance.h"
#include "cloud_trace.h"
#include "collective.h"
#include "family_checkpoint.h"
#include "input_files.h"
#include "partition.h"
#include "peak_memory.h"
#include "progress.h"
#include "run_file.h"
#include "run_metrics.h"

__extension__ typedef unsigned __int128 u128;

/* Live pairs a rank sends per chunk at most; the environment variable
 * AGORA_CLOUD_CHUNK overrides it (tests use tiny chunks to cross many chunk
 * boundaries; the allocation must not change). */
#define CLOUD_CHUNK 65536

enum {
    M_EFFICIENCY,
    M_JAIN,
    M_UTILISATION,
    M_SERVED_FRACTION,
    M_MEAN_PRICE,
    M_REVENUE,
    M_UTILITY,
    M_SERVED,
    M_FEASIBLE,
    M_PAIRS,
    M_COUNT
};

static const metric_info cloud_metrics[M_COUNT] = {
    {"allocation_efficiency", "utility per request",
     "sum of the allocated requests' utilities / requests that had a feasible resource at the "
     "start of the round (0 when none had)"},
    {"jain_index", "1",
     "Jain's index (sum u)^2 / (n sum u^2) of the utilities of all n requests of the round, "
     "unserved ones counting 0 (0 when nothing was allocated)"},
    {"utilisation", "1", "CPU allocated / CPU capacity, over all resources"},
    {"served_fraction", "1", "requests allocated / requests of the round"},
    {"mean_price", "currency per CPU unit", "mean over resources of the round's unit price"},
    {"revenue", "currency",
     "sum of payments: price x CPU demand (first_price: the bid, i.e. the budget)"},
    {"utility", "utility", "sum of the allocated requests' utilities"},
    {"served", "requests", "requests allocated"},
    {"feasible", "requests",
     "requests with at least one resource that could hold them within their budget"},
    {"pairs", "pairs", "candidate (request, resource) pairs the mechanism considered"},
};

enum { S_UTILITY, S_UTILITY_SQ, S_REVENUE, S_SERVED, S_FEASIBLE, S_PAIRS, S_USED, S_CAP,
       S_PRICE, S_COUNT };

typedef struct {
    double k1, k2;
    uint64_t request;
    uint32_t resource;
    int32_t has;
} threshold;

typedef struct {
    const scenario *s;
    const cloud_config *c;
    const run_options *opt;
    const char *text;
    MPI_Comm comm;
    int rank, ranks;
    uint32_t m;
    uint64_t n;
    uint64_t res_lo, res_hi, req_lo, req_hi;

    cloud_resource *res; /* all resources, read-only */
    double *own_price, *own_load; /* owned block: the resources' state */
    double *price, *load;         /* the round's view of every resource */
    double *cpu_left, *mem_left;  /* room left in the round, identical on every rank */
    int *res_counts, *res_displs;

    uint32_t *order, *start, k; /* mohaf clusters */
    cloud_cluster_summary *summary;
    uint32_t *pick;                 /* a request's fitting clusters, best first */
    cloud_cluster_rank *rank_scratch;

    cloud_trace trace;
    int traced;

    cloud_request *req; /* this rank's requests of the round */
    int32_t *got;       /* resource of each, or -1 */
    double *got_u;
    unsigned char *feasible;
    cloud_pair *pairs;
    size_t np, pcap;
    double pairs_round; /* pairs considered in the round, all stages */

    /* chunks */
    cloud_pair *send, *merged, *accepted, *spare;
    size_t send_cap, merged_cap, accepted_cap, spare_cap;
    size_t *run_at;
    threshold *thr;
    int *counts, *displs;
    size_t chunk;
    uint64_t *seen; /* rank 0: requests accepted in the chunk (open addressing) */
    size_t seen_cap;

    run_file *file;
    run_metrics *metrics;
    hid_t price_ds;
    uint64_t snapshots;
    uint64_t first_round; /* 0, or the round a resumed run starts at */
    int checkpoints;      /* written by this process */
    phase_clock clock;
} cloud_run;

static agora_status oom(agora_error *err)
{
    return agora_fail(err, AGORA_EINTERNAL, "out of memory");
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap : 1024;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*buf, cap2 * size);
    if (!p)
        return -1;
    *buf = p;
    *cap = cap2;
    return 0;
}

/* ---- set-up ---------------------------------------------------------------------------- */

static agora_status setup(cloud_run *r, agora_error *err)
{
    const cloud_config *c = r->c;
    r->m = (uint32_t)c->resources;
    r->n = c->per_round;
    const char *chunk = getenv("AGORA_CLOUD_CHUNK");
    r->chunk = chunk && atoi(chunk) > 0 ? (size_t)atoi(chunk) : CLOUD_CHUNK;
    r->res_lo = block_lo(r->m, r->ranks, r->rank);
    r->res_hi = block_lo(r->m, r->ranks, r->rank + 1);
    r->req_lo = block_lo(r->n, r->ranks, r->rank);
    r->req_hi = block_lo(r->n, r->ranks, r->rank + 1);
    size_t m = r->m, own = r->res_hi - r->res_lo, nl = r->req_hi - r->req_lo;
    r->res = malloc(sizeof *r->res * m);
    r->own_price = malloc(sizeof(double) * (own ? own : 1));
    r->own_load = malloc(sizeof(double) * (own ? own : 1));
    r->price = malloc(sizeof(double) * m);
    r->load = malloc(sizeof(double) * m);
    r->cpu_left = malloc(sizeof(double) * m);
    r->mem_left = malloc(sizeof(double) * m);
    r->res_counts = malloc(sizeof(int) * (size_t)r->ranks);
    r->res_displs = malloc(sizeof(int) * (size_t)r->ranks);
    r->counts = malloc(sizeof(int) * (size_t)r->ranks);
    r->displs = malloc(sizeof(int) * (size_t)r->ranks);
    r->thr = malloc(sizeof *r->thr * (size_t)r->ranks);
    r->run_at = malloc(sizeof *r->run_at * ((size_t)r->ranks + 1));
    r->req = malloc(sizeof *r->req * (nl ? nl : 1));
    r->got = malloc(sizeof *r->got * (nl ? nl : 1));
    r->got_u = malloc(sizeof *r->got_u * (nl ? nl : 1));
    r->feasible = malloc(nl ? nl : 1);
    if (!r->res || !r->own_price || !r->own_load || !r->price || !r->load || !r->cpu_left ||
        !r->mem_left || !r->res_counts || !r->res_displs || !r->counts || !r->displs || !r->thr || !r->run_at ||
        !r->req || !r->got || !r->got_u || !r->feasible)
        return oom(err);
    for (uint32_t j = 0; j < r->m; j++)
        cloud_make_resource(c, r->s->seed, j, &r->res[j]);
    for (size_t j = 0; j < own; j++) {
        r->own_price[j] = r->res[r->res_lo + j].cost; /* prices start at cost */
        r->own_load[j] = 0.0;
    }
    for (int q = 0; q < r->ranks; q++) {
        r->res_displs[q] = (int)block_lo(r->m, r->ranks, q);
        r->res_counts[q] = (int)(block_lo(r->m, r->ranks, q + 1) - block_lo(r->m, r->ranks, q));
    }
    if (c->mechanism == CLOUD_MOHAF) {
        r->k = (uint32_t)c->clusters;
        r->order = malloc(sizeof *r->order * m);
        r->start = malloc(sizeof *r->start * (r->k + 1u));
        r->summary = malloc(sizeof *r->summary * r->k);
        r->pick = malloc(sizeof *r->pick * r->k);
        r->rank_scratch = malloc(sizeof *r->rank_scratch * r->k);
        if (!r->order || !r->start || !r->summary || !r->pick || !r->rank_scratch ||
            cloud_cluster(r->res, r->m, r->k, r->order, r->start) != 0)
            return oom(err);
    }
    if (c->trace[0]) {
        r->traced = 1;
        agora_status st = input_file_readable(r->s, "requests.trace", c->trace, err);
        if (st != AGORA_OK)
            return st;
        st = cloud_trace_load(c->trace, r->n, r->s->rounds, r->req_lo, r->req_hi, &r->trace, err);
        if (st == AGORA_EINPUT) { /* the trace's own line, behind the key that named it */
            char line[2 * sizeof err->msg];
            snprintf(line, sizeof line, "%s: requests.trace: %s",
                     scenario_where(r->s, "requests.trace"), err->msg);
            memcpy(err->msg, line, sizeof err->msg - 1);
            err->msg[sizeof err->msg - 1] = '\0';
        }
        return st;
    }
    return AGORA_OK;
}

/* The state a round hands to the next, by global resource id: blocks[0..2). */
static size_t state_blocks(const cloud_run *r, state_block *b)
{
    uint64_t own = r->res_hi - r->res_lo;
    b[0] = (state_block){"cloud_price", r->own_price, r->res_lo, own, r->m, 1, STATE_F64};
    b[1] = (state_block){"cloud_load", r->own_load, r->res_lo, own, r->m, 1, STATE_F64};
    return 2;
}

/* A resumed run: the resources' state and the round to play next. */
static agora_status load_state(cloud_run *r, agora_error *err)
{
    state_block b[2];
    size_t n = state_blocks(r, b);
    return agree(checkpoint_load_state(r->opt->resume, r->text, r->m, b, n, &r->first_round,
                                       r->comm, err),
                 err, r->comm);
}

static agora_status create_output(cloud_run *r, agora_error *err)
{
    agora_status st = agree(run_file_create(&r->file, r->s, r->text, r->comm, err), err, r->comm);
    if (st != AGORA_OK)
        return st;
    st = run_metrics_create(&r->metrics, r->file, cloud_metrics, M_COUNT, r->s->rounds, 0, err);
    if ((st = agree(st, err, r->comm)) != AGORA_OK)
        return st;
    if (r->snapshots) {
        hsize_t dims[2] = {r->snapshots, r->m};
        st = run_file_dataset(r->file, "cloud/price", H5T_NATIVE_DOUBLE, 2, dims,
                              "currency per CPU unit",
                              "unit price of each resource in round (row + 1) x "
                              "output.snapshot_every - 1, before that round's price update",
                              &r->price_ds, err);
    } else {
        st = run_file_group(r->file, "cloud", err);
    }
    return agree(st, err, r->comm);
}

/* The .partial output of the interrupted run, with every dataset a round writes. */
static agora_status reopen_output(cloud_run *r, agora_error *err)
{
    agora_status st =
        agree(run_file_reopen(&r->file, r->s, r->text, r->first_round, r->comm, err), err, r->comm);
    if (st != AGORA_OK)
        return st;
    st = run_metrics_reopen(&r->metrics, r->file, cloud_metrics, M_COUNT, 0, err);
    if (st == AGORA_OK && r->snapshots)
        st = run_file_open_dataset(r->file, "cloud/price", &r->price_ds, err);
    return agree(st, err, r->comm);
}

static agora_status open_output(cloud_run *r, agora_error *err)
{
    uint64_t every = r->s->output.snapshot_every;
    r->snapshots = every ? r->s->rounds / every : 0;
    return r->opt->resume ? reopen_output(r, err) : create_output(r, err);
}

/* ---- one round ------------------------------------------------------------------------- */

/* Gathers the owners' prices and loads into every rank's view of the round. */
static void gather_state(cloud_run *r)
{
    int own = (int)(r->res_hi - r->res_lo);
    MPI_Allgatherv(r->own_price, own, MPI_DOUBLE, r->price, r->res_counts, r->res_displs,
                   MPI_DOUBLE, r->comm);
    MPI_Allgatherv(r->own_load, own, MPI_DOUBLE, r->load, r->res_counts, r->res_displs,
                   MPI_DOUBLE, r->comm);
    for (uint32_t j = 0; j < r->m; j++) {
        r->cpu_left[j] = r->res[j].cpu;
        r->mem_left[j] = r->res[j].mem;
    }
}

static void make_requests(cloud_run *r, uint64_t t)
{
    const cloud_config *c = r->c;
    for (uint64_t g = r->req_lo; g < r->req_hi; g++) {
        cloud_request *q = &r->req[g - r->req_lo];
        if (r->traced) {
            uint64_t e = (uint64_t)(((u128)t * r->n + g) % r->trace.total);
            const cloud_trace_event *ev = cloud_trace_find(&r->trace, e);
            cloud_trace_request(c, r->s->seed, e, ev->cpu, ev->mem, ev->priority, g, q);
        } else {
            cloud_make_request(c, r->s->seed, g, t, q);
        }
        r->got[g - r->req_lo] = -1;
        r->got_u[g - r->req_lo] = 0.0;
    }
}

/* qsort in scan order; qsort may not be passed the NULL of an empty buffer. */
static void sort_pairs(cloud_pair *p, size_t n)
{
    if (n > 1)
        qsort(p, n, sizeof *p, cloud_pair_cmp);
}

static int add_pair(cloud_run *r, const cloud_request *q, uint32_t j, double draw,
                    uint32_t offset)
{
    if (!cloud_pair_feasible(q, &r->res[j], r->price[j]))
        return 0;
    if (grow((void **)&r->pairs, &r->pcap, r->np + 1, sizeof *r->pairs) != 0)
        return -1;
    double u = cloud_utility(q, &r->res[j], r->price[j], r->load[j], &r->c->weights);
    cloud_pair_key(r->c->mechanism, q, j, u, draw, offset, r->m, &r->pairs[r->np++]);
    return 0;
}

/* This rank's feasible flags and (but for mohaf, whose pairs come in stages)
 * its candidate pairs, sorted in scan order. */
static agora_status candidates(cloud_run *r, uint64_t t, agora_error *err)
{
    const cloud_config *c = r->c;
    size_t nl = r->req_hi - r->req_lo;
    r->np = 0;
    r->pairs_round = 0;
    if (c->mechanism == CLOUD_MOHAF)
        cloud_cluster_summarise(r->res, r->price, r->load, r->order, r->start, r->k, r->summary);
    for (size_t a = 0; a < nl; a++) {
        const cloud_request *q = &r->req[a];
        r->feasible[a] = 0;
        for (uint32_t j = 0; j < r->m && !r->feasible[a]; j++)
            r->feasible[a] = (unsigned char)cloud_pair_feasible(q, &r->res[j], r->price[j]);
        if (!r->feasible[a] || c->mechanism == CLOUD_MOHAF)
            continue;
        double draw = 0.0;
        uint32_t offset = 0;
        if (c->mechanism == CLOUD_RANDOM)
            cloud_random_order(r->s->seed, q->id, t, r->m, &draw, &offset);
        for (uint32_t j = 0; j < r->m; j++)
            if (add_pair(r, q, j, draw, offset) != 0)
                return oom(err);
    }
    sort_pairs(r->pairs, r->np);
    r->pairs_round = (double)r->np;
    return AGORA_OK;
}

/* mohaf, stage `stage`: the pairs of every unserved request with the
 * resources of its clusters ranked [stage C, (stage + 1) C), C =
 * clusters_per_request. *more: some request has clusters beyond them. */
static agora_status mohaf_stage(cloud_run *r, uint32_t stage, int *more, agora_error *err)
{
    uint32_t keep = r->c->clusters_kept;
    size_t nl = r->req_hi - r->req_lo;
    r->np = 0;
    *more = 0;
    for (size_t a = 0; a < nl; a++) {
        const cloud_request *q = &r->req[a];
        if (!r->feasible[a] || r->got[a] >= 0)
            continue;
        uint32_t got = cloud_rank_clusters(q, r->summary, r->k, &r->c->weights, r->pick,
                                           r->rank_scratch);
        uint64_t from = (uint64_t)stage * keep, to = from + keep;
        if (to < got)
            *more = 1;
        for (uint64_t b = from; b < to && b < got; b++)
            for (uint32_t at = r->start[r->pick[b]]; at < r->start[r->pick[b] + 1]; at++)
                if (add_pair(r, q, r->order[at], 0.0, 0) != 0)
                    return oom(err);
    }
    sort_pairs(r->pairs, r->np);
    r->pairs_round += (double)r->np;
    return AGORA_OK;
}

static int live(const cloud_run *r, const cloud_pair *p)
{
    return r->got[p->request - r->req_lo] < 0 && p->cpu <= r->cpu_left[p->resource] &&
           p->mem <= r->mem_left[p->resource];
}

static int before_or_at(const cloud_pair *p, const threshold *t)
{
    cloud_pair q = {.k1 = t->k1, .k2 = t->k2, .request = t->request, .resource = t->resource};
    return !cloud_pair_before(&q, p);
}

/* rank 0's set of requests accepted in the current chunk */
static int seen_slot(const cloud_run *r, uint64_t id, int insert)
{
    size_t mask = r->seen_cap - 1, h = (size_t)((id * 0x9E3779B97F4A7C15ULL) >> 17) & mask;
    while (r->seen[h] != UINT64_MAX) {
        if (r->seen[h] == id)
            return 1;
        h = (h + 1) & mask;
    }
    if (insert)
        r->seen[h] = id;
    return 0;
}

typedef struct {
    cloud_run *r;
    size_t n;
} chunk_ctx;

static int chunk_served(void *ctx, uint64_t request)
{
    return seen_slot(((chunk_ctx *)ctx)->r, request, 0);
}

static void chunk_accept(void *ctx, const cloud_pair *p)
{
    chunk_ctx *k = ctx;
    seen_slot(k->r, p->request, 1);
    k->r->accepted[k->n++] = *p;
}

/* Rank 0: merges the chunk's pairs and continues the scan. */
/* Rank 0: the chunk arrives as one sorted run per rank (r->counts); merging
 * them pairwise, log2(ranks) passes, puts it in scan order. */
static agora_status merge_runs(cloud_run *r, size_t total, agora_error *err)
{
    if (grow((void **)&r->spare, &r->spare_cap, total + 1, sizeof *r->spare) != 0)
        return oom(err);
    size_t runs = (size_t)r->ranks;
    for (size_t q = 0; q < runs; q++)
        r->run_at[q] = (size_t)r->displs[q] / sizeof *r->merged;
    r->run_at[runs] = total;
    while (runs > 1) {
        size_t out = 0, kept = 0;
        for (size_t q = 0; q < runs; q += 2) {
            size_t a = r->run_at[q], a_end = r->run_at[q + 1];
            size_t b = a_end, b_end = q + 2 <= runs ? r->run_at[q + 2] : a_end;
            r->run_at[kept++] = out;
            while (a < a_end && b < b_end)
                r->spare[out++] = cloud_pair_before(&r->merged[b], &r->merged[a])
                                      ? r->merged[b++]
                                      : r->merged[a++];
            while (a < a_end)
                r->spare[out++] = r->merged[a++];
            while (b < b_end)
                r->spare[out++] = r->merged[b++];
        }
        r->run_at[kept] = total;
        runs = kept;
        cloud_pair *t = r->merged;
        r->merged = r->spare;
        r->spare = t;
        size_t c = r->merged_cap;
        r->merged_cap = r->spare_cap;
        r->spare_cap = c;
    }
    return AGORA_OK;
}

static agora_status scan_chunk(cloud_run *r, size_t total, size_t *n_acc, agora_error *err)
{
    agora_status st = merge_runs(r, total, err);
    if (st != AGORA_OK)
        return st;
    size_t want = 16;
    while (want < 2 * total)
        want *= 2;
    if (want > r->seen_cap) {
        free(r->seen);
        r->seen = malloc(sizeof *r->seen * want);
        r->seen_cap = r->seen ? want : 0;
        if (!r->seen)
            return oom(err);
    }
    memset(r->seen, 0xff, sizeof *r->seen * r->seen_cap);
    if (grow((void **)&r->accepted, &r->accepted_cap, total, sizeof *r->accepted) != 0)
        return oom(err);
    chunk_ctx k = {r, 0};
    cloud_scan(r->merged, total, r->cpu_left, r->mem_left, chunk_served, chunk_accept, &k);
    *n_acc = k.n;
    return AGORA_OK;
}

/* Every rank: takes the accepted pairs (in scan order) into its room copy and
 * its requests. Rank 0's scan already updated its room. */
static void apply_accepted(cloud_run *r, size_t n_acc)
{
    for (size_t a = 0; a < n_acc; a++) {
        const cloud_pair *p = &r->accepted[a];
        if (r->rank != 0) {
            r->cpu_left[p->resource] -= p->cpu;
            r->mem_left[p->resource] -= p->mem;
        }
        if (p->request >= r->req_lo && p->request < r->req_hi) {
            r->got[p->request - r->req_lo] = (int32_t)p->resource;
            r->got_u[p->request - r->req_lo] = p->utility;
        }
    }
}

/* Gathers `count` pairs of `send` from every rank into r->merged on rank 0. */
static agora_status gather_pairs(cloud_run *r, const cloud_pair *send, size_t count,
                                 size_t *total, agora_error *err)
{
    int bytes = (int)(count * sizeof *send);
    MPI_Gather(&bytes, 1, MPI_INT, r->counts, 1, MPI_INT, 0, r->comm);
    agora_status st = AGORA_OK;
    *total = 0;
    if (r->rank == 0) {
        size_t sum = 0;
        for (int q = 0; q < r->ranks; q++) {
            r->displs[q] = (int)sum;
            sum += (size_t)r->counts[q];
        }
        *total = sum / sizeof *send;
        if (sum > (size_t)2147483647)
            st = agora_fail(err, AGORA_EINTERNAL, "a round's pairs exceed one message");
        else if (grow((void **)&r->merged, &r->merged_cap, *total + 1, sizeof *r->merged) != 0)
            st = oom(err);
    }
    if ((st = agree(st, err, r->comm)) != AGORA_OK)
        return st;
    MPI_Gatherv(send, bytes, MPI_BYTE, r->merged, r->counts, r->displs, MPI_BYTE, 0, r->comm);
    return AGORA_OK;
}

static agora_status broadcast_accepted(cloud_run *r, size_t *n_acc, agora_error *err)
{
    unsigned long long n = *n_acc;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, r->comm);
    agora_status st = AGORA_OK;
    if (grow((void **)&r->accepted, &r->accepted_cap, (size_t)n + 1, sizeof *r->accepted) != 0)
        st = oom(err);
    if ((st = agree(st, err, r->comm)) != AGORA_OK)
        return st;
    MPI_Bcast(r->accepted, (int)(n * sizeof *r->accepted), MPI_BYTE, 0, r->comm);
    *n_acc = (size_t)n;
    apply_accepted(r, *n_acc);
    return AGORA_OK;
}

/* The greedy mechanisms: the global scan, fed in chunks (see the top). */
typedef struct {
    cloud_run *r;
} local_ctx;

static int local_served(void *ctx, uint64_t request)
{
    const cloud_run *r = ((local_ctx *)ctx)->r;
    return r->got[request - r->req_lo] >= 0;
}

static void local_accept(void *ctx, const cloud_pair *p)
{
    cloud_run *r = ((local_ctx *)ctx)->r;
    r->got[p->request - r->req_lo] = (int32_t)p->resource;
    r->got_u[p->request - r->req_lo] = p->utility;
}

static agora_status allocate_scan(cloud_run *r, agora_error *err)
{
    if (r->ranks == 1) { /* one chunk holding every pair: the same scan, no copies */
        local_ctx k = {r};
        cloud_scan(r->pairs, r->np, r->cpu_left, r->mem_left, local_served, local_accept, &k);
        return AGORA_OK;
    }
    size_t cursor = 0;
    for (;;) {
        threshold mine = {0};
        size_t seen = 0;
        for (size_t a = cursor; a < r->np && seen < r->chunk; a++)
            if (live(r, &r->pairs[a])) {
                const cloud_pair *p = &r->pairs[a];
                mine = (threshold){p->k1, p->k2, p->request, p->resource, 1};
                seen++;
            }
        MPI_Allgather(&mine, (int)sizeof mine, MPI_BYTE, r->thr, (int)sizeof mine, MPI_BYTE,
                      r->comm);
        /* the earliest proposal in scan order: no rank has more than CLOUD_CHUNK
         * live pairs up to it, and the rank that proposed it has at least one */
        threshold *t = NULL;
        cloud_pair pt = {0};
        for (int q = 0; q < r->ranks; q++) {
            const threshold *c = &r->thr[q];
            cloud_pair pc = {.k1 = c->k1, .k2 = c->k2, .request = c->request,
                             .resource = c->resource};
            if (c->has && (!t || cloud_pair_before(&pc, &pt))) {
                t = &r->thr[q];
                pt = pc;
            }
        }
        if (!t)
            return AGORA_OK; /* no live pair anywhere: the scan is over */
        threshold cut = *t;
        size_t count = 0;
        agora_status st = AGORA_OK;
        if (grow((void **)&r->send, &r->send_cap, r->chunk + 1, sizeof *r->send) != 0)
            st = oom(err);
        if ((st = agree(st, err, r->comm)) != AGORA_OK)
            return st;
        while (cursor < r->np && before_or_at(&r->pairs[cursor], &cut)) {
            if (live(r, &r->pairs[cursor]))
                r->send[count++] = r->pairs[cursor];
            cursor++;
        }
        size_t total, n_acc = 0;
        if ((st = gather_pairs(r, r->send, count, &total, err)) != AGORA_OK)
            return st;
        if (r->rank == 0)
            st = scan_chunk(r, total, &n_acc, err);
        if ((st = agree(st, err, r->comm)) != AGORA_OK)
            return st;
        if ((st = broadcast_accepted(r, &n_acc, err)) != AGORA_OK)
            return st;
    }
}

static agora_status allocate_scan(cloud_run *r, agora_error *err);

/* mohaf: the scan over the best clusters, then over the next ones for the
 * requests left unserved, until no request has clusters left. Each stage is a
 * complete global scan, so stages keep the result independent of ranks. */
static agora_status allocate_mohaf(cloud_run *r, agora_error *err)
{
    for (uint32_t stage = 0;; stage++) {
        int more = 0, any = 0;
        agora_status st = agree(mohaf_stage(r, stage, &more, err), err, r->comm);
        if (st != AGORA_OK)
            return st;
        if ((st = allocate_scan(r, err)) != AGORA_OK)
            return st;
        MPI_Allreduce(&more, &any, 1, MPI_INT, MPI_MAX, r->comm);
        if (!any)
            return AGORA_OK;
    }
}

/* `optimal`: every pair of the round on rank 0, solved there. */
static agora_status allocate_optimal(cloud_run *r, agora_error *err)
{
    size_t total, n_acc = 0;
    agora_status st = gather_pairs(r, r->pairs, r->np, &total, err);
    if (st != AGORA_OK)
        return st;
    if (r->rank == 0 && total) {
        double min_cpu = r->merged[0].cpu, min_mem = r->merged[0].mem;
        for (size_t a = 1; a < total; a++) {
            if (r->merged[a].cpu < min_cpu)
                min_cpu = r->merged[a].cpu;
            if (r->merged[a].mem < min_mem)
                min_mem = r->merged[a].mem;
        }
        uint32_t *slots = malloc(sizeof *slots * r->m);
        int32_t *assign = malloc(sizeof *assign * (size_t)r->n);
        if (!slots || !assign ||
            grow((void **)&r->accepted, &r->accepted_cap, (size_t)r->n + 1,
                 sizeof *r->accepted) != 0) {
            st = oom(err);
        } else {
            uint64_t cols = 0;
            for (uint32_t j = 0; j < r->m; j++)
                cols += slots[j] = cloud_slots(&r->res[j], min_cpu, min_mem, (uint32_t)r->n);
            sort_pairs(r->merged, total);
            if (cloud_optimal((uint32_t)r->n, r->m, slots, r->merged, total, r->cpu_left,
                              r->mem_left, assign, r->accepted, &n_acc) != 0)
                st = agora_fail(err, AGORA_EINPUT,
                                "%s: mechanism.name: optimal: %llu requests x %llu resource "
                                "slots exceed the solver's limit (%llu pairs, %u slots)",
                                scenario_where(r->s, "mechanism.name"),
                                (unsigned long long)r->n, (unsigned long long)cols,
                                (unsigned long long)CLOUD_OPTIMAL_MAX_PAIRS,
                                CLOUD_OPTIMAL_MAX_COLUMNS);
        }
        free(slots);
        free(assign);
    }
    if ((st = agree(st, err, r->comm)) != AGORA_OK)
        return st;
    return broadcast_accepted(r, &n_acc, err);
}

/* Payments, utilities and the resources' new prices; the round's sums. */
static void settle(cloud_run *r, fixed_sum *sum)
{
    size_t nl = r->req_hi - r->req_lo;
    memset(sum, 0, sizeof *sum * S_COUNT);
    for (size_t a = 0; a < nl; a++) {
        const cloud_request *q = &r->req[a];
        fixed_add(&sum[S_FEASIBLE], r->feasible[a]);
        if (r->got[a] < 0)
            continue;
        double u = r->got_u[a];
        fixed_add(&sum[S_UTILITY], u);
        fixed_add(&sum[S_UTILITY_SQ], u * u);
        fixed_add(&sum[S_SERVED], 1.0);
        fixed_add(&sum[S_REVENUE], r->c->mechanism == CLOUD_FIRST_PRICE
                                       ? q->budget
                                       : cloud_cost(q, r->price[r->got[a]]));
    }
    fixed_add(&sum[S_PAIRS], r->pairs_round);
    for (uint64_t j = r->res_lo; j < r->res_hi; j++) {
        const cloud_resource *res = &r->res[j];
        double used = res->cpu - r->cpu_left[j];
        double u = used / res->cpu;
        fixed_add(&sum[S_USED], used);
        fixed_add(&sum[S_CAP], res->cpu);
        fixed_add(&sum[S_PRICE], r->price[j]);
        r->own_price[j - r->res_lo] =
            cloud_price_next(r->own_price[j - r->res_lo], u, res->cost, &r->c->price);
        r->own_load[j - r->res_lo] = u;
    }
}

static void metric_row(const cloud_run *r, const fixed_sum *total, double *row)
{
    double v[S_COUNT];
    for (int k = 0; k < S_COUNT; k++)
        v[k] = fixed_value(total[k]);
    double n = (double)r->n;
    row[M_EFFICIENCY] = v[S_FEASIBLE] > 0 ? v[S_UTILITY] / v[S_FEASIBLE] : 0.0;
    row[M_JAIN] = cloud_jain(v[S_UTILITY], v[S_UTILITY_SQ], n);
    row[M_UTILISATION] = v[S_CAP] > 0 ? v[S_USED] / v[S_CAP] : 0.0;
    row[M_SERVED_FRACTION] = v[S_SERVED] / n;
    row[M_MEAN_PRICE] = v[S_PRICE] / (double)r->m;
    row[M_REVENUE] = v[S_REVENUE];
    row[M_UTILITY] = v[S_UTILITY];
    row[M_SERVED] = v[S_SERVED];
    row[M_FEASIBLE] = v[S_FEASIBLE];
    row[M_PAIRS] = v[S_PAIRS];
}

static agora_status snapshot(cloud_run *r, uint64_t t, agora_error *err)
{
    uint64_t every = r->s->output.snapshot_every;
    if (!every || (t + 1) % every != 0 || (t + 1) / every > r->snapshots)
        return AGORA_OK;
    return agree(run_file_write(r->file, r->price_ds, H5T_NATIVE_DOUBLE,
                                (int64_t)((t + 1) / every - 1), r->res_lo, r->res_hi - r->res_lo,
                                r->price + r->res_lo, err),
                 err, r->comm);
}

/* After round `done`: a checkpoint when asked, then the stop. */
static agora_status round_ended(cloud_run *r, uint64_t done, int *stop, agora_error *err)
{
    round_end e = family_round_end(r->s, r->opt, done, r->comm);
    *stop = e.stop;
    if (!e.checkpoint)
        return AGORA_OK;
    state_block b[2];
    size_t n = state_blocks(r, b);
    agora_status st = family_checkpoint(r->s, r->text, r->metrics, r->file, done, r->m, b, n,
                                        r->comm, err);
    if (st == AGORA_OK)
        r->checkpoints++;
    return st;
}

/* means[] sums rank 0's rows of the rounds this process plays: after a resume,
 * the summary describes this part of the run (as the position engine's does);
 * the whole run's rows are in /metrics. */
static agora_status play(cloud_run *r, run_summary *summary, double means[4], agora_error *err)
{
    progress bar;
    progress_start(&bar, (r->rank == 0 && !r->opt->quiet) ? stderr : NULL, r->s->rounds,
                   r->first_round);
    agora_status st = AGORA_OK;
    for (uint64_t t = r->first_round; t < r->s->rounds; t++) {
        phase_begin(&r->clock);
        gather_state(r);
        make_requests(r, t);
        phase_end(&r->clock, PHASE_SAMPLE);
        st = agree(candidates(r, t, err), err, r->comm);
        phase_end(&r->clock, PHASE_BID);
        if (st == AGORA_OK)
            st = r->c->mechanism == CLOUD_OPTIMAL ? allocate_optimal(r, err)
                 : r->c->mechanism == CLOUD_MOHAF ? allocate_mohaf(r, err)
                                                  : allocate_scan(r, err);
        phase_end(&r->clock, PHASE_ALLOCATE);
        if (st != AGORA_OK)
            return st;
        fixed_sum sum[S_COUNT], total[S_COUNT];
        settle(r, sum);
        phase_end(&r->clock, PHASE_SETTLE);
        st = reduce_fixed_sums(sum, total, S_COUNT, r->comm, err);
        int bad = 0;
        for (int k = 0; k < S_COUNT && r->rank == 0; k++)
            bad |= fixed_out_of_range(total[k]);
        if (st == AGORA_OK && bad)
            st = agora_fail(err, AGORA_EINPUT, "round %llu: a sum left the exact range",
                            (unsigned long long)t);
        if ((st = agree(st, err, r->comm)) != AGORA_OK)
            return st;
        double row[M_COUNT] = {0};
        if (r->rank == 0) {
            metric_row(r, total, row);
            means[0] += row[M_EFFICIENCY];
            means[1] += row[M_JAIN];
            means[2] += row[M_SERVED_FRACTION];
            means[3] += row[M_REVENUE];
        }
        phase_end(&r->clock, PHASE_REDUCE);
        summary->rounds_done = t + 1;
        st = agree(run_metrics_add(r->metrics, t, row, 0, err), err, r->comm);
        if (st == AGORA_OK)
            st = snapshot(r, t, err);
        int stop = 0;
        if (st == AGORA_OK)
            st = round_ended(r, t + 1, &stop, err);
        phase_end(&r->clock, PHASE_WRITE);
        if (st != AGORA_OK)
            return st;
        progress_update(&bar, t + 1);
        if (stop)
            return AGORA_STOPPED; /* the checkpoint flushed the rows */
    }
    progress_finish(&bar);
    return agree(run_metrics_flush(r->metrics, err), err, r->comm);
}

static void release(cloud_run *r)
{
    if (r->metrics)
        run_metrics_free(r->metrics);
    free(r->res);
    free(r->own_price);
    free(r->own_load);
    free(r->price);
    free(r->load);
    free(r->cpu_left);
    free(r->mem_left);
    free(r->res_counts);
    free(r->res_displs);
    free(r->order);
    free(r->start);
    free(r->summary);
    free(r->pick);
    free(r->rank_scratch);
    cloud_trace_free(&r->trace);
    free(r->req);
    free(r->got);
    free(r->got_u);
    free(r->feasible);
    free(r->pairs);
    free(r->send);
    free(r->merged);
    free(r->spare);
    free(r->run_at);
    free(r->accepted);
    free(r->thr);
    free(r->counts);
    free(r->displs);
    free(r->seen);
}

/* Closes the output: renamed when finished (then the checkpoint is dropped),
 * kept as .partial when stopped or when a checkpoint can take the run on. */
static agora_status finish(cloud_run *r, agora_status st, double wall, agora_error *err)
{
    if (!r->file)
        return st;
    run_metrics_free(r->metrics);
    r->metrics = NULL;
    agora_error close_err;
    run_file_end end = family_file_end(st, r->opt->resume || r->checkpoints);
    agora_status cst = run_file_close(r->file, end, wall, &close_err);
    r->file = NULL;
    if (st == AGORA_OK && cst != AGORA_OK) {
        *err = close_err;
        return cst;
    }
    if (st == AGORA_OK)
        family_drop_checkpoint(r->s, r->rank);
    return st;
}

agora_status cloud_run_family(const scenario *s, const char *text, const run_options *opt,
                              MPI_Comm comm, run_summary *summary, agora_error *err);

agora_status cloud_run_family(const scenario *s, const char *text, const run_options *opt,
                              MPI_Comm comm, run_summary *summary, agora_error *err)
{
    double start = phase_now();
    memset(summary, 0, sizeof *summary);
    cloud_run r = {0};
    r.s = s;
    r.c = s->family_config;
    r.opt = opt;
    r.text = text;
    r.comm = comm;
    MPI_Comm_rank(comm, &r.rank);
    MPI_Comm_size(comm, &r.ranks);
    double means[4] = {0};
    agora_status st = agree(setup(&r, err), err, comm);
    if (st == AGORA_OK && opt->resume)
        st = load_state(&r, err);
    summary->first_round = r.first_round;
    summary->rounds_done = r.first_round;
    if (st == AGORA_OK)
        st = open_output(&r, err);
    double loop = phase_now();
    if (st == AGORA_OK)
        st = play(&r, summary, means, err);
    summary->loop_seconds = phase_now() - loop;
    summary->wall_seconds = phase_now() - start;
    st = finish(&r, st, summary->wall_seconds, err);
    uint64_t played = summary->rounds_done - r.first_round;
    double rounds = (double)(played ? played : 1);
    snprintf(summary->family_lines, sizeof summary->family_lines,
             "  mechanism             %s, %llu requests x %u resources per round\n"
             "  allocation_efficiency %.6g (mean over the rounds played)\n"
             "  jain_index            %.6g (mean)\n"
             "  served_fraction       %.6g (mean)\n"
             "  revenue               %.6g (mean per round)\n",
             cloud_mechanism_names[r.c->mechanism], (unsigned long long)r.c->per_round, r.m,
             means[0] / rounds, means[1] / rounds, means[2] / rounds, means[3] / rounds);
    summary->work_unit = "allocations";
    summary->work_done = (double)played * (double)r.c->per_round;
    summary->peak_rss_bytes = peak_memory_max(comm);
    MPI_Reduce(r.clock.seconds, summary->phase_seconds, PHASE_COUNT, MPI_DOUBLE, MPI_MAX, 0, comm);
    release(&r);
    return st;
}
