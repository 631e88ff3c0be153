/* The parallel HDF5 file of a run; see run_file.h. */
#include "run_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "durable.h"
#include "h5_attr.h"
#include "io_cause.h"
#include "resume_compare.h"
#include "scenario_family.h"
#include "version.h"

/* Chunks of 2^17 elements (1 MiB of doubles): large enough for efficient
 * collective I/O and compression, small enough that reading a sample of agents
 * stays cheap. */
#define ELEMENT_CHUNK ((hsize_t)1 << 17)
#define MAX_DATASETS 128

struct run_file {
    MPI_Comm comm;
    int rank, ranks, compress;
    hid_t file, dxpl;
    hid_t datasets[MAX_DATASETS]; /* closed with the file */
    int n_datasets;
    char tmp_path[SCENARIO_PATH_MAX + 16];
    char final_path[SCENARIO_PATH_MAX];
    /* A new file's datasets against the room on its file system (see
     * run_file_dataset); room < 0 when unknown or when compression makes the
     * need unknowable. */
    double room, planned;
    int abandoned; /* refused for room: closed without flushing (see run_file_close) */
    char where[SCENARIO_PATH_MAX + 32]; /* output.path's place, for that refusal */
};

/* "7.3 TiB": bytes in the largest binary unit that keeps a number >= 1. */
static const char *size_words(double bytes, char out[32])
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 6) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(out, 32, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return out;
}

static void now_iso8601(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static agora_status run_file_new(run_file **out, const scenario *s, MPI_Comm comm,
                                 agora_error *err)
{
    run_file *f = calloc(1, sizeof *f);
    if (!f)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    *out = f;
    f->comm = comm;
    f->file = -1;
    f->room = -1.0;
    f->compress = s->output.compress;
    snprintf(f->where, sizeof f->where, "%s", scenario_where(s, "output.path"));
    MPI_Comm_rank(comm, &f->rank);
    MPI_Comm_size(comm, &f->ranks);
    snprintf(f->final_path, sizeof f->final_path, "%s", s->output.path);
    /* A fixed name, not a per-process one, so that a resumed run finds it. */
    snprintf(f->tmp_path, sizeof f->tmp_path, "%s.partial", s->output.path);
    f->dxpl = H5Pcreate(H5P_DATASET_XFER);
    /* Each rank writes one contiguous block of agents (whole 1 MiB chunks but
     * for the block edges), which independent I/O hands to the file system
     * directly; collective buffering would first ship it to aggregator ranks
     * and measured 2-4x slower snapshot writes at 2 ranks (BENCHMARKS.md).
     * HDF5 requires collective transfers for compressed datasets. */
    H5Pset_dxpl_mpio(f->dxpl, f->compress > 0 ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT);
    return AGORA_OK;
}

/* Rank 0 tries the partial name with plain stdio first: HDF5's own failure
 * says nothing a user can act on, errno does. */
static agora_status probe_writable(run_file *f, const scenario *s, agora_error *err)
{
    agora_status st = AGORA_OK;
    if (f->rank == 0) {
        FILE *fp = fopen(f->tmp_path, "wb");
        if (!fp)
            st = agora_fail(err, AGORA_EINPUT, "%s: output.path: cannot create '%s': %s",
                            scenario_where(s, "output.path"), f->tmp_path, strerror(errno));
        else
            fclose(fp);
    }
    int code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, 0, f->comm);
    if (code != AGORA_OK)
        MPI_Bcast(err->msg, sizeof err->msg, MPI_CHAR, 0, f->comm);
    return (agora_status)code;
}

