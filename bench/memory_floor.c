/* The memory floor of the standard GSP round on one core: only the random
 * accesses a round cannot avoid, with the engine's prefetching and nothing
 * else. Per round, 1e4 auctions x 50 participants read their agent's value
 * (8 MB array at 1e6 agents) and 10 winners per auction add to their spend and
 * clicks (16 MB, side by side), in blocks of 64 auctions whose value lines are
 * asked for first, as sim/round.c does at one rank. No sampling, ranking or
 * hashing beyond a cheap hash for the ids. The same loop over 20,000 agents
 * (all in L2) gives the loop's own cost; the difference is what the agents'
 * arrays cost in memory.
 *
 * Also printed: every agent's value line read and spend line written once, in
 * order, a round. That is what a round could cost an engine that first sorted
 * its 5e5 requests by agent (the hardware prefetcher streams the arrays), and
 * so where the floor above stops being one: it holds for requests taken in
 * the order the auctions make them.
 *
 *   cc -O2 -o memory_floor bench/memory_floor.c && taskset -c 0 ./memory_floor [agents]
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum { AUCTIONS = 10000, BIDDERS = 50, WINNERS = 10, BLOCK = 64, ROUNDS = 40 };

/* The ids: a multiply-shift hash of a counter, scaled to [0, n). Each id is
 * independent of the last, so the loop runs as wide as the CPU allows and the
 * floor is the memory's. (Session 16 used xorshift64, whose ids wait ~2.6 ns
 * each for the one before: the 20,000-agent loop took 1.32 ms a round, not
 * 0.65, but at 1e6 agents the chain hid behind the misses and the floor was
 * only 7% higher.) */
static uint64_t counter;

static uint32_t below(uint32_t n)
{
    uint64_t h = (++counter) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return (uint32_t)(((h >> 32) * (uint64_t)n) >> 32);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Huge pages where the kernel gives them, as sim/big_alloc.c asks. */
static void *big(size_t bytes)
{
    size_t huge = (size_t)1 << 21, size = (bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, size);
    if (!p)
        exit(1);
    madvise(p, size, MADV_HUGEPAGE);
    memset(p, 0, size);
    return p;
}

/* Seconds a round of the loop takes over `agents` agents. */
static double round_seconds(uint32_t agents)
{
    double *value = big(sizeof(double) * agents), *paid = big(2 * sizeof(double) * agents);
    for (uint32_t i = 0; i < agents; i++)
        value[i] = 1.0 + (double)(i % 7);
    static uint32_t id[BLOCK * BIDDERS];
    static double bid[BLOCK * BIDDERS];
    double start = seconds();
    for (int round = 0; round < ROUNDS; round++)
        for (int first = 0; first < AUCTIONS; first += BLOCK) {
            for (int j = 0; j < BLOCK * BIDDERS; j++) {
                id[j] = below(agents);
                __builtin_prefetch(&value[id[j]]);
            }
            for (int j = 0; j < BLOCK * BIDDERS; j++)
                bid[j] = value[id[j]];
            for (int a = 0; a < BLOCK; a++) /* every fifth participant wins */
                for (int w = 0; w < WINNERS; w++)
                    __builtin_prefetch(&paid[2 * (size_t)id[a * BIDDERS + 5 * w]], 1);
            for (int a = 0; a < BLOCK; a++)
                for (int w = 0; w < WINNERS; w++) {
                    int j = a * BIDDERS + 5 * w;
                    paid[2 * (size_t)id[j]] += bid[j];
                    paid[2 * (size_t)id[j] + 1] += 1.0;
                }
        }
    double per_round = (seconds() - start) / ROUNDS;
    double check = 0.0; /* read back, so the compiler keeps the updates */
    for (uint32_t i = 0; i < agents; i++)
        check += paid[2 * (size_t)i];
    if (check < 0.0)
        printf("impossible\n");
    free(value);
    free(paid);
    return per_round;
}

/* Seconds to read each value line and update each spend line once, in order. */
static double stream_seconds(uint32_t agents)
{
    double *value = big(sizeof(double) * agents), *paid = big(2 * sizeof(double) * agents);
    double sum = 0.0, start = seconds();
    for (int round = 0; round < ROUNDS; round++) {
        for (uint32_t i = 0; i < agents; i += 8)
            sum += value[i];
        for (size_t i = 0; i < 2 * (size_t)agents; i += 8)
            paid[i] += 1.0;
    }
    double per_round = (seconds() - start) / ROUNDS;
    if (sum + paid[0] < 0.0)
        printf("impossible\n");
    free(value);
    free(paid);
    return per_round;
}

int main(int argc, char **argv)
{
    uint32_t agents = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000u;
    double small = round_seconds(20000), large = round_seconds(agents);
    printf("%u agents: %.3f ms a round (%.3f s for 20 rounds); 20000 agents: %.3f ms; "
           "memory's share %.3f ms a round (%.3f s for 20 rounds)\n",
           agents, 1e3 * large, 20 * large, 1e3 * small, 1e3 * (large - small),
           20 * (large - small));
    double stream = stream_seconds(agents);
    printf("streamed once in order: %.3f ms a round (%.3f s for 20 rounds)\n", 1e3 * stream,
           20 * stream);
    return 0;
}
