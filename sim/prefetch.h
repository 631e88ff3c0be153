/* A cache-line prefetch the compiler cannot remove. GCC 12 at -O2 dropped
 * __builtin_prefetch calls from hot loops of this engine without a word: from
 * population_bids once population_prefetch was inlined into it (Hedge bids ran
 * at ~500 ns instead of ~240 ns) and from the winners' loop in round.c. Its
 * tree dead-code pass did it (-fno-tree-dce kept them); an asm statement with
 * a memory operand is never dead code. Elsewhere the builtin serves. */
#ifndef AGORA_PREFETCH_H
#define AGORA_PREFETCH_H

static inline void agora_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
    __builtin_prefetch(p, 0, 3);
#endif
}

#endif
