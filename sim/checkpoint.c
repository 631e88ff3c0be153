/* Writing and reading checkpoints; see checkpoint.h. */
#include "checkpoint.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "durable.h"
#include "h5_attr.h"
#include "io_cause.h"
#include "resume_compare.h"
#include "version.h"

#define CHUNK ((hsize_t)1 << 17)

#define MAX_BLOCKS 600 /* base fields + two per behaviour group (at most 255) */



/* This rank's rows [lo, lo + n) of a [agents x per_agent] dataset, read or
 * written collectively (a rank with no rows still takes part). */
static hid_t memory_type(state_type t)
{
    return t == STATE_U8    ? H5T_NATIVE_UINT8
           : t == STATE_U32 ? H5T_NATIVE_UINT32
                            : H5T_NATIVE_DOUBLE;
}

static hid_t file_type(state_type t)
{
    return t == STATE_U8 ? H5T_STD_U8LE : t == STATE_U32 ? H5T_STD_U32LE : H5T_IEEE_F64LE;
}

static herr_t transfer_block(hid_t ds, int write, const state_block *b)
{
    hid_t fspace = H5Dget_space(ds);
    hsize_t start[2] = {b->first, 0}, count[2] = {b->count, b->per_agent};
    hsize_t flat[1] = {b->count * b->per_agent};
    hid_t mspace = H5Screate_simple(1, flat, NULL);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    if (b->count == 0) {
        H5Sselect_none(fspace);
        H5Sselect_none(mspace);
    }
    hid_t type = memory_type(b->type);
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    herr_t rc = write ? H5Dwrite(ds, type, mspace, fspace, dxpl, b->data)
                      : H5Dread(ds, type, mspace, fspace, dxpl, b->data);
    H5Pclose(dxpl);
    H5Sclose(mspace);
    H5Sclose(fspace);
    return rc;
}

static hid_t open_parallel(const char *path, int create, MPI_Comm comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    hid_t f = create ? H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)
                     : H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    return f;
}

/* What the header says, hashed: the scenario text (FNV-1a), the round to play
 * next, the count of entities and the state's digest. The state digest covers
 * only the state, so without this an edited round_next resumed at that round
 * and a damaged byte of the text read as "a different scenario". */
static uint64_t header_digest(const char *text, uint64_t round_next, uint64_t entities,
                              uint64_t digest)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        h = (h ^ *c) * 0x100000001b3ull;
    h = agent_mix64(h ^ round_next);
    h = agent_mix64(h ^ entities);
    return agent_mix64(h ^ digest);
}

static agora_status write_contents(hid_t f, const char *text, uint64_t round_next,
                                   uint64_t entities, uint64_t digest, const state_block *blocks,
                                   size_t n)
{
    uint64_t layout = CHECKPOINT_LAYOUT_VERSION;
    uint64_t header = header_digest(text, round_next, entities, digest);
    if (h5_put_string(f, "format", "agora checkpoint") < 0 ||
        h5_put_number(f, "layout_version", H5T_NATIVE_UINT64, &layout) < 0 ||
        h5_put_string(f, "version", AGORA_VERSION) < 0 || h5_put_string(f, "scenario", text) < 0 ||
        h5_put_number(f, "round_next", H5T_NATIVE_UINT64, &round_next) < 0 ||
        h5_put_number(f, "agents", H5T_NATIVE_UINT64, &entities) < 0 ||
        h5_put_number(f, "state_digest", H5T_NATIVE_UINT64, &digest) < 0 ||
        h5_put_number(f, "header_digest", H5T_NATIVE_UINT64, &header) < 0)
        return AGORA_EIO;
    for (size_t k = 0; k < n; k++) {
        const state_block *b = &blocks[k];
        hsize_t dims[2] = {b->total, b->per_agent};
        hsize_t rows = CHUNK / b->per_agent ? CHUNK / b->per_agent : 1;
        hsize_t chunk[2] = {b->total < rows ? (b->total ? b->total : 1) : rows, b->per_agent};
        hid_t space = H5Screate_simple(2, dims, NULL);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, chunk);
        hid_t ds = H5Dcreate2(f, b->name, file_type(b->type), space, H5P_DEFAULT, dcpl,
                              H5P_DEFAULT);
        H5Pclose(dcpl);
        H5Sclose(space);
        herr_t rc = ds < 0 ? -1 : transfer_block(ds, 1, b);
        if (ds >= 0)
            H5Dclose(ds);
        if (rc < 0)
            return AGORA_EIO;
    }
    return AGORA_OK;
}

