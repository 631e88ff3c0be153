/* The `commons` family's configuration (common-pool resources, issue 8 part 2):
 * the resolved `commons:` section of a scenario, as sim/scenario_commons.c reads
 * it and sim/commons_run.c runs it. Every key is documented in
 * scenarios/README.md.
 *
 * The "resource pools family" is two scenario families that share
 * mechanisms/pools/: `cloud` (resource auctions, files cloud_*) and `commons`
 * (this one, files commons_* and agents/harvester.c), because their scenarios
 * share no keys and their runs no loop. */
#ifndef AGORA_COMMONS_CONFIG_H
#define AGORA_COMMONS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "commons_evolve.h"
#include "commons_pool.h"
#include "commons_village.h"
#include "harvester.h"

#define COMMONS_MAX_GROUPS 16
#define COMMONS_NAME_MAX 32

typedef enum {
    COMMONS_VILLAGES, /* many pools, each with all its harvesters on one rank */
    COMMONS_GLOBAL    /* one pool whose harvesters are spread over all ranks */
} commons_mode;

typedef struct {
    char behaviour[COMMONS_NAME_MAX];
    double share;
    harvester_params params;
} commons_group;

typedef struct {
    commons_mode mode;
    uint64_t pools;               /* 1 in global mode */
    uint64_t harvesters_per_pool; /* global mode: all harvesters of the one pool */
    commons_regrowth regrowth;
    double growth, capacity, initial_stock, collapse_below;
    commons_order order;
    double unit;
    double effort_c, effort_d;
    int assign_blocks; /* commons.assign: 0 random, 1 blocks */
    commons_rule rule;
    double kappa, mutation;
    size_t n_groups;
    commons_group groups[COMMONS_MAX_GROUPS];
} commons_config;

#endif