static agora_status put_root_attributes(run_file *f, const scenario *s, const char *text,
                                        agora_error *err)
{
    char started[32];
    if (f->rank == 0)
        now_iso8601(started);
    MPI_Bcast(started, sizeof started, MPI_CHAR, 0, f->comm);
    int32_t ranks = f->ranks, layout = RUN_FILE_LAYOUT_VERSION;
    hid_t root = f->file;
    if (h5_put_string(root, "format", "agora run") < 0 ||
        h5_put_number(root, "layout_version", H5T_NATIVE_INT32, &layout) < 0 ||
        h5_put_string(root, "version", AGORA_VERSION) < 0 ||
        h5_put_string(root, "family", s->family ? s->family->name : "position") < 0 ||
        h5_put_string(root, "scenario", text) < 0 ||
        h5_put_string(root, "source", s->source) < 0 ||
        h5_put_number(root, "seed", H5T_NATIVE_UINT64, &s->seed) < 0 ||
        h5_put_number(root, "ranks", H5T_NATIVE_INT32, &ranks) < 0 ||
        h5_put_string(root, "started", started) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot write the root attributes", f->tmp_path);
    return AGORA_OK;
}

agora_status run_file_create(run_file **out, const scenario *s, const char *text, MPI_Comm comm,
                             agora_error *err)
{
    agora_status st = run_file_new(out, s, comm, err);
    if (st != AGORA_OK)
        return st;
    run_file *f = *out;
    if ((st = probe_writable(f, s, err)) != AGORA_OK)
        return st;
    /* Rank 0's view of the room, so every rank refuses the same dataset. */
    if (f->rank == 0 && f->compress == 0)
        f->room = io_room(f->tmp_path);
    MPI_Bcast(&f->room, 1, MPI_DOUBLE, 0, comm);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    f->file = H5Fcreate(f->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f->file < 0)
        return agora_fail(err, AGORA_EIO, "%s: output.path: HDF5 cannot create '%s'",
                          scenario_where(s, "output.path"), f->tmp_path);
    return put_root_attributes(f, s, text, err);
}

/* The partial output must be this scenario's and reach the checkpoint. */
static agora_status check_partial(const run_file *f, const char *text, uint64_t round_next,
                                  agora_error *err)
{
    char *saved = h5_get_string(f->file, "scenario"), a[160], b[160];
    uint64_t held = 0;
    agora_status st = AGORA_OK;
    if (!saved)
        st = agora_fail(err, AGORA_EINPUT, "%s: cannot resume: the partial output is missing or "
                        "damaged", f->tmp_path);
    else if (resume_texts_differ(saved, text, a, b, sizeof a))
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: cannot resume: the partial output is of a different scenario: it has "
                        "'%s' where this run has '%s'",
                        f->tmp_path, a, b);
    else if (h5_get_u64(f->file, "rounds_saved", &held) < 0)
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: cannot resume: the partial output does not record the rounds it holds "
                        "(written by an older agora?)",
                        f->tmp_path);
    else if (held < round_next)
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: cannot resume: the partial output holds the first %llu rounds, the "
                        "checkpoint continues at round %llu (an older copy of it?)",
                        f->tmp_path, (unsigned long long)held, (unsigned long long)round_next);
    free(saved);
    return st;
}

agora_status run_file_reopen(run_file **out, const scenario *s, const char *text,
                             uint64_t round_next, MPI_Comm comm, agora_error *err)
{
    agora_status st = run_file_new(out, s, comm, err);
    if (st != AGORA_OK)
        return st;
    run_file *f = *out;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    f->file = H5Fopen(f->tmp_path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (f->file < 0)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: cannot resume: the partial output is missing or damaged",
                          f->tmp_path);
    return check_partial(f, text, round_next, err);
}

static agora_status keep(run_file *f, hid_t ds, const char *path, agora_error *err)
{
    if (f->n_datasets == MAX_DATASETS) {
        H5Dclose(ds);
        return agora_fail(err, AGORA_EINTERNAL, "%s: more than %d datasets", path, MAX_DATASETS);
    }
    f->datasets[f->n_datasets++] = ds;
    return AGORA_OK;
}