static agora_status write_blocks(const char *path, const char *scenario_text,
                                     uint64_t round_next, uint64_t entities, uint64_t digest,
                                     const state_block *blocks, size_t n, MPI_Comm comm,
                                     agora_error *err)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    hid_t f = open_parallel(tmp, 1, comm);
    if (f < 0)
        return agora_fail(err, AGORA_EIO, "%s: output.checkpoint: cannot create the checkpoint",
                          tmp);
    agora_status st = write_contents(f, scenario_text, round_next, entities, digest, blocks, n);
    if (H5Fclose(f) < 0)
        st = AGORA_EIO;
    MPI_Barrier(comm);
    int code = (int)st;
    if (rank == 0 && code == AGORA_OK && durable_rename(tmp, path) != 0)
        code = AGORA_EIO;
    char cause[128];
    io_cause(tmp, cause, sizeof cause); /* before the .tmp file frees its space */
    if (rank == 0 && code != AGORA_OK)
        remove(tmp);
    MPI_Bcast(&code, 1, MPI_INT, 0, comm);
    if (code != AGORA_OK)
        return agora_fail(err, AGORA_EIO, "%s: cannot write the checkpoint%s", path, cause);
    return AGORA_OK;
}

agora_status checkpoint_write(const char *path, const scenario *s, const char *scenario_text,
                              uint64_t round_next, uint64_t digest, const population *p,
                              MPI_Comm comm, agora_error *err)
{
    static state_block blocks[MAX_BLOCKS];
    size_t n = population_state_blocks(p, s, blocks, MAX_BLOCKS);
    return write_blocks(path, scenario_text, round_next, s->population.agents, digest,
                                   blocks, n, comm, err);
}

/* ---- reading ---------------------------------------------------------------------- */

static agora_status check_header(hid_t f, const char *path, const char *text, uint64_t entities,
                                 uint64_t *round_next, uint64_t *digest, agora_error *err)
{
    char *format = h5_get_string(f, "format"), *saved = h5_get_string(f, "scenario");
    uint64_t layout = 0, n = 0, header = 0;
    agora_status st = AGORA_OK;
    char a[160], b[160];
    if (!format || strcmp(format, "agora checkpoint") != 0 || !saved ||
        h5_get_u64(f, "layout_version", &layout) < 0 || h5_get_u64(f, "agents", &n) < 0 ||
        h5_get_u64(f, "round_next", round_next) < 0 || h5_get_u64(f, "state_digest", digest) < 0)
        st = agora_fail(err, AGORA_EINPUT, "%s: not an agora checkpoint", path);
    else if (layout != CHECKPOINT_LAYOUT_VERSION)
        st = agora_fail(err, AGORA_EINPUT, "%s: checkpoint layout %llu, this agora reads %d",
                        path, (unsigned long long)layout, CHECKPOINT_LAYOUT_VERSION);
    else if (h5_get_u64(f, "header_digest", &header) < 0 ||
             header != header_digest(saved, *round_next, n, *digest))
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: the header (scenario, round_next, agents) does not match the "
                        "checkpoint's digest: damaged checkpoint",
                        path);
    else if (resume_texts_differ(saved, text, a, b, sizeof a))
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: checkpoint of a different scenario: it has '%s' where this run has '%s'",
                        path, a, b);
    else if (n != entities)
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: checkpoint holds the state of %llu entities (agents, harvesters or "
                        "resources), this run has %llu",
                        path, (unsigned long long)n, (unsigned long long)entities);
    free(format);
    free(saved);
    return st;
}

static agora_status read_state(hid_t f, const char *path, const state_block *blocks, size_t n,
                               agora_error *err)
{
    for (size_t k = 0; k < n; k++) {
        hid_t ds = H5Dopen2(f, blocks[k].name, H5P_DEFAULT);
        herr_t rc = ds < 0 ? -1 : transfer_block(ds, 0, &blocks[k]);
        if (ds >= 0)
            H5Dclose(ds);
        if (rc < 0)
            return agora_fail(err, AGORA_EINPUT, "%s: cannot read /%s: damaged checkpoint", path,
                              blocks[k].name);
    }
    return AGORA_OK;
}

