/* The run's HDF5 file, written collectively by all ranks with parallel HDF5.
 * Layout (documented in docs/hdf5-layout.md, the one place both the writer and
 * analysis/ follow): /metrics/<name> [rounds], /agents/<field> [snapshot, agent],
 * /agents/round [snapshot], /population/group [agent], root attributes for
 * provenance. The file is written as `<path>.partial` and renamed after the last
 * collective close, so the final name never holds a partial file; a run stopped
 * at a checkpoint leaves the .partial file for the resumed run to continue. */
#ifndef AGORA_OUTPUT_H
#define AGORA_OUTPUT_H

#include <mpi.h>
#include <stdint.h>

#include "agent_fields.h"
#include "metrics.h"
#include "population.h"
#include "scenario.h"
#include "status.h"

/* Metric rows per output_write_metrics call at most (bounds rank 0's buffer). */
#define OUTPUT_METRIC_BATCH 1024

typedef struct output output;


/* Creates the temporary file with every group and dataset and the start-up
 * attributes. Collective. `scenario_text` is the resolved YAML. */
agora_status output_open(output **o, const scenario *s, const char *scenario_text,
                         MPI_Comm comm, agora_error *err);

/* Opens the .partial file of an interrupted run to continue it at round
 * `round_next` (run_file_reopen's checks). Collective. */
agora_status output_reopen(output **o, const scenario *s, const char *scenario_text,
                           uint64_t round_next, MPI_Comm comm, agora_error *err);

/* Before a checkpoint: run_file_save. Collective. */
agora_status output_save(output *o, uint64_t rounds_done, agora_error *err);

/* Writes /population/group for this rank's agents. Collective. */
agora_status output_write_population(output *o, const population *p, agora_error *err);

/* Writes one field of snapshot `index` for this rank's agents [first_id,
 * first_id + n): one field at a time, so the caller needs one scratch array for
 * derived fields. Collective. */
agora_status output_write_field(output *o, agent_field f, uint64_t index, uint64_t first_id,
                                size_t n, const double *data, agora_error *err);
/* Records that snapshot `index` was taken after round `round`. Collective. */
agora_status output_write_snapshot_round(output *o, uint64_t index, uint64_t round,
                                         agora_error *err);

/* Writes metric rows [first, first + n), n <= OUTPUT_METRIC_BATCH, from rows
 * (row-major, METRIC_COUNT per row) and the state digests of those rounds, which
 * only rank 0 needs to hold. Collective. */
agora_status output_write_metrics(output *o, uint64_t first, uint64_t n, const double *rows,
                                  const uint64_t *digests, agora_error *err);

typedef enum {
    OUTPUT_FINISH,  /* closing attributes, close, rename .partial to the final name */
    OUTPUT_SUSPEND, /* close and keep .partial: the run stopped at a checkpoint */
    OUTPUT_DISCARD  /* close and remove .partial: the run failed */
} output_end;

agora_status output_close(output *o, output_end end, double wall_seconds, agora_error *err);

#endif
