/* Per-phase wall time; see phase_clock.h. */
#include "phase_clock.h"

#include <time.h>

const char *const phase_names[PHASE_COUNT] = {
    [PHASE_SAMPLE] = "sample",     [PHASE_ROUTE] = "route",   [PHASE_BID] = "bid",
    [PHASE_ALLOCATE] = "allocate", [PHASE_SETTLE] = "settle", [PHASE_REDUCE] = "reduce",
    [PHASE_WRITE] = "write",
};

double phase_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void phase_begin(phase_clock *c)
{
    c->mark = phase_now();
}

void phase_end(phase_clock *c, phase_id phase)
{
    double now = phase_now();
    c->seconds[phase] += now - c->mark;
    c->mark = now;
}
