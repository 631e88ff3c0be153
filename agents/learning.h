/* Learning and budget-constrained bidders: the pure math. Every function here
 * is plain C over caller-owned arrays: no MPI, no globals, no allocation, no
 * randomness inside (where a choice is random the caller passes uniform draws
 * u in [0, 1), taken from a keyed stream so that runs stay reproducible).
 *
 * Files and sources:
 *   hedge_weights.c   Hedge with its weights kept between rounds
 *   hedge_wide.c      its update eight grid levels at a time where the CPU
 *                     has AVX-512 (the one exception to "no globals": it asks
 *                     simd_wide.h, which reads AGORA_SIMD once)
 *   learning.c        bid grid; Hedge (Freund & Schapire 1997); EXP3 (Auer,
 *                     Cesa-Bianchi, Freund & Schapire 2002); UCB1 (Auer,
 *                     Cesa-Bianchi & Fischer 2002); epsilon-greedy (Sutton &
 *                     Barto 1998; Auer et al. 2002 for its analysis)
 *   counterfactual.c  what each candidate bid would have earned in one
 *                     position auction, everyone else fixed (GSP, VCG, GFP)
 *   balanced.c        balanced bidding (Cary et al. 2007; its fixed point is
 *                     the lowest envy-free equilibrium of Edelman, Ostrovsky &
 *                     Schwarz 2007)
 *   pacing.c          budget pacing by a dual multiplier (Balseiro & Gur 2019)
 *                     and probabilistic throttling (Balseiro, Kim, Mahdian &
 *                     Mirrokni 2017)
 *
 * ---- The bid grid ------------------------------------------------------------
 * The learners choose one of L levels k = 0 .. L-1; level k bids
 * grid_multiplier(lo, hi, L, k) * value per click.
 *
 * ---- Rewards: units and scaling ----------------------------------------------
 * The regret bounds behind the default rates assume rewards in [0, 1] per
 * round. Position-auction utilities (value * clicks - payment) are not, so the
 * caller divides them by the agent's scale
 *     scale = value * ctr[0] * m,   m = auctions the agent took part in that round,
 * the most it could have earned that round (learning_scale returns 1 / scale).
 * A bid of at most the value never pays more than it bids, so with hi <= 1 the
 * scaled reward of every level lies in [0, 1]; with hi > 1 it lies in
 * [1 - hi, 1], a range of width hi:
 *   - Hedge is unchanged by adding a constant to every level's reward, so only
 *     the width matters: use eta = hedge_default_eta(L, T) / fmax(1, hi).
 *   - EXP3, UCB1 and epsilon-greedy need rewards in [0, 1]: pass
 *     learning_reward01(scaled_reward, hi), an increasing affine map onto
 *     [0, 1] (clamped, for realised clicks above the expected ctr[0]).
 * Rewards, cumulative utilities and regret are then all in units of
 * "fraction of the best possible round".
 *
 * ---- Per-agent state (L = 32) ------------------------------------------------
 *   Hedge            double cum[L]                         256 bytes
 *                    (+ 8 for the realised utility the caller keeps for regret;
 *                    a draw works out the weights, hedge_draw.c)
 *   EXP3             double est[L]                         256 bytes
 *   UCB1             uint32_t counts[L] + double means[L]  384 bytes
 *   epsilon-greedy   same as UCB1                          384 bytes
 *   pacing           double mu                               8 bytes
 *   throttling       double p                                8 bytes
 *   balanced bidding its next bid                            8 bytes
 * The chosen level need not be stored between bidding and updating: the state
 * does not change in between, so the same keyed draw gives the same level
 * (and exp3_probability gives its probability again). */
#ifndef AGORA_LEARNING_H
#define AGORA_LEARNING_H

#include <stdint.h>

#include "position.h"

/* ---- bid grid and reward scaling (learning.c) ---------------------------- */

/* m_k = lo + (hi - lo) * k / (L - 1); exactly lo at k = 0 and hi at k = L - 1;
 * lo when L == 1. Inline: a learner's update prices every level, and the call
 * cost more than the arithmetic. */
static inline double grid_multiplier(double lo, double hi, uint32_t L, uint32_t k)
{
    if (L < 2u || k == 0)
        return lo;
    /* The endpoints exactly, whatever lo + (hi - lo) rounds to. */
    if (k >= L - 1u)
        return hi;
    return lo + (hi - lo) * ((double)k / (double)(L - 1u));
}

