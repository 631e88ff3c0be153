/* Reading a rank's slice of a per-agent dataset; see dist_file.h. */
#include "dist_file.h"

#include <errno.h>
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Why `path` cannot be opened as HDF5: the system's reason when it cannot even
 * be read, else that it is not HDF5. */
static agora_status open_failed(const scenario_dist *d, const char *where, const char *key,
                                agora_error *err)
{
    if (access(d->path, R_OK) != 0)
        return agora_fail(err, AGORA_EINPUT, "%s: %s.path: cannot read %s: %s", where, key,
                          d->path, strerror(errno));
    return agora_fail(err, AGORA_EINPUT, "%s: %s.path: %s is not an HDF5 file, or truncated",
                      where, key, d->path);
}

/* The count of agents the dataset's shape holds: n for [n, width] (a row per
 * agent: *by_row set), and with one number each (width 1) also for [n] and
 * [1, n]; 0 for any other shape. */
static uint64_t agents_held(hid_t space, uint64_t width, int *by_row, char *shape, size_t size)
{
    hsize_t dims[H5S_MAX_RANK];
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    int used = snprintf(shape, size, "[");
    for (int i = 0; i < rank && used > 0 && (size_t)used < size; i++)
        used += snprintf(shape + used, size - (size_t)used, i ? ", %llu" : "%llu",
                         (unsigned long long)dims[i]);
    if (used > 0 && (size_t)used < size)
        snprintf(shape + used, size - (size_t)used, "]");
    *by_row = 0;
    if (rank == 1)
        return width == 1 ? dims[0] : 0;
    if (rank != 2)
        return 0;
    if (width == 1 && dims[0] == 1)
        return dims[1];
    *by_row = 1;
    return dims[1] == width ? dims[0] : 0;
}

/* What the shape should have been, e.g. "[1000, 5]" for rows of 5. */
static void shape_wanted(uint64_t agents, uint64_t width, char *out, size_t size)
{
    unsigned long long a = agents, w = width;
    if (width > 1)
        snprintf(out, size, "[%llu, %llu]", a, w);
    else
        snprintf(out, size, "[%llu], [1, %llu] or [%llu, 1]", a, a, a);
}

static agora_status read_slice(hid_t ds, const scenario_dist *d, const char *where,
                               const char *key, uint64_t agents, uint64_t width, uint64_t first,
                               uint64_t n, double *out, agora_error *err)
{
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    H5T_class_t cls = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
    char shape[128] = "[]", wanted[96];
    int by_row = 0;
    uint64_t held = space < 0 ? 0 : agents_held(space, width, &by_row, shape, sizeof shape);
    agora_status st = AGORA_OK;
    shape_wanted(agents, width, wanted, sizeof wanted);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        st = agora_fail(err, AGORA_EINPUT, "%s: %s.dataset: '%s' in %s holds no numbers", where,
                        key, d->dataset, d->path);
    else if (held != agents)
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: %s.dataset: '%s' in %s has shape %s but there are %llu agents "
                        "(give %s)",
                        where, key, d->dataset, d->path, shape, (unsigned long long)agents,
                        wanted);
    if (st == AGORA_OK && n > 0) {
        int rank = H5Sget_simple_extent_ndims(space);
        /* [n] and [1, n]: the slice runs along the last axis; by row, along the first. */
        hsize_t start[2] = {0, first}, count[2] = {1, n}, mcount = n * width;
        if (by_row) {
            start[0] = first, start[1] = 0;
            count[0] = n, count[1] = width;
        }
        hid_t mem = H5Screate_simple(1, &mcount, NULL);
        herr_t rc = H5Sselect_hyperslab(space, H5S_SELECT_SET, start + (2 - rank), NULL,
                                        count + (2 - rank), NULL);
        if (rc < 0 || H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, out) < 0)
            st = agora_fail(err, AGORA_EINPUT, "%s: %s.dataset: cannot read '%s' in %s", where,
                            key, d->dataset, d->path);
        H5Sclose(mem);
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return st;
}

/* Where the scenario gives key.sub, or key itself where sub took its default. */
static const char *where_of(const scenario *s, const char *key, const char *sub, char *buf,
                            size_t size)
{
    snprintf(buf, size, "%s.%s", key, sub);
    const char *w = scenario_where(s, buf);
    return w == s->source ? scenario_where(s, key) : w;
}

agora_status dist_file_read(const scenario *s, const char *key, const scenario_dist *d,
                            uint64_t first, uint64_t n, double *out, agora_error *err)
{
    return dist_file_read_rows(s, key, d, 1, first, n, out, err);
}

agora_status dist_file_read_rows(const scenario *s, const char *key, const scenario_dist *d,
                                 uint64_t width, uint64_t first, uint64_t n, double *out,
                                 agora_error *err)
{
    char buf[96];
    uint64_t agents = s->population.agents;
    hid_t f = H5Fopen(d->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return open_failed(d, where_of(s, key, "path", buf, sizeof buf), key, err);
    const char *where = where_of(s, key, "dataset", buf, sizeof buf);
    agora_status st;
    /* Any failure to open it (a missing group on the way included) means
     * there is no such dataset. */
    hid_t ds = H5Dopen2(f, d->dataset, H5P_DEFAULT);
    if (ds < 0) {
        st = agora_fail(err, AGORA_EINPUT, "%s: %s.dataset: %s has no dataset '%s'", where, key,
                        d->path, d->dataset);
    } else {
        st = read_slice(ds, d, where, key, agents, width, first, n, out, err);
        H5Dclose(ds);
    }
    H5Fclose(f);
    return st;
}
