/* The resolved keys of a `family: facility` scenario (sim/scenario_facility.c
 * reads and writes them; scenarios/README.md documents them). */
#ifndef AGORA_FACILITY_CONFIG_H
#define AGORA_FACILITY_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "facility.h"
#include "facility_agents.h"

/* Ranks split whole instances (scale: instances) or one instance's agents
 * (scale: giant). block_lo keeps either count below 2^32. */
#define FACILITY_MAX_COUNT 4294967295ULL
#define FACILITY_MAX_AGENTS (1ULL << 48) /* instances x agents */
#define FACILITY_MAX_GRID 1000000ULL
#define FACILITY_MAX_PROBES 1000000ULL

typedef struct {
    const facility_mechanism *mech;
    facility_params params; /* k; phantoms point at `phantoms` */
    double *phantoms;       /* mechanism.phantoms, sorted ascending (owned) */
    size_t n_phantoms;

    int giant;          /* population.scale: giant */
    uint64_t instances; /* 1 when giant */
    uint64_t agents;    /* per instance */
    facility_peaks peaks;
    double drift;       /* standard deviation of the per-round peak step */

    facility_behaviour behaviour;
    double fraction;    /* best_response: chance that an agent revises each round */

    uint64_t probe_agents; /* probed agents per instance (giant: in all) per round */
    uint64_t probe_grid;   /* evenly spaced misreports tried, 0 or >= 2 */
} facility_config;

#endif
