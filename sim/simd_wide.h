/* Whether the engine's AVX-512 kernels (settle_wide.c, owners_wide.c) run in
 * this process: the CPU has AVX-512F and DQ, and AGORA_SIMD is unset or
 * "avx512" (any narrower path named there turns them off, so the benchmark's
 * paths compare them too). Asked once, then remembered. */
#ifndef AGORA_SIMD_WIDE_H
#define AGORA_SIMD_WIDE_H

int simd_wide_allowed(void);

#endif
