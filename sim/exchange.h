/* Routing one round's bid requests to the ranks that own the agents, and the
 * answers back, with MPI_Alltoallv. A plan is built once per round from the
 * requests' owner ranks; the same counts then carry requests out, bids back and
 * outcomes out again, so every reply lines up with its request by position.
 *
 * Why Alltoallv: every rank talks to every other rank each round with sizes known
 * only at run time; one collective with counts exchanged first is simpler and, at
 * these message sizes, as fast as hand-posted point-to-point messages. Requests
 * are packed per destination in (auction, participant) order and ranks own
 * ascending auction blocks (of the round, or of each chunk of it), so what an
 * owner receives, concatenated by source rank, is in global auction order: the
 * canonical order in which outcomes are applied. */
#ifndef AGORA_EXCHANGE_H
#define AGORA_EXCHANGE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    MPI_Comm comm;
    int ranks, self;
    int *send_counts, *send_displs; /* per destination, in requests */
    int *recv_counts, *recv_displs; /* per source, in requests */
    size_t send_total, recv_total;
    size_t local_count; /* exchange_plan_build_keep_local: requests this rank owns */
    uint32_t *slot;   /* request j -> its position in the send buffer */
    size_t capacity;  /* requests that `slot` can hold */
    int *cursor;      /* per destination: the next send position to take */
} exchange_plan;

agora_status exchange_init(exchange_plan *x, MPI_Comm comm, agora_error *err);
void exchange_free(exchange_plan *x);

/* Builds the plan for n requests whose owner ranks are owner[0..n): counts the
 * requests per destination, exchanges the counts, and fills x->slot so that
 * request j goes to send position x->slot[j] (stable within a destination). */
agora_status exchange_plan_build(exchange_plan *x, const int *owner, size_t n, agora_error *err);

/* The same for routing that keeps this rank's own requests out of the
 * collectives (no copy to oneself): they take the send positions after every
 * remote request, [send_total, send_total + local_count), and send_displs[self]
 * points there, so slot[j] - send_displs[owner[j]] is a request's position in
 * its owner's block for local and remote owners alike. send_counts[self] and
 * recv_counts[self] are 0. */
agora_status exchange_plan_build_keep_local(exchange_plan *x, const int *owner, size_t n,
                                            agora_error *err);

/* The same in steps, for callers that fold them into passes they make anyway:
 * x->send_counts filled by the caller (or exchange_count_owners), then
 * exchange_plan_from_counts_keep_local (which reserves x->slot for n requests
 * but fills nothing), then exchange_take_slot for each request in order. */
void exchange_count_owners(exchange_plan *x, const int *owner, size_t n);
agora_status exchange_plan_from_counts_keep_local(exchange_plan *x, size_t n, agora_error *err);
static inline uint32_t exchange_take_slot(exchange_plan *x, int owner)
{
    return (uint32_t)x->cursor[owner]++;
}

/* Sends send[x->send_total] (packed by slot) out; receives recv[x->recv_total]. */
agora_status exchange_forward(const exchange_plan *x, const void *send, void *recv,
                              MPI_Datatype type, agora_error *err);
/* The reverse direction: replies recv-aligned out, arriving send-aligned. */
agora_status exchange_backward(const exchange_plan *x, const void *send, void *recv,
                               MPI_Datatype type, agora_error *err);

#endif
