/* Finding the first round where two runs differ; see diff.h. */
#include "diff.h"

#include <hdf5.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

typedef struct {
    hid_t file;
    const char *path;
} run_file;

static agora_status open_run(run_file *r, const char *path, agora_error *err)
{
    r->path = path;
    r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r->file < 0)
        return agora_fail(err, AGORA_EINPUT, "%s: cannot open as HDF5", path);
    if (H5Lexists(r->file, "/metrics/state_digest", H5P_DEFAULT) <= 0) {
        H5Fclose(r->file);
        r->file = -1;
        return agora_fail(err, AGORA_EINPUT, "%s: not an agora run (no /metrics/state_digest)",
                          path);
    }
    return AGORA_OK;
}

/* Reads a whole 1-D dataset as `type` into a malloc'd buffer; *n its length. */
static void *read_all(hid_t file, const char *name, hid_t type, size_t size, hsize_t *n)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
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

static int compare(const run_file *a, const run_file *b, const char *name, hid_t type,
                   size_t size, FILE *out)
{
    hsize_t na = 0, nb = 0;
    void *x = read_all(a->file, name, type, size, &na);
    void *y = read_all(b->file, name, type, size, &nb);
    int same = 1;
    if (!x && !y && strncmp(name, "/metrics/", 9) == 0 && strcmp(name, "/metrics/state_digest")) {
        /* A metric neither run writes (probes off, not an AIGC market). */
    } else if (!x || !y) {
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
    run_file a = {-1, NULL}, b = {-1, NULL};
    agora_status st = open_run(&a, a_path, err);
    if (st == AGORA_OK)
        st = open_run(&b, b_path, err);
    if (st != AGORA_OK) {
        if (a.file >= 0)
            H5Fclose(a.file);
        return st;
    }
    *same = compare(&a, &b, "/metrics/state_digest", H5T_NATIVE_UINT64, sizeof(uint64_t), out);
    for (int k = 0; k < METRIC_COUNT; k++) {
        char name[96];
        snprintf(name, sizeof name, "/metrics/%s", metric_table[k].name);
        *same &= compare(&a, &b, name, H5T_NATIVE_DOUBLE, sizeof(double), out);
    }
    if (*same)
        fprintf(out, "identical: every round's state digest and metrics agree\n");
    H5Fclose(a.file);
    H5Fclose(b.file);
    return AGORA_OK;
}
