/* Checkpoints of a family's run; see family_checkpoint.h. */
#include "family_checkpoint.h"

#include <stdio.h>

#include "checkpoint.h"
#include "collective.h"

round_end family_round_end(const scenario *s, const run_options *opt, uint64_t done,
                           MPI_Comm comm)
{
    round_end e = {0, 0};
    if (done >= s->rounds)
        return e;
    /* A signal may reach the ranks at different times: any rank's counts. */
    int mine = (opt->stop_requested && *opt->stop_requested) ||
               (opt->stop_after && done == opt->stop_after);
    MPI_Allreduce(&mine, &e.stop, 1, MPI_INT, MPI_MAX, comm);
    uint64_t every = s->output.checkpoint_every;
    e.checkpoint = e.stop || (every && done % every == 0);
    return e;
}

agora_status family_checkpoint(const scenario *s, const char *text, run_metrics *m, run_file *f,
                               uint64_t done, uint64_t entities, const state_block *blocks,
                               size_t n, MPI_Comm comm, agora_error *err)
{
    agora_status st = agree(run_metrics_flush(m, err), err, comm);
    if (st == AGORA_OK)
        st = agree(run_file_save(f, done, err), err, comm);
    if (st == AGORA_OK)
        st = checkpoint_save_state(s->output.checkpoint, text, done, entities, blocks, n, comm,
                                   err);
    return st;
}

run_file_end family_file_end(agora_status st, int resumable)
{
    if (st == AGORA_OK)
        return RUN_FILE_FINISH;
    return st == AGORA_STOPPED || resumable ? RUN_FILE_SUSPEND : RUN_FILE_DISCARD;
}

void family_drop_checkpoint(const scenario *s, int rank)
{
    if (rank == 0)
        remove(s->output.checkpoint);
}
