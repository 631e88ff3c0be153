/* A whole run: build the rank's population, open the output, play every round,
 * record metrics and snapshots, close the output. Collective over `comm`. */
#ifndef AGORA_ENGINE_H
#define AGORA_ENGINE_H

#include <mpi.h>
#include <stdint.h>

#include "phase_clock.h"
#include "scenario.h"
#include "status.h"

typedef struct {
    int quiet; /* no progress on stderr */
} run_options;

typedef struct {
    uint64_t rounds;
    double welfare, revenue, clicks; /* over all rounds */
    double wall_seconds;             /* whole run, start-up and output included */
    double loop_seconds;             /* the rounds alone */
    double bid_evaluations;          /* auctions x bidders x rounds */
    double peak_rss_bytes;           /* largest peak resident memory of any rank */
    double phase_seconds[PHASE_COUNT]; /* per phase, the slowest rank's */
} run_summary;

agora_status engine_run(const scenario *s, const char *scenario_text, const run_options *opt,
                        MPI_Comm comm, run_summary *summary, agora_error *err);

#endif
