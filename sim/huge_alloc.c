/* See huge_alloc.h. Transparent huge pages (Linux, "madvise" mode) are asked
 * for per range; elsewhere this is an aligned calloc. Measured on the
 * standard benchmark with 1e6 Hedge agents (BENCHMARKS.md, issue 11): with
 * 4 KiB pages most of a bid's time was the page walk for the agent's state. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "huge_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *huge_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes == 0)
        bytes = 1;
    if (bytes < HUGE_PAGE)
        return calloc(1, bytes);
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE); /* advice only: small pages still work */
#endif
    memset(p, 0, rounded);
    return p;
}
