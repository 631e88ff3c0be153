/* The AVX-512 steps of the lane-parallel selection (rank_lanes_avx512.c), for
 * its common case: eight full lanes, no weights, at most POSITION_LANE_CAP places.
 * Only for rank_lanes.c, which calls them when the CPU runs AVX-512. */
#ifndef AGORA_RANK_LANES_AVX512_H
#define AGORA_RANK_LANES_AVX512_H

#include <stdint.h>

/* Keys of the eight auctions bids[0..7] (n participants each): eligible bids
 * (bid > 0 and bid >= reserve) keep their value, the rest are -inf. Written
 * twice: lane-minor into keys ([n][8], for the insertion network) and row by
 * row into rows ([8][n], for placing the winners). eligible[l] receives each
 * lane's count. reserve must not be NaN. */
void rank_keys_avx512(double reserve, const double *const *bids, uint32_t n, double *keys,
                      double *rows, uint32_t *eligible);

/* Step 2 of rank_lanes.c for the auction of lane `lane`, from its row of keys
 * and the lane-minor top list: the winners in order. Returns the number
 * ranked, or UINT32_MAX on ties among the winners or at the threshold. */
uint32_t rank_place_avx512(const double *row, uint32_t n, const double *top, uint32_t cap,
                           uint32_t lane, uint32_t *order);

#endif
