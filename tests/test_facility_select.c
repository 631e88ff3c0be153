/* The giant facility instance's distributed selection (sim/facility_select.c)
 * against sorting, under mpirun at any rank count: every rank generates the
 * same global values from keyed streams (a test may hold them all; the run
 * never does), keeps its block, and every selected order statistic and
 * neighbourhood must equal, bit for bit, the one read off the sorted whole
 * (with the mechanism's phantoms merged in). Profiles: continuous values,
 * heavy ties, two-point 0/1, and a single value. Prints one line per failure;
 * exits non-zero on any. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facility.h"
#include "facility_select.h"
#include "partition.h"
#include "rng.h"

static double value(int profile, uint64_t seed, uint64_t i)
{
    pcg32 g = rng_stream(seed, 1, i, 0);
    switch (profile) {
    case 0: return rng_uniform01(&g);
    case 1: return (double)rng_below(&g, 7) / 6.0; /* ties, 0 and 1 included */
    case 2: return rng_below(&g, 3) ? 0.0 : 1.0;  /* two-point */
    default: return 0.5;                          /* one value */
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    long failures = 0, checks = 0;
    const uint64_t sizes[] = {4, 5, 17, 100, 1001, 4096};
    double *all = malloc(4096 * sizeof *all), *merged = malloc(8194 * sizeof *merged);
    double *ph = malloc(4097 * sizeof *ph);
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (int profile = 0; profile < 4; profile++)
            for (size_t mi = 0; facility_mechanism_at(mi); mi++) {
                const facility_mechanism *m = facility_mechanism_at(mi);
                if (m->rule != FACILITY_ORDER)
                    continue;
                uint64_t n = sizes[si], seed = 100 * si + (uint64_t)profile;
                if ((uint64_t)ranks > n)
                    continue;
                for (uint64_t i = 0; i < n; i++)
                    all[i] = value(profile, seed, i);
                for (uint64_t j = 0; j <= n; j++)
                    ph[j] = value(profile == 0 ? 1 : 0, seed + 7, j);
                facility_sort(ph, n + 1);
                facility_params p = {1 + seed % n, ph, n + 1};
                uint64_t lo = block_lo(n, ranks, rank), hi = block_lo(n, ranks, rank + 1);
                /* the whole, sorted, with phantoms: the reference */
                memcpy(merged, all, n * sizeof *all);
                uint64_t P = m->phantom_count(n, &p);
                for (uint64_t j = 0; j < P; j++)
                    merged[n + j] = m->phantom_at(n, &p, j);
                facility_sort(merged, n + P);
                facility_extra x = {m, &p, n};
                /* every K of small sets, a spread of K for large ones */
                for (uint64_t K = 1; K <= n + P; K += (n + P) > 40 ? (n + P) / 13 : 1) {
                    double got = facility_select(all + lo, hi - lo, K, &x, MPI_COMM_WORLD);
                    checks++;
                    if (memcmp(&got, &merged[K - 1], sizeof got) != 0) {
                        failures++;
                        if (rank == 0)
                            printf("FAIL %s n=%llu profile %d K=%llu: %.17g, sorted %.17g\n",
                                   m->name, (unsigned long long)n, profile,
                                   (unsigned long long)K, got, merged[K - 1]);
                    }
                }
                /* the mechanism's neighbourhood against facility_neighbourhood */
                facility_nbhd want, got;
                memcpy(merged, all, n * sizeof *all);
                facility_sort(merged, n);
                facility_neighbourhood(m, &p, merged, n, &want);
                facility_select_neighbourhood(all + lo, hi - lo, m->rank(n, &p), &x,
                                              MPI_COMM_WORLD, &got);
                checks++;
                if (got.at != want.at || got.below != want.below || got.above != want.above) {
                    failures++;
                    if (rank == 0)
                        printf("FAIL %s n=%llu profile %d neighbourhood: (%.17g %.17g %.17g) "
                               "vs sorted (%.17g %.17g %.17g)\n",
                               m->name, (unsigned long long)n, profile, got.below, got.at,
                               got.above, want.below, want.at, want.above);
                }
            }
    if (rank == 0)
        printf("%s: %ld checks at %d rank%s, %ld failed\n", failures ? "FAIL" : "PASS", checks,
               ranks, ranks == 1 ? "" : "s", failures);
    free(all);
    free(merged);
    free(ph);
    MPI_Finalize();
    return failures ? 1 : 0;
}
