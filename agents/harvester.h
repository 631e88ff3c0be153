/* Harvesting behaviours of the commons family: how a harvester turns what it
 * sees of its pool into a harvest request. Pure computation, no MPI, no draws.
 * Plug-ins register by name in the table of harvester.c; a scenario lists them
 * under commons.behaviours with their shares, and strategy evolution moves
 * harvesters between these groups (a harvester's strategy is its group).
 *
 * Behaviours (GovSim's fishery personas and the coevolution model's C and D):
 *   cooperator    e_C * R             (commons.effort.cooperator)
 *   defector      e_D * R             (commons.effort.defector)
 *   fixed_quota   `quota`, every round
 *   sustainable   the sustainable threshold (GovSim: pool / 2 / harvesters)
 *   greedy        the whole stock R
 *   imitate_best  what the pool's best earner of the last round requested
 *                 (the sustainable threshold in the first round)
 * `cooperative` classes a behaviour for the cooperator_fraction metric:
 * cooperator, fixed_quota and sustainable restrain by design; defector, greedy
 * and imitate_best (which follows whoever earns most) do not. */
#ifndef AGORA_HARVESTER_H
#define AGORA_HARVESTER_H

#include <stddef.h>

/* What a harvester sees when it requests. */
typedef struct {
    double stock;        /* R: the pool's stock before the harvest */
    double sustainable;  /* the sustainable threshold per harvester */
    double effort_c;     /* e_C */
    double effort_d;     /* e_D */
    int has_best;        /* a previous round exists with a best earner */
    double best_request; /* the request of the last round's best earner */
} harvest_view;

typedef struct {
    double quota; /* fixed_quota: tons per round */
} harvester_params;

typedef struct {
    const char *name;
    int cooperative;
    int needs_quota; /* reads `quota` (required) */
    double (*request)(const harvest_view *v, const harvester_params *p);
} harvester_behaviour;

/* By name, or NULL. */
const harvester_behaviour *harvester_find(const char *name);
/* The i-th registered behaviour (NULL past the end), for lists of names. */
const harvester_behaviour *harvester_at(size_t i);

#endif