/* The group part of "group/name" opened or created; -1 on failure. */
static hid_t open_group(run_file *f, const char *path)
{
    char group[128];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return H5Gopen2(f->file, "/", H5P_DEFAULT);
    snprintf(group, sizeof group, "%.*s", (int)(slash - path), path);
    H5E_BEGIN_TRY { /* absent is the common case, not an error */
        if (H5Lexists(f->file, group, H5P_DEFAULT) <= 0)
            H5Gclose(H5Gcreate2(f->file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    }
    H5E_END_TRY;
    return H5Gopen2(f->file, group, H5P_DEFAULT);
}

agora_status run_file_dataset(run_file *f, const char *path, hid_t type, int rank,
                              const hsize_t *dims, const char *units, const char *description,
                              hid_t *out, agora_error *err)
{
    /* Refused before HDF5 allocates it: a dataset larger than the disk (a
     * [rounds, instances] one of a facility run with 1e8 rounds) took HDF5
     * 25 s of allocating, then failed with a line from MPI-IO per write. */
    double bytes = (double)H5Tget_size(type);
    for (int d = 0; d < rank; d++)
        bytes *= (double)dims[d];
    f->planned += bytes;
    if (f->room >= 0.0 && f->planned > f->room) {
        char need[32], alone[32], room[32];
        f->abandoned = 1;
        return agora_fail(err, AGORA_EIO,
                          "%s: output.path: the output needs at least %s (/%s alone %s), and "
                          "its file system has %s free",
                          f->where, size_words(f->planned, need), path, size_words(bytes, alone),
                          size_words(f->room, room));
    }
    hsize_t chunk[2];
    for (int d = 0; d < rank; d++)
        chunk[d] = d + 1 < rank ? 1 : dims[d] < ELEMENT_CHUNK ? (dims[d] ? dims[d] : 1) : ELEMENT_CHUNK;
    hid_t group = open_group(f, path);
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    if (f->compress > 0)
        H5Pset_deflate(dcpl, (unsigned)f->compress);
    hid_t ds = group < 0 ? -1 : H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (group >= 0)
        H5Gclose(group);
    if (ds < 0 || h5_put_string(ds, "units", units) < 0 ||
        h5_put_string(ds, "description", description) < 0) {
        if (ds >= 0)
            H5Dclose(ds);
        return agora_fail(err, AGORA_EIO, "%s: cannot create /%s", f->tmp_path, path);
    }
    *out = ds;
    return keep(f, ds, path, err);
}

agora_status run_file_group(run_file *f, const char *name, agora_error *err)
{
    char path[160];
    snprintf(path, sizeof path, "%s/x", name);
    hid_t g = open_group(f, path);
    if (g < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot create /%s", f->tmp_path, name);
    H5Gclose(g);
    return AGORA_OK;
}

agora_status run_file_open_dataset(run_file *f, const char *path, hid_t *out, agora_error *err)
{
    char full[160];
    snprintf(full, sizeof full, "/%s", path);
    hid_t ds = -1;
    H5E_BEGIN_TRY { ds = H5Dopen2(f->file, full, H5P_DEFAULT); }
    H5E_END_TRY;
    if (ds < 0)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: cannot resume: the partial output lacks %s, which this scenario writes",
                          f->tmp_path, full);
    *out = ds;
    return keep(f, ds, path, err);
}

agora_status run_file_write(run_file *f, hid_t ds, hid_t memtype, int64_t row, uint64_t lo,
                            uint64_t n, const void *data, agora_error *err)
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
    herr_t rc = H5Dwrite(ds, memtype, mspace, fspace, f->dxpl, data);
    H5Sclose(mspace);
    H5Sclose(fspace);
    if (rc < 0) {
        char name[128] = "?", cause[128];
        H5Iget_name(ds, name, sizeof name);
        return agora_fail(err, AGORA_EIO, "%s: cannot write %s%s", f->tmp_path, name,
                          io_cause(f->tmp_path, cause, sizeof cause));
    }
    return AGORA_OK;
}

agora_status run_file_save(run_file *f, uint64_t rounds_done, agora_error *err)
{
    char cause[128];
    if (h5_set_u64(f->file, "rounds_saved", rounds_done) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot record the rounds saved%s", f->tmp_path,
                          io_cause(f->tmp_path, cause, sizeof cause));
    if (H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0)
        return agora_fail(err, AGORA_EIO, "%s: cannot flush%s", f->tmp_path,
                          io_cause(f->tmp_path, cause, sizeof cause));
    return AGORA_OK;
}

const char *run_file_path(const run_file *f)
{
    return f->tmp_path;
}

int run_file_rank(const run_file *f)
{
    return f->rank;
}

agora_status run_file_close(run_file *f, run_file_end end, double wall_seconds, agora_error *err)
{
    if (!f)
        return AGORA_OK;
    agora_status st = AGORA_OK;
    if (end == RUN_FILE_FINISH && f->file >= 0) {
        char finished[32];
        if (f->rank == 0)
            now_iso8601(finished);
        MPI_Bcast(finished, sizeof finished, MPI_CHAR, 0, f->comm);
        MPI_Bcast(&wall_seconds, 1, MPI_DOUBLE, 0, f->comm);
        /* A finished file is no longer resumed: its progress mark goes. */
        if ((H5Aexists(f->file, "rounds_saved") > 0 && H5Adelete(f->file, "rounds_saved") < 0) ||
            h5_put_string(f->file, "finished", finished) < 0 ||
            h5_put_number(f->file, "wall_seconds", H5T_NATIVE_DOUBLE, &wall_seconds) < 0)
            st = agora_fail(err, AGORA_EIO, "%s: cannot write the closing attributes", f->tmp_path);
    }
    if (f->abandoned) {
        /* Closing would flush metadata the file system has no room for: at 2
         * ranks HDF5 then waited in a barrier forever. The process leaves
         * with _exit (sim/main.c) and the file is only removed. */
        MPI_Barrier(f->comm);
        if (f->rank == 0)
            remove(f->tmp_path);
        free(f);
        return st;
    }
    for (int i = 0; i < f->n_datasets; i++)
        H5Dclose(f->datasets[i]);
    if (f->dxpl >= 0)
        H5Pclose(f->dxpl);
    char cause[128];
    if (f->file >= 0 && H5Fclose(f->file) < 0 && st == AGORA_OK && end != RUN_FILE_DISCARD)
        st = agora_fail(err, AGORA_EIO, "%s: cannot close the file%s", f->tmp_path,
                        io_cause(f->tmp_path, cause, sizeof cause));
    MPI_Barrier(f->comm);
    int code = (int)st;
    if (f->rank == 0) {
        if (end == RUN_FILE_FINISH && st == AGORA_OK &&
            durable_rename(f->tmp_path, f->final_path) != 0)
            code = agora_fail(err, AGORA_EIO, "%s: cannot rename to '%s': %s", f->tmp_path,
                              f->final_path, strerror(errno));
        if (end == RUN_FILE_DISCARD || (end == RUN_FILE_FINISH && code != AGORA_OK))
            remove(f->tmp_path);
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, f->comm);
    if (code != AGORA_OK && f->rank != 0 && st == AGORA_OK)
        st = agora_fail(err, (agora_status)code, "the output could not be finished (see rank 0)");
    free(f);
    return code == AGORA_OK ? st : (agora_status)code;
}
