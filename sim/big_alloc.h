/* Allocations for per-agent arrays, which are read at random (bids, settlement):
 * large ones are placed on transparent huge pages where the kernel offers them,
 * so a random access costs a cache miss but no page walk (an 8 MB array spans
 * 2048 small pages, more than the TLB holds, and only 4 huge ones). Release
 * with free(). */
#ifndef AGORA_BIG_ALLOC_H
#define AGORA_BIG_ALLOC_H

#include <stddef.h>

/* n * size bytes (at least one byte), zeroed when `zero`; NULL when out of
 * memory or n * size overflows. */
void *big_alloc(size_t n, size_t size, int zero);

/* Writes a byte of every page of [p, p + bytes), so that the page faults come
 * now rather than in a timed loop (a memset of fresh memory to zero does not
 * do it: the compiler may turn malloc + memset into calloc). */
void touch_pages(void *p, size_t bytes);

#endif
