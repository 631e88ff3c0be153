/* See simd_wide.h. */
#include "simd_wide.h"

#include <stdlib.h>
#include <string.h>

int simd_wide_allowed(void)
{
#if defined(__x86_64__)
    static int known, wide;
    if (!known) {
        const char *forced = getenv("AGORA_SIMD");
        wide = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               (!forced || strcmp(forced, "avx512") == 0);
        known = 1;
    }
    return wide;
#else
    return 0;
#endif
}
