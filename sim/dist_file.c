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

/* The count of numbers the dataset's shape holds as a row, or 0 when it is not
 * [n] or [1, n]. */
static uint64_t row_length(hid_t space, char *shape, size_t size)
{
    hsize_t dims[H5S_MAX_RANK];
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    int used = snprintf(shape, size, "[");
    for (int i = 0; i < rank && used > 0 && (size_t)used < size; i++)
        used += snprintf(shape + used, size - (size_t)used, i ? ", %llu" : "%llu",
                         (unsigned long long)dims[i]);
    if (used > 0 && (size_t)used < size)
        snprintf(shape + used, size - (size_t)used, "]");
    if (rank == 1)
        return dims[0];
    return rank == 2 && dims[0] == 1 ? dims[1] : 0;
}

static agora_status read_slice(hid_t ds, const scenario_dist *d, const char *where,
                               const char *key, uint64_t agents, uint64_t first, uint64_t n,
                               double *out, agora_error *err)
{
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    H5T_class_t cls = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
    char shape[128] = "[]";
    uint64_t length = space < 0 ? 0 : row_length(space, shape, sizeof shape);
    agora_status st = AGORA_OK;
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        st = agora_fail(err, AGORA_EINPUT, "%s: %s.dataset: '%s' in %s holds no numbers", where,
                        key, d->dataset, d->path);
    else if (length != agents)
        st = agora_fail(err, AGORA_EINPUT,
                        "%s: %s.dataset: '%s' in %s has shape %s but there are %llu agents "
                        "(give [%llu] or [1, %llu])",
                        where, key, d->dataset, d->path, shape, (unsigned long long)agents,
                        (unsigned long long)agents, (unsigned long long)agents);
    if (st == AGORA_OK && n > 0) {
        int rank = H5Sget_simple_extent_ndims(space);
        hsize_t start[2] = {0, first}, count[2] = {1, n}, mcount = n;
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
        st = read_slice(ds, d, where, key, agents, first, n, out, err);
        H5Dclose(ds);
    }
    H5Fclose(f);
    return st;
}
