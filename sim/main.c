/* agora's entry point: parse the command line, start MPI, load the scenario on
 * every rank from the text rank 0 read, then check or run it. Errors become one
 * line on rank 0's stderr and a non-zero exit code on every rank. */
#include <hdf5.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diff.h"
#include "engine.h"
#include "family_run.h"
#include "input_files.h"
#include "output_paths.h"
#include "scenario_family.h"
#include "scenario.h"
#include "sweep.h"
#include "version.h"

static volatile sig_atomic_t stop_requested;

/* The first signal asks for a checkpoint at the end of the round; a second one
 * ends the process at once, as the signal's default would. */
static void request_stop(int sig)
{
    if (stop_requested) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_requested = 1;
}

/* SIGUSR1 (what Slurm's --signal and mpirun's forwarding deliver) and SIGTERM ask
 * for a checkpoint at the end of the current round, then exit 75. */
static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Rank 0 reads the file; every rank receives the same bytes, so no rank can see
 * a different scenario (and a shared filesystem is hit once). */
static agora_status read_scenario(const char *path, char **text, size_t *len, agora_error *err)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int code = AGORA_OK;
    unsigned long long n = 0;
    if (rank == 0) {
        code = (int)scenario_read_file(path, text, len, err);
        n = code == AGORA_OK ? (unsigned long long)*len : 0;
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (code != AGORA_OK) {
        MPI_Bcast(err->msg, sizeof err->msg, MPI_CHAR, 0, MPI_COMM_WORLD);
        return (agora_status)code;
    }
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (rank != 0) {
        *len = (size_t)n;
        *text = malloc(*len + 1);
        if (!*text)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory");
        (*text)[*len] = '\0';
    }
    MPI_Bcast(*text, (int)n, MPI_CHAR, 0, MPI_COMM_WORLD);
    return AGORA_OK;
}

static void print_family_summary(const scenario *s, const run_summary *r, int ranks)
{
    printf("agora %s: %llu rounds, family %s, %d rank%s\n", AGORA_VERSION,
           (unsigned long long)r->rounds_done, s->family->name, ranks, ranks == 1 ? "" : "s");
    fputs(r->family_lines, stdout);
    printf("  wall      %.3f s (rounds %.3f s, %.3g %s/s)\n", r->wall_seconds, r->loop_seconds,
           r->loop_seconds > 0 ? r->work_done / r->loop_seconds : 0.0,
           r->work_unit ? r->work_unit : "rounds");
    printf("  memory    %.1f MiB peak on the largest rank\n", r->peak_rss_bytes / 1048576.0);
    printf("  output    %s\n", s->output.path);
}

static void print_summary(const scenario *s, const run_summary *r, int ranks)
{
    if (r->first_round)
        printf("agora %s: resumed at round %llu\n", AGORA_VERSION,
               (unsigned long long)r->first_round);
    if (s->family) {
        print_family_summary(s, r, ranks);
        return;
    }
    printf("agora %s: %llu rounds, %llu agents, %llu auctions x %llu bidders per round, %s, %d rank%s\n",
           AGORA_VERSION, (unsigned long long)r->rounds_done, (unsigned long long)s->population.agents,
           (unsigned long long)s->market.auctions, (unsigned long long)s->market.bidders,
           s->mechanism.name, ranks, ranks == 1 ? "" : "s");
    printf("  welfare   %.6g\n  revenue   %.6g\n  clicks    %.6g\n  mean cpc  %.6g\n", r->welfare,
           r->revenue, r->clicks, r->clicks > 0 ? r->revenue / r->clicks : 0.0);
    printf("  wall      %.3f s (rounds %.3f s, %.3g bid evaluations/s)\n", r->wall_seconds,
           r->loop_seconds, r->loop_seconds > 0 ? r->bid_evaluations / r->loop_seconds : 0.0);
    printf("  memory    %.1f MiB peak on the largest rank\n", r->peak_rss_bytes / 1048576.0);
    printf("  output    %s\n", s->output.path);
}

