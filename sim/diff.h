/* `agora diff A.h5 B.h5`: where two runs first diverge. Compares the per-round
 * state digests of position runs (the first round whose digests differ is the
 * first round where some agent's state differs), then every metric in
 * /metrics (any family), and reports the first differing round of each. Runs
 * of two different families are reported as such. Reads with plain serial
 * HDF5 on one process. */
#ifndef AGORA_DIFF_H
#define AGORA_DIFF_H

#include <stdio.h>

#include "status.h"

/* *same = 1 when every compared dataset is identical. */
agora_status diff_runs(const char *a, const char *b, FILE *out, int *same, agora_error *err);

#endif
