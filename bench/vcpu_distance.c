/* How far apart two CPUs are: one cache line passed back and forth between a
 * thread on each (each waits for the other's store, then answers). A 2-rank
 * round moves its requests, bids and outcomes through Open MPI's shared
 * memory, every line written on one CPU and read on the other. On the 2-vCPU
 * VM of BENCHMARKS.md the answer changed from minute to minute on 2026-12-07
 * (the hypervisor moving a vCPU): ~50 ns or ~240 ns one way, and
 * bench/exchange_floor.c's bare collectives took 0.25 and 0.54 ms a round.
 * Prints "one way N ns" (the median of 7 runs of 100000 round trips).
 *
 *   cc -O2 -pthread -o /tmp/vcpu_distance bench/vcpu_distance.c
 *   /tmp/vcpu_distance [CPU_A CPU_B]        (default 0 1)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { TRIPS = 100000, RUNS = 7 };

/* Alone on its line, so nothing else moves with it. */
static _Alignas(64) atomic_long baton;

static int pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void wait_for(long value)
{
    while (atomic_load_explicit(&baton, memory_order_acquire) != value)
        ;
}

static void *answer(void *cpu)
{
    if (pin(*(int *)cpu) != 0)
        exit(2);
    for (long i = 0; i < (long)TRIPS * RUNS; i++) {
        wait_for(2 * i + 1);
        atomic_store_explicit(&baton, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int a = argc > 2 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
    pthread_t other;
    /* Two spinning threads on one CPU would each wait out the other's time slice. */
    if (a == b || pin(a) != 0 || pthread_create(&other, NULL, answer, &b) != 0) {
        fprintf(stderr, "vcpu_distance: cannot run on CPUs %d and %d\n", a, b);
        return 2;
    }
    double one_way[RUNS];
    long i = 0;
    for (int r = 0; r < RUNS; r++) {
        double start = seconds();
        for (long end = i + TRIPS; i < end; i++) {
            atomic_store_explicit(&baton, 2 * i + 1, memory_order_release);
            wait_for(2 * i + 2);
        }
        one_way[r] = 1e9 * (seconds() - start) / (2.0 * TRIPS);
    }
    pthread_join(other, NULL);
    qsort(one_way, RUNS, sizeof *one_way, by_value);
    printf("CPU %d <-> CPU %d: one way %.0f ns (runs %.0f-%.0f)\n", a, b, one_way[RUNS / 2],
           one_way[0], one_way[RUNS - 1]);
    return 0;
}
