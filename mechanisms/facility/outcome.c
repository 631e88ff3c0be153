/* Outcomes of one instance: sorting, the neighbourhood of the outcome among
 * reports ∪ phantoms, the outcome with one report replaced, and the misreport
 * search behind the strategyproofness probes and best responses. */
#include <math.h>

#include "facility.h"

static void insertion_sort(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Quicksort with a median-of-three pivot, recursing into the smaller part
 * (depth <= log2 n), insertion sort below 24 values: no comparison callback,
 * which makes instances of ~100 agents sort about three times faster than qsort. */
void facility_sort(double *v, size_t n)
{
    while (n > 24) {
        size_t mid = n / 2;
        if (v[mid] < v[0])
            swap(&v[mid], &v[0]);
        if (v[n - 1] < v[0])
            swap(&v[n - 1], &v[0]);
        if (v[n - 1] < v[mid])
            swap(&v[n - 1], &v[mid]);
        double pivot = v[mid];
        size_t i = 0, j = n - 1;
        for (;;) { /* Hoare partition: v[0..j] <= pivot <= v[j+1..n) */
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(&v[i], &v[j]);
            i++;
            j--;
        }
        size_t left = j + 1;
        if (left < n - left) {
            facility_sort(v, left);
            v += left;
            n -= left;
        } else {
            facility_sort(v + left, n - left);
            n = left;
        }
    }
    insertion_sort(v, n);
}

/* Walks the merge of the sorted reports and the phantoms up to position K + 1. */
void facility_neighbourhood(const facility_mechanism *m, const facility_params *p,
                            const double *sorted, size_t n, facility_nbhd *h)
{
    h->n = n;
    h->rank = 0;
    h->below = -INFINITY;
    h->at = 0.0;
    h->above = INFINITY;
    h->sum = 0.0;
    if (m->rule == FACILITY_MEAN) {
        for (size_t i = 0; i < n; i++) /* ascending order: the same bits everywhere */
            h->sum += sorted[i];
        h->at = h->sum / (double)n;
        return;
    }
    uint64_t K = m->rank(n, p), P = m->phantom_count(n, p), total = n + P;
    h->rank = K;
    uint64_t i = 0, j = 0;
    for (uint64_t pos = 1; pos <= K + 1 && pos <= total; pos++) {
        double v;
        if (j >= P || (i < n && sorted[i] <= m->phantom_at(n, p, j)))
            v = sorted[i++];
        else
            v = m->phantom_at(n, p, j++);
        if (pos + 1 == K)
            h->below = v;
        else if (pos == K)
            h->at = v;
        else if (pos == K + 1)
            h->above = v;
    }
}

double facility_outcome(const facility_mechanism *m, const facility_nbhd *h)
{
    return m->rule == FACILITY_MEAN ? h->sum / (double)h->n : h->at;
}

/* ORDER: removing `own` from U leaves A with A_(j) = U_(j+1) when own <= U_(j)
 * and U_(j) otherwise; adding z then gives the K-th value
 * max(A_(K-1), min(z, A_(K))), z clamped between its neighbours. */
static void others_around(const facility_nbhd *h, double own, double *lo, double *hi)
{
    *lo = own <= h->below ? h->at : h->below;
    *hi = own <= h->at ? h->above : h->at;
}

double facility_with(const facility_mechanism *m, const facility_nbhd *h, double own, double z)
{
    if (m->rule == FACILITY_MEAN)
        return (h->sum - own + z) / (double)h->n;
    double lo, hi;
    others_around(h, own, &lo, &hi);
    return fmax(lo, fmin(z, hi));
}

typedef struct {
    const facility_mechanism *m;
    const facility_nbhd *h;
    double own, x;
    double best_cost, best_z;
} search;

static void try_report(search *s, double z)
{
    if (!(z >= 0.0 && z <= 1.0)) /* -inf / +inf ends and anything off [0, 1] */
        return;
    double c = fabs(s->x - facility_with(s->m, s->h, s->own, z));
    if (c < s->best_cost) {
        s->best_cost = c;
        s->best_z = z;
    }
}

static double run_search(const facility_mechanism *m, const facility_nbhd *h, double own,
                         double x, uint64_t grid, double *truth_cost)
{
    search s = {m, h, own, x, 0.0, x};
    s.best_cost = *truth_cost = fabs(x - facility_with(m, h, own, x));
    for (uint64_t g = 0; grid >= 2 && g < grid; g++)
        try_report(&s, (double)g / (double)(grid - 1));
    if (m->rule == FACILITY_ORDER) {
        double lo, hi;
        others_around(h, own, &lo, &hi);
        try_report(&s, lo);
        try_report(&s, hi);
        try_report(&s, h->below);
        try_report(&s, h->at);
        try_report(&s, h->above);
    } else {
        double z = (double)h->n * x - (h->sum - own);
        try_report(&s, fmin(1.0, fmax(0.0, z)));
    }
    return s.best_z;
}

double facility_gain(const facility_mechanism *m, const facility_nbhd *h, double own, double x,
                     uint64_t grid)
{
    double truth;
    double z = run_search(m, h, own, x, grid, &truth);
    double gain = truth - fabs(x - facility_with(m, h, own, z));
    return gain > 0.0 ? gain : 0.0;
}

double facility_best_response(const facility_mechanism *m, const facility_nbhd *h, double own,
                              double x, uint64_t grid)
{
    /* Order statistics: the reachable outcomes are [lo, hi] (others_around) and
     * the truthful report already gets the point of it nearest the peak, so no
     * candidate can do strictly better and the search would return x. */
    if (m->rule == FACILITY_ORDER)
        return x;
    double truth;
    return run_search(m, h, own, x, grid, &truth);
}

double facility_locate(const facility_mechanism *m, const facility_params *p,
                       const double *reports, size_t n, double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = reports[i];
    facility_sort(scratch, n);
    facility_nbhd h;
    facility_neighbourhood(m, p, scratch, n, &h);
    return facility_outcome(m, &h);
}
