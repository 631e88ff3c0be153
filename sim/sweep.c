/* `agora sweep`: generating a directory of runs from one scenario and --vary
 * lists, and reporting their state; see sweep.h and docs/sweeps.md.
 *
 * A sweep directory is immutable once its manifest exists: the manifest is
 * written last (after every run's scenario), so its presence means the sweep is
 * complete, and a later sweep command never rewrites a run that may have finished. */
/* realpath() is an XSI function: POSIX 2008 alone does not declare it. */
#define _XOPEN_SOURCE 700

#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"

const char *const sweep_state_names[SWEEP_STATES] = {"done", "failed", "partial", "pending"};

static const char MANIFEST_HEADER[] = "id\tseed\toverrides\n";

/* ---- seeds ------------------------------------------------------------------------------ */

/* SplitMix64 (Steele, Lea, Flood 2014; Vigna's reference splitmix64.c): the
 * state advances by the golden-ratio increment and each output is a bijective
 * mix of the state. Its outputs for one master seed are distinct and
 * well spread, which is what independent replicates need. */
uint64_t sweep_seed(uint64_t master, uint64_t replicate)
{
    uint64_t z = master + (replicate + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- the --vary lists --------------------------------------------------------------------- */

/* Keys a sweep sets itself for every run; varying them would break the seed rule
 * or make runs overwrite each other. */
static const char *const RESERVED_KEYS[] = {"seed", "output.path", "output.checkpoint", NULL};

/* Length of the next value: up to a comma outside brackets, braces and quotes. */
static size_t value_length(const char *s)
{
    int depth = 0;
    char quote = 0;
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        if (quote) {
            if (c == '\\' && quote == '"' && s[i + 1])
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
    }
    return i;
}

static agora_status push_value(sweep_axis *a, const char *v, size_t len, agora_error *err)
{
    for (size_t i = 0; i < a->n_values; i++)
        if (strlen(a->values[i]) == len && strncmp(a->values[i], v, len) == 0)
            return agora_fail(err, AGORA_EINPUT, "--vary %s: value '%.*s' given twice", a->key,
                              (int)len, v);
    char **grown = realloc(a->values, (a->n_values + 1) * sizeof *grown);
    if (!grown)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    a->values = grown;
    if (!(a->values[a->n_values] = strndup(v, len)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    a->n_values++;
    return AGORA_OK;
}

static agora_status check_axis_key(const sweep_spec *spec, const char *key, agora_error *err)
{
    if (!*key)
        return agora_fail(err, AGORA_EINPUT, "--vary: expected key=v1,v2,... (e.g. --vary mechanism.name=gsp,vcg)");
    for (int i = 0; RESERVED_KEYS[i]; i++)
        if (strcmp(key, RESERVED_KEYS[i]) == 0)
            return agora_fail(err, AGORA_EINPUT,
                              "--vary %s: the sweep sets %s for every run itself (seeds come from "
                              "the scenario's seed and --replicates)",
                              key, key);
    for (size_t k = 0; k < spec->n_axes; k++)
        if (strcmp(spec->axes[k].key, key) == 0)
            return agora_fail(err, AGORA_EINPUT, "--vary %s: key given twice", key);
    return AGORA_OK;
}

agora_status sweep_add_axis(sweep_spec *spec, const char *arg, agora_error *err)
{
    if (spec->n_axes == SWEEP_MAX_AXES)
        return agora_fail(err, AGORA_EINPUT, "--vary: at most %d keys", SWEEP_MAX_AXES);
    const char *eq = strchr(arg, '=');
    if (!eq)
        return agora_fail(err, AGORA_EINPUT, "--vary %s: expected key=v1,v2,...", arg);
    /* Tabs and newlines would break the manifest's lines and columns. */
    if (strpbrk(arg, "\t\n\r"))
        return agora_fail(err, AGORA_EINPUT, "--vary %s: tabs and newlines are not allowed", arg);
    sweep_axis *a = &spec->axes[spec->n_axes];
    memset(a, 0, sizeof *a);
    if (!(a->key = strndup(arg, (size_t)(eq - arg))))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    agora_status st = check_axis_key(spec, a->key, err);
    for (const char *v = eq + 1; st == AGORA_OK;) {
        size_t len = value_length(v);
        st = push_value(a, v, len, err);
        if (!v[len])
            break;
        v += len + 1;
    }
    spec->n_axes++; /* counted even on failure, so sweep_spec_free frees it */
    return st;
}

void sweep_spec_free(sweep_spec *spec)
{
    for (size_t k = 0; k < spec->n_axes; k++) {
        for (size_t i = 0; i < spec->axes[k].n_values; i++)
            free(spec->axes[k].values[i]);
        free(spec->axes[k].values);
        free(spec->axes[k].key);
    }
    spec->n_axes = 0;
}

/* ---- runs: order, ids, overrides ----------------------------------------------------------- */

agora_status sweep_count(const sweep_spec *spec, size_t *runs, agora_error *err)
{
    uint64_t n = spec->replicates;
    if (n == 0)
        return agora_fail(err, AGORA_EINPUT, "--replicates: must be at least 1");
    for (size_t k = 0; k < spec->n_axes && n <= SWEEP_MAX_RUNS; k++)
        n *= spec->axes[k].n_values; /* n <= 1e6 and n_values < 2^32: no overflow */
    if (n > SWEEP_MAX_RUNS)
        return agora_fail(err, AGORA_EINPUT, "agora sweep: more than %d runs", SWEEP_MAX_RUNS);
    *runs = (size_t)n;
    return AGORA_OK;
}

void sweep_locate(const sweep_spec *spec, size_t run, size_t *choice, uint64_t *replicate)
{
    *replicate = run % spec->replicates;
    size_t rest = run / spec->replicates;
    for (size_t k = spec->n_axes; k-- > 0;) {
        choice[k] = rest % spec->axes[k].n_values;
        rest /= spec->axes[k].n_values;
    }
}

void sweep_id(size_t run, size_t runs, char *buf, size_t size)
{
    unsigned width = 4;
    for (size_t last = runs > 0 ? runs - 1 : 0; last >= 10000 && width < 20; last /= 10)
        width++;
    snprintf(buf, size, "r%0*zu", (int)(width & 31), run);
}

/* "key=value" of axis k for the run's choice, malloc'd. */
static char *axis_override(const sweep_axis *a, size_t choice)
{
    size_t n = strlen(a->key) + strlen(a->values[choice]) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s=%s", a->key, a->values[choice]);
    return s;
}

/* "key=value" with the value as a YAML double-quoted scalar, so a path is taken
 * literally whatever characters it holds. */
static char *quoted_override(const char *key, const char *value)
{
    char *s = malloc(strlen(key) + 2 * strlen(value) + 4), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "%s=\"", key);
    for (const char *v = value; *v; v++) {
        if (*v == '"' || *v == '\\')
            *p++ = '\\';
        *p++ = *v;
    }
    strcpy(p, "\"");
    return s;
}

/* Text buffer that grows; every append checks for allocation failure once, at the end. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void append_n(text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->s, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void append(text *t, const char *s)
{
    append_n(t, s, strlen(s));
}

static char *finish(text *t)
{
    if (t->failed || !t->s) {
        free(t->s);
        return NULL;
    }
    return t->s;
}

char *sweep_manifest_text(const sweep_spec *spec, uint64_t master)
{
    size_t runs = 0; /* set on success; zeroed because -O3 cannot see that */
    if (sweep_count(spec, &runs, NULL) != AGORA_OK)
        return NULL;
    text t = {0};
    append(&t, MANIFEST_HEADER);
    size_t choice[SWEEP_MAX_AXES];
    for (size_t r = 0; r < runs; r++) {
        uint64_t rep;
        char id[32], seed[32];
        sweep_locate(spec, r, choice, &rep);
        sweep_id(r, runs, id, sizeof id);
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)sweep_seed(master, rep));
        append(&t, id);
        append(&t, "\t");
        append(&t, seed);
        append(&t, "\t");
        for (size_t k = 0; k < spec->n_axes; k++) {
            if (k > 0)
                append(&t, " ");
            append(&t, spec->axes[k].key);
            append(&t, "=");
            append(&t, spec->axes[k].values[choice[k]]);
        }
        append(&t, "\n");
    }
    return finish(&t);
}

