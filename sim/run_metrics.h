/* Per-round metrics of a family's run: /metrics/<name> [rounds] for each entry
 * of a metric table and, optionally, /metrics/state_digest. Rank 0 holds the
 * rows and writes them in batches (collective writes, like every write). */
#ifndef AGORA_RUN_METRICS_H
#define AGORA_RUN_METRICS_H

#include <stdint.h>

#include "metrics.h"
#include "run_file.h"

/* Rows buffered on rank 0 before a collective write. */
#define RUN_METRICS_BATCH 1024

typedef struct run_metrics run_metrics;

agora_status run_metrics_create(run_metrics **m, run_file *f, const metric_info *table,
                                int count, uint64_t rounds, int digests, agora_error *err);
agora_status run_metrics_reopen(run_metrics **m, run_file *f, const metric_info *table,
                                int count, int digests, agora_error *err);
/* Appends round `round`'s row (read on rank 0 only) and its digest; writes a
 * batch when full. Collective. */
agora_status run_metrics_add(run_metrics *m, uint64_t round, const double *row, uint64_t digest,
                             agora_error *err);
/* Writes the rows not yet written. Collective. */
agora_status run_metrics_flush(run_metrics *m, agora_error *err);
void run_metrics_free(run_metrics *m);

#endif
