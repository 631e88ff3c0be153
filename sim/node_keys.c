/* See node_keys.h. */
#include "node_keys.h"

#include <stdint.h>
#include <string.h>

#include "bid_keys.h"

/* A shared window of n items of `unit` bytes a rank; *mine is this rank's
 * segment, *all the first rank's, which starts the node's whole array when
 * the segments lie end to end (checked by the caller). 0 when MPI cannot
 * share memory (e.g. its shared-memory window component is turned off). */
static int open_window(MPI_Comm node, size_t n, int unit, MPI_Win *win, void **mine, void **all)
{
    if (MPI_Win_allocate_shared((MPI_Aint)(n * (size_t)unit), unit, MPI_INFO_NULL, node, mine,
                                win) != MPI_SUCCESS)
        return 0;
    MPI_Aint size;
    int disp;
    MPI_Win_shared_query(*win, 0, &size, &disp, all);
    /* Written once below and read-only afterwards: one passive epoch for the
     * run, and MPI_Win_sync around a barrier to publish the writes. */
    MPI_Win_lock_all(MPI_MODE_NOCHECK, *win);
    return 1;
}

/* Whether this rank's segment starts where agent first_id's item would in
 * one array from the first rank's base. */
static int lies_in_place(const void *mine, const void *all, uint64_t first_id, int unit)
{
    return (uintptr_t)mine - (uintptr_t)all == first_id * (uint64_t)unit;
}

void node_keys_open(node_keys *nk, MPI_Comm comm, const double *value, size_t n,
                    uint64_t first_id, double reserve, double most_crowded)
{
    memset(nk, 0, sizeof *nk);
    int ranks, node_ranks;
    MPI_Comm_size(comm, &ranks);
    MPI_Comm node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_ranks);
    /* Every rank sees the same answer: on several nodes no node holds them all. */
    if (node_ranks != ranks) {
        MPI_Comm_free(&node);
        return;
    }
    /* The whole population's histogram, so every rank's keys order its bids
     * against every other rank's. */
    uint64_t lo, hi, count[BID_KEYS_BINS];
    bid_keys_bounds(value, n, reserve, &lo, &hi);
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_UINT64_T, MPI_MIN, comm);
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_UINT64_T, MPI_MAX, comm);
    bid_keys_histogram(value, n, reserve, lo, hi, count);
    MPI_Allreduce(MPI_IN_PLACE, count, BID_KEYS_BINS, MPI_UINT64_T, MPI_SUM, comm);

    /* Without shared windows the run routes its requests instead of failing. */
    MPI_Comm_set_errhandler(node, MPI_ERRORS_RETURN);
    void *key_mine, *key_all, *value_mine, *value_all;
    int opened = open_window(node, n, 1, &nk->key_window, &key_mine, &key_all);
    if (opened && !open_window(node, n, (int)sizeof(double), &nk->value_window, &value_mine,
                               &value_all)) {
        MPI_Win_unlock_all(nk->key_window);
        MPI_Win_free(&nk->key_window);
        opened = 0;
    }
    MPI_Comm_free(&node);
    /* A component that fails on one rank fails on all; should one rank
     * still fail alone, the others keep their windows unfreed rather than
     * wait in a collective free that rank would never join. */
    int all_opened = opened;
    MPI_Allreduce(MPI_IN_PLACE, &all_opened, 1, MPI_INT, MPI_LAND, comm);
    if (!all_opened)
        return;
    nk->windows_open = 1;
    double crowding = bid_keys_assign(value, n, reserve, lo, hi, count, key_mine);
    memcpy(value_mine, value, n * sizeof(double));
    int in_place = lies_in_place(key_mine, key_all, first_id, 1) &&
                   lies_in_place(value_mine, value_all, first_id, (int)sizeof(double));
    MPI_Allreduce(MPI_IN_PLACE, &in_place, 1, MPI_INT, MPI_LAND, comm);
    MPI_Win_sync(nk->key_window);
    MPI_Win_sync(nk->value_window);
    MPI_Barrier(comm);
    MPI_Win_sync(nk->key_window);
    MPI_Win_sync(nk->value_window);
    /* crowding comes from the summed counts: the same on every rank. */
    if (!in_place || crowding > most_crowded) {
        node_keys_close(nk);
        return;
    }
    nk->key = key_all;
    nk->value = value_all;
}

void node_keys_close(node_keys *nk)
{
    if (nk->windows_open) {
        MPI_Win_unlock_all(nk->key_window);
        MPI_Win_unlock_all(nk->value_window);
        MPI_Win_free(&nk->key_window);
        MPI_Win_free(&nk->value_window);
    }
    memset(nk, 0, sizeof *nk);
}
