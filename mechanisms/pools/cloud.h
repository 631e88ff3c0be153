/* Cloud resource auctions (the `cloud` scenario family; MOHAF, Agrawal et al.
 * 2025, and four baselines): the pure computation, no MPI. Requests (tasks with
 * CPU and memory demands, a priority, a location and a budget) are matched to
 * resources (machines with capacities, a unit price, reliability, availability,
 * energy efficiency and a location) once per round.
 *
 * mechanisms/pools/ is shared by two families: `cloud` (files cloud_*) and
 * `commons` (common-pool resources, files commons_*).
 *
 * Every mechanism is a rule for ordering (request, resource) pairs; the
 * allocation is then the same greedy scan for all but `optimal`: take pairs in
 * decreasing key, accept a pair when its request is still unserved and the
 * resource has room for its demand (cloud_scan). The key (cloud_pair_key):
 *   mohaf        utility u_ij, in stages: first over the resources of each
 *                request's best clusters, then (for requests still unserved)
 *                over their next best, and so on
 *   greedy       (priority_i, u_ij): requests by priority, each its best resource
 *   first_price  (bid_i, u_ij): a resource goes to the highest bids that want it
 *   random       (random order of requests, random cyclic order of resources)
 *   optimal      maximum total utility (assignment; exact for unit demands)
 * All of them value a pair with the same utility (cloud_utility). */
#ifndef AGORA_CLOUD_H
#define AGORA_CLOUD_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    CLOUD_MOHAF,
    CLOUD_GREEDY,
    CLOUD_FIRST_PRICE,
    CLOUD_RANDOM,
    CLOUD_OPTIMAL,
    CLOUD_MECHANISMS
} cloud_mechanism;

/* Names in cloud_mechanism order, NULL-terminated. */
extern const char *const cloud_mechanism_names[CLOUD_MECHANISMS + 1];

typedef struct {
    uint64_t id;     /* global request index within its round */
    double cpu, mem; /* total demand (per-unit demand times amount) */
    double amount;   /* units asked for (1 from a trace) */
    double priority; /* larger is more important */
    double x, y;     /* location in the unit square */
    double budget;   /* most the request pays for its whole demand */
} cloud_request;

typedef struct {
    double cpu, mem;     /* capacity per round */
    double cost;         /* cost per unit of CPU: the floor of the price rule scales with it */
    double reliability;  /* [0, 1] */
    double availability; /* [0, 1] */
    double energy;       /* energy efficiency, [0, 1] */
    double x, y;         /* location in the unit square */
} cloud_resource;

/* Weights of the utility's four terms (each term lies in [0, 1]). */
typedef struct {
    double cost, qos, energy, fairness;
} cloud_weights;

/* The price rule: after a round with CPU utilisation U of the resource,
 *   price <- clamp(price * (1 + step * (U - target)), floor * cost, cap * cost);
 * so a resource busier than `target` gets dearer, an idle one (U = 0) cheaper by
 * the factor 1 - step * target, and prices start at `cost`. */
typedef struct {
    double step, target, floor, cap;
} cloud_price_rule;

/* ---- cloud_utility.c --------------------------------------------------- */

/* The request's payment on a resource at unit price `price`: price * cpu. */
double cloud_cost(const cloud_request *q, double price);
/* Whether a resource could ever hold the request: demand within its full
 * capacity and cost within the budget. */
int cloud_pair_feasible(const cloud_request *q, const cloud_resource *r, double price);
/* u = w.cost (1 - cost / budget) + w.qos (closeness + reliability + availability) / 3
 *     + w.energy * energy + w.fairness * (1 - load),
 * closeness = 1 - distance / sqrt(2) and load the resource's CPU utilisation in
 * the previous round (the fairness term spreads requests over providers). */
double cloud_utility(const cloud_request *q, const cloud_resource *r, double price, double load,
                     const cloud_weights *w);
double cloud_price_next(double price, double utilisation, double cost,
                        const cloud_price_rule *rule);
/* Jain's index (sum x)^2 / (n sum x^2); 0 when every x is 0 (nothing was
 * allocated, so nothing is shared fairly) or n == 0. */
double cloud_jain(double sum, double sum_sq, double n);

/* ---- cloud_cluster.c: hierarchical clusters of resources ---------------- */

/* Splits m resources into k <= m clusters by recursive bisection of their
 * locations (x, then y, alternating with depth; ties by index), each side
 * getting resources in proportion to its clusters: a binary tree whose leaves
 * are the clusters. Writes order[m] (resources grouped by cluster) and
 * start[k + 1] (cluster c is order[start[c] .. start[c + 1])). Returns 0, or -1
 * when out of memory. */