static void print_profile(const run_summary *r)
{
    double total = 0.0;
    for (int p = 0; p < PHASE_COUNT; p++)
        total += r->phase_seconds[p];
    printf("  profile   phase       seconds   share (slowest rank per phase)\n");
    for (int p = 0; p < PHASE_COUNT; p++)
        printf("            %-10s %8.3f %6.1f%%\n", phase_names[p], r->phase_seconds[p],
               total > 0 ? 100.0 * r->phase_seconds[p] / total : 0.0);
    if (r->candidates_per_auction > 0)
        printf("  ranking   by bid keys: exact bids read for %.2f candidates an auction\n",
               r->candidates_per_auction);
    if (r->open_seconds > 0 || r->close_seconds > 0)
        printf("  file      open %.3f s, close %.3f s (not in the rounds: create and write the "
               "population; close, sync, rename)\n",
               r->open_seconds, r->close_seconds);
}

/* Whether no launcher started this process (mpirun, srun and other PMI
 * launchers set these): it will be one rank on its own. */
static int started_alone(void)
{
    static const char *const launcher[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                           "PMI_FD", "PMI_SIZE"};
    for (size_t k = 0; k < sizeof launcher / sizeof launcher[0]; k++)
        if (getenv(launcher[k]))
            return 0;
    return 1;
}

/* Whether the launcher put every rank on this node. Every rank must come to
 * the same answer (they must all choose one messaging layer), so under mpirun
 * only its own variables count: inside a Slurm job, ranks mpirun forks itself
 * see the batch step's SLURM_* variables, those on other nodes another step's.
 * Started by srun, every task of the step sees the same node count. */
static int launched_on_one_node(void)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE"), *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (size)
        return local && strcmp(size, local) == 0;
    const char *nodes = getenv("SLURM_STEP_NUM_NODES");
    return nodes && strcmp(nodes, "1") == 0;
}

/* Ranks on one node need no network: Open MPI's ob1 messaging layer over
 * shared memory serves them, and choosing it skips probing for UCX, which took
 * ~0.2 s of every start on the VMs measured (MPI_Init + MPI_Finalize alone:
 * 0.43 -> 0.24 s at 1 rank, 0.41 -> 0.20 s under mpirun -n 2; BENCHMARKS.md,
 * issue 11 session 9). Not also Open MPI's daemon-less singleton mode, which
 * would save 0.19 s more: its processes share one session directory, and two
 * at once tripped over each other's files there. A user's own setting wins;
 * other MPI libraries ignore the variable. */
static void quicken_start(void)
{
    setenv("OMPI_MCA_pml", "ob1", 0);
}

/* AGORA_SIMD forces one instruction-set path and AGORA_BID_KEYS=off turns bid
 * keys off (README); a misspelt value would otherwise be taken silently as
 * "not avx512" or "on", which is a choice too. */
static agora_status check_env_choices(agora_error *err)
{
    static const char *const paths[] = {"scalar", "sse2", "avx2", "avx512"};
    const char *forced = getenv("AGORA_SIMD"), *keys = getenv("AGORA_BID_KEYS");
    if (keys && strcmp(keys, "on") != 0 && strcmp(keys, "off") != 0)
        return agora_fail(err, AGORA_EINPUT,
                          "agora: AGORA_BID_KEYS=%s: expected on or off (or leave it unset: on)",
                          keys);
    if (!forced)
        return AGORA_OK;
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        if (strcmp(forced, paths[k]) == 0)
            return AGORA_OK;
    return agora_fail(err, AGORA_EINPUT,
                      "agora: AGORA_SIMD=%s: expected scalar, sse2, avx2 or avx512 (or leave it "
                      "unset for the best the CPU has)",
                      forced);
}

