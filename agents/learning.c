/* Bandit and full-information learners over a grid of bid multipliers.
 *
 *   Hedge   (Freund & Schapire 1997, "A decision-theoretic generalization of
 *           on-line learning"): play level k with probability proportional to
 *           exp(eta * cumulative reward of k); with every level's reward seen
 *           each round, regret <= sqrt(T ln L / 2) at eta = sqrt(8 ln L / T)
 *           (Cesa-Bianchi & Lugosi 2006, Theorem 2.2).
 *   EXP3    (Auer, Cesa-Bianchi, Freund & Schapire 2002, "The nonstochastic
 *           multiarmed bandit problem", Fig. 1): the same exponential weights
 *           over importance-weighted estimates reward / prob, mixed with
 *           gamma / L uniform exploration so that no probability, and so no
 *           estimate's variance, runs away.
 *   UCB1    (Auer, Cesa-Bianchi & Fischer 2002, "Finite-time analysis of the
 *           multiarmed bandit problem", Fig. 1): try every level once, then
 *           play the highest mean + sqrt(2 ln t / n).
 *   epsilon-greedy (Sutton & Barto 1998, Sec. 2.2; analysed in Auer et al.
 *           2002): explore uniformly with probability eps, else play the
 *           best mean.
 * Choices take the caller's uniform draws, so this file holds no randomness. */
#include "learning.h"

#include <math.h>

double learning_scale(double value, double ctr0, uint32_t auctions)
{
    double most = value * ctr0 * (double)auctions;
    return most > 0.0 ? 1.0 / most : 0.0;
}

/* Written so that NaN, failing both comparisons, becomes lo. */
static inline double clamp(double x, double lo, double hi)
{
    return x > lo ? (x < hi ? x : hi) : lo;
}

double learning_reward01(double x, double hi)
{
    double width = hi > 1.0 ? hi : 1.0; /* rewards lie in [1 - width, 1] */
    return clamp((x + width - 1.0) / width, 0.0, 1.0);
}

/* ---- exponential weights, shared by Hedge and EXP3 ------------------------ */

/* Weights exp(eta * (x_k - max x)) are in (0, 1] for eta >= 0: the largest is
 * exactly 1, so their sum never overflows nor underflows to 0. */
double learning_max(const double *x, uint32_t L)
{
    double top = x[0];
    for (uint32_t k = 1; k < L; k++)
        if (x[k] > top)
            top = x[k];
    return top;
}

static inline double weight(double x, double top, double eta)
{
    return exp(eta * (x - top));
}

static double weight_sum(const double *x, uint32_t L, double top, double eta)
{
    double sum = 0.0;
    for (uint32_t k = 0; k < L; k++)
        sum += weight(x[k], top, eta);
    return sum;
}

/* Each probability is computed by one of these two expressions only, so
 * probabilities(), probability() and choose() agree to the bit. */
static inline double hedge_p(double w, double sum)
{
    return w / sum;
}

static inline double exp3_p(double w, double sum, double gamma, uint32_t L)
{
    return (1.0 - gamma) * (w / sum) + gamma / (double)L;
}

/* ---- Hedge ------------------------------------------------------------------ */

double hedge_default_eta(uint32_t L, uint64_t T)
{
    if (L < 2u || T == 0)
        return 0.0;
    return sqrt(8.0 * log((double)L) / (double)T);
}

void hedge_probabilities(const double *cum, uint32_t L, double eta, double *p)
{
    if (L == 0)
        return;
    double top = learning_max(cum, L);
    double sum = weight_sum(cum, L, top, eta);
    for (uint32_t k = 0; k < L; k++)
        p[k] = hedge_p(weight(cum[k], top, eta), sum);
}

uint32_t hedge_choose(const double *cum, uint32_t L, double eta, double u)
{
    if (L == 0)
        return 0;
    double top = learning_max(cum, L);
    double sum = weight_sum(cum, L, top, eta);
    double cdf = 0.0;
    uint32_t last = 0;
    for (uint32_t k = 0; k < L; k++) {
        double pk = hedge_p(weight(cum[k], top, eta), sum);
        cdf += pk;
        if (pk > 0.0) {
            last = k;
            if (u < cdf)
                return k;
        }
    }
    return last; /* the probabilities summed to just below u */
}

