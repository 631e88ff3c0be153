/* A whole run: build the rank's population (or load it from a checkpoint), open
 * the output, play every round, record metrics, digests and snapshots, write
 * checkpoints, close the output. Collective over `comm`. */
#ifndef AGORA_ENGINE_H
#define AGORA_ENGINE_H

#include <mpi.h>
#include <signal.h>
#include <stdint.h>

#include "phase_clock.h"
#include "scenario.h"
#include "status.h"

typedef struct {
    int quiet;             /* no progress on stderr */
    const char *resume;    /* checkpoint to continue from, or NULL */
    uint64_t stop_after;   /* stop as if signalled after this many rounds (0: never); for tests */
    volatile sig_atomic_t *stop_requested; /* set by a signal handler; may be NULL */
} run_options;

typedef struct {
    uint64_t first_round;            /* 0, or the round a resumed run started from */
    uint64_t rounds_done;            /* rounds completed, counting from round 0 */
    double welfare, revenue, clicks; /* over the rounds this process played */
    double wall_seconds;             /* whole run, start-up and output included */
    double loop_seconds;             /* the rounds alone */
    double bid_evaluations;          /* auctions x bidders x rounds played */
    double peak_rss_bytes;           /* largest peak resident memory of any rank */
    double phase_seconds[PHASE_COUNT]; /* per phase, the slowest rank's */
    /* Candidates an auction ranked by bid keys (sim/bid_keys.h) read exact
     * bids of, on average; 0 when the run ranked every bid. */
    double candidates_per_auction;
    /* Rank 0's seconds outside the rounds on the output file: creating it with
     * the population (or reopening it), and closing it (closing attributes,
     * the file made durable and renamed to its final name). */
    double open_seconds, close_seconds;
    /* Families other than position auctions: their result lines for the summary
     * ("  name  value\n" each) and what the rate line counts (e.g. "instances"). */
    char family_lines[1024];
    const char *work_unit;
    double work_done;
} run_summary;

/* AGORA_STOPPED when a stop was requested: a checkpoint was written after
 * summary->rounds_done rounds and the output was left as .partial. */
agora_status engine_run(const scenario *s, const char *scenario_text, const run_options *opt,
                        MPI_Comm comm, run_summary *summary, agora_error *err);

#endif
