/* The canonical greedy shared by mohaf, greedy, first_price and random: pairs
 * in one total order (cloud_pair_cmp), each accepted when its request is still
 * unserved and its resource still has room. Because the order is total and the
 * scan sequential, the allocation is a function of the set of pairs alone; the
 * engine (sim/cloud_run.c) feeds the scan in key-ordered chunks gathered from
 * all ranks and gets the same allocation at any rank count. */
#include "cloud.h"

void cloud_pair_key(cloud_mechanism mech, const cloud_request *q, uint32_t resource, double u,
                    double draw, uint32_t offset, uint32_t m, cloud_pair *p)
{
    p->utility = u;
    p->cpu = q->cpu;
    p->mem = q->mem;
    p->request = q->id;
    p->resource = resource;
    p->pad = 0;
    switch (mech) {
    case CLOUD_GREEDY:
        p->k1 = q->priority;
        p->k2 = u;
        break;
    case CLOUD_FIRST_PRICE:
        p->k1 = q->budget; /* the bid: the request offers its whole budget */
        p->k2 = u;
        break;
    case CLOUD_RANDOM:
        /* requests in a random order, each trying resources from a random
         * starting point onwards (offset first, then offset + 1, ...) */
        p->k1 = draw;
        p->k2 = -(double)((resource + m - offset) % m);
        break;
    case CLOUD_MOHAF:
    case CLOUD_OPTIMAL:
    case CLOUD_MECHANISMS:
        p->k1 = u;
        p->k2 = 0.0;
        break;
    }
}

int cloud_pair_before(const cloud_pair *a, const cloud_pair *b)
{
    if (a->k1 != b->k1)
        return a->k1 > b->k1;
    if (a->k2 != b->k2)
        return a->k2 > b->k2;
    if (a->request != b->request)
        return a->request < b->request;
    return a->resource < b->resource;
}

int cloud_pair_cmp(const void *a, const void *b)
{
    const cloud_pair *x = a, *y = b;
    if (cloud_pair_before(x, y))
        return -1;
    return cloud_pair_before(y, x);
}

size_t cloud_scan(const cloud_pair *pairs, size_t n, double *cpu_left, double *mem_left,
                  int (*served)(void *ctx, uint64_t request),
                  void (*accept)(void *ctx, const cloud_pair *p), void *ctx)
{
    size_t got = 0;
    for (size_t a = 0; a < n; a++) {
        const cloud_pair *p = &pairs[a];
        if (served(ctx, p->request))
            continue;
        if (p->cpu > cpu_left[p->resource] || p->mem > mem_left[p->resource])
            continue;
        cpu_left[p->resource] -= p->cpu;
        mem_left[p->resource] -= p->mem;
        accept(ctx, p);
        got++;
    }
    return got;
}