void hedge_update(double *cum, uint32_t L, const double *utility)
{
    for (uint32_t k = 0; k < L; k++)
        cum[k] += utility[k];
}

/* ---- EXP3 ------------------------------------------------------------------- */

double exp3_default_gamma(uint32_t L, uint64_t T)
{
    if (L < 2u || T == 0)
        return 1.0;
    double g = sqrt((double)L * log((double)L) / (expm1(1.0) * (double)T));
    return g < 1.0 ? g : 1.0;
}

void exp3_probabilities(const double *est, uint32_t L, double eta, double gamma, double *p)
{
    if (L == 0)
        return;
    double top = learning_max(est, L);
    double sum = weight_sum(est, L, top, eta);
    for (uint32_t k = 0; k < L; k++)
        p[k] = exp3_p(weight(est[k], top, eta), sum, gamma, L);
}

double exp3_probability(const double *est, uint32_t L, double eta, double gamma, uint32_t k)
{
    if (k >= L)
        return 0.0;
    double top = learning_max(est, L);
    double sum = weight_sum(est, L, top, eta);
    return exp3_p(weight(est[k], top, eta), sum, gamma, L);
}

uint32_t exp3_choose(const double *est, uint32_t L, double eta, double gamma, double u,
                     double *prob)
{
    if (L == 0) {
        if (prob)
            *prob = 0.0;
        return 0;
    }
    double top = learning_max(est, L);
    double sum = weight_sum(est, L, top, eta);
    double cdf = 0.0, last_p = 0.0;
    uint32_t last = 0;
    for (uint32_t k = 0; k < L; k++) {
        double pk = exp3_p(weight(est[k], top, eta), sum, gamma, L);
        cdf += pk;
        if (pk > 0.0) {
            last = k;
            last_p = pk;
            if (u < cdf)
                break;
        }
    }
    if (prob)
        *prob = last_p;
    return last;
}

void exp3_update(double *est, uint32_t L, uint32_t chosen, double reward, double prob)
{
    /* A level chosen with probability 0 cannot happen through exp3_choose;
     * refusing it keeps an infinity out of the state. */
    if (chosen >= L || !(prob > 0.0))
        return;
    est[chosen] += reward / prob;
}

/* ---- UCB1 and epsilon-greedy -------------------------------------------------- */

double ucb_index(double mean, uint32_t n, uint64_t t)
{
    if (n == 0)
        return HUGE_VAL;
    if (t <= 1u) /* ln 1 = 0; t = 0 would make the bonus NaN */
        return mean;
    return mean + sqrt(2.0 * log((double)t) / (double)n);
}

/* The lowest level never played, or L when every level has been. */
static uint32_t first_untried(const uint32_t *counts, uint32_t L)
{
    for (uint32_t k = 0; k < L; k++)
        if (counts[k] == 0)
            return k;
    return L;
}

uint32_t ucb_choose(const uint32_t *counts, const double *means, uint32_t L, uint64_t t)
{
    uint32_t fresh = first_untried(counts, L);
    if (fresh < L || L == 0)
        return fresh < L ? fresh : 0;
    if (t == 0)
        for (uint32_t k = 0; k < L; k++)
            t += counts[k];
    uint32_t best = 0;
    double best_index = ucb_index(means[0], counts[0], t);
    for (uint32_t k = 1; k < L; k++) {
        double index = ucb_index(means[k], counts[k], t);
        if (index > best_index) { /* strict: ties stay with the lower level */
            best = k;
            best_index = index;
        }
    }
    return best;
}

uint32_t egreedy_choose(const uint32_t *counts, const double *means, uint32_t L, double eps,
                        double u1, double u2)
{
    uint32_t fresh = first_untried(counts, L);
    if (fresh < L || L == 0)
        return fresh < L ? fresh : 0;
    if (u1 < eps) {
        uint32_t k = (uint32_t)(u2 * (double)L);
        return k < L ? k : L - 1u; /* u2 just below 1 can round up to L */
    }
    uint32_t best = 0;
    for (uint32_t k = 1; k < L; k++)
        if (means[k] > means[best])
            best = k;
    return best;
}

void bandit_update(uint32_t *counts, double *means, uint32_t chosen, double reward)
{
    if (counts[chosen] == UINT32_MAX)
        return;
    uint32_t n = ++counts[chosen];
    means[chosen] += (reward - means[chosen]) / (double)n;
}
