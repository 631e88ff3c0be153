/* Where a run's time goes: wall seconds per phase of the round, accumulated on
 * each rank and printed by `agora run --profile`. Always on: a clock read per
 * phase per round costs nothing next to a round. */
#ifndef AGORA_PHASE_CLOCK_H
#define AGORA_PHASE_CLOCK_H

typedef enum {
    PHASE_SAMPLE,   /* drawing participants, finding their owners */
    PHASE_ROUTE,    /* plans and Alltoallv of requests, bids and outcomes */
    PHASE_BID,      /* owners computing bids */
    PHASE_ALLOCATE, /* ranking, pricing, clicks */
    PHASE_SETTLE,   /* owners applying outcomes */
    PHASE_REDUCE,   /* the round's metric sums over ranks */
    PHASE_WRITE,    /* HDF5 metrics and snapshots */
    PHASE_COUNT
} phase_id;

extern const char *const phase_names[PHASE_COUNT];

typedef struct {
    double seconds[PHASE_COUNT];
    double mark;
} phase_clock;

double phase_now(void); /* monotonic seconds */
void phase_begin(phase_clock *c);
/* Charges the time since the last mark to `phase` and moves the mark. */
void phase_end(phase_clock *c, phase_id phase);

#endif
