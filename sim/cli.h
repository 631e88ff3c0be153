/* The command line of `agora`: what the user asked for, checked before MPI starts. */
#ifndef AGORA_CLI_H
#define AGORA_CLI_H

#include <stddef.h>

#include "status.h"

typedef enum { CLI_RUN, CLI_CHECK, CLI_DIFF, CLI_HELP, CLI_VERSION } cli_command;

#define CLI_MAX_OVERRIDES 256

typedef struct {
    cli_command command;
    const char *scenario_path;
    const char *second_path; /* diff: the other run */
    const char *resume;      /* --resume CHECKPOINT */
    unsigned long long stop_after; /* --stop-after N: act as if signalled after round N */
    /* --set k=v, --seed N and --out F, in command-line order, as "k=v" strings. */
    const char *overrides[CLI_MAX_OVERRIDES];
    size_t n_overrides;
    int quiet;
    int profile; /* print where the time went */
    char *owned[CLI_MAX_OVERRIDES]; /* overrides this parser built (freed by cli_free) */
    size_t n_owned;
} cli_args;

agora_status cli_parse(int argc, char **argv, cli_args *args, agora_error *err);
void cli_free(cli_args *args);
void cli_print_help(void);

#endif
