/* Parallel HDF5 output of one run; see output.h and docs/hdf5-layout.md. */
#include "output.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

#include "run_file.h"

static const struct {
    const char *units, *description; /* the name is agent_field_names[f] */
} field_table[FIELD_COUNT] = {
    [FIELD_VALUE] = {"value units per click", "the agent's private per-click value"},
    [FIELD_BID] = {"value units per click",
                   "the per-click bid the agent would place next round (0 once its budget is spent)"},
    [FIELD_SPEND] = {"value units", "total charged to the agent so far"},
    [FIELD_UTILITY] = {"value units", "value * clicks - spend: what the agent gained so far"},
    [FIELD_BUDGET_LEFT] = {"value units",
                           "remaining budget (+inf for agents without a budget)"},
    [FIELD_CLICKS] = {"clicks", "clicks received so far"},
    [FIELD_MULTIPLIER] = {"1",
                          "the agent's current bid multiplier (bid / value): expected under a "
                          "learner's distribution, after pacing; bid / value otherwise"},
    [FIELD_REGRET] = {"value units",
                      "Hedge: best fixed grid bid's counterfactual utility in hindsight minus the "
                      "agent's own, summed over its auctions; 0 for other behaviours"},
};

struct output {
    run_file *f;
    hid_t metric[METRIC_COUNT];
    hid_t digest;
    hid_t field[FIELD_COUNT];
    hid_t snapshot_round, group;
    uint64_t agents, rounds, snapshots;
    uint32_t fields; /* the snapshot's fields (FIELD_BIT) */
    int probes, aigc; /* which optional metrics the run writes (metric_present) */
    double *column; /* one metric's rows, rank 0 */
};

static const char digest_description[] =
    "64-bit digest of every agent's state after the round, combined independently of the rank "
    "count: the first round where two runs differ is the first where their digests differ "
    "(agora diff)";
static const char group_description[] =
    "the agent's behaviour group: index into the scenario's `agents` list";

static agora_status create_layout(output *o, agora_error *err)
{
    run_file *f = o->f;
    char path[128];
    hsize_t mdims[1] = {o->rounds};
    agora_status st = AGORA_OK;
    for (int k = 0; k < METRIC_COUNT && st == AGORA_OK; k++) {
        if (!metric_present((metric_id)k, o->probes, o->aigc))
            continue;
        snprintf(path, sizeof path, "metrics/%s", metric_table[k].name);
        st = run_file_dataset(f, path, H5T_IEEE_F64LE, 1, mdims, metric_table[k].units,
                              metric_table[k].description, &o->metric[k], err);
    }
    if (st == AGORA_OK)
        st = run_file_dataset(f, "metrics/state_digest", H5T_STD_U64LE, 1, mdims, "hash",
                              digest_description, &o->digest, err);
    hsize_t gdims[1] = {o->agents};
    if (st == AGORA_OK)
        st = run_file_dataset(f, "population/group", H5T_STD_U8LE, 1, gdims, "index",
                              group_description, &o->group, err);
    if (st == AGORA_OK)
        st = run_file_group(f, "agents", err);
    hsize_t adims[2] = {o->snapshots, o->agents};
    for (int k = 0; k < FIELD_COUNT && o->snapshots > 0 && st == AGORA_OK; k++) {
        if (!(o->fields & FIELD_BIT(k)))
            continue;
        snprintf(path, sizeof path, "agents/%s", agent_field_names[k]);
        st = run_file_dataset(f, path, H5T_IEEE_F64LE, 2, adims, field_table[k].units,
                              field_table[k].description, &o->field[k], err);
    }
    hsize_t sdims[1] = {o->snapshots};
    if (st == AGORA_OK && o->snapshots > 0)
        st = run_file_dataset(f, "agents/round", H5T_STD_U64LE, 1, sdims, "round",
                              "0-based round after which each snapshot was taken",
                              &o->snapshot_round, err);
    return st;
}