int cloud_cluster(const cloud_resource *r, uint32_t m, uint32_t k, uint32_t *order,
                  uint32_t *start);

/* What a request sees of a cluster: its best attributes and largest room. */
typedef struct {
    double x, y;                                /* centroid */
    double cpu, mem;                            /* largest capacity of a member */
    double reliability, availability, energy;   /* best of the members */
    double min_price, min_load;
} cloud_cluster_summary;

void cloud_cluster_summarise(const cloud_resource *r, const double *price, const double *load,
                             const uint32_t *order, const uint32_t *start, uint32_t k,
                             cloud_cluster_summary *out);
/* The clusters whose largest member could hold the request (within its
 * budget at the cluster's lowest price), best first by optimistic utility (the
 * utility of a resource with the cluster's best attributes at its centroid),
 * ties by index: writes them to pick[] (k entries of room) and returns how many.
 * scratch: k entries. */
typedef struct {
    double score;
    uint32_t cluster;
} cloud_cluster_rank;
uint32_t cloud_rank_clusters(const cloud_request *q, const cloud_cluster_summary *s, uint32_t k,
                             const cloud_weights *w, uint32_t *pick, cloud_cluster_rank *scratch);

/* ---- cloud_scan.c: the canonical greedy ---------------------------------- */

/* A candidate pair; keys compare first k1, then k2 (larger first), then
 * request id, then resource (smaller first): a total order, so that the scan's
 * result does not depend on how the pairs were gathered. */
typedef struct {
    double k1, k2;
    double utility;
    double cpu, mem; /* the request's demand */
    uint64_t request;
    uint32_t resource;
    uint32_t pad;
} cloud_pair;

/* Keys of pair (q, resource) under mechanism m; u is its utility, draw the
 * request's random order in [0, 1) and offset its random rotation of the
 * resources (random only; m resources in all). */
void cloud_pair_key(cloud_mechanism mech, const cloud_request *q, uint32_t resource, double u,
                    double draw, uint32_t offset, uint32_t m, cloud_pair *p);
/* qsort comparator: pair order as above (a before b when a's key is larger). */
int cloud_pair_cmp(const void *a, const void *b);
/* 1 when a comes before b in the scan order. */
int cloud_pair_before(const cloud_pair *a, const cloud_pair *b);

/* Scans pairs[0..n) (already in scan order) against the room left cpu_left /
 * mem_left (indexed by resource): a pair is accepted when its request is not yet
 * served (served(ctx, request) == 0) and fits; accepted pairs are marked by
 * calling accept(ctx, pair). Returns the number accepted. */
size_t cloud_scan(const cloud_pair *pairs, size_t n, double *cpu_left, double *mem_left,
                  int (*served)(void *ctx, uint64_t request),
                  void (*accept)(void *ctx, const cloud_pair *p), void *ctx);

/* ---- cloud_optimal.c ------------------------------------------------------ */

/* Largest requests x slot columns that `optimal` accepts (weights and the
 * solver's workspace stay under about 100 MB). */
#define CLOUD_OPTIMAL_MAX_PAIRS 2000000ULL
#define CLOUD_OPTIMAL_MAX_COLUMNS 4096u

/* Maximum-utility assignment of n requests (ids 0..n) to resources: resource j
 * offers slots[j] unit columns; pairs[0..np) are the feasible pairs with their
 * utilities, in scan order (cloud_pair_cmp). Solved exactly as an assignment
 * (mechanisms/aigc/assignment.c); then the assigned pairs are taken in scan
 * order against the real capacities, and the requests left over are given the
 * room that remains by the greedy scan (both no-ops for unit demands, where the
 * result is optimal). Writes assign[n] (resource or -1) and the accepted pairs,
 * in the order their room was taken, to acc (n entries of room), their number
 * to *n_acc; returns 0, or -1 when too large or out of memory. */
int cloud_optimal(uint32_t n, uint32_t m, const uint32_t *slots, const cloud_pair *pairs,
                  size_t np, double *cpu_left, double *mem_left, int32_t *assign,
                  cloud_pair *acc, size_t *n_acc);
/* Unit columns of a resource: how many of the smallest demand it can hold, at
 * most n. */
uint32_t cloud_slots(const cloud_resource *r, double min_cpu, double min_mem, uint32_t n);

#endif