/* ---- loading one run ---------------------------------------------------------------------- */

/* What every run shares: the base scenario's text and how its runs are written. */
typedef struct {
    const sweep_spec *spec;
    char *text; /* the scenario file */
    size_t len;
    size_t runs;
    uint64_t master;       /* the scenario's seed, with the first configuration's overrides */
    int explicit_ckpt;     /* the scenario names output.checkpoint: give each run its own */
    const char *runs_dir;  /* absolute DIR/runs; NULL while only validating */
} sweep_ctx;

/* The loader's messages name overrides "--set k=v"; here the user wrote --vary. */
static void vary_wording(agora_error *err)
{
    static const char set[] = "--set ";
    static const char vary[] = "--vary ";
    size_t len = strlen(err->msg);
    if (strncmp(err->msg, set, sizeof set - 1) == 0 && len + 1 < sizeof err->msg) {
        /* one byte longer: "--vary " replaces "--set " */
        memmove(err->msg + sizeof vary - 1, err->msg + sizeof set - 1, len - (sizeof set - 1) + 1);
        memcpy(err->msg, vary, sizeof vary - 1);
    }
}

/* Loads run `r`: the axes' overrides, then (unless with_seed is 0) its seed and,
 * when writing, its output paths. */
static agora_status load_run(const sweep_ctx *c, size_t r, int with_seed, scenario *s,
                             agora_error *err)
{
    const sweep_spec *spec = c->spec;
    char *ov[SWEEP_MAX_AXES + 3] = {0};
    size_t n = 0, choice[SWEEP_MAX_AXES];
    uint64_t rep;
    char id[32];
    sweep_locate(spec, r, choice, &rep);
    sweep_id(r, c->runs, id, sizeof id);
    int oom = 0;
    for (size_t k = 0; k < spec->n_axes; k++)
        oom |= !(ov[n++] = axis_override(&spec->axes[k], choice[k]));
    if (with_seed) {
        char seed[48], path[SCENARIO_PATH_MAX + 64];
        snprintf(seed, sizeof seed, "seed=%llu", (unsigned long long)sweep_seed(c->master, rep));
        oom |= !(ov[n++] = strdup(seed));
        /* While validating, a bare file name: the directory does not exist yet. */
        snprintf(path, sizeof path, "%s%s%s.h5", c->runs_dir ? c->runs_dir : "",
                 c->runs_dir ? "/" : "", id);
        oom |= !(ov[n++] = quoted_override("output.path", path));
        if (c->explicit_ckpt) {
            snprintf(path, sizeof path, "%s%s%s.ckpt.h5", c->runs_dir ? c->runs_dir : "",
                     c->runs_dir ? "/" : "", id);
            oom |= !(ov[n++] = quoted_override("output.checkpoint", path));
        }
    }
    agora_status st = oom ? agora_fail(err, AGORA_EINTERNAL, "out of memory")
                          : scenario_load_text(c->text, c->len, spec->scenario_path,
                                               (const char *const *)ov, n, s, err);
    if (st != AGORA_OK)
        vary_wording(err);
    for (size_t i = 0; i < n; i++)
        free(ov[i]);
    return st;
}

