/* Mechanism-property probes: does a mechanism, on the instances a run actually
 * meets, reward a participant for misreporting (incentive compatibility), leave
 * a participant worse off than staying out (individual rationality), or produce
 * an outcome that breaks its own constraints (feasibility)?
 *
 * Pure functions, no MPI, no allocation: a family describes one participant's
 * expected utility as a function of its report with everyone else's reports
 * fixed (probe_utility_fn), and the probe tries unilateral deviations on a grid
 * and returns the best gain over the report actually made. The engine chooses
 * which instances to probe by global index (so the choice, and every number
 * that follows, is the same at any rank count) and reduces the results (the
 * largest gain with MPI_MAX, the counts exactly). */
#ifndef AGORA_PROBE_H
#define AGORA_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* Participant `who`'s expected utility when it reports `report` and everyone
 * else keeps their reports. */
typedef double (*probe_utility_fn)(void *ctx, uint32_t who, double report);

/* What a set of probes found; add probe results into it, merge with probe_merge. */
typedef struct {
    double max_gain;        /* best utility gain of a unilateral deviation, >= 0 */
    uint64_t probed;        /* participants probed */
    uint64_t ir_violations; /* probed participants worse off than not taking part */
    uint64_t infeasible;    /* probed outcomes that broke the mechanism's constraints */
} probe_stats;

/* Reports tried: value * span * k / (points - 1), k = 0 .. points - 1 (points >= 2):
 * from dropping out (0) to `span` times the true value. With span 2 and an odd
 * number of points the truthful report is on the grid. */
double probe_grid_point(double value, double span, uint32_t points, uint32_t k);

/* The best gain max(0, max_k u(r_k) - u(actual)) over the grid of `points`
 * reports around `value`; *at_actual receives u(actual) (for the IR test). */
double probe_best_gain(probe_utility_fn u, void *ctx, uint32_t who, double value, double actual,
                       double span, uint32_t points, double *at_actual);

/* IR with a rounding allowance: utility below -tol * max(1, scale), where
 * scale is the size of the amounts involved (e.g. value * clicks). */
#define PROBE_TOLERANCE 1e-9
int probe_ir_violated(double utility, double scale);

/* Probes one participant: updates stats (probed, max_gain, ir_violations). */
void probe_participant(probe_stats *stats, probe_utility_fn u, void *ctx, uint32_t who,
                       double value, double actual, double span, uint32_t points,
                       double scale);

/* Whether instance g (a global index) is probed when `probed` of `total`
 * instances are: every stride-th one, stride = total / probed, the first
 * `probed` of them. Depends only on g, so it is the same on every rank. */
int probe_selects(uint64_t g, uint64_t probed, uint64_t total);

void probe_merge(probe_stats *into, const probe_stats *from);

#endif
