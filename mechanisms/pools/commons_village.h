/* One round of one whole pool whose harvesters are all at hand: a village (the
 * villages mode of the commons family keeps every village on one rank), or the
 * fishery in unit tests. Requests from each harvester's strategy, serving in the
 * configured order, collapse, regrowth, payoffs; then strategy evolution inside
 * the village. Pure: random draws come in through the caller (keyed streams). */
#ifndef AGORA_COMMONS_VILLAGE_H
#define AGORA_COMMONS_VILLAGE_H

#include <stddef.h>
#include <stdint.h>

#include "commons_evolve.h"
#include "commons_pool.h"
#include "harvester.h"

typedef enum { ORDER_PROPORTIONAL, ORDER_RANDOM_UNITS } commons_order;

/* What every pool of a scenario shares. */
typedef struct {
    commons_pool_params pool;
    commons_order order;
    double unit;                          /* random_units: the unit, e.g. 1 ton */
    double effort_c, effort_d;            /* e_C, e_D */
    size_t groups;                        /* strategies */
    const harvester_behaviour *const *behaviour; /* per group */
    const harvester_params *params;       /* per group */
} commons_rules;

/* One village: pointers into the rank's arrays. */
typedef struct {
    size_t n;
    double *stock;       /* the pool's stock (one value) */
    uint8_t *collapsed;  /* one flag */
    uint8_t *strategy;   /* [n] group index */
    double *gain;        /* [n] cumulative gain */
    double *payoff;      /* [n] gain of the last round played */
    double *request;     /* [n] request of the last round played */
} commons_village;

/* Fills keys[0..count) for ticket numbers 0..count-1 of harvester `who` (index in
 * the village); the engine keys them by (seed, purpose, harvester id, round). */
typedef void (*commons_key_fn)(void *ctx, size_t who, uint64_t *keys, size_t count);

/* Growable scratch space for a village round. */
typedef struct {
    double *served;          /* n */
    uint64_t *units;         /* n */
    double *sorted;          /* n, for the Gini */
    commons_ticket *tickets; /* random_units */
    uint64_t *keys;
    size_t cap, ticket_cap;
} commons_scratch;

void commons_scratch_free(commons_scratch *s);

/* What the round did, for the metrics. */
typedef struct {
    double harvest;       /* total served */
    size_t requests;      /* requests made (0 in a collapsed pool) */
    size_t over;          /* of them above the sustainable threshold */
    int collapsed_now;    /* the pool collapsed in this round */
} commons_round_out;

/* Most whole units a stock may hold under random_units (requests count at most
 * the stock's units): keeps unit counts exact in doubles and tickets in memory. */
#define COMMONS_MAX_UNITS 0x1p40

/* Plays round `round` (0-based; imitate_best has history when round > 0). A
 * collapsed pool does nothing. Returns 0; -1 when scratch cannot grow; -2 when
 * random_units meets a stock of more than COMMONS_MAX_UNITS units. */
int commons_village_round(const commons_rules *r, commons_village *v, uint64_t round,
                          commons_key_fn keys, void *key_ctx, commons_scratch *s,
                          commons_round_out *out);

/* Strategy evolution in a village: harvester i looks at peer[i] (another index of
 * the village) with draws d[i]; every update reads the strategies and payoffs of
 * before the update (synchronous). `next` gets the new strategies (n entries). */
void commons_village_evolve(const commons_evolution *e, const commons_village *v,
                            const uint32_t *peer, const commons_draws *d, uint8_t *next);

/* The group of member h of n under block assignment: group k holds members
 * [round(n c(k-1)), round(n c(k))) where c is the cumulative share (c(-1) = 0, the
 * last group ends at n), so 5 members with shares 0.2 each get one group each. */
uint8_t commons_block_group(const double *shares, size_t groups, uint64_t n, uint64_t h);

/* Cooperators in the village: harvesters whose strategy is a cooperative behaviour. */
size_t commons_village_cooperators(const commons_rules *r, const commons_village *v);

#endif
