/* Streaming a task_events CSV into the events one rank needs; see cloud_trace.h. */
#include "cloud_trace.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

#define TRACE_FIELDS 13
#define TRACE_LINE_MAX 4096

enum { F_EVENT_TYPE = 5, F_PRIORITY = 8, F_CPU = 9, F_MEM = 10 };

/* Splits a CSV line (no quoting in task_events) into its fields in place. */
static int split_fields(char *line, char **f)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',') {
            *p = '\0';
            if (n == TRACE_FIELDS)
                return n + 1;
            f[n++] = p + 1;
        }
    return n;
}

static int read_number(const char *s, double *v)
{
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' && errno == 0 && isfinite(*v);
}

/* One line: 1 usable event (fields in *cpu, *mem, *prio), 0 skipped, -1 bad. */
static int parse_line(char *line, double *cpu, double *mem, double *prio, const char **why)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (!len)
        return 0;
    char *f[TRACE_FIELDS + 1];
    if (split_fields(line, f) != TRACE_FIELDS) {
        *why = "expected 13 comma-separated fields (task_events layout)";
        return -1;
    }
    double type;
    if (!read_number(f[F_EVENT_TYPE], &type)) {
        *why = "event type (field 6) is not a number";
        return -1;
    }
    if (type != 0)
        return 0;
    if (!*f[F_CPU] || !*f[F_MEM])
        return 0; /* a SUBMIT without requests (missing data in the trace) */
    if (!read_number(f[F_CPU], cpu) || !read_number(f[F_MEM], mem)) {
        *why = "CPU or memory request (fields 10, 11) is not a number";
        return -1;
    }
    if (!read_number(f[F_PRIORITY], prio)) {
        *why = "priority (field 9) is not a number";
        return -1;
    }
    return *cpu > 0 && *mem > 0;
}

typedef int (*event_fn)(void *ctx, uint64_t index, double cpu, double mem, double prio);

static agora_status stream(const char *path, event_fn fn, void *ctx, uint64_t *total,
                           agora_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return agora_fail(err, AGORA_EIO, "%s: cannot open the trace: %s", path,
                          strerror(errno));
    char line[TRACE_LINE_MAX];
    uint64_t lineno = 0, n = 0;
    agora_status st = AGORA_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            st = agora_fail(err, AGORA_EINPUT, "%s:%llu: line longer than %d bytes", path,
                            (unsigned long long)lineno, TRACE_LINE_MAX - 1);
            break;
        }
        double cpu, mem, prio;
        const char *why = NULL;
        int r = parse_line(line, &cpu, &mem, &prio, &why);
        if (r < 0) {
            st = agora_fail(err, AGORA_EINPUT, "%s:%llu: %s", path, (unsigned long long)lineno,
                            why);
            break;
        }
        if (r == 0)
            continue;
        if (fn && fn(ctx, n, cpu, mem, prio) != 0) {
            st = agora_fail(err, AGORA_EINTERNAL, "out of memory reading %s", path);
            break;
        }
        n++;
    }
    if (st == AGORA_OK && ferror(f))
        st = agora_fail(err, AGORA_EIO, "%s: read error", path);
    fclose(f);
    *total = n;
    return st;
}

typedef struct {
    const unsigned char *keep;
    cloud_trace *t;
    size_t cap;
} keep_ctx;

static int keep_event(void *ctx, uint64_t index, double cpu, double mem, double prio)
{
    keep_ctx *k = ctx;
    if (!(k->keep[index / 8] & (1u << (index % 8))))
        return 0;
    if (k->t->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 1024;
        cloud_trace_event *ev = realloc(k->t->ev, sizeof *ev * cap);
        if (!ev)
            return -1;
        k->t->ev = ev;
        k->cap = cap;
    }
    k->t->ev[k->t->n++] = (cloud_trace_event){index, cpu, mem, prio};
    return 0;
}

agora_status cloud_trace_load(const char *path, uint64_t per_round, uint64_t rounds,
                              uint64_t lo, uint64_t hi, cloud_trace *out, agora_error *err)
{
    memset(out, 0, sizeof *out);
    uint64_t total = 0;
    agora_status st = stream(path, NULL, NULL, &total, err);
    if (st != AGORA_OK)
        return st;
    if (total == 0)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: no usable events (SUBMIT, type 0, with CPU and memory requests "
                          "above 0)",
                          path);
    unsigned char *keep = calloc(total / 8 + 1, 1);
    if (!keep)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory reading %s", path);
    /* Once every event is marked, more rounds mark nothing new. */
    uint64_t marked = 0;
    for (uint64_t t = 0; t < rounds && marked < total; t++)
        for (uint64_t k = lo; k < hi; k++) {
            uint64_t e = (uint64_t)(((u128)t * per_round + k) % total);
            if (!(keep[e / 8] & (1u << (e % 8)))) {
                keep[e / 8] |= (unsigned char)(1u << (e % 8));
                marked++;
            }
        }
    keep_ctx k = {keep, out, 0};
    uint64_t again = 0;
    st = stream(path, keep_event, &k, &again, err);
    free(keep);
    if (st == AGORA_OK && again != total)
        st = agora_fail(err, AGORA_EIO, "%s: the file changed while it was read", path);
    out->total = total;
    if (st != AGORA_OK)
        cloud_trace_free(out);
    return st;
}

const cloud_trace_event *cloud_trace_find(const cloud_trace *t, uint64_t index)
{
    size_t a = 0, b = t->n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (t->ev[mid].index < index)
            a = mid + 1;
        else
            b = mid;
    }
    return a < t->n && t->ev[a].index == index ? &t->ev[a] : NULL;
}

void cloud_trace_free(cloud_trace *t)
{
    free(t->ev);
    memset(t, 0, sizeof *t);
}
