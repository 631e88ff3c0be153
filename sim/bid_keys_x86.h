/* The x86 kernels of bid_keys.c: AVX-512 where simd_wide_allowed() (and the
 * CPU has AVX-512BW for the byte compares), AVX2 where the ranking's SIMD path
 * (position_simd_path) is avx2 or wider. Each returns 1 when it did the work,
 * 0 where the CPU or AGORA_SIMD rules it out; the caller then runs the
 * portable code, which gives the same results. */
#ifndef AGORA_BID_KEYS_X86_H
#define AGORA_BID_KEYS_X86_H

#include <stdint.h>

/* bid_keys_select; the candidate count goes to *count. */
int bid_keys_select_x86(const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos,
                        uint32_t *eligible, uint32_t *placed, uint32_t *count);
/* bid_keys_rank for at most 16 candidates. */
int bid_keys_rank_x86(const double *bid, const uint32_t *id, const uint8_t *pos, uint32_t c,
                      uint32_t need, uint32_t *order);

#endif
