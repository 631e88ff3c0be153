/* Huge-page-backed allocations; see big_alloc.h. */
#define _DEFAULT_SOURCE
#include "big_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *big_alloc(size_t n, size_t size, int zero)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes == 0)
        bytes = 1;
    if (bytes < HUGE_PAGE)
        return zero ? calloc(1, bytes) : malloc(bytes);
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, rounded);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    /* Advice only: where THP is off, this fails and small pages serve. */
    (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
    if (zero)
        memset(p, 0, bytes);
    return p;
}

void touch_pages(void *p, size_t bytes)
{
    volatile char *c = p;
    for (size_t b = 0; b < bytes; b += 4096)
        c[b] = 0;
}
