/* Requests from a Google cluster-data 2011 `task_events` CSV (no header; the
 * columns: time, missing info, job ID, task index, machine ID, event type,
 * user, scheduling class, priority, CPU request, memory request, disk request,
 * different-machine constraint). Only SUBMIT events (type 0) with a CPU and a
 * memory request above 0 are used; they are numbered 0, 1, ... in file order
 * ("usable events"). Round t's request k is usable event (t * per_round + k)
 * mod total: the trace is cycled when the run needs more requests than it has.
 *
 * Every rank streams the file itself and keeps only the events of its own
 * block of every round (a bitmap of one bit per usable event marks them), so
 * no rank holds the whole trace. */
#ifndef AGORA_CLOUD_TRACE_H
#define AGORA_CLOUD_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    uint64_t index; /* usable-event number */
    double cpu, mem, priority;
} cloud_trace_event;

typedef struct {
    cloud_trace_event *ev; /* kept events, by index */
    size_t n;
    uint64_t total; /* usable events in the file */
} cloud_trace;

/* Loads the events that requests [lo, hi) of rounds 0..rounds-1 need, with
 * per_round requests per round. A file without usable events, or a malformed
 * line, fails with one line "path:line: reason". */
agora_status cloud_trace_load(const char *path, uint64_t per_round, uint64_t rounds,
                              uint64_t lo, uint64_t hi, cloud_trace *out, agora_error *err);
/* The event of usable index `index` (which must have been kept). */
const cloud_trace_event *cloud_trace_find(const cloud_trace *t, uint64_t index);
void cloud_trace_free(cloud_trace *t);

#endif
