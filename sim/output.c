/* Parallel HDF5 output of one run; see output.h and docs/hdf5-layout.md. */
#include "output.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "durable.h"
#include "h5_attr.h"
#include "version.h"

/* Chunks of about 1 MiB: large enough for efficient collective I/O and
 * compression, small enough that reading a sample of agents stays cheap. */
#define AGENT_CHUNK ((hsize_t)1 << 17)
#define METRIC_CHUNK ((hsize_t)OUTPUT_METRIC_BATCH)

static const struct {
    const char *name, *units, *description;
} field_table[FIELD_COUNT] = {
    [FIELD_VALUE] = {"value", "value units per click", "the agent's private per-click value"},
    [FIELD_BID] = {"bid", "value units per click",
                   "the per-click bid the agent would place next round (0 once its budget is spent)"},
    [FIELD_SPEND] = {"spend", "value units", "total charged to the agent so far"},
    [FIELD_UTILITY] = {"utility", "value units", "value * clicks - spend: what the agent gained so far"},
    [FIELD_BUDGET_LEFT] = {"budget_left", "value units",
                           "remaining budget (+inf for agents without a budget)"},
    [FIELD_CLICKS] = {"clicks", "clicks", "clicks received so far"},
    [FIELD_MULTIPLIER] = {"multiplier", "1",
                          "the agent's current bid multiplier (bid / value): expected under a "
                          "learner's distribution, after pacing; bid / value otherwise"},
    [FIELD_REGRET] = {"regret", "value units",
                      "Hedge: best fixed grid bid's counterfactual utility in hindsight minus the "
                      "agent's own, summed over its auctions; 0 for other behaviours"},
};

struct output {
    MPI_Comm comm;
    int rank, ranks;
    hid_t file, dxpl;
    hid_t metric[METRIC_COUNT];
    hid_t digest;
    hid_t field[FIELD_COUNT];
    hid_t snapshot_round, group;
    uint64_t agents, rounds, snapshots;
    char tmp_path[SCENARIO_PATH_MAX + 16];
    char final_path[SCENARIO_PATH_MAX];
    double *column; /* one metric's rows, rank 0 */
};

static void now_iso8601(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}



