/* The resolved keys of a `family: cloud` scenario (sim/scenario_cloud.c reads
 * and writes them; scenarios/README.md documents each). */
#ifndef AGORA_CLOUD_CONFIG_H
#define AGORA_CLOUD_CONFIG_H

#include <stdint.h>

#include "cloud.h"
#include "rng.h"
#include "scenario.h"

/* The pairs `optimal` may look at per round (requests.per_round x resources.count). */
#define CLOUD_OPTIMAL_MAX_INSTANCE 200000ULL
/* Largest request batch and resource count: ids travel as uint32 inside a round. */
#define CLOUD_MAX_REQUESTS 100000000ULL
#define CLOUD_MAX_RESOURCES 1000000ULL
#define CLOUD_MAX_CLUSTERS_KEPT 64u
#define CLOUD_MAX_CLUSTERS 4096u

typedef struct {
    cloud_mechanism mechanism;
    cloud_weights weights;
    cloud_price_rule price;
    uint32_t clusters_kept; /* mohaf: clusters each request bids in */

    uint64_t per_round;              /* requests per round */
    scenario_dist cpu, mem;          /* per-unit demand */
    uint64_t amount_max;             /* units per request: uniform on 1..amount_max */
    uint64_t priorities;             /* priority uniform on 0..priorities-1 */
    scenario_dist budget;            /* per unit of CPU demand */
    char trace[SCENARIO_PATH_MAX];   /* "" or a Google task_events CSV */

    uint64_t resources;
    uint64_t clusters;
    scenario_dist res_cpu, res_mem, res_cost;
    scenario_dist reliability, availability, energy; /* clipped to [0, 1] */
} cloud_config;

/* A draw from d (constant, uniform or lognormal) with g (sim/cloud_instance.c). */
double cloud_draw(const scenario_dist *d, pcg32 *g);

#endif
