/* `optimal`: the maximum-utility allocation, for small instances. Each
 * resource offers as many unit columns ("slots") as it can hold of the
 * smallest demand, and the maximum-weight assignment of requests to slots is
 * solved exactly by the assignment solver of mechanisms/aigc (successive
 * shortest paths; reused, not rewritten). With unit demands (every request
 * one slot, capacities whole slots) that is the optimum. With unequal demands
 * the slots over-count room, so the assigned pairs are then taken again in
 * scan order against the real capacities, and any that no longer fit are
 * dropped: a feasible allocation, no longer guaranteed optimal (documented in
 * scenarios/README.md). */
#include <math.h>
#include <stdlib.h>

#include "aigc.h"
#include "cloud.h"

uint32_t cloud_slots(const cloud_resource *r, double min_cpu, double min_mem, uint32_t n)
{
    double by_cpu = min_cpu > 0 ? floor(r->cpu / min_cpu) : (double)n;
    double by_mem = min_mem > 0 ? floor(r->mem / min_mem) : (double)n;
    double s = by_cpu < by_mem ? by_cpu : by_mem;
    if (s > n)
        s = n;
    return s > 0 ? (uint32_t)s : 0u;
}

typedef struct {
    int32_t *assign;
    cloud_pair *acc;
    size_t n;
} repair_ctx;

static int repair_served(void *ctx, uint64_t request)
{
    return ((repair_ctx *)ctx)->assign[request] >= 0;
}

static void repair_accept(void *ctx, const cloud_pair *p)
{
    repair_ctx *r = ctx;
    r->assign[p->request] = (int32_t)p->resource;
    r->acc[r->n++] = *p;
}

int cloud_optimal(uint32_t n, uint32_t m, const uint32_t *slots, const cloud_pair *pairs,
                  size_t np, double *cpu_left, double *mem_left, int32_t *assign,
                  cloud_pair *acc, size_t *n_acc)
{
    uint64_t cols = 0;
    for (uint32_t j = 0; j < m; j++)
        cols += slots[j];
    for (uint32_t i = 0; i < n; i++)
        assign[i] = -1;
    *n_acc = 0;
    if (cols == 0 || n == 0 || np == 0)
        return 0;
    if (cols > CLOUD_OPTIMAL_MAX_COLUMNS || (uint64_t)n * cols > CLOUD_OPTIMAL_MAX_PAIRS)
        return -1;
    uint32_t c = (uint32_t)cols;
    uint32_t *first = malloc(sizeof *first * m);
    uint32_t *col_res = malloc(sizeof *col_res * c);
    double *w = calloc((size_t)n * c, sizeof *w);
    void *work = malloc(aigc_assign_workspace_size(n, c));
    int32_t *pos = malloc(sizeof *pos * n);
    cloud_pair *chosen = malloc(sizeof *chosen * n);
    int rc = -1;
    if (!first || !col_res || !w || !work || !pos || !chosen)
        goto out;
    for (uint32_t j = 0, at = 0; j < m; j++) {
        first[j] = at;
        for (uint32_t s = 0; s < slots[j]; s++)
            col_res[at++] = j;
    }
    for (size_t a = 0; a < np; a++) {
        const cloud_pair *p = &pairs[a];
        for (uint32_t s = 0; s < slots[p->resource]; s++)
            w[(size_t)p->request * c + first[p->resource] + s] = p->utility;
    }
    uint32_t k = n < c ? n : c;
    aigc_assign(n, c, k, w, NULL, work, pos);
    /* the assigned pairs, in scan order, against the real capacities; then the
     * room left to the requests left over */
    size_t got = 0;
    for (size_t a = 0; a < np; a++) {
        const cloud_pair *p = &pairs[a];
        if (pos[p->request] >= 0 && col_res[pos[p->request]] == p->resource)
            chosen[got++] = *p;
    }
    repair_ctx ctx = {assign, acc, 0};
    cloud_scan(chosen, got, cpu_left, mem_left, repair_served, repair_accept, &ctx);
    cloud_scan(pairs, np, cpu_left, mem_left, repair_served, repair_accept, &ctx);
    *n_acc = ctx.n;
    rc = 0;
out:
    free(first);
    free(col_res);
    free(w);
    free(work);
    free(pos);
    free(chosen);
    return rc;
}
