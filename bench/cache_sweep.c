/* Where the last-level cache ends: random 8-byte reads over arrays of 2 MB to
 * 256 MB on huge pages, in blocks of 3200 whose lines are asked for first (as
 * sim/round.c reads agents' values), one process per CPU named, all at once.
 * A rank's round reads its agents' arrays at random, so whether they fit
 * decides its speed: on the 2-vCPU VM of BENCHMARKS.md the cost doubles
 * between 24 and 32 MB, and two processes with 24 MB each run as fast as one,
 * so each vCPU has its own ~32 MB (issue 11, session 9).
 *
 *   cc -O2 -o /tmp/cache_sweep bench/cache_sweep.c && /tmp/cache_sweep [CPU ...]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { READS = 1 << 22, BLOCK = 3200, REPEATS = 5 };

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A 32-bit random number scaled to [0, n) by a multiplication, not a division. */
static inline size_t scaled(uint32_t r, size_t n)
{
    return (size_t)(((uint64_t)r * n) >> 32);
}

/* Best nanoseconds a read over n doubles, from REPEATS passes. */
static double ns_per_read(size_t n, const uint32_t *index)
{
    size_t huge = (size_t)1 << 21, bytes = (n * sizeof(double) + huge - 1) / huge * huge;
    double *v = aligned_alloc(huge, bytes);
    if (!v)
        exit(1);
    madvise(v, bytes, MADV_HUGEPAGE);
    for (size_t i = 0; i < n; i++)
        v[i] = (double)i;
    double best = 1e30, sum = 0.0;
    for (int r = 0; r < REPEATS; r++) {
        double start = seconds();
        for (size_t lo = 0; lo < READS; lo += BLOCK) {
            for (size_t j = lo; j < lo + BLOCK; j++)
                __builtin_prefetch(&v[scaled(index[j], n)]);
            for (size_t j = lo; j < lo + BLOCK; j++)
                sum += v[scaled(index[j], n)];
        }
        double t = seconds() - start;
        best = t < best ? t : best;
    }
    free(v);
    if (sum < 0.0) /* keeps the reads */
        printf("impossible\n");
    return 1e9 * best / READS;
}

static void sweep(int cpu)
{
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    uint32_t *index = malloc(READS * sizeof *index);
    uint64_t x = 88172645463325252ull + (uint64_t)cpu;
    for (size_t j = 0; j < READS; j++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        index[j] = (uint32_t)(x >> 32);
    }
    static const int mb[] = {2, 8, 16, 24, 32, 64, 256};
    char line[512];
    int len = snprintf(line, sizeof line, "cpu %d:", cpu);
    for (size_t k = 0; k < sizeof mb / sizeof mb[0]; k++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %d MB %.2f ns", mb[k],
                        ns_per_read((size_t)mb[k] << 17, index));
    printf("%s\n", line);
    free(index);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        sweep(-1);
        return 0;
    }
    for (int a = 1; a < argc; a++)
        if (fork() == 0) {
            sweep(atoi(argv[a]));
            return 0;
        }
    while (wait(NULL) > 0)
        ;
    return 0;
}
