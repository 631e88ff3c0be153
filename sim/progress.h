/* Progress of a run on rank 0's stderr: round, rounds per second and time left,
 * redrawn in place on a terminal, one line per 10% otherwise (logs, Slurm). */
#ifndef AGORA_PROGRESS_H
#define AGORA_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *out; /* NULL: silent */
    int tty;
    uint64_t rounds;
    uint64_t first; /* round the run started from (resumed runs start mid-way) */
    double start, last_draw;
    int last_decile;
} progress;

void progress_start(progress *p, FILE *out, uint64_t rounds, uint64_t first);
void progress_update(progress *p, uint64_t done);
void progress_finish(progress *p);

#endif
