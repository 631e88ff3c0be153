/* Scalar HDF5 attributes, written and read the same way by the run output and
 * the checkpoints: variable-length UTF-8 strings and native numbers. Collective
 * under parallel HDF5 (every rank passes the same value). */
#ifndef AGORA_H5_ATTR_H
#define AGORA_H5_ATTR_H

#include <hdf5.h>
#include <stdint.h>

herr_t h5_put_string(hid_t obj, const char *name, const char *value);
/* `type` is the native memory type of *value; the file type matches it. */
herr_t h5_put_number(hid_t obj, const char *name, hid_t type, const void *value);
/* Writes a uint64 attribute, creating it or overwriting the one there. */
herr_t h5_set_u64(hid_t obj, const char *name, uint64_t value);
/* A malloc'd copy of a string attribute, or NULL when absent or unreadable. */
char *h5_get_string(hid_t obj, const char *name);
/* 0 on success, -1 when absent or unreadable. */
int h5_get_u64(hid_t obj, const char *name, uint64_t *out);

#endif
