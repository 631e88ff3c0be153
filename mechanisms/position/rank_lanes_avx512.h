/* The AVX-512 steps of the lane-parallel selection (rank_lanes_avx512.c), for
 * its common case: eight full lanes, no weights, at most POSITION_LANE_CAP places.
 * Only for rank_lanes.c, which calls them when the CPU runs AVX-512. */
#ifndef AGORA_RANK_LANES_AVX512_H
#define AGORA_RANK_LANES_AVX512_H

#include <float.h>
#include <stdint.h>

/* The eligibility floor of a reserve: bid > 0 and bid >= reserve is
 * bid >= rank_floor(reserve), NaN failing both. reserve must not be NaN. */
static inline double rank_floor(double reserve)
{
    return reserve > DBL_TRUE_MIN ? reserve : DBL_TRUE_MIN;
}

/* Keys of the eight auctions bids[0..7] (n participants each), lane-minor into
 * keys ([n][8], for the insertion network): bids at or above `at_least` keep
 * their value, the rest are -inf. eligible[l] receives each lane's count. */
void rank_keys_avx512(double at_least, const double *const *bids, uint32_t n, double *keys,
                      uint32_t *eligible);

/* The lane-minor top list ([cap][8]) as one row per lane: columns[l * 32 + p]
 * (POSITION_LANE_CAP) is place p of lane l, -inf from cap to the next multiple
 * of eight. Transposed in registers: gathering a lane's places from the list
 * just stored waited on the stores (a fifth of the placement's time). */
void rank_columns_avx512(const double *top, uint32_t cap, double *columns);

/* Step 2 of rank_lanes.c for one auction, from its bids (n of them, keys
 * where at or above `at_least`) and its row of rank_columns_avx512: the
 * winners in order. Returns the number ranked, or UINT32_MAX on ties among
 * the winners or at the threshold. */
uint32_t rank_place_avx512(const double *bids, uint32_t n, double at_least, const double *column,
                           uint32_t cap, uint32_t *order);

#endif
