/* Whether a routed chunk's exchange could hide behind work: one all-to-all of
 * `bytes` to every other rank (a 2-rank chunk of the standard scenario sends
 * ~32 KiB of indices, gets ~64 KiB of bids back and sends ~75 KiB of
 * outcomes), timed alone, after a stretch of arithmetic, and started as
 * MPI_Ialltoallv before that arithmetic (calling MPI_Test `tests` times
 * during it) and waited for after. If the overlapped time came close to the
 * arithmetic alone, pipelining the chunks of sim/round.c (chunk c + 1 in
 * flight while chunk c is ranked) would pay; if it stays at the sum, it
 * would not. Best of 200 each, the slowest rank's time.
 *
 *   mpicc -O2 -o /tmp/exchange_overlap bench/exchange_overlap.c
 *   mpirun -n 2 /tmp/exchange_overlap [bytes, default 65536] [work steps,
 *       default 40000, ~65 us on a 2.6 GHz core] [tests, default 8]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { REPEATS = 200 };

static volatile double sink;

/* A dependent chain of multiply-adds, `steps` long, with MPI_Test called
 * `tests` times along it when a request is given. */
static void work(long steps, MPI_Request *pending, int tests)
{
    double x = 1.0;
    int parts = pending && tests > 0 ? tests : 1;
    for (int part = 0; part < parts; part++) {
        for (long i = 0; i < steps / parts; i++)
            x = x * 1.0000001 + 1e-9;
        if (pending && tests > 0) {
            int done;
            MPI_Test(pending, &done, MPI_STATUS_IGNORE);
        }
    }
    sink = x;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int bytes = argc > 1 ? atoi(argv[1]) : 65536;
    long steps = argc > 2 ? atol(argv[2]) : 40000;
    int tests = argc > 3 ? atoi(argv[3]) : 8;
    if (ranks < 2 || bytes < 1 || steps < 1 || tests < 0) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -n P (P >= 2) exchange_overlap [bytes >= 1] "
                            "[work steps >= 1] [tests >= 0]\n");
        MPI_Finalize();
        return 1;
    }
    char *send = calloc((size_t)bytes * (size_t)ranks, 1);
    char *recv = calloc((size_t)bytes * (size_t)ranks, 1);
    int *counts = malloc(2 * (size_t)ranks * sizeof *counts);
    if (!send || !recv || !counts)
        MPI_Abort(MPI_COMM_WORLD, 1);
    int *count = counts, *displ = counts + ranks;
    for (int r = 0; r < ranks; r++) {
        count[r] = r == rank ? 0 : bytes;
        displ[r] = r * bytes;
    }
    static const char *const mode[] = {"work alone", "exchange alone", "exchange, then work",
                                       "exchange started, work, wait"};
    double best[4];
    for (int k = 0; k < 4; k++) {
        best[k] = 1e30;
        for (int rep = 0; rep < REPEATS; rep++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double start = MPI_Wtime();
            MPI_Request pending;
            if (k >= 1 && k <= 2)
                MPI_Alltoallv(send, count, displ, MPI_BYTE, recv, count, displ, MPI_BYTE,
                              MPI_COMM_WORLD);
            if (k == 3)
                MPI_Ialltoallv(send, count, displ, MPI_BYTE, recv, count, displ, MPI_BYTE,
                               MPI_COMM_WORLD, &pending);
            if (k != 1)
                work(steps, k == 3 ? &pending : NULL, tests);
            if (k == 3)
                MPI_Wait(&pending, MPI_STATUS_IGNORE);
            double t = MPI_Wtime() - start, slowest;
            MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
            best[k] = slowest < best[k] ? slowest : best[k];
        }
    }
    if (rank == 0) {
        printf("%d ranks, %d bytes to each other rank, %d MPI_Test calls during the work "
               "(best of %d, us):\n", ranks, bytes, tests, REPEATS);
        for (int k = 0; k < 4; k++)
            printf("  %-30s %8.1f\n", mode[k], 1e6 * best[k]);
        printf("  hidden: %.0f%% of the exchange\n",
               100.0 * (best[2] - best[3]) / (best[1] > 0 ? best[1] : 1));
    }
    free(send);
    free(recv);
    free(counts);
    MPI_Finalize();
    return 0;
}
