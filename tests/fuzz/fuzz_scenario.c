/* Fuzz target for the scenario loader (sim/yaml_tree.c, sim/scenario.c,
 * sim/scenario_emit.c), for libFuzzer (tests/fuzz/build.sh, tests/fuzz/run.sh).
 *
 * Input format: YAML text. Leading lines of the form `#set dotted.key=value` are
 * also taken as --set overrides (at most MAX_OVERRIDES). Each input is loaded
 * twice: the whole text without overrides (the #set lines are YAML comments),
 * then the text after the #set lines with the overrides applied. The second load
 * sees override bytes that never went through libyaml's reader, as a command
 * line's do (invalid UTF-8, control characters), while the text stays valid.
 *
 * Properties checked on every input (abort() on a violation, so libFuzzer keeps
 * the input as a crash):
 *   - no memory error, leak or undefined behaviour (ASan, LSan, UBSan);
 *   - a refusal is AGORA_EINPUT (AGORA_EINTERNAL only for "out of memory") with a
 *     message that is exactly one non-empty line: the CLI prints it as is, and
 *     DESIGN.md promises one line per error;
 *   - a scenario that loads emits resolved YAML (scenario_to_yaml) that loads
 *     again without overrides and emits the identical text: the text stored in
 *     every output file must reproduce the run.
 *
 * Built with -DAGORA_FUZZ_REPLAY it is a plain program instead (any compiler, no
 * libFuzzer): `fuzz_scenario_replay FILE...` checks the same properties on each
 * file, which is how ctest replays the corpus and the crash regressions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define MAX_OVERRIDES 8
#define OVERRIDE_PREFIX "#set "
/* The name the loader uses in messages and to derive the default output path;
 * fixed so that a crash reproduces whatever the file is called. */
#define SOURCE "fuzz.yaml"

static void violation(const char *what, const char *detail, const char *text)
{
    fprintf(stderr, "fuzz_scenario: property violated: %s\n", what);
    if (detail)
        fprintf(stderr, "  detail: %s\n", detail);
    if (text)
        fprintf(stderr, "  --- text ---\n%s\n  --- end ---\n", text);
    abort();
}

/* One line, as the CLI prints it: not empty, no line break inside. */
static void check_error(agora_status st, const agora_error *err)
{
    if (st != AGORA_EINPUT && !(st == AGORA_EINTERNAL && strstr(err->msg, "out of memory")))
        violation("a refusal must be AGORA_EINPUT", err->msg, NULL);
    if (err->msg[0] == '\0')
        violation("a refusal must carry a message", NULL, NULL);
    if (strpbrk(err->msg, "\n\r"))
        violation("an error message must be one line", err->msg, NULL);
}

/* The resolved text must load again, unchanged, and resolve to the same text. */
static void check_round_trip(const scenario *s)
{
    char *first = scenario_to_yaml(s);
    if (!first)
        violation("scenario_to_yaml returned NULL", NULL, NULL);
    scenario again;
    agora_error err = {{0}};
    agora_status st = scenario_load_text(first, strlen(first), SOURCE, NULL, 0, &again, &err);
    if (st != AGORA_OK)
        violation("the resolved scenario does not load again", err.msg, first);
    char *second = scenario_to_yaml(&again);
    if (!second)
        violation("scenario_to_yaml returned NULL on the reloaded scenario", NULL, first);
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "  --- reloaded text ---\n%s\n", second);
        violation("the reloaded scenario resolves to different text", NULL, first);
    }
    free(second);
    scenario_free(&again);
    free(first);
}

static void load_and_check(const char *text, size_t len, const char *const *overrides,
                           size_t n_overrides)
{
    scenario s;
    agora_error err = {{0}};
    agora_status st = scenario_load_text(text, len, SOURCE, overrides, n_overrides, &s, &err);
    if (st != AGORA_OK) {
        check_error(st, &err);
        /* A failed load must leave nothing behind for the caller to free. */
        if (s.groups || s.locs || s.population.value.list || s.population.budget.list)
            violation("a failed load left owned memory in the scenario", err.msg, NULL);
        return;
    }
    check_round_trip(&s);
    scenario_free(&s);
}

/* Splits the leading `#set k=v` lines off a NUL-terminated copy of the input
 * (in place: each line's end is cut to a NUL in `scratch`); *body receives the
 * offset of the first byte after them. */
static size_t take_overrides(char *scratch, size_t size, const char *overrides[MAX_OVERRIDES],
                             size_t *body)
{
    size_t n = 0;
    char *line = scratch;
    *body = 0;
    while (n < MAX_OVERRIDES && strncmp(line, OVERRIDE_PREFIX, strlen(OVERRIDE_PREFIX)) == 0) {
        char *end = strchr(line, '\n');
        if (end) {
            *end = '\0';
            if (end > line && end[-1] == '\r')
                end[-1] = '\0';
        }
        overrides[n++] = line + strlen(OVERRIDE_PREFIX);
        if (!end) {
            *body = size;
            break;
        }
        line = end + 1;
        *body = (size_t)(line - scratch);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The CLI hands the loader a NUL-terminated buffer (scenario_read_file);
     * so does this, while passing the true length, NULs included. */
    char *text = malloc(size + 1);
    char *scratch = malloc(size + 1);
    if (!text || !scratch)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    memcpy(scratch, data, size);
    scratch[size] = '\0';

    load_and_check(text, size, NULL, 0);
    const char *overrides[MAX_OVERRIDES];
    size_t body;
    size_t n = take_overrides(scratch, size, overrides, &body);
    if (n > 0)
        load_and_check(text + body, size - body, overrides, n);

    free(scratch);
    free(text);
    return 0;
}

#ifdef AGORA_FUZZ_REPLAY
#include <dirent.h>
#include <sys/stat.h>

/* Runs one file through the checks; 0 when it could be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len, f)) > 0;) {
        len += got;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

/* Replays files, and every file in directories given, through the same checks;
 * exits 0 when every property held (a violation aborts, which ctest reports). */
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    int inputs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            if (!d) {
                perror(argv[i]);
                return 2;
            }
            for (struct dirent *e; (e = readdir(d));) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                    continue;
                if (replay_file(path) != 0)
                    return 2;
                inputs++;
            }
            closedir(d);
        } else {
            if (replay_file(argv[i]) != 0)
                return 2;
            inputs++;
        }
    }
    printf("fuzz_scenario_replay: %d inputs, every property held\n", inputs);
    return inputs > 0 ? 0 : 2;
}
#endif
