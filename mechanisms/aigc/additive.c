/* The additive (separable, order-insensitive) AIGC model: ad i at position j
 * gets ctr_ij expected clicks whatever else is shown, so the welfare of an
 * allocation is sum v_i ctr_ij over its pairs, and the welfare maximum is a
 * maximum-weight assignment with weights v_i ctr_ij (the assignment-game view
 * of position auctions: Shapley, Shubik 1971; Leonard 1983 for its VCG
 * prices).
 * VCG: each shown ad pays the welfare the others lose by its presence
 * (vcg.c), one more assignment per shown ad, all sharing the per-column
 * lists of heaviest ads (assignment.c). */
#include "internal.h"

typedef struct {
    const aigc_instance *in;
    double *weight;        /* n * m: v_i ctr_ij */
    unsigned char *active; /* n */
    int32_t *scratch;      /* n: positions of a "without i" solve */
    void *assign_work;
} additive_ws;

size_t aigc_additive_workspace_size(uint32_t n, uint32_t m)
{
    return ws_round(sizeof(double) * (size_t)n * m) + ws_round((size_t)n) +
           ws_round(sizeof(int32_t) * (size_t)n) + aigc_assign_workspace_size(n, m);
}

static additive_ws prepare(const aigc_instance *in, void *work)
{
    unsigned char *c = work;
    additive_ws a;
    a.in = in;
    a.weight = ws_take(&c, sizeof(double) * (size_t)in->n * in->m);
    a.active = ws_take(&c, (size_t)in->n);
    a.scratch = ws_take(&c, sizeof(int32_t) * (size_t)in->n);
    a.assign_work = c;
    for (uint32_t i = 0; i < in->n; i++) {
        const double *ctr = in->ctr + (size_t)i * in->m;
        double *w = a.weight + (size_t)i * in->m;
        for (uint32_t j = 0; j < in->m; j++)
            w[j] = in->value[i] * ctr[j];
        a.active[i] = in->value[i] > 0.0;
    }
    /* One spare row per column: every solve shares these lists, the ones
     * with a shown ad left out included. */
    assign_collect(in->n, in->m, effective_k(in), 2u, a.weight, a.active, a.assign_work);
    return a;
}

static double solve(additive_ws *a, uint32_t skip, int32_t *position)
{
    const aigc_instance *in = a->in;
    assign_run(in->n, in->m, effective_k(in), a->weight, skip, a->assign_work, position);
    /* Summed from the instance, not taken from the solver, so every
     * caller's welfare is the same function of the allocation. */
    return aigc_additive_welfare(in, position);
}

double aigc_additive_optimum(const aigc_instance *in, uint32_t skip, void *work,
                             int32_t *position)
{
    additive_ws a = prepare(in, work);
    return solve(&a, skip, position);
}

double aigc_additive_welfare(const aigc_instance *in, const int32_t *position)
{
    double total = 0.0;
    for (uint32_t i = 0; i < in->n; i++)
        if (position[i] != AIGC_NOT_SHOWN)
            total += in->value[i] * in->ctr[(size_t)i * in->m + (uint32_t)position[i]];
    return total;
}

static double without(void *ctx, uint32_t skip)
{
    additive_ws *a = ctx;
    return solve(a, skip, a->scratch);
}

aigc_status aigc_additive_vcg(const aigc_instance *in, void *work, aigc_outcome *out)
{
    aigc_clear_outcome(in->n, out);
    additive_ws a = prepare(in, work);
    out->welfare = solve(&a, AIGC_SKIP_NONE, out->position);
    for (uint32_t i = 0; i < in->n; i++)
        if (out->position[i] != AIGC_NOT_SHOWN)
            out->clicks[i] = in->ctr[(size_t)i * in->m + (uint32_t)out->position[i]];
    aigc_fill_vcg(in, out, without, NULL, &a);
    return AIGC_OK;
}
