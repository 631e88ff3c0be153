/* The exchange floor of a routed round: the collectives sim/round.c makes in
 * a round of the standard GSP scenario at P ranks with 1e6 agents and 1e4
 * auctions per rank (the weak-scaling run), with no work between them. Per
 * rank and round: 5e5 bid requests, (P-1)/P of them for other ranks, in chunks
 * of 2^15 (round_in_chunks); per chunk an all-to-all of counts and one of
 * 4-byte agent indices out, one of 8-byte bids back on the same plan, then an
 * all-to-all of counts and one of 24-byte outcomes for the remote winners
 * (one request in five wins). Whatever else a routed round does comes on top:
 * this is what the 2-rank round cannot go below, however the rest is written.
 *
 *   mpicc -O2 -o /tmp/exchange_floor bench/exchange_floor.c
 *   mpirun -n 2 /tmp/exchange_floor [chunks per round, default 16]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REQUESTS = 500000, REPEATS = 50, INDEX = 4, BID = 8, OUTCOME = 24 };

/* One all-to-all of `each` bytes to every other rank, its counts exchanged
 * first when `with_counts` (the bids travel on the plan of the requests). */
static void exchange(const char *send, char *recv, int each, int with_counts, int ranks, int rank,
                     int *sc, int *sd, int *rc, int *rd)
{
    for (int r = 0; r < ranks; r++)
        sc[r] = r == rank ? 0 : each;
    if (with_counts)
        MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, MPI_COMM_WORLD);
    else
        memcpy(rc, sc, (size_t)ranks * sizeof *rc);
    for (int r = 0, s = 0, t = 0; r < ranks; r++) {
        sd[r] = s;
        rd[r] = t;
        s += sc[r];
        t += rc[r];
    }
    MPI_Alltoallv(send, sc, sd, MPI_BYTE, recv, rc, rd, MPI_BYTE, MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int chunks = argc > 1 ? atoi(argv[1]) : 16;
    if (chunks < 1 || ranks < 2) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -n P (P >= 2) exchange_floor [chunks >= 1]\n");
        MPI_Finalize();
        return 1;
    }
    int per_chunk = REQUESTS / chunks, peers = ranks - 1;
    int remote = per_chunk / ranks; /* requests for each other rank in a chunk */
    int wins = remote / 5;
    size_t bytes = (size_t)peers * (size_t)remote * BID + 1;
    char *send = calloc(bytes, 1), *recv = calloc(bytes, 1);
    int *counts = malloc(4 * (size_t)ranks * sizeof *counts);
    if (!send || !recv || !counts)
        MPI_Abort(MPI_COMM_WORLD, 1);
    int *sc = counts, *sd = counts + ranks, *rc = counts + 2 * ranks, *rd = counts + 3 * ranks;
    double best = 1e30;
    for (int rep = 0; rep < REPEATS; rep++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double start = MPI_Wtime();
        for (int c = 0; c < chunks; c++) {
            exchange(send, recv, remote * INDEX, 1, ranks, rank, sc, sd, rc, rd);
            exchange(recv, send, remote * BID, 0, ranks, rank, sc, sd, rc, rd);
            exchange(send, recv, wins * OUTCOME, 1, ranks, rank, sc, sd, rc, rd);
        }
        double t = MPI_Wtime() - start, slowest;
        MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        best = slowest < best ? slowest : best;
    }
    if (rank == 0)
        printf("%d ranks, %d chunks a round: %.3f ms a round (best of %d), %d requests and "
               "%d outcomes to each other rank a chunk\n",
               ranks, chunks, 1e3 * best, REPEATS, remote, wins);
    free(send);
    free(recv);
    free(counts);
    MPI_Finalize();
    return 0;
}
