/* Exact order statistics of one giant facility-location instance whose reports
 * are spread over the ranks, without gathering them: a radix selection over the
 * bit patterns of the values (doubles in [0, 1] that are +0.0 or positive order
 * like their uint64 patterns), one byte per pass from the top: each pass
 * histograms the current byte of the values that match the prefix found so
 * far, MPI_Allreduce sums the 256 counts (integers: the sum is exact at any rank
 * count), and the bin holding the K-th value extends the prefix. After 8 passes
 * the prefix is the K-th value's pattern, the same bits at any rank count.
 * A mechanism's phantoms join the multiset through their counting function
 * (added by rank 0 only, so once). Cost: 8 scans of the local values and 8
 * reductions of 2 KiB per selection. */
#ifndef AGORA_FACILITY_SELECT_H
#define AGORA_FACILITY_SELECT_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "facility.h"

/* The phantoms of mechanism m for n reports; m == NULL for none. */
typedef struct {
    const facility_mechanism *m;
    const facility_params *p;
    uint64_t n;
} facility_extra;

/* The K-th smallest (1-based, 1 <= K <= total) of all ranks' values ∪ extra. Collective. */
double facility_select(const double *v, size_t len, uint64_t K, const facility_extra *x,
                       MPI_Comm comm);

/* The neighbourhood of the K-th value (facility.h): U_(K-1), U_(K), U_(K+1)
 * over all ranks' values ∪ extra. Collective. */
void facility_select_neighbourhood(const double *v, size_t len, uint64_t K,
                                   const facility_extra *x, MPI_Comm comm, facility_nbhd *h);

#endif