static agora_status execute(const cli_args *args, int rank, int ranks, agora_error *err)
{
    char *text = NULL;
    size_t len = 0;
    scenario s;
    memset(&s, 0, sizeof s);
    agora_status st = read_scenario(args->scenario_path, &text, &len, err);
    if (st == AGORA_OK)
        st = scenario_load_text(text, len, args->scenario_path, args->overrides,
                                args->n_overrides, &s, err);
    char *resolved = st == AGORA_OK ? scenario_to_yaml(&s) : NULL;
    if (st == AGORA_OK && !resolved)
        st = agora_fail(err, AGORA_EINTERNAL, "out of memory");
    if (st == AGORA_OK && args->command == CLI_CHECK)
        st = input_files_check(&s, err);
    if (st == AGORA_OK)
        st = output_paths_check(&s, MPI_COMM_WORLD, err);
    if (st == AGORA_OK && args->command == CLI_CHECK) {
        if (rank == 0)
            fputs(resolved, stdout);
    } else if (st == AGORA_OK) {
        run_options opt = {.quiet = args->quiet,
                           .resume = args->resume,
                           .stop_after = args->stop_after,
                           .stop_requested = &stop_requested};
        run_summary summary;
        st = s.family ? family_run(&s, resolved, &opt, MPI_COMM_WORLD, &summary, err)
                      : engine_run(&s, resolved, &opt, MPI_COMM_WORLD, &summary, err);
        if (st == AGORA_STOPPED)
            agora_fail(err, st,
                       "agora: stopped after round %llu on request; checkpoint %s; continue with "
                       "--resume %s",
                       (unsigned long long)summary.rounds_done, s.output.checkpoint,
                       s.output.checkpoint);
        if (st == AGORA_OK && rank == 0 && !args->quiet)
            print_summary(&s, &summary, ranks);
        if (st == AGORA_OK && rank == 0 && args->profile)
            print_profile(&summary);
    }
    free(resolved);
    free(text);
    scenario_free(&s);
    return st;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "sweep") == 0) return sweep_main(argc, argv);
    cli_args args;
    agora_error err = {{0}};
    agora_status st = cli_parse(argc, argv, &args, &err);
    if (st != AGORA_OK) {
        fprintf(stderr, "%s\n", err.msg);
        cli_free(&args);
        return (int)st;
    }
    if ((st = check_env_choices(&err)) != AGORA_OK) {
        fprintf(stderr, "%s\n", err.msg);
        cli_free(&args);
        return (int)st;
    }
    if (args.command == CLI_HELP || args.command == CLI_VERSION) {
        if (args.command == CLI_HELP)
            cli_print_help();
        else
            printf("agora %s\n", AGORA_VERSION);
        return 0;
    }
    if (args.command == CLI_DIFF) {
        int same = 0;
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        st = diff_runs(args.scenario_path, args.second_path, stdout, &same, &err);
        if (st != AGORA_OK)
            fprintf(stderr, "%s\n", err.msg);
        cli_free(&args);
        return st != AGORA_OK ? (int)st : same ? 0 : 1;
    }
    /* Only a run has rounds to finish and a checkpoint to write; `check` keeps
     * the default actions, so SIGTERM ends it. */
    if (args.command == CLI_RUN)
        install_stop_handlers();
    /* Open MPI's shared-memory transport moves a large message with one kernel
     * copy (CMA: a process_vm_readv per message) unless told otherwise. In the
     * VMs measured (BENCHMARKS.md, issue 11 session 7) those system calls cost
     * more than copying twice through the shared segment: 2-rank rounds 20%
     * faster without them. A user's own choice (environment, mpirun --mca)
     * wins; other MPI libraries ignore the variable. */
    setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
    if (started_alone() || launched_on_one_node())
        quicken_start();
    MPI_Init(&argc, &argv);
    /* HDF5 would print its error stack on every rank; agora reports errors itself. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    st = execute(&args, rank, ranks, &err);
    if (st != AGORA_OK && rank == 0)
        fprintf(stderr, "%s\n", err.msg);
    fflush(stdout);
    cli_free(&args);
    if (st == AGORA_EIO) {
        /* After a failed write HDF5 1.10 retries its close inside MPI_Finalize
         * and crashes (RELIABILITY.md): the error is reported and nothing is
         * left under the output name, so leave without finalizing. */
        fflush(stderr);
        _exit((int)st);
    }
    MPI_Finalize();
    return (int)st;
}
