/* The cause of a failed write; see io_cause.h. */
#include "io_cause.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* A file system with less room than this is taken as full: a failed write of
 * a chunk (1 MiB) means no room for the chunk, not for a byte. */
#define NEARLY_FULL_BYTES (4.0 * 1024 * 1024)

static void directory_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

const char *io_cause(const char *path, char *buf, size_t size)
{
    char dir[4096];
    struct statvfs fs;
    buf[0] = '\0';
    directory_of(path, dir, sizeof dir);
    if (statvfs(dir, &fs) != 0)
        return buf;
    if (fs.f_flag & ST_RDONLY)
        snprintf(buf, size, ": the file system is read-only");
    else if ((double)fs.f_bavail * (double)fs.f_frsize < NEARLY_FULL_BYTES)
        snprintf(buf, size, ": no space left on device (%.0f KiB free)",
                 (double)fs.f_bavail * (double)fs.f_frsize / 1024.0);
    else if (access(dir, W_OK) != 0)
        snprintf(buf, size, ": the directory is not writable");
    return buf;
}

double io_room(const char *path)
{
    char dir[4096];
    struct statvfs fs;
    directory_of(path, dir, sizeof dir);
    if (statvfs(dir, &fs) != 0)
        return -1.0;
    return (double)fs.f_bavail * (double)fs.f_frsize;
}