/* 1 / (value * ctr0 * auctions), or 0 when that product is not positive (an
 * agent with no auctions or no value learns nothing that round). */
double learning_scale(double value, double ctr0, uint32_t auctions);

/* A scaled reward x in [1 - max(1, hi), 1] mapped increasingly onto [0, 1]:
 * clamp(x, 0, 1) when hi <= 1, else clamp((x + hi - 1) / hi, 0, 1). */
double learning_reward01(double x, double hi);
/* The largest of x[0..L), L >= 1. */
double learning_max(const double *x, uint32_t L);

/* ---- Hedge: full information (learning.c) ------------------------------- */

/* sqrt(8 ln L / T): the rate tuned for T rounds of rewards in [0, 1]
 * (Cesa-Bianchi & Lugosi 2006, Theorem 2.2). 0 when L < 2 or T == 0. */
double hedge_default_eta(uint32_t L, uint64_t T);

/* p[k] = exp(eta * cum[k]) / sum_j exp(eta * cum[j]), computed after
 * subtracting max_j cum[j] so that no exponent overflows. */
void hedge_probabilities(const double *cum, uint32_t L, double eta, double *p);

/* Inverse CDF: the smallest k with p[0] + ... + p[k] > u, where p is exactly
 * what hedge_probabilities writes (u on a boundary goes to the level above it,
 * so a level with probability 0 is never chosen). If rounding leaves the sum
 * below u, the last level with positive probability. */
uint32_t hedge_choose(const double *cum, uint32_t L, double eta, double u);

/* cum[k] += utility[k]: the round's (scaled) counterfactual utilities. */
void hedge_update(double *cum, uint32_t L, const double *utility);

/* ---- Hedge's draw (hedge_draw.c) ------------------------------------------ */
/* The engine's Hedge keeps only cum and works out its weights at each draw
 * with hedge_exp (hedge_exp.h), whose bits are the same on every path; the
 * functions above use libm's exp and serve as the reference. Every sum of
 * the weights is taken in one order, the one an eight-lane register computes
 * fast (session 14): levels in groups of eight, within a group a scan by
 * doubling distances (lane j adds lane j - 1, then j - 2, then j - 4), and
 * the groups' sums added in level order. */

/* The weights' total, summed in that order. */
double hedge_weights_total(const double *w, uint32_t L);

/* w[k] = hedge_exp(eta * (cum[k] - max_j cum[j])); returns their total. */
double hedge_weights(const double *cum, uint32_t L, double eta, double *w);

/* Inverse CDF over the weights: the smallest k of positive weight whose
 * running sum w[0] + ... + w[k] (in the order above) exceeds u * total (u on
 * a boundary goes to the level above it; a level of weight 0 is never
 * chosen); the last level of positive weight if rounding leaves every
 * running sum at or below u * total. */
uint32_t hedge_weights_choose(const double *w, uint32_t L, double total, double u);

/* Hedge's level for the uniform draw u: hedge_weights_choose over
 * hedge_weights(cum, L, eta), L <= CF_GRID_MAX. */
uint32_t hedge_draw(const double *cum, uint32_t L, double eta, double u);

/* w[k] = hedge_exp(eta * (cum[k] - top)) for k < L, four levels at a time
 * with AVX2 and FMA (CPUs without AVX-512; AGORA_SIMD unset, avx2 or
 * avx512); 0 (and nothing done) where that path does not run. */
int hedge_exp_avx2(const double *cum, uint32_t L, double eta, double top, double *w);

/* hedge_weights eight levels at a time with AVX-512, the total in *total;
 * 0 (and nothing done) where hedge_draw_wide does not run. */
int hedge_weights_wide(const double *cum, uint32_t L, double eta, double *w, double *total);

/* hedge_draw's answer in *k, eight levels at a time with AVX-512 or four
 * with AVX2 and FMA; 0 (and nothing done) where neither runs (AGORA_SIMD
 * scalar or sse2, or the CPU lacks them), L > CF_GRID_MAX, or, with AVX-512,
 * a cum that is not a number (hedge_wide.c). */
int hedge_draw_wide(const double *cum, uint32_t L, double eta, double u, uint32_t *k);

/* ---- EXP3: bandit feedback (learning.c) --------------------------------- */

/* gamma = min(1, sqrt(L ln L / ((e - 1) T))) (Auer et al. 2002, Corollary 3.2
 * with g = T); the matching eta is gamma / L. 1 when T == 0 or L < 2. */
