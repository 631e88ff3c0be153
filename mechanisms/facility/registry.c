/* The facility location mechanisms by name (DESIGN.md, invariant 4). Each is the
 * K-th smallest of the n reports joined with its phantoms, or the mean:
 *   median           K = ⌈n/2⌉, no phantoms (for even n the left median)
 *   kth              K = params.k, no phantoms (1: leftmost, n: rightmost)
 *   phantoms         Moulin's generalised median: the median of the 2n + 1 points
 *                    made of the n reports and n + 1 configured phantoms, K = n + 1
 *   uniform_phantom  phantoms at j/n, j = 0..n, K = n + 1 (Freeman et al. 2021;
 *                    Aziz et al.: the unique strategyproof mechanism with UFS)
 *   average          the mean of the reports (not strategyproof)
 * All ORDER rules are generalised medians, hence strategyproof (Moulin 1980). */
#include <string.h>

#include "facility.h"

static uint64_t rank_median(uint64_t n, const facility_params *p)
{
    (void)p;
    return (n + 1) / 2; /* ⌈n/2⌉ */
}

static uint64_t rank_kth(uint64_t n, const facility_params *p)
{
    (void)n;
    return p->k;
}

static uint64_t rank_phantom(uint64_t n, const facility_params *p)
{
    (void)p;
    return n + 1; /* the middle of 2n + 1 points */
}

static uint64_t no_phantoms(uint64_t n, const facility_params *p)
{
    (void)n;
    (void)p;
    return 0;
}

static double no_phantom_at(uint64_t n, const facility_params *p, uint64_t j)
{
    (void)n;
    (void)p;
    (void)j;
    return 0.0;
}

static uint64_t none_le(uint64_t n, const facility_params *p, double v)
{
    (void)n;
    (void)p;
    (void)v;
    return 0;
}

static uint64_t n_plus_one(uint64_t n, const facility_params *p)
{
    (void)p;
    return n + 1;
}

static double listed_at(uint64_t n, const facility_params *p, uint64_t j)
{
    (void)n;
    return p->phantoms[j];
}

/* Upper bound in the sorted list. */
static uint64_t listed_le(uint64_t n, const facility_params *p, double v)
{
    (void)n;
    size_t lo = 0, hi = p->n_phantoms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->phantoms[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* j/n as a double: division is correctly rounded, hence monotone in j, so the
 * count below can bisect on exactly these values. */
static double uniform_at(uint64_t n, const facility_params *p, uint64_t j)
{
    (void)p;
    return (double)j / (double)n;
}

static uint64_t uniform_le(uint64_t n, const facility_params *p, double v)
{
    uint64_t lo = 0, hi = n + 1; /* count of j in [0, n] with j/n <= v */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (uniform_at(n, p, mid) <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const facility_mechanism mechanisms[] = {
    {"median", FACILITY_ORDER, 1, rank_median, no_phantoms, no_phantom_at, none_le},
    {"phantoms", FACILITY_ORDER, 1, rank_phantom, n_plus_one, listed_at, listed_le},
    {"uniform_phantom", FACILITY_ORDER, 1, rank_phantom, n_plus_one, uniform_at, uniform_le},
    {"average", FACILITY_MEAN, 0, NULL, NULL, NULL, NULL},
    {"kth", FACILITY_ORDER, 1, rank_kth, no_phantoms, no_phantom_at, none_le},
};

const facility_mechanism *facility_mechanism_at(size_t i)
{
    return i < sizeof mechanisms / sizeof mechanisms[0] ? &mechanisms[i] : NULL;
}

const facility_mechanism *facility_mechanism_find(const char *name)
{
    for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
        if (strcmp(mechanisms[i].name, name) == 0)
            return &mechanisms[i];
    return NULL;
}