static hid_t create_dataset(hid_t parent, const char *name, hid_t type, int rank,
                            const hsize_t *dims, const hsize_t *chunk, int compress,
                            const char *units, const char *description)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    if (compress > 0)
        H5Pset_deflate(dcpl, (unsigned)compress);
    hid_t ds = H5Dcreate2(parent, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (ds >= 0 && (h5_put_string(ds, "units", units) < 0 ||
                    h5_put_string(ds, "description", description) < 0)) {
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

/* Rank 0 tries the partial name with plain stdio first: HDF5's own failure
 * says nothing a user can act on, errno does. */
static agora_status probe_writable(output *o, const scenario *s, agora_error *err)
{
    agora_status st = AGORA_OK;
    if (o->rank == 0) {
        FILE *f = fopen(o->tmp_path, "wb");
        if (!f)
            st = agora_fail(err, AGORA_EINPUT, "%s: output.path: cannot create '%s': %s",
                            scenario_where(s, "output.path"), o->tmp_path, strerror(errno));
        else
            fclose(f);
    }
    int code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, 0, o->comm);
    if (code != AGORA_OK)
        MPI_Bcast(err->msg, sizeof err->msg, MPI_CHAR, 0, o->comm);
    return (agora_status)code;
}

static agora_status create_layout(output *o, const scenario *s, const char *text,
                                  agora_error *err)
{
    char started[32];
    if (o->rank == 0)
        now_iso8601(started);
    MPI_Bcast(started, sizeof started, MPI_CHAR, 0, o->comm);
    int32_t ranks = o->ranks, layout = OUTPUT_LAYOUT_VERSION;
    hid_t root = o->file;
    if (h5_put_string(root, "format", "agora run") < 0 ||
        h5_put_number(root, "layout_version", H5T_NATIVE_INT32, &layout) < 0 ||
        h5_put_string(root, "version", AGORA_VERSION) < 0 ||
        h5_put_string(root, "scenario", text) < 0 ||
        h5_put_string(root, "source", s->source) < 0 ||
        h5_put_number(root, "seed", H5T_NATIVE_UINT64, &s->seed) < 0 ||
        h5_put_number(root, "ranks", H5T_NATIVE_INT32, &ranks) < 0 ||
        h5_put_string(root, "started", started) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot write the root attributes", o->tmp_path);

    hid_t metrics = H5Gcreate2(root, "metrics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t mdims[1] = {o->rounds};
    hsize_t mchunk[1] = {o->rounds < METRIC_CHUNK ? o->rounds : METRIC_CHUNK};
    for (int k = 0; k < METRIC_COUNT; k++)
        o->metric[k] = create_dataset(metrics, metric_table[k].name, H5T_IEEE_F64LE, 1, mdims,
                                      mchunk, s->output.compress, metric_table[k].units,
                                      metric_table[k].description);
    o->digest = create_dataset(metrics, "state_digest", H5T_STD_U64LE, 1, mdims, mchunk,
                               s->output.compress, "hash",
                               "64-bit digest of every agent's state after the round, combined "
                               "independently of the rank count: the first round where two runs "
                               "differ is the first where their digests differ (agora diff)");
    H5Gclose(metrics);

    hid_t pop = H5Gcreate2(root, "population", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t gdims[1] = {o->agents};
    hsize_t gchunk[1] = {o->agents < AGENT_CHUNK ? o->agents : AGENT_CHUNK};
    o->group = create_dataset(pop, "group", H5T_STD_U8LE, 1, gdims, gchunk, s->output.compress,
                              "index", "the agent's behaviour group: index into the scenario's `agents` list");
    H5Gclose(pop);

    hid_t agents = H5Gcreate2(root, "agents", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (o->snapshots > 0) {
        hsize_t adims[2] = {o->snapshots, o->agents};
        hsize_t achunk[2] = {1, gchunk[0]};
        for (int f = 0; f < FIELD_COUNT; f++)
            o->field[f] = create_dataset(agents, field_table[f].name, H5T_IEEE_F64LE, 2, adims,
                                         achunk, s->output.compress, field_table[f].units,
                                         field_table[f].description);
        hsize_t sdims[1] = {o->snapshots};
        o->snapshot_round = create_dataset(agents, "round", H5T_STD_U64LE, 1, sdims, sdims, 0,
                                           "round", "0-based round after which each snapshot was taken");
    }
    H5Gclose(agents);

    int ok = o->group >= 0 && o->digest >= 0 && (o->snapshots == 0 || o->snapshot_round >= 0);
    for (int k = 0; k < METRIC_COUNT; k++)
        ok = ok && o->metric[k] >= 0;
    for (int f = 0; f < FIELD_COUNT && o->snapshots > 0; f++)
        ok = ok && o->field[f] >= 0;
    return ok ? AGORA_OK
              : agora_fail(err, AGORA_EIO, "%s: cannot create the datasets", o->tmp_path);
}

static agora_status output_new(output **out, const scenario *s, MPI_Comm comm, agora_error *err)
{
    output *o = calloc(1, sizeof *o);
    if (!o)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    *out = o;
    o->comm = comm;
    o->file = o->dxpl = o->snapshot_round = o->group = o->digest = -1;
    for (int k = 0; k < METRIC_COUNT; k++)
        o->metric[k] = -1;
    for (int f = 0; f < FIELD_COUNT; f++)
        o->field[f] = -1;
    MPI_Comm_rank(comm, &o->rank);
    MPI_Comm_size(comm, &o->ranks);
    o->agents = s->population.agents;
    o->rounds = s->rounds;
    o->snapshots = s->output.snapshot_every ? s->rounds / s->output.snapshot_every : 0;
    snprintf(o->final_path, sizeof o->final_path, "%s", s->output.path);
    /* A fixed name, not a per-process one, so that a resumed run finds it. */
    snprintf(o->tmp_path, sizeof o->tmp_path, "%s.partial", s->output.path);
    o->dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(o->dxpl, H5FD_MPIO_COLLECTIVE);
    if (o->rank == 0) {
        o->column = malloc(OUTPUT_METRIC_BATCH * sizeof(double));
        if (!o->column)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    }
    return AGORA_OK;
}

agora_status output_open(output **out, const scenario *s, const char *scenario_text,
                         MPI_Comm comm, agora_error *err)
{
    agora_status st = output_new(out, s, comm, err);
    if (st != AGORA_OK)
        return st;
    output *o = *out;
    st = probe_writable(o, s, err);
    if (st != AGORA_OK)
        return st;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    o->file = H5Fcreate(o->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (o->file < 0)
        return agora_fail(err, AGORA_EIO, "%s: output.path: HDF5 cannot create '%s'",
                          scenario_where(s, "output.path"), o->tmp_path);
    return create_layout(o, s, scenario_text, err);
}

static hid_t open_dataset(hid_t file, const char *group, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/%s/%s", group, name);
    return H5Dopen2(file, path, H5P_DEFAULT);
}

agora_status output_reopen(output **out, const scenario *s, MPI_Comm comm, agora_error *err)
{
    agora_status st = output_new(out, s, comm, err);
    if (st != AGORA_OK)
        return st;
    output *o = *out;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    o->file = H5Fopen(o->tmp_path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (o->file < 0)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: cannot resume: the partial output is missing or damaged",
                          o->tmp_path);
    int ok = 1;
    for (int k = 0; k < METRIC_COUNT; k++)
        ok = ok && (o->metric[k] = open_dataset(o->file, "metrics", metric_table[k].name)) >= 0;
    ok = ok && (o->digest = open_dataset(o->file, "metrics", "state_digest")) >= 0;
    ok = ok && (o->group = open_dataset(o->file, "population", "group")) >= 0;
    for (int f = 0; f < FIELD_COUNT && o->snapshots > 0; f++)
        ok = ok && (o->field[f] = open_dataset(o->file, "agents", field_table[f].name)) >= 0;
    if (o->snapshots > 0)
        ok = ok && (o->snapshot_round = open_dataset(o->file, "agents", "round")) >= 0;
    if (!ok)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: cannot resume: the partial output lacks datasets this scenario writes",
                          o->tmp_path);
    return AGORA_OK;
}

agora_status output_flush(output *o, agora_error *err)
{
    if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot flush", o->tmp_path);
    return AGORA_OK;
}

/* Writes this rank's block [lo, lo + n) of row `row` of a 1-D (row < 0) or 2-D dataset. */
static herr_t write_block(output *o, hid_t ds, hid_t memtype, int64_t row, uint64_t lo,
                          uint64_t n, const void *data)
{
    hid_t fspace = H5Dget_space(ds);
    hsize_t mdims[1] = {n};
    hid_t mspace = H5Screate_simple(1, mdims, NULL);
    if (row < 0) {
        hsize_t start[1] = {lo}, count[1] = {n};
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    } else {
        hsize_t start[2] = {(hsize_t)row, lo}, count[2] = {1, n};
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    }
    if (n == 0) {
        H5Sselect_none(fspace);
        H5Sselect_none(mspace);
    }
    herr_t rc = H5Dwrite(ds, memtype, mspace, fspace, o->dxpl, data);
    H5Sclose(mspace);
    H5Sclose(fspace);
    return rc;
}

agora_status output_write_population(output *o, const population *p, agora_error *err)
{
    if (write_block(o, o->group, H5T_NATIVE_UINT8, -1, p->state.first_id, p->state.n,
                    p->state.group) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot write /population/group", o->tmp_path);
    return AGORA_OK;
}

agora_status output_write_field(output *o, agent_field f, uint64_t index, uint64_t first_id,
                                size_t n, const double *data, agora_error *err)
{
    if (write_block(o, o->field[f], H5T_NATIVE_DOUBLE, (int64_t)index, first_id, n, data) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot write /agents/%s", o->tmp_path,
                          field_table[f].name);
    return AGORA_OK;
}

agora_status output_write_snapshot_round(output *o, uint64_t index, uint64_t round,
                                         agora_error *err)
{
    if (write_block(o, o->snapshot_round, H5T_NATIVE_UINT64, -1, index, o->rank == 0 ? 1 : 0,
                    &round) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot write /agents/round", o->tmp_path);
    return AGORA_OK;
}

agora_status output_write_metrics(output *o, uint64_t first, uint64_t n, const double *rows,
                                  const uint64_t *digests, agora_error *err)
{
    uint64_t mine = o->rank == 0 ? n : 0;
    double *column = o->column;
    for (int k = 0; k < METRIC_COUNT; k++) {
        for (uint64_t r = 0; r < mine; r++)
            column[r] = rows[r * METRIC_COUNT + (uint64_t)k];
        if (write_block(o, o->metric[k], H5T_NATIVE_DOUBLE, -1, first, mine, column) < 0)
            return agora_fail(err, AGORA_EIO, "%s: cannot write /metrics/%s", o->tmp_path,
                              metric_table[k].name);
    }
    if (write_block(o, o->digest, H5T_NATIVE_UINT64, -1, first, mine, digests) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot write /metrics/state_digest", o->tmp_path);
    return AGORA_OK;
}

static void close_handles(output *o)
{
    for (int k = 0; k < METRIC_COUNT; k++)
        if (o->metric[k] >= 0)
            H5Dclose(o->metric[k]);
    for (int f = 0; f < FIELD_COUNT; f++)
        if (o->field[f] >= 0)
            H5Dclose(o->field[f]);
    if (o->snapshot_round >= 0)
        H5Dclose(o->snapshot_round);
    if (o->group >= 0)
        H5Dclose(o->group);
    if (o->digest >= 0)
        H5Dclose(o->digest);
    if (o->dxpl >= 0)
        H5Pclose(o->dxpl);
}

agora_status output_close(output *o, output_end end, double wall_seconds, agora_error *err)
{
    if (!o)
        return AGORA_OK;
    agora_status st = AGORA_OK;
    if (end == OUTPUT_FINISH && o->file >= 0) {
        char finished[32];
        if (o->rank == 0)
            now_iso8601(finished);
        MPI_Bcast(finished, sizeof finished, MPI_CHAR, 0, o->comm);
        MPI_Bcast(&wall_seconds, 1, MPI_DOUBLE, 0, o->comm);
        if (h5_put_string(o->file, "finished", finished) < 0 ||
            h5_put_number(o->file, "wall_seconds", H5T_NATIVE_DOUBLE, &wall_seconds) < 0)
            st = agora_fail(err, AGORA_EIO, "%s: cannot write the closing attributes", o->tmp_path);
    }
    close_handles(o);
    if (o->file >= 0 && H5Fclose(o->file) < 0 && st == AGORA_OK && end != OUTPUT_DISCARD)
        st = agora_fail(err, AGORA_EIO, "%s: cannot close the file", o->tmp_path);
    MPI_Barrier(o->comm);
    int code = (int)st;
    if (o->rank == 0) {
        if (end == OUTPUT_FINISH && st == AGORA_OK && durable_rename(o->tmp_path, o->final_path) != 0)
            code = agora_fail(err, AGORA_EIO, "%s: cannot rename to '%s': %s", o->tmp_path,
                              o->final_path, strerror(errno));
        if (end == OUTPUT_DISCARD || (end == OUTPUT_FINISH && code != AGORA_OK))
            remove(o->tmp_path);
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, o->comm);
    if (code != AGORA_OK && o->rank != 0 && st == AGORA_OK)
        st = agora_fail(err, (agora_status)code, "the output could not be finished (see rank 0)");
    free(o->column);
    free(o);
    return code == AGORA_OK ? st : (agora_status)code;
}
