/* Scalar HDF5 attributes; see h5_attr.h. */
#include "h5_attr.h"

#include <stdlib.h>
#include <string.h>

static hid_t string_type(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    return type;
}

herr_t h5_put_string(hid_t obj, const char *name, const char *value)
{
    hid_t type = string_type();
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, type, &value);
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    return rc;
}

herr_t h5_put_number(hid_t obj, const char *name, hid_t type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, type, value);
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    return rc;
}

herr_t h5_set_u64(hid_t obj, const char *name, uint64_t value)
{
    htri_t there = H5Aexists(obj, name);
    if (there < 0)
        return -1;
    if (!there)
        return h5_put_number(obj, name, H5T_NATIVE_UINT64, &value);
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_UINT64, &value);
    if (attr >= 0)
        H5Aclose(attr);
    return rc;
}

char *h5_get_string(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return NULL;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t type = string_type();
    char *value = NULL, *copy = NULL;
    if (attr >= 0 && H5Aread(attr, type, &value) >= 0 && value) {
        copy = strdup(value);
        H5free_memory(value);
    }
    H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
    return copy;
}

int h5_get_u64(hid_t obj, const char *name, uint64_t *out)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Aread(attr, H5T_NATIVE_UINT64, out);
    if (attr >= 0)
        H5Aclose(attr);
    return rc < 0 ? -1 : 0;
}
