/* The cascade AIGC model, order-sensitive (Craswell, Zoeter, Taylor, Ramsey
 * 2008; Kempe, Mahdian 2008, "A cascade model for externalities in sponsored
 * search"; Balseiro et al. 2025): the user reads positions 1..m in order. At a
 * position showing ad i she clicks with probability p_ij; after a click she
 * stops reading (the user found what she came for: the standard cascade, in
 * which at most one ad is clicked); after no click she reads on with
 * probability q_i, the ad's continuation probability (Kempe-Mahdian's
 * generalisation; q_i = q for all ads is the plain cascade). A position left
 * empty shows nothing to click or to put her off, so she reads on with
 * probability 1. With i_1, i_2, ... the ads at the filled positions j_1 <
 * j_2 < ..., the expected welfare is
 *     W = sum_t v_{i_t} p_{i_t j_t} prod_{s<t} (1 - p_{i_s j_s}) q_{i_s}.
 *
 * This file: evaluation, the VCG wrappers of both solvers (exact:
 * cascade_exact.c, approximate: cascade_approx.c), and the gap report.
 * W_{-i} comes from the same solver as the allocation; for the approximate
 * one it is raised to the welfare of the chosen list with i's position left
 * empty, which is feasible without i and at least the others' welfare (i's
 * factor (1 - p) q <= 1 is replaced by 1): the payment is then never
 * negative, though the mechanism is not exactly truthful, as with any VCG
 * built on an approximate optimum (Nisan, Ronen 2007). */
#include "internal.h"

double cascade_list_welfare(const aigc_instance *in, const int32_t *ad_at)
{
    double total = 0.0, reach = 1.0;
    for (uint32_t j = 0; j < in->m; j++) {
        int32_t i = ad_at[j];
        if (i == AIGC_NOT_SHOWN)
            continue;
        double p = in->ctr[(size_t)i * in->m + j];
        total += reach * in->value[i] * p;
        reach *= (1.0 - p) * cont_of(in, (uint32_t)i);
    }
    return total;
}

void cascade_list_to_positions(const aigc_instance *in, const int32_t *ad_at,
                               int32_t *position)
{
    for (uint32_t i = 0; i < in->n; i++)
        position[i] = AIGC_NOT_SHOWN;
    for (uint32_t j = 0; j < in->m; j++)
        if (ad_at[j] != AIGC_NOT_SHOWN)
            position[ad_at[j]] = (int32_t)j;
}

/* The inverse of cascade_list_to_positions. */
static void positions_to_list(const aigc_instance *in, const int32_t *position, int32_t *ad_at)
{
    for (uint32_t j = 0; j < in->m; j++)
        ad_at[j] = AIGC_NOT_SHOWN;
    for (uint32_t i = 0; i < in->n; i++)
        if (position[i] != AIGC_NOT_SHOWN)
            ad_at[position[i]] = (int32_t)i;
}

/* Not a hot path (the solvers keep lists by position), so the scan over all
 * ads for each position is fine, and it needs no workspace. */
double aigc_cascade_welfare(const aigc_instance *in, const int32_t *position)
{
    double total = 0.0, reach = 1.0;
    for (uint32_t j = 0; j < in->m; j++) {
        for (uint32_t i = 0; i < in->n; i++) {
            if (position[i] != (int32_t)j)
                continue;
            double p = in->ctr[(size_t)i * in->m + j];
            total += reach * in->value[i] * p;
            reach *= (1.0 - p) * cont_of(in, i);
            break;
        }
    }
    return total;
}

size_t cascade_vcg_ws_size(uint32_t n, uint32_t m)
{
    return ws_round(sizeof(int32_t) * (size_t)n) + ws_round(sizeof(int32_t) * (size_t)m);
}

cascade_vcg_ws cascade_vcg_carve(void *work, uint32_t n, uint32_t m)
{
    unsigned char *c = work;
    cascade_vcg_ws v;
    v.scratch = ws_take(&c, sizeof(int32_t) * (size_t)n);
    v.chosen_at = ws_take(&c, sizeof(int32_t) * (size_t)m);
    v.rest = c;
    return v;
}

