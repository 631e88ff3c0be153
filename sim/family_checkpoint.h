/* Checkpoints of a family's run (commons, cloud, facility), after the position
 * engine's pattern (engine.c): at the end of a round the ranks agree whether to
 * stop (a signal, --stop-after) and whether to checkpoint (a stop, or every
 * output.checkpoint_every rounds); a checkpoint first makes the rows written so
 * far durable, so the .partial output and the checkpoint agree on where the run
 * stands; a resumed run reopens the .partial output and appends to it. Each
 * family lists its own state blocks (sim/state_block.h). */
#ifndef AGORA_FAMILY_CHECKPOINT_H
#define AGORA_FAMILY_CHECKPOINT_H

#include <mpi.h>
#include <stdint.h>

#include "engine.h"
#include "run_file.h"
#include "run_metrics.h"
#include "state_block.h"

typedef struct {
    int checkpoint, stop;
} round_end;

/* What follows round `done` (rounds played so far, from 0). Collective. */
round_end family_round_end(const scenario *s, const run_options *opt, uint64_t done,
                           MPI_Comm comm);

/* Flushes the metric rows and the file, then writes the checkpoint of `blocks`
 * for a run continuing at round `done`. Collective. */
agora_status family_checkpoint(const scenario *s, const char *text, run_metrics *m, run_file *f,
                               uint64_t done, uint64_t entities, const state_block *blocks,
                               size_t n, MPI_Comm comm, agora_error *err);

/* How the output ends: renamed when the run finished; kept as .partial when it
 * stopped, or failed with a checkpoint to go back to (`resumable`: it resumed
 * or wrote one); removed otherwise. */
run_file_end family_file_end(agora_status st, int resumable);

/* After a finished run, rank 0 removes its checkpoint: nothing is left to resume. */
void family_drop_checkpoint(const scenario *s, int rank);

#endif
