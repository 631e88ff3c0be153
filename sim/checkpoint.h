/* Checkpoints: everything a run needs to continue from the start of a round, on
 * any number of ranks. One HDF5 file, written collectively, holding the round to
 * play next, every agent's mutable state indexed by global id (so a run stopped
 * at 3 ranks resumes at 2) including learners' and pacing state, the resolved
 * scenario text, and a digest of the state that is checked on reading. Families
 * other than position auctions save their own state blocks (harvesters and
 * pools, resource prices, drifting peaks) through the same file format.
 * Values and groups are not stored: they are drawn again from the scenario's
 * keyed streams. Written as `<path>.tmp` and renamed, so a crash during a
 * write leaves the previous checkpoint usable. */
#ifndef AGORA_CHECKPOINT_H
#define AGORA_CHECKPOINT_H

#include <mpi.h>
#include <stdint.h>

#include "population.h"
#include "state_block.h"
#include "status.h"

/* 2: Hedge keeps its sampling weights; learner state is hashed per agent (issue 11).
 * 3: spend and clicks are one block, "spend_clicks", two doubles per agent.
 * 4: Hedge keeps cum and realised only, its weights worked out at each draw.
 * 5: header_digest covers the scenario text, round_next, agents and state_digest. */
#define CHECKPOINT_LAYOUT_VERSION 5

/* Collective. `digest` is the population digest over all ranks. */
agora_status checkpoint_write(const char *path, const scenario *s, const char *scenario_text,
                              uint64_t round_next, uint64_t digest, const population *p,
                              MPI_Comm comm, agora_error *err);

/* Collective. Refuses a file that is not a readable checkpoint, one written for a
 * different scenario (the resolved texts must match except for
 * output.checkpoint_every), or one whose state does not match its digest. On
 * success the mutable state of this rank's agents is loaded into p. */
agora_status checkpoint_read(const char *path, const scenario *s, const char *scenario_text,
                             population *p, uint64_t *round_next, uint64_t *digest,
                             MPI_Comm comm, agora_error *err);

/* A family's checkpoint: its state blocks (`entities` is what they count:
 * harvesters, resources, agents) and a rank-independent digest of them,
 * computed here. Collective. */
agora_status checkpoint_save_state(const char *path, const char *scenario_text,
                                   uint64_t round_next, uint64_t entities,
                                   const state_block *blocks, size_t n, MPI_Comm comm,
                                   agora_error *err);
/* Loads the blocks saved by checkpoint_save_state into `blocks` (each rank its
 * rows), with the checks of checkpoint_read and the digest recomputed. */
agora_status checkpoint_load_state(const char *path, const char *scenario_text,
                                   uint64_t entities, const state_block *blocks, size_t n,
                                   uint64_t *round_next, MPI_Comm comm, agora_error *err);

#endif
