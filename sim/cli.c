/* Parsing agora's command line; see cli.h. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_print_help(void)
{
    fputs("usage: agora run SCENARIO.yaml [--out FILE] [--seed N] [--set key.path=value ...]\n"
          "                 [--quiet] [--profile] [--resume CHECKPOINT]\n"
          "       agora check SCENARIO.yaml [--set ...]   validate and print the resolved scenario\n"
          "       agora diff A.h5 B.h5   first round where two runs differ (exit 1 if they do)\n"
          "       agora sweep SCENARIO.yaml --vary key=v1,v2,... [--vary ...] [--replicates N] --out DIR\n"
          "       agora sweep --status DIR [-v]   runs done, failed, partial, pending\n"
          "       agora --help | --version\n"
          "\n"
          "--profile prints the seconds spent in each phase of the rounds (slowest rank).\n"
          "Runs as a plain process (1 rank) or under MPI: mpirun -n P agora run S.yaml.\n"
          "The output is the same for every P. Scenario keys: scenarios/README.md.\n"
          "On SIGUSR1 or SIGTERM a run finishes its round, writes a checkpoint\n"
          "(output.checkpoint) and exits 75; --resume CHECKPOINT continues it, on any\n"
          "number of ranks. --stop-after N does the same after round N (for tests).\n"
          "Exit codes: 0 success, 1 diff found a difference, 2 bad input, 3 I/O failure,\n"
          "4 internal error, 75 stopped at a checkpoint.\n",
          stdout);
}

/* A value given on the command line becomes a YAML double-quoted scalar, so a
 * path such as "[x].h5" is taken as text, not parsed as YAML. */
static char *quoted_override(const char *key, const char *value)
{
    size_t n = strlen(key) + 2 * strlen(value) + 4;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "%s=\"", key);
    for (const char *v = value; *v; v++) {
        if (*v == '"' || *v == '\\')
            *p++ = '\\';
        *p++ = *v;
    }
    *p++ = '"';
    *p = '\0';
    return s;
}

static agora_status add_override(cli_args *a, const char *text, char *owned, agora_error *err)
{
    if (a->n_overrides == CLI_MAX_OVERRIDES)
        return agora_fail(err, AGORA_EINPUT, "agora: more than %d overrides", CLI_MAX_OVERRIDES);
    a->overrides[a->n_overrides++] = text;
    if (owned)
        a->owned[a->n_owned++] = owned;
    return AGORA_OK;
}

static agora_status option_value(int argc, char **argv, int *i, const char **value,
                                 agora_error *err)
{
    if (*i + 1 >= argc)
        return agora_fail(err, AGORA_EINPUT, "agora: %s needs a value", argv[*i]);
    *value = argv[++*i];
    return AGORA_OK;
}

static agora_status parse_option(int argc, char **argv, int *i, cli_args *a, agora_error *err)
{
    const char *opt = argv[*i], *value = NULL;
    agora_status st;
    if (strcmp(opt, "--quiet") == 0 || strcmp(opt, "-q") == 0) {
        a->quiet = 1;
        return AGORA_OK;
    }
    if (strcmp(opt, "--profile") == 0) {
        a->profile = 1;
        return AGORA_OK;
    }
    if (strcmp(opt, "--resume") == 0)
        return option_value(argc, argv, i, &a->resume, err);
    if (strcmp(opt, "--stop-after") == 0) {
        if ((st = option_value(argc, argv, i, &value, err)) != AGORA_OK)
            return st;
        char *end;
        a->stop_after = strtoull(value, &end, 10);
        if (*value < '0' || *value > '9' || *end || a->stop_after == 0)
            return agora_fail(err, AGORA_EINPUT, "agora: --stop-after needs a round count > 0");
        return AGORA_OK;
    }
    if (strcmp(opt, "--set") == 0) {
        if ((st = option_value(argc, argv, i, &value, err)) != AGORA_OK)
            return st;
        return add_override(a, value, NULL, err);
    }
    if (strcmp(opt, "--seed") == 0 || strcmp(opt, "--out") == 0) {
        if ((st = option_value(argc, argv, i, &value, err)) != AGORA_OK)
            return st;
        char *o;
        /* "seed=" would remove the key, silently running the default seed. */
        if (opt[2] == 's' && !*value)
            return agora_fail(err, AGORA_EINPUT, "agora: --seed needs a number, got ''");
        if (opt[2] == 's') {
            size_t n = strlen(value) + 6;
            o = malloc(n);
            if (o)
                snprintf(o, n, "seed=%s", value);
        } else {
            o = quoted_override("output.path", value);
        }
        if (!o)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory");
        return add_override(a, o, o, err);
    }
    return agora_fail(err, AGORA_EINPUT, "agora: unknown option '%s' (see agora --help)", opt);
}

agora_status cli_parse(int argc, char **argv, cli_args *a, agora_error *err)
{
    memset(a, 0, sizeof *a);
    if (argc < 2)
        return agora_fail(err, AGORA_EINPUT, "agora: no command (see agora --help)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        a->command = CLI_HELP;
        return AGORA_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        a->command = CLI_VERSION;
        return AGORA_OK;
    }
    if (strcmp(cmd, "run") == 0)
        a->command = CLI_RUN;
    else if (strcmp(cmd, "check") == 0)
        a->command = CLI_CHECK;
    else if (strcmp(cmd, "diff") == 0)
        a->command = CLI_DIFF;
    else
        return agora_fail(err, AGORA_EINPUT, "agora: unknown command '%s' (see agora --help)", cmd);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            /* `agora run --help` wants the usage, whatever else the line holds. */
            cli_free(a);
            memset(a, 0, sizeof *a);
            a->command = CLI_HELP;
            return AGORA_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            agora_status st = parse_option(argc, argv, &i, a, err);
            if (st != AGORA_OK)
                return st;
        } else if (!a->scenario_path) {
            a->scenario_path = argv[i];
        } else if (a->command == CLI_DIFF && !a->second_path) {
            a->second_path = argv[i];
        } else {
            return agora_fail(err, AGORA_EINPUT, "agora: unexpected argument '%s'", argv[i]);
        }
    }
    if (a->command == CLI_DIFF && !a->second_path)
        return agora_fail(err, AGORA_EINPUT, "agora diff: needs two output files");
    if (!a->scenario_path)
        return agora_fail(err, AGORA_EINPUT, "agora %s: no scenario file given", cmd);
    return AGORA_OK;
}

void cli_free(cli_args *a)
{
    for (size_t i = 0; i < a->n_owned; i++)
        free(a->owned[i]);
    a->n_owned = 0;
}