/* Clicks of every shown ad: the chance of reading its position times p. */
static void fill_clicks(const aigc_instance *in, const int32_t *ad_at, aigc_outcome *out)
{
    double reach = 1.0;
    for (uint32_t j = 0; j < in->m; j++) {
        int32_t i = ad_at[j];
        if (i == AIGC_NOT_SHOWN)
            continue;
        double p = in->ctr[(size_t)i * in->m + j];
        out->clicks[i] = reach * p;
        reach *= (1.0 - p) * cont_of(in, (uint32_t)i);
    }
}

typedef struct {
    const aigc_instance *in;
    void *work;
    cascade_vcg_ws v;
} cascade_ctx;

static double exact_without(void *ctx, uint32_t skip)
{
    cascade_ctx *c = ctx;
    double w = 0.0;
    /* Cannot fail: the same instance already passed the size check. */
    (void)aigc_cascade_exact_optimum(c->in, skip, c->work, c->v.scratch, &w);
    return w;
}

static double approx_without(void *ctx, uint32_t skip)
{
    cascade_ctx *c = ctx;
    return cascade_approx_solve(c->in, skip, c->work, c->v.scratch);
}

static double chosen_without(void *ctx, uint32_t skip)
{
    cascade_ctx *c = ctx;
    int32_t j = -1;
    for (uint32_t t = 0; t < c->in->m; t++)
        if (c->v.chosen_at[t] == (int32_t)skip)
            j = (int32_t)t;
    if (j < 0)
        return cascade_list_welfare(c->in, c->v.chosen_at);
    c->v.chosen_at[j] = AIGC_NOT_SHOWN;
    double w = cascade_list_welfare(c->in, c->v.chosen_at);
    c->v.chosen_at[j] = (int32_t)skip;
    return w;
}

/* The allocation is already in out->position; fills the rest. */
static void finish(const aigc_instance *in, cascade_ctx *c, aigc_outcome *out,
                   aigc_without_fn without, aigc_without_fn floor_without)
{
    positions_to_list(in, out->position, c->v.chosen_at);
    out->welfare = cascade_list_welfare(in, c->v.chosen_at);
    fill_clicks(in, c->v.chosen_at, out);
    aigc_fill_vcg(in, out, without, floor_without, c);
}

aigc_status aigc_cascade_exact_vcg(const aigc_instance *in, void *work, aigc_outcome *out)
{
    aigc_clear_outcome(in->n, out);
    double w;
    aigc_status st = aigc_cascade_exact_optimum(in, AIGC_SKIP_NONE, work, out->position, &w);
    if (st != AIGC_OK)
        return st;
    cascade_ctx c = {in, work, cascade_vcg_carve(work, in->n, in->m)};
    finish(in, &c, out, exact_without, NULL);
    return AIGC_OK;
}

aigc_status aigc_cascade_approx_vcg(const aigc_instance *in, void *work, aigc_outcome *out)
{
    aigc_clear_outcome(in->n, out);
    cascade_approx_prepare(in, work); /* ranked once for all the solves */
    cascade_approx_solve(in, AIGC_SKIP_NONE, work, out->position);
    cascade_ctx c = {in, work, cascade_vcg_carve(work, in->n, in->m)};
    finish(in, &c, out, approx_without, chosen_without);
    return AIGC_OK;
}

size_t aigc_cascade_gap_workspace_size(uint32_t n, uint32_t m)
{
    size_t exact = aigc_cascade_exact_workspace_size(n, m);
    size_t approx = aigc_cascade_approx_workspace_size(n, m);
    if (exact == 0)
        return 0;
    return ws_round(sizeof(int32_t) * (size_t)n) + (exact > approx ? exact : approx);
}

aigc_status aigc_cascade_gap(const aigc_instance *in, void *work, double *exact, double *approx)
{
    unsigned char *c = work;
    int32_t *position = ws_take(&c, sizeof(int32_t) * (size_t)in->n);
    aigc_status st = aigc_cascade_exact_optimum(in, AIGC_SKIP_NONE, c, position, exact);
    if (st != AIGC_OK)
        return st;
    *approx = aigc_cascade_approx_optimum(in, AIGC_SKIP_NONE, c, position);
    return AIGC_OK;
}