/* The master seed, from the scenario with the first configuration's overrides (a
 * --vary may supply a key the file leaves out, so the file alone may not load). */
static agora_status read_master(sweep_ctx *c, agora_error *err)
{
    scenario s;
    agora_status st = load_run(c, 0, 0, &s, err);
    if (st != AGORA_OK)
        return st;
    c->master = s.seed;
    c->explicit_ckpt = strcmp(scenario_where(&s, "output.checkpoint"), s.source) != 0;
    scenario_free(&s);
    return AGORA_OK;
}

/* Every configuration loads (the seed cannot make a load fail, so one replicate
 * of each is enough); the first error stops the sweep before anything is written. */
static agora_status validate(const sweep_ctx *c, agora_error *err)
{
    for (size_t r = 0; r < c->runs; r += c->spec->replicates) {
        scenario s;
        agora_status st = load_run(c, r, 1, &s, err);
        if (st != AGORA_OK)
            return st;
        scenario_free(&s);
    }
    return AGORA_OK;
}

/* Input files named relative to the directory the sweep is made in, made
 * absolute: a run's job may start in any directory. */
static agora_status absolute_inputs(scenario *s, agora_error *err)
{
    scenario_input in[SCENARIO_MAX_INPUTS];
    size_t n = scenario_inputs(s, in);
    char cwd[SCENARIO_PATH_MAX], joined[2 * SCENARIO_PATH_MAX + 2];
    for (size_t k = 0; k < n; k++) {
        if (in[k].path[0] == '/')
            continue;
        if (!getcwd(cwd, sizeof cwd))
            return agora_fail(err, AGORA_EIO, "cannot read the current directory: %s",
                              strerror(errno));
        snprintf(joined, sizeof joined, "%s/%s", cwd, in[k].path);
        if (strlen(joined) >= SCENARIO_PATH_MAX)
            return agora_fail(err, AGORA_EINPUT, "%s: %s: the absolute path %s is too long",
                              scenario_where(s, in[k].key), in[k].key, joined);
        memcpy(in[k].path, joined, strlen(joined) + 1);
    }
    return AGORA_OK;
}