double exp3_default_gamma(uint32_t L, uint64_t T);

/* p[k] = (1 - gamma) * softmax(eta * est)[k] + gamma / L. */
void exp3_probabilities(const double *est, uint32_t L, double eta, double gamma, double *p);

/* p[k] alone, bit-identical to exp3_probabilities' p[k] and to the *prob of
 * exp3_choose: lets the caller recompute it at update time instead of storing it. */
double exp3_probability(const double *est, uint32_t L, double eta, double gamma, uint32_t k);

/* Inverse CDF over exp3_probabilities, like hedge_choose; *prob (if not NULL)
 * receives the chosen level's probability. */
uint32_t exp3_choose(const double *est, uint32_t L, double eta, double gamma, double u,
                     double *prob);

/* est[chosen] += reward / prob: the importance-weighted estimate, unbiased for
 * every level's reward. reward in [0, 1]; prob > 0 (otherwise nothing). */
void exp3_update(double *est, uint32_t L, uint32_t chosen, double reward, double prob);

/* ---- UCB1 and epsilon-greedy: bandit feedback (learning.c) -------------- */

/* mean + sqrt(2 ln t / n); +infinity when n == 0. */
double ucb_index(double mean, uint32_t n, uint64_t t);

/* The lowest untried level if any; else argmax_k ucb_index(means[k], counts[k],
 * t), ties to the lower k. t is the number of plays so far, sum_k counts[k];
 * t == 0 means "compute it from counts". */
uint32_t ucb_choose(const uint32_t *counts, const double *means, uint32_t L, uint64_t t);

/* The lowest untried level if any (like UCB1, so every level has a mean
 * before exploitation starts; u1 and u2 are then unused); else with
 * probability eps (u1 < eps) the uniform level floor(u2 * L), otherwise
 * argmax_k means[k], ties to the lower k. */
uint32_t egreedy_choose(const uint32_t *counts, const double *means, uint32_t L, double eps,
                        double u1, double u2);

/* counts[chosen] += 1; means[chosen] += (reward - means[chosen]) / counts[chosen]
 * (the incremental mean). A count at UINT32_MAX is left as it is. */
void bandit_update(uint32_t *counts, double *means, uint32_t chosen, double reward);

/* ---- counterfactual utilities in one position auction (counterfactual.c) */

/* The pricing rules the counterfactual knows; an enum rather than the
 * position_mechanism table, because the counterfactual must reproduce each
 * rule's arithmetic, not call it. */
typedef enum { CF_GSP = 0, CF_VCG = 1, CF_GFP = 2 } cf_rule;

/* The rule for a registered mechanism name ("gsp", "vcg", "gfp"): 0 on
 * success, -1 when the name has no counterfactual. */
int cf_rule_find(const char *name, cf_rule *out);

/* The expected utility value * ctr[pos] - price * ctr[pos] that `bid` would
 * have earned, everyone else's bid fixed.
 *   others: the OTHER participants' bids, sorted descending; entries that are
 *     not eligible (bid > 0 and bid >= reserve) end the list. Only the first
 *     p->slots entries are read, so the top `slots` others are enough.
 *   pos = number of eligible others with bid >= `bid`: the agent loses every
 *     tie (the real auction breaks ties by agent id; on ties the two agree
 *     only when the agent's id is the higher one).
 *   0 when `bid` is not eligible or pos >= slots.
 *   GSP price = max(others[pos], reserve) (reserve when others[pos] is absent);
 *   GFP price = bid;
 *   VCG price = T / ctr[pos] (0 when ctr[pos] == 0), with
 *     T = sum_{j=pos}^{slots-1} (ctr[j] - ctr[j+1]) * b'_j, ctr[slots] = 0,
 *     b'_j = others[j] when present and eligible, else the reserve,
 *   summed from j = slots - 1 down, exactly as mechanisms/position/vcg.c, so
 *   the bid the agent actually made gets, bit for bit, what position_run
 *   gives it (ties aside). */
double cf_utility(cf_rule rule, const position_params *p, const double *others,
                  uint32_t n_others, double value, double bid);

/* utility[k] = cf_utility(..., bids[k]) for k < L. */
void cf_utilities(cf_rule rule, const position_params *p, const double *others,
                  uint32_t n_others, double value, const double *bids, uint32_t L,
                  double *utility);

