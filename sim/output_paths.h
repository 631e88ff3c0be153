/* The files a run writes, checked before anything runs, so that a mistyped
 * path can never cost the user a file: output.path and output.checkpoint (and
 * their .partial and .tmp companions) must be regular files where they exist,
 * the two final names HDF5 (or empty) ones, since the run overwrites them and
 * removes its checkpoint when done; the checkpoint must not be the output
 * under another name; and both folders must take a new file. */
#ifndef AGORA_OUTPUT_PATHS_H
#define AGORA_OUTPUT_PATHS_H

#include <mpi.h>

#include "scenario.h"
#include "status.h"

/* Collective: rank 0 looks, every rank returns its answer. On failure one line
 * "file:line:col: key: what is wrong" (AGORA_EINPUT). */
agora_status output_paths_check(const scenario *s, MPI_Comm comm, agora_error *err);

#endif
