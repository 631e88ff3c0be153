/* Budget-constrained bidders.
 *
 * Pacing: Balseiro & Gur 2019, "Learning in repeated auctions with budgets:
 * regret minimization and equilibrium" (Management Science), adaptive pacing.
 * The agent bids v / (1 + mu) and moves the budget constraint's Lagrange
 * multiplier mu by a projected subgradient step on the dual,
 *     mu <- clamp(mu - eps (rho - spend), 0, mu_max),  rho = budget / rounds,
 * so overspending (spend > rho) raises mu and shades the next bids harder;
 * the same step drives "Robust budget pacing with a single sample"
 * (Balseiro, Kumar, Mirrokni, Sivan & Wang 2023).
 *
 * Throttling: Balseiro, Kim, Mahdian & Mirrokni 2017, "Budget management
 * strategies in repeated auctions" (WWW), probabilistic throttling: bid the
 * value, but take part only with probability p; p follows the same kind of
 * step with the opposite sign (underspending raises participation).
 *
 * Units: money for budget, spend and rho (spend = what the round charged);
 * mu and p are dimensionless, eps is per unit of money. */
#include "learning.h"

/* NaN, failing both comparisons, becomes lo instead of entering the state. */
static inline double clamp(double x, double lo, double hi)
{
    return x > lo ? (x < hi ? x : hi) : lo;
}

double pacing_bid(double value, double mu)
{
    return value / (1.0 + mu);
}

double pacing_update(double mu, double eps, double rho, double spend, double mu_max)
{
    return clamp(mu - eps * (rho - spend), 0.0, mu_max);
}

double throttle_update(double p, double eps, double rho, double spend)
{
    return clamp(p + eps * (rho - spend), 0.0, 1.0);
}

int throttle_participates(double p, double u)
{
    return u < p;
}
