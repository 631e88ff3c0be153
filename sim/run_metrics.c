/* Batched per-round metric rows of a family's run; see run_metrics.h. */
#include "run_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run_metrics {
    run_file *f;
    const metric_info *table;
    int count, digests;
    hid_t *ds;       /* one per metric */
    hid_t digest_ds; /* when digests */
    double *rows;    /* rank 0: RUN_METRICS_BATCH rows of `count` */
    uint64_t *dig;   /* rank 0: their digests */
    double *column;  /* rank 0: one metric's rows */
    uint64_t first, n;
};

static const char digest_description[] =
    "64-bit digest of the state after the round, combined independently of the rank count: "
    "the first round where two runs differ is the first where their digests differ";

static agora_status alloc(run_metrics **out, run_file *f, const metric_info *table, int count,
                          int digests, agora_error *err)
{
    run_metrics *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    m->f = f;
    m->table = table;
    m->count = count;
    m->digests = digests;
    m->ds = calloc((size_t)count, sizeof *m->ds);
    int rank0 = run_file_rank(f) == 0;
    if (rank0) {
        m->rows = malloc(RUN_METRICS_BATCH * (size_t)count * sizeof *m->rows);
        m->dig = malloc(RUN_METRICS_BATCH * sizeof *m->dig);
        m->column = malloc(RUN_METRICS_BATCH * sizeof *m->column);
    }
    if (!m->ds || (rank0 && (!m->rows || !m->dig || !m->column)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    return AGORA_OK;
}

agora_status run_metrics_create(run_metrics **out, run_file *f, const metric_info *table,
                                int count, uint64_t rounds, int digests, agora_error *err)
{
    agora_status st = alloc(out, f, table, count, digests, err);
    run_metrics *m = *out;
    hsize_t dims[1] = {rounds};
    char path[128];
    for (int k = 0; k < count && st == AGORA_OK; k++) {
        snprintf(path, sizeof path, "metrics/%s", table[k].name);
        st = run_file_dataset(f, path, H5T_IEEE_F64LE, 1, dims, table[k].units,
                              table[k].description, &m->ds[k], err);
    }
    if (st == AGORA_OK && digests)
        st = run_file_dataset(f, "metrics/state_digest", H5T_STD_U64LE, 1, dims, "hash",
                              digest_description, &m->digest_ds, err);
    return st;
}

agora_status run_metrics_reopen(run_metrics **out, run_file *f, const metric_info *table,
                                int count, int digests, agora_error *err)
{
    agora_status st = alloc(out, f, table, count, digests, err);
    run_metrics *m = *out;
    char path[128];
    for (int k = 0; k < count && st == AGORA_OK; k++) {
        snprintf(path, sizeof path, "metrics/%s", table[k].name);
        st = run_file_open_dataset(f, path, &m->ds[k], err);
    }
    if (st == AGORA_OK && digests)
        st = run_file_open_dataset(f, "metrics/state_digest", &m->digest_ds, err);
    return st;
}

agora_status run_metrics_add(run_metrics *m, uint64_t round, const double *row, uint64_t digest,
                             agora_error *err)
{
    if (m->n == 0)
        m->first = round;
    if (m->rows) {
        memcpy(m->rows + m->n * (uint64_t)m->count, row, (size_t)m->count * sizeof *row);
        m->dig[m->n] = digest;
    }
    m->n++;
    return m->n == RUN_METRICS_BATCH ? run_metrics_flush(m, err) : AGORA_OK;
}

agora_status run_metrics_flush(run_metrics *m, agora_error *err)
{
    uint64_t mine = m->rows ? m->n : 0;
    agora_status st = AGORA_OK;
    for (int k = 0; k < m->count && st == AGORA_OK; k++) {
        for (uint64_t r = 0; r < mine; r++)
            m->column[r] = m->rows[r * (uint64_t)m->count + (uint64_t)k];
        st = run_file_write(m->f, m->ds[k], H5T_NATIVE_DOUBLE, -1, m->first, mine, m->column, err);
    }
    if (st == AGORA_OK && m->digests)
        st = run_file_write(m->f, m->digest_ds, H5T_NATIVE_UINT64, -1, m->first, mine, m->dig, err);
    m->first += m->n;
    m->n = 0;
    return st;
}

void run_metrics_free(run_metrics *m)
{
    if (!m)
        return;
    free(m->ds);
    free(m->rows);
    free(m->dig);
    free(m->column);
    free(m);
}
