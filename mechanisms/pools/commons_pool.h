/* Common-pool resources: one pool's round, as plain functions over arrays (no
 * MPI, no random draws: the few draws a round needs are passed in). A pool holds
 * a stock R; its harvesters request amounts; requests are served (rationed when
 * they exceed the stock); what is left regrows, logistically or by doubling; a
 * pool whose stock after the harvest falls below the collapse threshold is
 * collapsed for good. Used by the `commons` family (sim/commons_run.c) for both
 * many small pools (villages) and one global pool.
 *
 * Round order, as in GovSim (Piatti et al. 2024, "Cooperate or Collapse"):
 *   requests on R  ->  serve  ->  after = R - H  ->  collapse if after < threshold
 *   ->  regrow: logistic  R' = after + r R (1 - R/K)   (the issue's
 *       R <- R + rR(1 - R/K) - H: growth is computed on the stock before the harvest)
 *               doubling  R' = min(K, 2 after)
 */
#ifndef AGORA_COMMONS_POOL_H
#define AGORA_COMMONS_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef enum { REGROW_LOGISTIC, REGROW_DOUBLING } commons_regrowth;

typedef struct {
    commons_regrowth regrowth;
    double growth;    /* r (logistic only) */
    double capacity;  /* K */
    double threshold; /* collapse when the stock after the harvest is below it */
} commons_pool_params;

/* The stock after regrowth, from the stock before the harvest (`before`) and
 * after it (`after`); never negative, doubling never above K. */
double commons_regrow(const commons_pool_params *p, double before, double after);

/* Growth the stock `stock` would make this round: r R (1 - R/K) (logistic), or
 * min(K, 2(R - R/2)) - R/2 = the half that doubling restores (doubling); the most
 * the pool can give and still come back to R. Never negative. */
double commons_regeneration(const commons_pool_params *p, double stock);

/* The sustainable threshold per harvester: regeneration / n (GovSim: pool/2/n
 * for doubling). A request above it is over-usage. */
double commons_sustainable(const commons_pool_params *p, double stock, size_t n);

/* Proportional rationing: served[i] = request[i] when the requests sum (in index
 * order) to at most `stock`, else request[i] * stock / total. Returns the total
 * served, summed in index order. Requests must be >= 0. */
double commons_serve_proportional(const double *request, size_t n, double stock, double *served);

/* A request unit ("ticket") of harvester `who` with its random sort key. Random
 * unit-by-unit serving gives the stock's whole units to the tickets in increasing
 * (key, who, index) order: every order of the tickets is equally likely, so
 * each unit goes to a uniformly random unit still requested. */
typedef struct {
    uint64_t key;
    uint32_t who; /* harvester index within the pool */
    uint32_t index; /* ticket number within the harvester's request */
} commons_ticket;

/* Orders tickets by (key, who, index). */
int commons_ticket_cmp(const void *a, const void *b);

/* Serves `units` whole units to tickets[0..n) (sorted here in place): the first
 * `units` tickets in ticket order get one unit each; units_served[who] counts
 * them (zeroed first, n_harvesters entries). Returns the units handed out. */
uint64_t commons_serve_tickets(commons_ticket *tickets, size_t n, uint64_t units,
                               uint64_t *units_served, size_t n_harvesters);

/* True when a pool with stock `after` after the harvest collapses. */
int commons_collapses(const commons_pool_params *p, double after);

/* Gini coefficient of x[0..n) (all >= 0): G = sum_i (2i - n - 1) x_(i) / (n sum_i x_i)
 * with x_(1) <= ... <= x_(n), i from 1 (sorting a copy into `scratch`, n doubles),
 * or for n <= 32 the equal sum_{i<j} |x_i - x_j| / (n sum x), which needs no sort;
 * 0 when the sum is 0 or n < 2. */
double commons_gini(const double *x, size_t n, double *scratch);

#endif
