/* Strategy updates between rounds: Fermi imitation, replicator-style pairwise
 * proportional imitation, mutation. See commons_evolve.h. */
#include "commons_evolve.h"

#include <math.h>

double commons_fermi(double self, double peer, double kappa)
{
    double z = (peer - self) / kappa;
    /* exp(-z) overflows beyond z < -709; the probability is then 0 to double precision. */
    if (z >= 0.0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

double commons_replicator(double self, double peer, double spread)
{
    if (spread <= 0.0 || peer <= self)
        return 0.0;
    double p = (peer - self) / spread;
    return p < 1.0 ? p : 1.0;
}

uint8_t commons_next_strategy(const commons_evolution *e, uint8_t self, double self_payoff,
                              uint8_t peer, double peer_payoff, double spread,
                              const commons_draws *d)
{
    uint8_t next = self;
    double p = 0.0;
    if (e->rule == EVOLVE_FERMI)
        p = commons_fermi(self_payoff, peer_payoff, e->kappa);
    else if (e->rule == EVOLVE_REPLICATOR)
        p = commons_replicator(self_payoff, peer_payoff, spread);
    if (d->copy < p)
        next = peer;
    if (d->mutate < e->mutation)
        next = (uint8_t)d->mutant;
    return next;
}
