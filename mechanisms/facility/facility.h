/* Facility location on [0, 1] (Aziz, Lam, Lee and Walsh, "Strategyproof and
 * Proportionally Fair Facility Location"): n agents report peaks, a mechanism
 * places one facility y, agent i's cost is |x_i - y| and its utility 1 - cost.
 *
 * Every mechanism here is either an order statistic of the reports joined with
 * a multiset of phantom points (median, kth, phantoms, uniform_phantom: "the K-th
 * smallest of reports ∪ phantoms"), or the mean of the reports (average). That
 * one shape serves both scales: whole instances sorted on one rank, and one giant
 * instance whose K-th value is found by a distributed selection (sim/). It also
 * gives the outcome when one report is replaced in O(1) (facility_with), which
 * the strategyproofness probes and best responses use.
 *
 * Plain C over arrays: no MPI, unit-tested in tests/test_facility.c. */
#ifndef AGORA_FACILITY_H
#define AGORA_FACILITY_H

#include <stddef.h>
#include <stdint.h>

/* Slack of the axiom checks: a cost above a bound by more than this counts as a
 * violation, so that rounding in k/n or in 1 - cost never does. */
#define FACILITY_TOL 1e-12

typedef struct {
    uint64_t k;              /* kth: the 1-based order statistic (1 = leftmost) */
    const double *phantoms;  /* phantoms: n + 1 points in [0, 1], sorted ascending */
    size_t n_phantoms;
} facility_params;

typedef enum { FACILITY_ORDER, FACILITY_MEAN } facility_rule;

typedef struct facility_mechanism {
    const char *name;
    facility_rule rule;
    int strategyproof; /* for documentation and tests */
    /* ORDER: the 1-based rank K of the outcome in reports ∪ phantoms, n reports. */
    uint64_t (*rank)(uint64_t n, const facility_params *p);
    /* ORDER: the number of phantoms for n reports (0 for order statistics). */
    uint64_t (*phantom_count)(uint64_t n, const facility_params *p);
    /* ORDER: the j-th smallest phantom, 0 <= j < phantom_count. */
    double (*phantom_at)(uint64_t n, const facility_params *p, uint64_t j);
    /* ORDER: how many phantoms are <= v (v in [0, 1]). */
    uint64_t (*phantoms_le)(uint64_t n, const facility_params *p, double v);
} facility_mechanism;

const facility_mechanism *facility_mechanism_find(const char *name);
const facility_mechanism *facility_mechanism_at(size_t i); /* NULL past the end */

/* What an outcome depends on, enough to recompute it with one report replaced:
 * for ORDER rules the order statistics U_(K-1), U_(K), U_(K+1) of reports ∪
 * phantoms (-inf / +inf beyond the ends), for MEAN the sum of the reports. */
typedef struct {
    uint64_t n;    /* reports */
    uint64_t rank; /* K (ORDER) */
    double below, at, above;
    double sum;    /* MEAN */
} facility_nbhd;

/* Ascending sort of n doubles in [0, 1] (no NaN). */
void facility_sort(double *v, size_t n);

/* The neighbourhood of n >= 1 sorted reports. */
void facility_neighbourhood(const facility_mechanism *m, const facility_params *p,
                            const double *sorted, size_t n, facility_nbhd *h);
/* The facility location: U_(K) or sum / n. */
double facility_outcome(const facility_mechanism *m, const facility_nbhd *h);
/* The location when the report `own` (one of the n) is replaced by z. */
double facility_with(const facility_mechanism *m, const facility_nbhd *h, double own, double z);
/* Locate from unsorted reports (sorts a copy into scratch[n]). */
double facility_locate(const facility_mechanism *m, const facility_params *p,
                       const double *reports, size_t n, double *scratch);

/* Misreports tried by probes and best responses: `grid` evenly spaced points
 * 0, 1/(grid-1), ..., 1 (none when grid < 2), the true peak, the order
 * statistics next to the outcome with `own` removed (the only other reports an
 * order-statistic outcome can move to), and for MEAN the report that puts the
 * mean on the peak (clamped to [0, 1]). */
/* The largest cost reduction an agent with peak x and current report `own` gets
 * by reporting a candidate instead of x (0 when truth is a best response). */
double facility_gain(const facility_mechanism *m, const facility_nbhd *h, double own, double x,
                     uint64_t grid);
/* A best response among the candidates: the true peak when it is one, else the
 * first candidate of least cost in the order listed above. For ORDER rules the
 * peak always is one (strategyproofness), so it is returned without a search;
 * the probes (facility_gain) still search, to show it. */
double facility_best_response(const facility_mechanism *m, const facility_nbhd *h, double own,
                              double x, uint64_t grid);

/* The per-instance checks (facility_check.c). */
typedef struct {
    double total_cost;  /* Σ |x_i - y| */
    double welfare;     /* Σ (1 - |x_i - y|) */
    double max_cost;
    double opt_cost;    /* Σ |x_i - m|, m the ⌈n/2⌉-th smallest peak: the least total cost */
    uint64_t ifs, ufs, pf; /* agents violating each axiom */
} facility_check;

/* Checks of a location y against n >= 1 sorted true peaks; scratch holds n doubles. */
void facility_check_sorted(const double *x, size_t n, double y, double *scratch,
                           facility_check *out);

#endif
