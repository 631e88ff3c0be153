/* Strategy evolution between rounds in the commons family: each harvester looks
 * at one random peer and may copy the peer's strategy (its behaviour group),
 * then may mutate to a random strategy. Pure: the engine draws the peer and the
 * uniforms from keyed streams (seed, purpose, harvester id, round) and passes
 * them in, so the result never depends on the rank count.
 *
 * Rules (payoffs pi are the gains of the round just played):
 *   fermi       copy with probability 1 / (1 + exp(-(pi_peer - pi_self) / kappa))
 *               (Szabo & Toke 1998; kappa is the noise of the imitation)
 *   replicator  copy with probability max(0, pi_peer - pi_self) / spread, where
 *               spread = max pi - min pi over the harvesters who could be drawn
 *               (the pool, or the whole population for the global pool); the
 *               pairwise proportional imitation whose mean dynamics is the
 *               replicator equation (Schlag 1998; Helbing 1992)
 *   none        never copy
 * then, with probability `mutation`, a uniformly random strategy of all groups. */
#ifndef AGORA_COMMONS_EVOLVE_H
#define AGORA_COMMONS_EVOLVE_H

#include <stdint.h>

typedef enum { EVOLVE_FERMI, EVOLVE_REPLICATOR, EVOLVE_NONE } commons_rule;

typedef struct {
    commons_rule rule;
    double kappa;    /* Fermi noise, > 0 */
    double mutation; /* probability in [0, 1] */
    unsigned groups; /* strategies to mutate to, >= 1 */
} commons_evolution;

/* The Fermi copy probability 1 / (1 + exp(-(peer - self) / kappa)), computed
 * without overflow for large differences. */
double commons_fermi(double self, double peer, double kappa);

/* The replicator copy probability max(0, peer - self) / spread (0 when spread <= 0). */
double commons_replicator(double self, double peer, double spread);

/* The draws one harvester's update uses. */
typedef struct {
    double copy;      /* uniform [0, 1): copy when copy < probability */
    double mutate;    /* uniform [0, 1): mutate when mutate < mutation */
    uint32_t mutant;  /* uniform in [0, groups): the strategy a mutation picks */
} commons_draws;

/* The harvester's next strategy. */
uint8_t commons_next_strategy(const commons_evolution *e, uint8_t self, double self_payoff,
                              uint8_t peer, double peer_payoff, double spread,
                              const commons_draws *d);

#endif
