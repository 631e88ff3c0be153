/* MPI_Alltoallv routing of requests and replies; see exchange.h. */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>

agora_status exchange_init(exchange_plan *x, MPI_Comm comm, agora_error *err)
{
    memset(x, 0, sizeof *x);
    x->comm = comm;
    MPI_Comm_size(comm, &x->ranks);
    MPI_Comm_rank(comm, &x->self);
    size_t r = (size_t)x->ranks;
    x->send_counts = calloc(r, sizeof(int));
    x->send_displs = calloc(r, sizeof(int));
    x->recv_counts = calloc(r, sizeof(int));
    x->recv_displs = calloc(r, sizeof(int));
    x->cursor = calloc(r, sizeof(int));
    if (!x->send_counts || !x->send_displs || !x->recv_counts || !x->recv_displs || !x->cursor)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for the exchange plan");
    return AGORA_OK;
}

void exchange_free(exchange_plan *x)
{
    free(x->send_counts);
    free(x->send_displs);
    free(x->recv_counts);
    free(x->recv_displs);
    free(x->cursor);
    free(x->slot);
    memset(x, 0, sizeof *x);
}

static size_t prefix_sums(const int *counts, int *displs, int n)
{
    size_t total = 0;
    for (int r = 0; r < n; r++) {
        displs[r] = (int)total;
        total += (size_t)counts[r];
    }
    return total;
}

static agora_status reserve_slots(exchange_plan *x, size_t n, agora_error *err)
{
    if (n > (size_t)INT32_MAX)
        return agora_fail(err, AGORA_EINPUT,
                          "%zu bid requests on one rank in one round: more than MPI counts "
                          "can address; use more ranks or fewer auctions x bidders", n);
    if (n > x->capacity) {
        free(x->slot);
        x->slot = malloc((n ? n : 1) * sizeof *x->slot);
        if (!x->slot)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory for %zu requests", n);
        x->capacity = n;
    }
    return AGORA_OK;
}

static agora_status exchange_counts(exchange_plan *x, agora_error *err)
{
    if (MPI_Alltoall(x->send_counts, 1, MPI_INT, x->recv_counts, 1, MPI_INT, x->comm) !=
        MPI_SUCCESS)
        return agora_fail(err, AGORA_EINTERNAL, "MPI_Alltoall of request counts failed");
    x->recv_total = prefix_sums(x->recv_counts, x->recv_displs, x->ranks);
    if (x->recv_total > (size_t)INT32_MAX)
        return agora_fail(err, AGORA_EINPUT,
                          "%zu bid requests reach one rank in one round: more than MPI counts "
                          "can address; use more ranks", x->recv_total);
    return AGORA_OK;
}

static void assign_slots(exchange_plan *x, const int *owner, size_t n)
{
    for (size_t j = 0; j < n; j++)
        x->slot[j] = exchange_take_slot(x, owner[j]);
}

void exchange_count_owners(exchange_plan *x, const int *owner, size_t n)
{
    memset(x->send_counts, 0, (size_t)x->ranks * sizeof(int));
    for (size_t j = 0; j < n; j++)
        x->send_counts[owner[j]]++;
}

agora_status exchange_plan_build(exchange_plan *x, const int *owner, size_t n, agora_error *err)
{
    agora_status st = reserve_slots(x, n, err);
    if (st != AGORA_OK)
        return st;
    exchange_count_owners(x, owner, n);
    x->send_total = prefix_sums(x->send_counts, x->send_displs, x->ranks);
    x->local_count = 0;
    memcpy(x->cursor, x->send_displs, (size_t)x->ranks * sizeof(int));
    assign_slots(x, owner, n);
    return exchange_counts(x, err);
}

agora_status exchange_plan_from_counts_keep_local(exchange_plan *x, size_t n, agora_error *err)
{
    agora_status st = reserve_slots(x, n, err);
    if (st != AGORA_OK)
        return st;
    x->local_count = (size_t)x->send_counts[x->self];
    x->send_counts[x->self] = 0;
    x->send_total = prefix_sums(x->send_counts, x->send_displs, x->ranks);
    x->send_displs[x->self] = (int)x->send_total;
    memcpy(x->cursor, x->send_displs, (size_t)x->ranks * sizeof(int));
    return exchange_counts(x, err);
}

agora_status exchange_plan_build_keep_local(exchange_plan *x, const int *owner, size_t n,
                                            agora_error *err)
{
    exchange_count_owners(x, owner, n);
    agora_status st = exchange_plan_from_counts_keep_local(x, n, err);
    if (st == AGORA_OK)
        assign_slots(x, owner, n);
    return st;
}

agora_status exchange_forward(const exchange_plan *x, const void *send, void *recv,
                              MPI_Datatype type, agora_error *err)
{
    if (MPI_Alltoallv(send, x->send_counts, x->send_displs, type, recv, x->recv_counts,
                      x->recv_displs, type, x->comm) != MPI_SUCCESS)
        return agora_fail(err, AGORA_EINTERNAL, "MPI_Alltoallv (forward) failed");
    return AGORA_OK;
}

agora_status exchange_backward(const exchange_plan *x, const void *send, void *recv,
                               MPI_Datatype type, agora_error *err)
{
    if (MPI_Alltoallv(send, x->recv_counts, x->recv_displs, type, recv, x->send_counts,
                      x->send_displs, type, x->comm) != MPI_SUCCESS)
        return agora_fail(err, AGORA_EINTERNAL, "MPI_Alltoallv (backward) failed");
    return AGORA_OK;
}
