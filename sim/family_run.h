/* Running a scenario of a family other than position auctions: the table of
 * each family's run function (sim/<family>_run.c). A family's run follows the
 * position engine's pattern (DESIGN.md "One round"): owned blocks, keyed random
 * streams, exact reductions, metrics through run_metrics, one run_file. */
#ifndef AGORA_FAMILY_RUN_H
#define AGORA_FAMILY_RUN_H

#include <mpi.h>

#include "engine.h"

typedef agora_status (*family_run_fn)(const scenario *s, const char *scenario_text,
                                      const run_options *opt, MPI_Comm comm,
                                      run_summary *summary, agora_error *err);

/* Checks the rank count against the family's partitioned entities, then runs
 * s->family. Collective. */
agora_status family_run(const scenario *s, const char *scenario_text, const run_options *opt,
                        MPI_Comm comm, run_summary *summary, agora_error *err);

#endif
