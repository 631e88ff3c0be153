/* The run's `memory` line: the largest peak resident memory of any rank. */
#ifndef AGORA_PEAK_MEMORY_H
#define AGORA_PEAK_MEMORY_H

#include <mpi.h>

/* This process's peak resident bytes since it started agora (collective over
 * comm; the maximum arrives on rank 0). */
double peak_memory_max(MPI_Comm comm);

#endif
