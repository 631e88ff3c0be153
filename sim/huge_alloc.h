/* Zeroed allocations for large per-agent arrays that rounds read at random
 * (learner state): backed by 2 MiB pages where the kernel allows it, so that a
 * random agent's lines do not each cost a TLB miss too. */
#ifndef AGORA_HUGE_ALLOC_H
#define AGORA_HUGE_ALLOC_H

#include <stddef.h>

/* Like calloc(n, size) (release with free()); NULL when out of memory. */
void *huge_calloc(size_t n, size_t size);

#endif
