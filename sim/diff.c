/* Finding the first round where two runs differ; see diff.h. */
#include "diff.h"

#include <hdf5.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h5_attr.h"

#define MAX_METRICS 128

typedef struct {
    hid_t file;
    const char *path;
    char *family; /* root attribute; NULL in files older than it */
} run_file;

/* The names in /metrics of one or both runs, each once. */
typedef struct {
    char name[MAX_METRICS][64];
    int n;
} name_list;

static agora_status open_run(run_file *r, const char *path, agora_error *err)
{
    r->path = path;
    r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r->file < 0)
        return agora_fail(err, AGORA_EINPUT, "%s: cannot open as HDF5", path);
    if (H5Lexists(r->file, "/metrics", H5P_DEFAULT) <= 0) {
        H5Fclose(r->file);
        r->file = -1;
        return agora_fail(err, AGORA_EINPUT, "%s: not an agora run (no /metrics)", path);
    }
    r->family = h5_get_string(r->file, "family");
    return AGORA_OK;
}

static void close_run(run_file *r)
{
    if (r->file >= 0)
        H5Fclose(r->file);
    free(r->family);
}

static herr_t add_name(hid_t group, const char *name, const H5L_info_t *info, void *list)
{
    (void)group, (void)info;
    name_list *l = list;
    for (int k = 0; k < l->n; k++)
        if (strcmp(l->name[k], name) == 0)
            return 0;
    if (l->n < MAX_METRICS)
        snprintf(l->name[l->n++], sizeof l->name[0], "%s", name);
    return 0;
}

static void list_metrics(const run_file *r, name_list *l)
{
    hid_t g = H5Gopen2(r->file, "/metrics", H5P_DEFAULT);
    if (g < 0)
        return;
    hsize_t at = 0;
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &at, add_name, l);
    H5Gclose(g);
}

/* Reads a whole 1-D dataset as `type` into a malloc'd buffer; *n its length. */
static void *read_all(hid_t file, const char *name, hid_t type, size_t size, hsize_t *n)
{
    hid_t ds = -1;
    H5E_BEGIN_TRY { /* absent in one run: reported, not an HDF5 error trace */
        ds = H5Dopen2(file, name, H5P_DEFAULT);
    }
    H5E_END_TRY;
    if (ds < 0)
        return NULL;
    hid_t space = H5Dget_space(ds);
    H5Sget_simple_extent_dims(space, n, NULL);
    void *buf = malloc((*n ? *n : 1) * size);
    if (buf && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        free(buf);
        buf = NULL;
    }
    H5Sclose(space);
    H5Dclose(ds);
    return buf;
}

/* Index of the first differing element (bitwise), or -1; the shorter length
 * counts as a difference at its end. */
static long long first_difference(const void *x, hsize_t nx, const void *y, hsize_t ny,
                                  size_t size)
{
    hsize_t n = nx < ny ? nx : ny;
    for (hsize_t i = 0; i < n; i++)
        if (memcmp((const char *)x + i * size, (const char *)y + i * size, size) != 0)
            return (long long)i;
    return nx == ny ? -1 : (long long)n;
}

static int compare(const run_file *a, const run_file *b, const char *metric, FILE *out)
{
    char name[96];
    snprintf(name, sizeof name, "/metrics/%s", metric);
    int digest = strcmp(metric, "state_digest") == 0;
    hid_t type = digest ? H5T_NATIVE_UINT64 : H5T_NATIVE_DOUBLE;
    size_t size = digest ? sizeof(uint64_t) : sizeof(double);
    hsize_t na = 0, nb = 0;
    void *x = read_all(a->file, name, type, size, &na);
    void *y = read_all(b->file, name, type, size, &nb);
    int same = 1;
    if (!x || !y) {
        fprintf(out, "%-24s missing in %s\n", name, !x ? a->path : b->path);
        same = 0;
    } else {
        long long at = first_difference(x, na, y, nb, size);
        if (at >= 0) {
            fprintf(out, "%-24s first differs at round %lld\n", name, at);
            same = 0;
        }
    }
    free(x);
    free(y);
    return same;
}

agora_status diff_runs(const char *a_path, const char *b_path, FILE *out, int *same,
                       agora_error *err)
{
    run_file a = {-1, NULL, NULL}, b = {-1, NULL, NULL};
    agora_status st = open_run(&a, a_path, err);
    if (st == AGORA_OK)
        st = open_run(&b, b_path, err);
    if (st != AGORA_OK) {
        close_run(&a);
        return st;
    }
    if (a.family && b.family && strcmp(a.family, b.family) != 0) {
        fprintf(out, "%s is a %s run, %s a %s run\n", a_path, a.family, b_path, b.family);
        *same = 0;
        close_run(&a);
        close_run(&b);
        return AGORA_OK;
    }
    /* Position runs write a per-round digest of every agent's state: the
     * first round it differs is the first round any agent's state differs.
     * The other families' metrics are compared alone. */
    name_list names = {.n = 0};
    list_metrics(&a, &names);
    list_metrics(&b, &names);
    int digest = 0;
    *same = 1;
    for (int k = 0; k < names.n; k++)
        if (strcmp(names.name[k], "state_digest") == 0)
            digest = 1, *same &= compare(&a, &b, names.name[k], out);
    for (int k = 0; k < names.n; k++)
        if (strcmp(names.name[k], "state_digest") != 0)
            *same &= compare(&a, &b, names.name[k], out);
    if (*same)
        fprintf(out, "identical: every round's %s agree\n",
                digest ? "state digest and metrics" : "metrics");
    close_run(&a);
    close_run(&b);
    return AGORA_OK;
}