/* The resolved scenario text of run r (malloc'd). */
static agora_status run_yaml(const sweep_ctx *c, size_t r, char **yaml, agora_error *err)
{
    scenario s;
    agora_status st = load_run(c, r, 1, &s, err);
    if (st != AGORA_OK)
        return st;
    if ((st = absolute_inputs(&s, err)) != AGORA_OK) {
        scenario_free(&s);
        return st;
    }
    *yaml = scenario_to_yaml(&s);
    scenario_free(&s);
    return *yaml ? AGORA_OK : agora_fail(err, AGORA_EINTERNAL, "out of memory");
}

/* ---- files --------------------------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

static int file_exists(const char *dir, const char *name, const char *suffix)
{
    char *p = path_join(dir, name, suffix);
    struct stat st;
    int yes = p && stat(p, &st) == 0;
    free(p);
    return yes;
}

/* Reads a whole file; *content is NULL (and OK returned) when it does not exist. */
static agora_status slurp(const char *path, char **content, agora_error *err)
{
    *content = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? AGORA_OK
                               : agora_fail(err, AGORA_EIO, "%s: cannot read: %s", path,
                                            strerror(errno));
    text t = {0};
    char buf[8192];
    size_t n;
    append_n(&t, "", 0); /* an empty file is "", not NULL */
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        append_n(&t, buf, n);
    int bad = ferror(f);
    fclose(f);
    *content = finish(&t);
    if (bad) {
        free(*content);
        *content = NULL;
        return agora_fail(err, AGORA_EIO, "%s: cannot read", path);
    }
    return *content ? AGORA_OK : agora_fail(err, AGORA_EINTERNAL, "out of memory");
}

