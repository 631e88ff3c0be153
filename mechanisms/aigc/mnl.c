/* The multinomial-logit (MNL) AIGC model, order-insensitive (McFadden 1974;
 * Balseiro et al. 2025): a shown ad i at position j has attraction w_ij, the
 * outside option (no click) has attraction 1, and i is clicked with
 * probability w_ij / (1 + sum of the shown attractions). The welfare of an
 * allocation A is
 *     R(A) = N(A) / (1 + D(A)),  N = sum v_i w_ij,  D = sum w_ij  over A.
 *
 * Maximising a ratio: Dinkelbach (1967). For a guess lambda let
 *     F(lambda) = max_A  sum_{(i,j) in A} (v_i - lambda) w_ij,
 * a maximum-weight assignment (only positive weights are used, at most k
 * pairs). R(A) >= lambda iff N(A) - lambda D(A) >= lambda, so the optimum
 * R* is the lambda with F(lambda) = lambda. The iteration starts at
 * lambda_0 = 0 (the empty allocation), takes A_t attaining F(lambda_t) and
 * sets lambda_{t+1} = R(A_t).
 *   Monotone: A_{t-1} is feasible at lambda_t and N(A_{t-1}) - lambda_t
 *   D(A_{t-1}) = lambda_t by the definition of lambda_t, so F(lambda_t) >=
 *   lambda_t, i.e. N(A_t) >= lambda_t (1 + D(A_t)), i.e. lambda_{t+1} >=
 *   lambda_t.
 *   Exact at the stop: if lambda_{t+1} = lambda_t then F(lambda_t) =
 *   lambda_t, so no allocation has R(A) > lambda_t, and A_{t-1} (with ratio
 *   lambda_t) is optimal.
 *   Terminates: while it goes on, each A_t has a strictly larger ratio than
 *   every earlier one, so no allocation repeats, and there are finitely many.
 *   The computed ratio is a fixed function of the allocation, so the same
 *   argument holds in floating point; Dinkelbach's convergence is
 *   superlinear, and 2-4 solves are typical.
 * Ads with v_i <= lambda only have non-positive weights and are left out of
 * the solve; the cardinality limit k does not disturb any step above.
 *
 * The iteration may start from any feasible allocation A_0 with lambda_0 =
 * R(A_0) instead of the empty one: the argument above only uses that
 * A_{t-1} is feasible.
 *
 * VCG (vcg.c): W_{-i} is another Dinkelbach run with ad i left out, started
 * from the chosen allocation without i; the others' welfare in the chosen
 * allocation counts i's attraction in the denominator, which is the
 * externality i imposes. */
#include "internal.h"

typedef struct {
    const aigc_instance *in;
    double *weight;        /* n * m: (v_i - lambda) w_ij */
    unsigned char *active; /* n */
    int32_t *trial;        /* n: the allocation of the latest solve */
    int32_t *scratch;      /* n: a "without i" optimum */
    int32_t *chosen;       /* n: the allocation VCG prices */
    void *assign_work;
} mnl_ws;

size_t aigc_mnl_workspace_size(uint32_t n, uint32_t m)
{
    return ws_round(sizeof(double) * (size_t)n * m) + ws_round((size_t)n) +
           2u * ws_round(sizeof(int32_t) * (size_t)n) + aigc_assign_workspace_size(n, m);
}

static mnl_ws carve(const aigc_instance *in, void *work)
{
    unsigned char *c = work;
    mnl_ws a;
    a.in = in;
    a.weight = ws_take(&c, sizeof(double) * (size_t)in->n * in->m);
    a.active = ws_take(&c, (size_t)in->n);
    a.trial = ws_take(&c, sizeof(int32_t) * (size_t)in->n);
    a.scratch = ws_take(&c, sizeof(int32_t) * (size_t)in->n);
    a.chosen = NULL;
    a.assign_work = c;
    return a;
}

double aigc_mnl_welfare(const aigc_instance *in, const int32_t *position)
{
    double num = 0.0, den = 1.0;
    for (uint32_t i = 0; i < in->n; i++) {
        if (position[i] == AIGC_NOT_SHOWN)
            continue;
        double w = in->ctr[(size_t)i * in->m + (uint32_t)position[i]];
        num += in->value[i] * w;
        den += w;
    }
    return num / den;
}

/* Dinkelbach from the allocation `start` (NULL: the empty one), which must
 * be feasible without `skip`; any feasible start keeps the argument above. */
static double solve(mnl_ws *a, uint32_t skip, const int32_t *start, int32_t *position,
                    uint32_t *iterations)
{
    const aigc_instance *in = a->in;
    uint32_t n = in->n, m = in->m, solves = 0;
    for (uint32_t i = 0; i < n; i++)
        position[i] = start ? start[i] : AIGC_NOT_SHOWN;
    double lambda = start ? aigc_mnl_welfare(in, position) : 0.0;
    for (;;) {
        for (uint32_t i = 0; i < n; i++) {
            double margin = in->value[i] - lambda;
            a->active[i] = i != skip && margin > 0.0;
            if (!a->active[i])
                continue;
            const double *w = in->ctr + (size_t)i * m;
            double *row = a->weight + (size_t)i * m;
            for (uint32_t j = 0; j < m; j++)
                row[j] = margin * w[j];
        }
        aigc_assign(n, m, effective_k(in), a->weight, a->active, a->assign_work, a->trial);
        solves++;
        double ratio = aigc_mnl_welfare(in, a->trial);
        if (!(ratio > lambda))
            break;
        lambda = ratio;
        for (uint32_t i = 0; i < n; i++)
            position[i] = a->trial[i];
    }
    if (iterations)
        *iterations = solves;
    return lambda;
}

double aigc_mnl_optimum(const aigc_instance *in, uint32_t skip, void *work, int32_t *position,
                        uint32_t *iterations)
{
    mnl_ws a = carve(in, work);
    return solve(&a, skip, NULL, position, iterations);
}

/* Starts from the chosen allocation with `skip` taken out: feasible, and
 * usually one or two solves from the optimum without it. */
static double without(void *ctx, uint32_t skip)
{
    mnl_ws *a = ctx;
    int32_t was = a->chosen[skip];
    a->chosen[skip] = AIGC_NOT_SHOWN;
    double w = solve(a, skip, a->chosen, a->scratch, NULL);
    a->chosen[skip] = was;
    return w;
}

aigc_status aigc_mnl_vcg(const aigc_instance *in, void *work, aigc_outcome *out)
{
    aigc_clear_outcome(in->n, out);
    mnl_ws a = carve(in, work);
    out->welfare = solve(&a, AIGC_SKIP_NONE, NULL, out->position, NULL);
    a.chosen = out->position;
    double den = 1.0;
    for (uint32_t i = 0; i < in->n; i++)
        if (out->position[i] != AIGC_NOT_SHOWN)
            den += in->ctr[(size_t)i * in->m + (uint32_t)out->position[i]];
    for (uint32_t i = 0; i < in->n; i++)
        if (out->position[i] != AIGC_NOT_SHOWN)
            out->clicks[i] = in->ctr[(size_t)i * in->m + (uint32_t)out->position[i]] / den;
    aigc_fill_vcg(in, out, without, NULL, &a);
    return AIGC_OK;
}
