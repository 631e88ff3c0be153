/* Position auctions in AI-generated content (Balseiro, Bhawalkar, Deng, Feng,
 * Mao, Mehta, Mirrokni, Paes Leme, Wang, Zuo 2025, arXiv:2506.03309): ads are
 * placed at positions inside generated text, and every (ad, position) pair
 * has its own click-through rate instead of the slot x quality product of
 * sponsored search; at most k ads are shown. Three user models, each with a
 * welfare-maximising allocation and VCG (Clarke pivot) payments:
 *
 *   additive  clicks of ad i at position j = ctr_ij, independent of the rest;
 *   mnl       multinomial logit: ctr_ij is an attraction, clicks of a shown ad
 *             = ctr_ij / (1 + sum of the shown attractions);
 *   cascade   the user reads positions in order, clicks ad i at position j
 *             with probability ctr_ij, stops after a click, and otherwise
 *             reads on with probability cont[i] (Kempe, Mahdian 2008).
 *
 * Pure computation: no MPI, no globals, no allocation. Every solver takes a
 * caller-provided workspace of the size its *_workspace_size(n, m) reports,
 * aligned as malloc aligns (16 bytes); one workspace serves any instance with
 * at most that many ads and positions. Deterministic: no randomness inside,
 * and ties go to not showing, then to the lower ad index, then to the lower
 * position (see each solver for what that means there).
 *
 * Inputs are the caller's to keep sane: finite values, ctr >= 0 (and <= 1 for
 * the cascade), cont in [0, 1]. An ad with value <= 0 is never shown. */
#ifndef AGORA_AIGC_H
#define AGORA_AIGC_H

#include <stddef.h>
#include <stdint.h>

/* Same numbers as agora_status, so the engine can pass them through. */
typedef enum {
    AIGC_OK = 0,
    AIGC_ETOOBIG = 2 /* the exact cascade solver's size limit was exceeded */
} aigc_status;

/* A position index of -1 means "not shown". */
#define AIGC_NOT_SHOWN (-1)
/* No ad excluded, for the `skip` argument of the *_optimum functions. */
#define AIGC_SKIP_NONE UINT32_MAX

/* One auction. */
typedef struct {
    uint32_t n;          /* ads */
    uint32_t m;          /* positions; the cascade reads them in index order */
    uint32_t k;          /* at most k ads shown; k > m means m */
    const double *ctr;   /* n * m, ctr[i * m + j]: ad i at position j */
    const double *value; /* n per-click values (or bids) */
    const double *cont;  /* n continuation probabilities q_i, cascade only;
                          * NULL means q_i = 1 for all ads */
} aigc_instance;

/* One auction's outcome, per ad (caller-provided arrays of n entries). */
typedef struct {
    int32_t *position; /* position of ad i, or AIGC_NOT_SHOWN */
    double *clicks;    /* expected clicks of ad i */
    double *payment;   /* expected VCG payment of ad i */
    double *price;     /* payment / clicks; 0 when clicks == 0 */
    double welfare;    /* sum of value * clicks over the shown ads */
} aigc_outcome;

/* ---- assignment.c: maximum-weight assignment ---------------------------- */

/* Workspace bytes for aigc_assign with up to n rows and m columns. */
size_t aigc_assign_workspace_size(uint32_t n, uint32_t m);

/* Maximum-weight assignment of rows (ads) to columns (positions): each row at
 * most one column, each column at most one row, at most k pairs, and only
 * pairs of positive weight. w is n * m, row-major; active (n flags, NULL for
 * all) leaves the rows whose flag is 0 out. Writes pos[i] (the column of row
 * i, or AIGC_NOT_SHOWN) and returns the total weight. O(n m + k m^2), plus
 * O(k) per row that enters a column's list of k + 1 heaviest (O(n m k) at
 * worst, a few per column on random weights); see assignment.c. */
double aigc_assign(uint32_t n, uint32_t m, uint32_t k, const double *w,
                   const unsigned char *active, void *work, int32_t *pos);