/* Written under a temporary name and renamed, so a reader never sees half a file. */
static agora_status write_atomic(const char *path, const char *content, agora_error *err)
{
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fputs(content, f) >= 0;
    ok = (f && fclose(f) == 0) && ok;
    ok = ok && rename(tmp, path) == 0;
    agora_status st = ok ? AGORA_OK
                         : agora_fail(err, AGORA_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (!ok)
        remove(tmp);
    free(tmp);
    return st;
}

/* mkdir -p: every missing directory along the path. */
static agora_status make_dirs(const char *path, agora_error *err)
{
    char *p = strdup(path);
    if (!p)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    agora_status st = AGORA_OK;
    for (char *slash = p + 1;; slash++) {
        int end = *slash == '\0';
        if (*slash != '/' && !end)
            continue;
        *slash = '\0';
        struct stat sb;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            st = agora_fail(err, AGORA_EIO, "%s: cannot create directory: %s", p, strerror(errno));
        else if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
            st = agora_fail(err, AGORA_EIO, "%s: not a directory", p);
        if (end || st != AGORA_OK)
            break;
        *slash = '/';
    }
    free(p);
    return st;
}

/* ---- creating a sweep ----------------------------------------------------------------------- */

/* DIR already holds this very sweep: every run's scenario must be what this
 * command would write (a changed scenario file is refused, not silently kept); a
 * missing one is written again. */
static agora_status check_existing(const sweep_ctx *c, agora_error *err)
{
    agora_status st = AGORA_OK;
    for (size_t r = 0; r < c->runs && st == AGORA_OK; r++) {
        char id[32], *yaml = NULL, *old = NULL;
        sweep_id(r, c->runs, id, sizeof id);
        char *path = path_join(c->runs_dir, id, ".yaml");
        if (!path)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory");
        if ((st = run_yaml(c, r, &yaml, err)) == AGORA_OK)
            st = slurp(path, &old, err);
        if (st == AGORA_OK && !old)
            st = write_atomic(path, yaml, err);
        else if (st == AGORA_OK && strcmp(old, yaml) != 0)
            st = agora_fail(err, AGORA_EINPUT,
                            "agora sweep: %s differs from what this sweep generates now (did the "
                            "scenario file change?); use a new --out directory",
                            path);
        free(yaml);
        free(old);
        free(path);
    }
    return st;
}

static agora_status write_runs(const sweep_ctx *c, agora_error *err)
{
    agora_status st = AGORA_OK;
    for (size_t r = 0; r < c->runs && st == AGORA_OK; r++) {
        char id[32], *yaml = NULL;
        sweep_id(r, c->runs, id, sizeof id);
        char *path = path_join(c->runs_dir, id, ".yaml");
        if (!path)
            return agora_fail(err, AGORA_EINTERNAL, "out of memory");
        if ((st = run_yaml(c, r, &yaml, err)) == AGORA_OK)
            st = write_atomic(path, yaml, err);
        free(yaml);
        free(path);
    }
    return st;
}

/* With the manifest text known: refuse a different sweep, accept the same one, or
 * write a new one (runs first, manifest last). */
static agora_status place_sweep(sweep_ctx *c, const char *manifest, int *existed,
                                agora_error *err)
{
    const char *dir = c->spec->dir;
    char *mpath = path_join(dir, "manifest", ".tsv"), *old = NULL, *abs = NULL, *runs = NULL;
    if (!mpath)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    agora_status st = slurp(mpath, &old, err);
    if (st == AGORA_OK && old && strcmp(old, manifest) != 0)
        st = agora_fail(err, AGORA_EINPUT,
                        "agora sweep: %s holds a different sweep; use a new --out directory "
                        "(a sweep is never regenerated over its runs)",
                        mpath);
    *existed = st == AGORA_OK && old;
    if (st == AGORA_OK && (st = make_dirs(dir, err)) == AGORA_OK) {
        /* Absolute paths in the runs' scenarios: a job may start in another directory. */
        abs = realpath(dir, NULL);
        runs = abs ? path_join(abs, "runs", "") : NULL;
        st = runs ? make_dirs(runs, err)
                  : agora_fail(err, AGORA_EIO, "%s: %s", dir, strerror(errno));
    }
    c->runs_dir = runs;
    if (st == AGORA_OK && *existed)
        st = check_existing(c, err);
    else if (st == AGORA_OK && (st = write_runs(c, err)) == AGORA_OK)
        st = write_atomic(mpath, manifest, err);
    c->runs_dir = NULL;
    free(runs);
    free(abs);
    free(old);
    free(mpath);
    return st;
}

agora_status sweep_create(const sweep_spec *spec, int *existed, size_t *runs, agora_error *err)
{
    sweep_ctx c = {.spec = spec};
    *existed = 0;
    agora_status st = sweep_count(spec, &c.runs, err);
    if (st == AGORA_OK)
        st = scenario_read_file(spec->scenario_path, &c.text, &c.len, err);
    if (st == AGORA_OK)
        st = read_master(&c, err);
    if (st == AGORA_OK)
        st = validate(&c, err);
    char *manifest = st == AGORA_OK ? sweep_manifest_text(spec, c.master) : NULL;
    if (st == AGORA_OK && !manifest)
        st = agora_fail(err, AGORA_EINTERNAL, "out of memory");
    if (st == AGORA_OK)
        st = place_sweep(&c, manifest, existed, err);
    *runs = c.runs;
    free(manifest);
    free(c.text);
    return st;
}

/* ---- status --------------------------------------------------------------------------------- */

/* An id names files: letters, digits, '-' and '_' only, so a damaged manifest
 * cannot point outside DIR/runs. */
static int valid_id(const char *id, size_t len)
{
    if (len == 0 || len > 31)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = id[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              ch == '-' || ch == '_'))
            return 0;
    }
    return 1;
}

