/* The `commons` family's run (common-pool resources), shared by its two files:
 * commons_run.c (set-up, the villages mode, metrics, output, the round loop) and
 * commons_global.c (the one global pool whose harvesters live on all ranks).
 *
 * Distribution (DESIGN.md, invariants 1 and 2):
 *   villages  pools are block-partitioned over ranks and every harvester of a
 *             pool lives on its pool's rank (harvester h of pool p has global id
 *             p * harvesters_per_pool + h), so a village's round and its
 *             imitation (peers are drawn inside the village) need no messages.
 *             Only the round's metric sums cross ranks, as exact fixed sums.
 *   global    the harvesters are block-partitioned; the pool's few scalars
 *             (stock, collapsed, survived) are replicated and every rank updates
 *             them from the same exactly reduced totals. See commons_global.c.
 * Memory per harvester: strategy 1 + next strategy 1 + cumulative gain 8 + last
 * payoff 8 + last request 8 = 26 bytes; per village pool: stock 8 + collapsed 1
 * + survived 4 + Gini 8 = 21 bytes. */
#ifndef AGORA_COMMONS_RUN_H
#define AGORA_COMMONS_RUN_H

#include <mpi.h>
#include <stdint.h>

#include "commons_config.h"
#include "engine.h"
#include "fixed_sum.h"
#include "phase_clock.h"

/* The exact sums of one round, reduced over ranks to rank 0. */
typedef enum {
    SUM_STOCK,       /* stock at the end of the round, over pools */
    SUM_HARVEST,     /* served harvests */
    SUM_COOPERATORS, /* harvesters with a cooperative strategy in the round */
    SUM_COLLAPSED,   /* pools collapsed by the end of the round */
    SUM_SURVIVED,    /* rounds survived so far, over pools */
    SUM_GINI,        /* Gini of cumulative gains, over pools */
    SUM_OVER,        /* requests above the sustainable threshold */
    SUM_REQUESTS,    /* requests made (harvesters of live pools) */
    SUM_COUNT
} commons_sum;

typedef struct {
    const scenario *s;
    const commons_config *c;
    MPI_Comm comm;
    int rank, ranks;
    commons_rules rules;
    commons_evolution evo;
    const harvester_behaviour *beh[COMMONS_MAX_GROUPS];
    harvester_params params[COMMONS_MAX_GROUPS];
    uint64_t harvesters;          /* in all pools */
    /* This rank's harvesters: global ids first_h .. first_h + nh - 1. */
    uint64_t first_h;
    size_t nh;
    uint8_t *strategy, *next;
    double *gain, *payoff, *request;
    /* This rank's pools: first_pool .. first_pool + np - 1 (global mode: the one
     * pool, replicated on every rank, written by rank 0). */
    uint64_t first_pool;
    size_t np;
    double *stock;
    uint8_t *collapsed;
    uint32_t *survived;
    double *gini; /* villages: each pool's last Gini (a collapsed pool's gains stay) */
    commons_scratch scratch;
    /* Global mode: the last round's best earner's request (imitate_best). */
    double best_request;
    phase_clock clock;
} commons_state;

/* Global mode: one round, its metric sums (complete on every rank: the one pool's
 * totals, not partial sums; only rank 0's are reduced, see commons_run.c), and the
 * evolution after it. Collective. */
agora_status commons_global_round(commons_state *w, uint64_t round, fixed_sum *sums,
                                  agora_error *err);
agora_status commons_global_evolve(commons_state *w, uint64_t round, agora_error *err);

/* Random sort keys of harvester `id`'s request units in round `round`. */
void commons_unit_keys(uint64_t seed, uint64_t id, uint64_t round, uint64_t *keys, size_t count);

/* Draws of harvester `id`'s strategy update after round `round` in the global
 * pool (villages draw from one stream per pool instead): a peer index in
 * [0, pool_n) other than `self` (self when pool_n == 1) and the uniforms. */
void commons_evolve_draws(const commons_state *w, uint64_t id, uint64_t round, uint64_t self,
                          uint64_t pool_n, uint64_t *peer, commons_draws *d);

#endif