/* ---- additive.c: order-insensitive, separable clicks -------------------- */

size_t aigc_additive_workspace_size(uint32_t n, uint32_t m);
/* Welfare-maximising allocation, with ad `skip` left out (AIGC_SKIP_NONE for
 * none); writes position[] (n entries) and returns the welfare. */
double aigc_additive_optimum(const aigc_instance *in, uint32_t skip, void *work,
                             int32_t *position);
/* Welfare of a given allocation under the additive model. */
double aigc_additive_welfare(const aigc_instance *in, const int32_t *position);
/* Allocation and VCG payments; always AIGC_OK. */
aigc_status aigc_additive_vcg(const aigc_instance *in, void *work, aigc_outcome *out);

/* ---- mnl.c: multinomial-logit user ------------------------------------- */

size_t aigc_mnl_workspace_size(uint32_t n, uint32_t m);
/* Exact welfare maximum by Dinkelbach's iteration (see mnl.c). When
 * `iterations` is not NULL it receives the number of assignment solves. */
double aigc_mnl_optimum(const aigc_instance *in, uint32_t skip, void *work, int32_t *position,
                        uint32_t *iterations);
double aigc_mnl_welfare(const aigc_instance *in, const int32_t *position);
aigc_status aigc_mnl_vcg(const aigc_instance *in, void *work, aigc_outcome *out);

/* ---- cascade*.c: cascade user (order matters) --------------------------- */

/* Welfare of an allocation under the cascade model. Positions left empty are
 * passed over: the user reads on with probability 1. */
double aigc_cascade_welfare(const aigc_instance *in, const int32_t *position);

/* Exact optimum by dynamic programming over (position, set of used ads):
 * O(m 2^n n) time and (m + 1) 2^n doubles (n counting only the ads with
 * value > 0), so n is limited to AIGC_CASCADE_EXACT_MAX_N; beyond it the
 * workspace size is 0 and the solvers return AIGC_ETOOBIG. The VCG run
 * solves once more per shown ad. */
#define AIGC_CASCADE_EXACT_MAX_N 16u
size_t aigc_cascade_exact_workspace_size(uint32_t n, uint32_t m);
aigc_status aigc_cascade_exact_optimum(const aigc_instance *in, uint32_t skip, void *work,
                                       int32_t *position, double *welfare);
aigc_status aigc_cascade_exact_vcg(const aigc_instance *in, void *work, aigc_outcome *out);

/* Approximation for any size (see cascade_approx.c): three ranked dynamic
 * programs, O(n m k), then a local search; exact when ctr_ij does not
 * depend on j (Kempe, Mahdian 2008). */
size_t aigc_cascade_approx_workspace_size(uint32_t n, uint32_t m);
double aigc_cascade_approx_optimum(const aigc_instance *in, uint32_t skip, void *work,
                                   int32_t *position);
/* VCG payments with the approximate optimum in place of the exact one (not
 * exactly truthful; see cascade.c); always AIGC_OK. */
aigc_status aigc_cascade_approx_vcg(const aigc_instance *in, void *work, aigc_outcome *out);

/* Exact and approximate optimum welfare of one instance, for measuring the
 * approximation's gap (exact - approx) / exact on small instances. */
size_t aigc_cascade_gap_workspace_size(uint32_t n, uint32_t m);
aigc_status aigc_cascade_gap(const aigc_instance *in, void *work, double *exact, double *approx);

/* ---- registry.c: the models by name ------------------------------------- */

typedef struct {
    const char *name;
    const char *description;
    size_t (*workspace_size)(uint32_t n, uint32_t m);
    aigc_status (*run)(const aigc_instance *in, void *work, aigc_outcome *out);
} aigc_model;

/* NULL when no model has that name. */
const aigc_model *aigc_model_find(const char *name);
/* The i-th model, NULL past the last. */
const aigc_model *aigc_model_at(size_t i);
/* Names, for error messages: "additive, mnl, cascade, cascade_exact". */
const char *aigc_model_names(void);

#endif
