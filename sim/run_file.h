/* The HDF5 file of one run, as every family writes it: created as
 * `<output.path>.partial` by all ranks with parallel HDF5, with the provenance
 * attributes at the root (format, layout_version, version, family, scenario text,
 * source, seed, ranks, started; finished and wall_seconds on close), datasets that
 * each carry `units` and `description`, collective writes of each rank's block,
 * and on finish a durable rename to the final name. The layout of each family is
 * documented in docs/hdf5-layout.md. */
#ifndef AGORA_RUN_FILE_H
#define AGORA_RUN_FILE_H

#include <hdf5.h>
#include <mpi.h>
#include <stdint.h>

#include "scenario.h"
#include "status.h"

#define RUN_FILE_LAYOUT_VERSION 1

typedef struct run_file run_file;

typedef enum {
    RUN_FILE_FINISH,  /* closing attributes, close, rename .partial to the final name */
    RUN_FILE_SUSPEND, /* close and keep .partial: the run stopped at a checkpoint */
    RUN_FILE_DISCARD  /* close and remove .partial: the run failed */
} run_file_end;

/* Creates the .partial file and its root attributes; `text` is the resolved
 * scenario. An unwritable path fails with one line naming output.path. Collective. */
agora_status run_file_create(run_file **f, const scenario *s, const char *text, MPI_Comm comm,
                             agora_error *err);
/* Opens the .partial file of an interrupted run to continue it from its
 * checkpoint, which resumes at round `round_next`. Refused (one line, nothing
 * changed) when the file was written for another scenario (`text`, the
 * resolved one, compared as checkpoints compare it), or does not hold every
 * round before round_next: an older copy, or another run's file under the same
 * name would otherwise mix into the output unnoticed. Collective. */
agora_status run_file_reopen(run_file **f, const scenario *s, const char *text,
                             uint64_t round_next, MPI_Comm comm, agora_error *err);

/* Creates dataset `path` ("group/name"; the group is made when new) of `rank`
 * 1 or 2 dimensions, chunked along the last dimension (rows of 2-D datasets are
 * chunked one at a time), compressed at output.compress. The file closes it. */
agora_status run_file_dataset(run_file *f, const char *path, hid_t type, int rank,
                              const hsize_t *dims, const char *units, const char *description,
                              hid_t *ds, agora_error *err);
/* Creates group `name` even when no dataset goes into it, so that a layout
 * keeps its groups whatever the scenario (e.g. /agents without snapshots). */
agora_status run_file_group(run_file *f, const char *name, agora_error *err);
/* Opens an existing dataset of a reopened file. */
agora_status run_file_open_dataset(run_file *f, const char *path, hid_t *ds, agora_error *err);

/* Writes this rank's elements [lo, lo + n) of a 1-D dataset (row < 0) or of row
 * `row` of a 2-D one; n may be 0. Collective. */
agora_status run_file_write(run_file *f, hid_t ds, hid_t memtype, int64_t row, uint64_t lo,
                            uint64_t n, const void *data, agora_error *err);

/* Before a checkpoint: records in the file that it holds every round before
 * `rounds_done` (the root attribute `rounds_saved`, which only .partial files
 * carry) and makes everything written so far durable. Collective. */
agora_status run_file_save(run_file *f, uint64_t rounds_done, agora_error *err);
const char *run_file_path(const run_file *f); /* the .partial name, for messages */
int run_file_rank(const run_file *f);

agora_status run_file_close(run_file *f, run_file_end end, double wall_seconds,
                            agora_error *err);

#endif