static agora_status push_id(char ***ids, size_t *n, const char *id, size_t len, agora_error *err)
{
    char **grown = realloc(*ids, (*n + 1) * sizeof *grown);
    if (!grown)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    *ids = grown;
    if (!((*ids)[*n] = strndup(id, len)))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    (*n)++;
    return AGORA_OK;
}

agora_status sweep_read_ids(const char *dir, char ***ids, size_t *n, agora_error *err)
{
    *ids = NULL;
    *n = 0;
    char *mpath = path_join(dir, "manifest", ".tsv"), *manifest = NULL;
    if (!mpath)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    agora_status st = slurp(mpath, &manifest, err);
    if (st == AGORA_OK && !manifest)
        st = agora_fail(err, AGORA_EINPUT, "%s: no such file (not a sweep directory?)", mpath);
    if (st == AGORA_OK && strncmp(manifest, MANIFEST_HEADER, sizeof MANIFEST_HEADER - 1) != 0)
        st = agora_fail(err, AGORA_EINPUT, "%s:1: expected the header id, seed, overrides", mpath);
    const char *line = manifest ? manifest + sizeof MANIFEST_HEADER - 1 : NULL;
    for (size_t lineno = 2; st == AGORA_OK && *line; lineno++) {
        size_t len = strcspn(line, "\t\n");
        if (!valid_id(line, len) || line[len] != '\t')
            st = agora_fail(err, AGORA_EINPUT, "%s:%zu: expected id<TAB>seed<TAB>overrides", mpath,
                            lineno);
        else
            st = push_id(ids, n, line, len, err);
        line += strcspn(line, "\n");
        line += *line == '\n';
    }
    if (st != AGORA_OK) {
        sweep_free_ids(*ids, *n);
        *ids = NULL;
        *n = 0;
    }
    free(manifest);
    free(mpath);
    return st;
}

void sweep_free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static int read_exit_code(const char *dir, const char *id)
{
    char *p = path_join(dir, id, ".failed");
    FILE *f = p ? fopen(p, "r") : NULL;
    int code = -1;
    if (f && fscanf(f, "%d", &code) != 1)
        code = -1;
    if (f)
        fclose(f);
    free(p);
    return code;
}

/* done beats everything (the runner removes a stale .failed, but a user may copy
 * an output in by hand); a failure is reported before a checkpoint it may have left. */
sweep_state sweep_classify(const char *dir, const char *id, int *exit_code)
{
    char *runs = path_join(dir, "runs", "");
    sweep_state state = SWEEP_PENDING;
    *exit_code = 0;
    if (!runs)
        return state;
    if (file_exists(runs, id, ".h5"))
        state = SWEEP_DONE;
    else if (file_exists(runs, id, ".failed")) {
        state = SWEEP_FAILED;
        *exit_code = read_exit_code(runs, id);
    } else if (file_exists(runs, id, ".h5.partial") || file_exists(runs, id, ".ckpt.h5"))
        state = SWEEP_PARTIAL;
    free(runs);
    return state;
}

static int print_status(const char *dir, int verbose)
{
    char **ids;
    size_t n, count[SWEEP_STATES] = {0};
    agora_error err = {{0}};
    if (sweep_read_ids(dir, &ids, &n, &err) != AGORA_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return AGORA_EINPUT;
    }
    for (size_t i = 0; i < n; i++) {
        int code;
        sweep_state s = sweep_classify(dir, ids[i], &code);
        count[s]++;
        if (verbose && s == SWEEP_FAILED)
            printf("%s %s (exit code %d)\n", ids[i], sweep_state_names[s], code);
        else if (verbose)
            printf("%s %s\n", ids[i], sweep_state_names[s]);
    }
    for (int s = 0; s < SWEEP_STATES; s++)
        printf("%-8s %zu\n", sweep_state_names[s], count[s]);
    sweep_free_ids(ids, n);
    return 0;
}

/* ---- the command line ----------------------------------------------------------------------- */

