/* Distributed exact selection for the giant facility instance; see
 * facility_select.h. */
#include "facility_select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RADIX_BITS 8
#define BINS (1 << RADIX_BITS)

static uint64_t bits_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Phantoms whose pattern is <= u. Patterns above 1.0's are not values in [0, 1]
 * (some are not numbers), and every phantom is <= 1. */
static uint64_t extra_le_bits(const facility_extra *x, uint64_t u)
{
    if (!x || !x->m)
        return 0;
    static const double one = 1.0;
    double v = u >= bits_of(one) ? one : from_bits(u);
    return x->m->phantoms_le(x->n, x->p, v);
}

static uint64_t extra_count(const facility_extra *x)
{
    return x && x->m ? x->m->phantom_count(x->n, x->p) : 0;
}

double facility_select(const double *v, size_t len, uint64_t K, const facility_extra *x,
                       MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    uint64_t prefix = 0;
    const double *scan = v; /* the values that can still match the prefix */
    size_t n_scan = len;
    double *kept = NULL;    /* once few remain, a copy of just those */
    for (int shift = 64 - RADIX_BITS; shift >= 0; shift -= RADIX_BITS) {
        uint64_t hist[BINS] = {0}, total[BINS];
        int top = shift + RADIX_BITS; /* bits above the current byte are fixed */
        for (size_t i = 0; i < n_scan; i++) {
            uint64_t b = bits_of(scan[i]);
            if (top == 64 || (b >> top) == (prefix >> top))
                hist[(b >> shift) & (BINS - 1)]++;
        }
        uint64_t mine[BINS];
        memcpy(mine, hist, sizeof mine);
        if (rank == 0 && extra_count(x)) {
            uint64_t low_mask = shift ? (UINT64_C(1) << shift) - 1 : 0;
            for (uint64_t j = 0; j < BINS; j++) {
                uint64_t lo = prefix | (j << shift), hi = lo | low_mask;
                hist[j] += extra_le_bits(x, hi) - (lo ? extra_le_bits(x, lo - 1) : 0);
            }
        }
        MPI_Allreduce(hist, total, BINS, MPI_UINT64_T, MPI_SUM, comm);
        uint64_t below = 0, j = 0;
        while (j + 1 < BINS && below + total[j] < K)
            below += total[j++];
        prefix |= j << shift;
        K -= below;
        /* Later passes scan only the survivors once they are few (a local
         * choice: it changes the work, never the counts). */
        if (!kept && shift > 0 && mine[j] <= n_scan / 16 &&
            (kept = malloc((mine[j] ? mine[j] : 1) * sizeof *kept))) {
            size_t m = 0;
            for (size_t i = 0; i < n_scan; i++) {
                uint64_t b = bits_of(scan[i]);
                if ((b >> shift) == (prefix >> shift))
                    kept[m++] = scan[i];
            }
            scan = kept;
            n_scan = m;
        }
    }
    free(kept);
    return from_bits(prefix);
}

void facility_select_neighbourhood(const double *v, size_t len, uint64_t K,
                                   const facility_extra *x, MPI_Comm comm, facility_nbhd *h)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    double at = facility_select(v, len, K, x, comm);
    uint64_t cnt[2] = {0, 0}, tot[2]; /* values < at, values <= at */
    double near[2] = {-INFINITY, -INFINITY}, best[2]; /* max below, -(min above) */
    for (size_t i = 0; i < len; i++) {
        double d = v[i];
        if (d < at) {
            cnt[0]++;
            near[0] = d > near[0] ? d : near[0];
        }
        if (d <= at)
            cnt[1]++;
        else
            near[1] = -d > near[1] ? -d : near[1];
    }
    uint64_t P = extra_count(x);
    if (rank == 0 && P) {
        uint64_t ab = bits_of(at);
        uint64_t lt = ab ? extra_le_bits(x, ab - 1) : 0, le = extra_le_bits(x, ab);
        cnt[0] += lt;
        cnt[1] += le;
        if (lt > 0) {
            double p = x->m->phantom_at(x->n, x->p, lt - 1);
            near[0] = p > near[0] ? p : near[0];
        }
        if (le < P) {
            double p = x->m->phantom_at(x->n, x->p, le);
            near[1] = -p > near[1] ? -p : near[1];
        }
    }
    MPI_Allreduce(cnt, tot, 2, MPI_UINT64_T, MPI_SUM, comm);
    MPI_Allreduce(near, best, 2, MPI_DOUBLE, MPI_MAX, comm);
    h->rank = K;
    h->at = at;
    h->below = tot[0] + 1 == K ? best[0] : at;  /* K-th is the first copy of `at` */
    h->above = tot[1] >= K + 1 ? at : -best[1]; /* another copy of `at` follows */
}