static agora_status read_blocks(const char *path, const char *scenario_text,
                                    uint64_t entities, const state_block *blocks, size_t n,
                                    uint64_t *round_next, uint64_t *digest, MPI_Comm comm,
                                    agora_error *err)
{
    int rank, code = AGORA_OK;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) {
        /* A directory opens with fopen, and MPI-IO then prints a line per read. */
        struct stat sb;
        FILE *probe = fopen(path, "rb");
        if (!probe)
            code = agora_fail(err, AGORA_EINPUT, "%s: --resume: cannot read: %s", path,
                              strerror(errno));
        else if (fstat(fileno(probe), &sb) != 0 || !S_ISREG(sb.st_mode))
            code = agora_fail(err, AGORA_EINPUT, "%s: --resume: not a regular file", path);
        if (probe)
            fclose(probe);
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, comm);
    if (code != AGORA_OK) {
        MPI_Bcast(err->msg, sizeof err->msg, MPI_CHAR, 0, comm);
        return (agora_status)code;
    }
    hid_t f = open_parallel(path, 0, comm);
    if (f < 0)
        return agora_fail(err, AGORA_EINPUT, "%s: --resume: not an HDF5 file, or truncated", path);
    agora_status st = check_header(f, path, scenario_text, entities, round_next, digest, err);
    if (st == AGORA_OK)
        st = read_state(f, path, blocks, n, err);
    H5Fclose(f);
    return st;
}

static agora_status digest_mismatch(const char *path, agora_error *err)
{
    return agora_fail(err, AGORA_EINPUT,
                      "%s: the state does not match the checkpoint's digest: damaged checkpoint",
                      path);
}

agora_status checkpoint_read(const char *path, const scenario *s, const char *scenario_text,
                             population *p, uint64_t *round_next, uint64_t *digest,
                             MPI_Comm comm, agora_error *err)
{
    static state_block blocks[MAX_BLOCKS];
    size_t n = population_state_blocks(p, s, blocks, MAX_BLOCKS);
    agora_status st = read_blocks(path, scenario_text, s->population.agents, blocks, n,
                                             round_next, digest, comm, err);
    if (st != AGORA_OK)
        return st;
    uint64_t mine = population_digest(p), total = 0;
    MPI_Allreduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, comm);
    return total == *digest ? AGORA_OK : digest_mismatch(path, err);
}

/* ---- families' state -------------------------------------------------------------- */

static size_t element_size(state_type t)
{
    return t == STATE_U8 ? 1 : t == STATE_U32 ? 4 : 8;
}

/* Each row hashed with its block and global index, the hashes summed: the same
 * value however the rows are split over ranks. */
static uint64_t blocks_digest(const state_block *blocks, size_t n, MPI_Comm comm)
{
    uint64_t mine = 0, total = 0;
    for (size_t k = 0; k < n; k++) {
        const state_block *b = &blocks[k];
        size_t size = element_size(b->type);
        const unsigned char *row = b->data;
        for (uint64_t r = 0; r < b->count; r++) {
            uint64_t h = agent_mix64((k + 1) * 0x9e3779b97f4a7c15ULL ^ agent_mix64(b->first + r));
            for (uint32_t e = 0; e < b->per_agent; e++, row += size) {
                uint64_t bits = 0;
                memcpy(&bits, row, size);
                h = agent_mix64(h ^ bits);
            }
            mine += h;
        }
    }
    MPI_Allreduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, comm);
    return total;
}

agora_status checkpoint_save_state(const char *path, const char *scenario_text,
                                   uint64_t round_next, uint64_t entities,
                                   const state_block *blocks, size_t n, MPI_Comm comm,
                                   agora_error *err)
{
    uint64_t digest = blocks_digest(blocks, n, comm);
    return write_blocks(path, scenario_text, round_next, entities, digest, blocks, n,
                                   comm, err);
}

agora_status checkpoint_load_state(const char *path, const char *scenario_text,
                                   uint64_t entities, const state_block *blocks, size_t n,
                                   uint64_t *round_next, MPI_Comm comm, agora_error *err)
{
    uint64_t digest = 0;
    agora_status st = read_blocks(path, scenario_text, entities, blocks, n, round_next,
                                             &digest, comm, err);
    if (st != AGORA_OK)
        return st;
    return blocks_digest(blocks, n, comm) == digest ? AGORA_OK : digest_mismatch(path, err);
}
