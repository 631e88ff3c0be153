/* Collective helpers that keep ranks in step: exact sums reduced to rank 0, and
 * agreement on errors (if any rank failed, every rank returns the first failing
 * rank's message, so all exit together and rank 0 can print it). */
#ifndef AGORA_COLLECTIVE_H
#define AGORA_COLLECTIVE_H

#include <mpi.h>

#include "fixed_sum.h"
#include "status.h"

/* total[0..n) on rank 0 = sum over ranks of local[0..n); exact, so independent
 * of the rank count and of MPI's reduction order. */
agora_status reduce_fixed_sums(const fixed_sum *local, fixed_sum *total, int n, MPI_Comm comm,
                               agora_error *err);

/* Every rank passes its own status; every rank gets the status and message of
 * the lowest failing rank (or AGORA_OK when none failed). */
agora_status agree(agora_status st, agora_error *err, MPI_Comm comm);

#endif