/* The utility of every slot for cf_grid_utilities' levels, when a level's
 * slot can be found by counting: table[s] for s < slots is the utility of the
 * levels landing in slot s (the same bits cf_grid_utilities gives them), and
 * table[slots .. CF_SLOT_TABLE - 1] = 0 (no slot, or not eligible). Returns
 * the number of eligible others (a level's slot is the number of them >= its
 * bid), or UINT32_MAX where counting does not apply: GFP (the price is the
 * level's own bid), more than CF_SLOT_TABLE - 1 slots, or eligible others not
 * in descending order (ranked by quality-weighted score). */
#define CF_SLOT_TABLE 16
uint32_t cf_slot_utilities(cf_rule rule, const position_params *p, const double *others,
                           uint32_t n_others, double value, double *table);

/* hedge_update(cum, L, cf_grid_utilities(...)) eight levels at a time
 * (AVX-512, hedge_wide.c), the same bits, with the grid given by its
 * multipliers, grid[k] = grid_multiplier(lo, hi, L, k). Returns 0, changing
 * nothing, where it does not apply: no AVX-512 (or AGORA_SIMD names a
 * narrower path), GFP, more than CF_SLOT_TABLE - 1 slots, others out of
 * order, L > CF_GRID_MAX, or a utility that is not a number. */
int hedge_update_wide(cf_rule rule, const position_params *p, const double *others,
                      uint32_t n_others, double value, const double *grid, uint32_t L,
                      double *cum);

/* The `levels` key's bound: cf_grid_add's scratch. */
#define CF_GRID_MAX 256

/* out[k] = cf_utility(..., grid_multiplier(lo, hi, L, k) * value) for k < L,
 * bit for bit, in O(L + slots): the grid's bids rise with k, so their slots
 * are found by one walk down the others, and under GSP and VCG each slot is
 * priced once (the utility is the same for every level landing in it). */
void cf_grid_utilities(cf_rule rule, const position_params *p, const double *others,
                       uint32_t n_others, double value, double lo, double hi, uint32_t L,
                       double *out);

/* cum[k] += scale * cf_utility(..., grid_multiplier(lo, hi, L, k) * value):
 * Hedge's update for one auction straight from the grid, with no scratch
 * array (scale from learning_scale). */
void cf_grid_add(cf_rule rule, const position_params *p, const double *others,
                 uint32_t n_others, double value, double lo, double hi, uint32_t L,
                 double scale, double *cum);

/* ---- balanced bidding under GSP (balanced.c) ----------------------------- */

/* The balanced bid (Cary et al. 2007) against the others' bids (sorted
 * descending, as for cf_utility; the top `slots` are enough). Slot s
 * (0-based) costs p_s = max(others[s], reserve) per click (reserve when
 * others[s] is absent): the bid the agent must beat. The agent targets
 *     s* = argmax_{s <= slots} ctr[s] * (value - p_s),   ctr[slots] = 0
 * (s = slots: no slot, utility 0), ties to the better (lower) slot, and bids
 *     b = value - (ctr[s*] / ctr[s*-1]) * (value - p_s*)   for s* > 0,
 *     b = value                                            for s* = 0,
 * so that it would be indifferent between slot s* at price p_s* and slot
 * s*-1 at price b. Targeting no slot (s* = slots, ctr 0) thus bids the value,
 * as does a target whose ctr[s*-1] is 0. *target (if not NULL) receives s*. */
double balanced_bid(const position_params *p, const double *others, uint32_t n_others,
                    double value, uint32_t *target);

/* ---- budgets (pacing.c) --------------------------------------------------- */

/* Units: budget, spend and rho = budget / rounds are money; spend is what the
 * agent was charged in the round just played (all its auctions); mu is
 * dimensionless, eps is per unit of money. */

/* value / (1 + mu): the bid of a paced agent (Balseiro & Gur 2019). The
 * caller still caps it by the remaining budget. */
double pacing_bid(double value, double mu);

/* clamp(mu - eps * (rho - spend), 0, mu_max): the dual-gradient step, raising
 * the multiplier after overspending and lowering it after underspending. */
double pacing_update(double mu, double eps, double rho, double spend, double mu_max);

/* clamp(p + eps * (rho - spend), 0, 1): the probability of taking part in
 * the next round's auctions. */
double throttle_update(double p, double eps, double rho, double spend);

/* Whether a throttled agent takes part: u < p, u uniform in [0, 1). */
int throttle_participates(double p, double u);

#endif