static agora_status output_new(output **out, const scenario *s, MPI_Comm comm, agora_error *err)
{
    output *o = calloc(1, sizeof *o);
    if (!o)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    *out = o;
    int rank;
    MPI_Comm_rank(comm, &rank);
    o->agents = s->population.agents;
    o->rounds = s->rounds;
    o->probes = s->probes.auctions > 0;
    o->aigc = s->mechanism.aigc;
    o->snapshots = s->output.snapshot_every ? s->rounds / s->output.snapshot_every : 0;
    o->fields = s->output.fields;
    if (rank == 0) {
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
    if (st == AGORA_OK)
        st = run_file_create(&(*out)->f, s, scenario_text, comm, err);
    return st == AGORA_OK ? create_layout(*out, err) : st;
}

agora_status output_reopen(output **out, const scenario *s, const char *scenario_text,
                           uint64_t round_next, MPI_Comm comm, agora_error *err)
{
    agora_status st = output_new(out, s, comm, err);
    if (st == AGORA_OK)
        st = run_file_reopen(&(*out)->f, s, scenario_text, round_next, comm, err);
    if (st != AGORA_OK)
        return st;
    output *o = *out;
    char path[128];
    for (int k = 0; k < METRIC_COUNT && st == AGORA_OK; k++) {
        if (!metric_present((metric_id)k, o->probes, o->aigc))
            continue;
        snprintf(path, sizeof path, "metrics/%s", metric_table[k].name);
        st = run_file_open_dataset(o->f, path, &o->metric[k], err);
    }
    if (st == AGORA_OK)
        st = run_file_open_dataset(o->f, "metrics/state_digest", &o->digest, err);
    if (st == AGORA_OK)
        st = run_file_open_dataset(o->f, "population/group", &o->group, err);
    for (int k = 0; k < FIELD_COUNT && o->snapshots > 0 && st == AGORA_OK; k++) {
        if (!(o->fields & FIELD_BIT(k)))
            continue;
        snprintf(path, sizeof path, "agents/%s", agent_field_names[k]);
        st = run_file_open_dataset(o->f, path, &o->field[k], err);
    }
    if (st == AGORA_OK && o->snapshots > 0)
        st = run_file_open_dataset(o->f, "agents/round", &o->snapshot_round, err);
    return st;
}

agora_status output_save(output *o, uint64_t rounds_done, agora_error *err)
{
    return run_file_save(o->f, rounds_done, err);
}

agora_status output_write_population(output *o, const population *p, agora_error *err)
{
    return run_file_write(o->f, o->group, H5T_NATIVE_UINT8, -1, p->state.first_id, p->state.n,
                          p->state.group, err);
}

agora_status output_write_field(output *o, agent_field f, uint64_t index, uint64_t first_id,
                                size_t n, const double *data, agora_error *err)
{
    return run_file_write(o->f, o->field[f], H5T_NATIVE_DOUBLE, (int64_t)index, first_id, n, data,
                          err);
}

agora_status output_write_snapshot_round(output *o, uint64_t index, uint64_t round,
                                         agora_error *err)
{
    return run_file_write(o->f, o->snapshot_round, H5T_NATIVE_UINT64, -1, index,
                          run_file_rank(o->f) == 0 ? 1 : 0, &round, err);
}

agora_status output_write_metrics(output *o, uint64_t first, uint64_t n, const double *rows,
                                  const uint64_t *digests, agora_error *err)
{
    uint64_t mine = run_file_rank(o->f) == 0 ? n : 0;
    double *column = o->column;
    agora_status st = AGORA_OK;
    for (int k = 0; k < METRIC_COUNT && st == AGORA_OK; k++) {
        if (!metric_present((metric_id)k, o->probes, o->aigc))
            continue;
        for (uint64_t r = 0; r < mine; r++)
            column[r] = rows[r * METRIC_COUNT + (uint64_t)k];
        st = run_file_write(o->f, o->metric[k], H5T_NATIVE_DOUBLE, -1, first, mine, column, err);
    }
    if (st == AGORA_OK)
        st = run_file_write(o->f, o->digest, H5T_NATIVE_UINT64, -1, first, mine, digests, err);
    return st;
}

agora_status output_close(output *o, output_end end, double wall_seconds, agora_error *err)
{
    if (!o)
        return AGORA_OK;
    static const run_file_end ends[] = {[OUTPUT_FINISH] = RUN_FILE_FINISH,
                                        [OUTPUT_SUSPEND] = RUN_FILE_SUSPEND,
                                        [OUTPUT_DISCARD] = RUN_FILE_DISCARD};
    agora_status st = run_file_close(o->f, ends[end], wall_seconds, err);
    free(o->column);
    free(o);
    return st;
}