static void print_usage(void)
{
    fputs("usage: agora sweep SCENARIO.yaml --vary key=v1,v2,... [--vary ...] [--replicates N]\n"
          "                   --out DIR\n"
          "       agora sweep --status DIR [-v]\n"
          "Writes DIR/manifest.tsv and DIR/runs/<id>.yaml, one scenario per run (every\n"
          "combination of the --vary values, times N replicates with seeds derived from\n"
          "the scenario's seed). Run them with scripts/sweep-run.sh DIR [INDEX] or a Slurm\n"
          "job array (slurm/sweep-array.sbatch). See docs/sweeps.md.\n",
          stdout);
}

static agora_status parse_replicates(const char *v, uint64_t *n, agora_error *err)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || x < 1 || x > SWEEP_MAX_RUNS)
        return agora_fail(err, AGORA_EINPUT, "--replicates %s: expected a whole number in 1 .. %d",
                          v, SWEEP_MAX_RUNS);
    *n = x;
    return AGORA_OK;
}

static agora_status parse_create(int argc, char **argv, sweep_spec *spec, agora_error *err)
{
    agora_status st = AGORA_OK;
    for (int i = 2; i < argc && st == AGORA_OK; i++) {
        const char *a = argv[i];
        int takes_value = !strcmp(a, "--vary") || !strcmp(a, "--replicates") || !strcmp(a, "--out");
        if (takes_value && i + 1 >= argc)
            return agora_fail(err, AGORA_EINPUT, "agora sweep: %s needs a value", a);
        if (!strcmp(a, "--vary"))
            st = sweep_add_axis(spec, argv[++i], err);
        else if (!strcmp(a, "--replicates"))
            st = parse_replicates(argv[++i], &spec->replicates, err);
        else if (!strcmp(a, "--out"))
            spec->dir = argv[++i];
        else if (a[0] == '-' && a[1] != '\0')
            st = agora_fail(err, AGORA_EINPUT, "agora sweep: unknown option '%s' (see agora sweep --help)", a);
        else if (!spec->scenario_path)
            spec->scenario_path = a;
        else
            st = agora_fail(err, AGORA_EINPUT, "agora sweep: unexpected argument '%s'", a);
    }
    if (st == AGORA_OK && !spec->scenario_path)
        st = agora_fail(err, AGORA_EINPUT, "agora sweep: no scenario file given");
    if (st == AGORA_OK && (!spec->dir || !*spec->dir))
        st = agora_fail(err, AGORA_EINPUT, "agora sweep: --out DIR is required");
    return st;
}

static int create_main(int argc, char **argv)
{
    sweep_spec spec = {.replicates = 1};
    agora_error err = {{0}};
    int existed = 0;
    size_t runs = 0;
    agora_status st = parse_create(argc, argv, &spec, &err);
    if (st == AGORA_OK)
        st = sweep_create(&spec, &existed, &runs, &err);
    if (st != AGORA_OK)
        fprintf(stderr, "%s\n", err.msg);
    else if (existed)
        printf("agora sweep: %s already holds this sweep (%zu runs); nothing written. "
               "Progress: agora sweep --status %s\n",
               spec.dir, runs, spec.dir);
    else
        printf("agora sweep: %zu runs in %s (manifest.tsv, runs/<id>.yaml). Run them with "
               "scripts/sweep-run.sh %s, or sbatch --array=0-%zu slurm/sweep-array.sbatch %s\n",
               runs, spec.dir, spec.dir, runs - 1, spec.dir);
    sweep_spec_free(&spec);
    return (int)st;
}

static int status_main(int argc, char **argv)
{
    const char *dir = NULL;
    int verbose = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--status"))
            continue;
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
            verbose = 1;
        else if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "agora sweep --status: unexpected argument '%s'\n", argv[i]);
            return AGORA_EINPUT;
        } else
            dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "agora sweep --status: no sweep directory given\n");
        return AGORA_EINPUT;
    }
    return print_status(dir, verbose);
}

int sweep_main(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_usage();
            return 0;
        }
        if (!strcmp(argv[i], "--status"))
            return status_main(argc, argv);
        if (!strcmp(argv[i], "--vary") || !strcmp(argv[i], "--replicates") ||
            !strcmp(argv[i], "--out"))
            i++; /* a value, even one that looks like an option */
    }
    return create_main(argc, argv);
}
