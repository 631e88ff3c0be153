/* Bid keys (bid_keys.h) for several ranks on one node: every agent's key and
 * value in MPI shared memory, so that an auction rank reads its participants'
 * keys, and the values of its few candidates, without routing a request.
 *
 * Routing is most of what several ranks add to a round: each auction's 50
 * requests are packed, exchanged, answered in random order and gathered back
 * (issue 11). When every bid is fixed for the run, the bids are read-only
 * data, so ranks on one node can read them where their owners put them. Each
 * rank's segment holds its own agents' keys and values, written once, at
 * start-up, by the owner; its agents' state (spend, clicks) stays its own, and
 * their outcomes still travel to it to be settled in canonical order.
 *
 * Memory: 9 bytes per agent in the node's shared memory, in each rank's own
 * segment (agents / ranks of them a rank). */
#ifndef AGORA_NODE_KEYS_H
#define AGORA_NODE_KEYS_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int windows_open; /* the windows below exist (and hold a passive epoch) */
    MPI_Win key_window, value_window;
    const uint8_t *key;  /* [agents] every agent's key, by global id; NULL when not shared */
    const double *value; /* [agents] every agent's value, by global id */
} node_keys;

/* Collective over comm. Shares this rank's agents (global ids first_id ..
 * first_id + n - 1, ranks in id order) and their values, with keys from the
 * whole population's histogram; MPI errors abort (the default handler).
 * Leaves nk->key NULL, and nothing allocated, when the ranks are not all on
 * one node, when MPI cannot allocate shared windows (its shared-memory window
 * component turned off: an error returned, not fatal), when it does not lay
 * the segments end to end, or when the keys crowd more than most_crowded
 * times an even share into one class (bid_keys_build); the caller then
 * routes requests. */
void node_keys_open(node_keys *nk, MPI_Comm comm, const double *value, size_t n,
                    uint64_t first_id, double reserve, double most_crowded);

/* Collective over the same comm when something is shared; a zeroed
 * node_keys is closed already. */
void node_keys_close(node_keys *nk);

#endif
