/* Why a write failed, in words a user can act on. HDF5 reports only that a
 * write or close failed; the usual causes (a full or read-only file system,
 * a quota) are visible from the file system itself, so they are asked there. */
#ifndef AGORA_IO_CAUSE_H
#define AGORA_IO_CAUSE_H

#include <stddef.h>

/* Writes ": <cause>" for a failed write to `path` into buf (or "" when no
 * cause can be seen) and returns buf. */
const char *io_cause(const char *path, char *buf, size_t size);

/* Bytes a new file beside `path` may still take on its file system, or -1
 * when the file system cannot be asked. */
double io_room(const char *path);

#endif
