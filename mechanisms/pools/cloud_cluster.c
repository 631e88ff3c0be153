/* MOHAF's hierarchy: resources grouped into clusters by recursive bisection of
 * their locations, a summary per cluster, and each request's best clusters.
 * A request bids only on the resources of its best clusters, so the pairs a
 * round looks at grow as requests x (resources per cluster x clusters kept)
 * instead of requests x resources: what makes MOHAF scale. */
#include <stdlib.h>

#include "cloud.h"

typedef struct {
    double v;
    uint32_t i;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void split(const cloud_resource *r, keyed *tmp, uint32_t *order, uint32_t lo, uint32_t hi,
                  uint32_t k, uint32_t first, int depth, uint32_t *start)
{
    if (k == 1) {
        start[first] = lo;
        return;
    }
    for (uint32_t a = lo; a < hi; a++) {
        tmp[a].i = order[a];
        tmp[a].v = depth % 2 ? r[order[a]].y : r[order[a]].x;
    }
    qsort(tmp + lo, hi - lo, sizeof *tmp, keyed_cmp);
    for (uint32_t a = lo; a < hi; a++)
        order[a] = tmp[a].i;
    uint32_t k1 = k / 2;
    uint32_t mid = lo + (uint32_t)((uint64_t)(hi - lo) * k1 / k);
    split(r, tmp, order, lo, mid, k1, first, depth + 1, start);
    split(r, tmp, order, mid, hi, k - k1, first + k1, depth + 1, start);
}

int cloud_cluster(const cloud_resource *r, uint32_t m, uint32_t k, uint32_t *order,
                  uint32_t *start)
{
    keyed *tmp = malloc(sizeof *tmp * (m ? m : 1));
    if (!tmp)
        return -1;
    for (uint32_t j = 0; j < m; j++)
        order[j] = j;
    split(r, tmp, order, 0, m, k, 0, 0, start);
    start[k] = m;
    free(tmp);
    return 0;
}

void cloud_cluster_summarise(const cloud_resource *r, const double *price, const double *load,
                             const uint32_t *order, const uint32_t *start, uint32_t k,
                             cloud_cluster_summary *out)
{
    for (uint32_t c = 0; c < k; c++) {
        cloud_cluster_summary s = {0};
        uint32_t n = start[c + 1] - start[c];
        for (uint32_t a = start[c]; a < start[c + 1]; a++) {
            uint32_t j = order[a];
            int first = a == start[c];
            s.x += r[j].x;
            s.y += r[j].y;
#define TAKE_MAX(f, v) if (first || (v) > s.f) s.f = (v)
#define TAKE_MIN(f, v) if (first || (v) < s.f) s.f = (v)
            TAKE_MAX(cpu, r[j].cpu);
            TAKE_MAX(mem, r[j].mem);
            TAKE_MAX(reliability, r[j].reliability);
            TAKE_MAX(availability, r[j].availability);
            TAKE_MAX(energy, r[j].energy);
            TAKE_MIN(min_price, price[j]);
            TAKE_MIN(min_load, load[j]);
#undef TAKE_MAX
#undef TAKE_MIN
        }
        if (n) {
            s.x /= n;
            s.y /= n;
        }
        out[c] = s;
    }
}

static int rank_cmp(const void *a, const void *b)
{
    const cloud_cluster_rank *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->cluster < y->cluster ? -1 : x->cluster > y->cluster;
}

uint32_t cloud_rank_clusters(const cloud_request *q, const cloud_cluster_summary *s, uint32_t k,
                             const cloud_weights *w, uint32_t *pick, cloud_cluster_rank *scratch)
{
    uint32_t got = 0;
    for (uint32_t c = 0; c < k; c++) {
        cloud_resource best = {s[c].cpu, s[c].mem, 0, s[c].reliability, s[c].availability,
                               s[c].energy, s[c].x, s[c].y};
        if (!cloud_pair_feasible(q, &best, s[c].min_price))
            continue;
        scratch[got].score = cloud_utility(q, &best, s[c].min_price, s[c].min_load, w);
        scratch[got++].cluster = c;
    }
    qsort(scratch, got, sizeof *scratch, rank_cmp);
    for (uint32_t a = 0; a < got; a++)
        pick[a] = scratch[a].cluster;
    return got;
}
