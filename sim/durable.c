/* Durable rename; see durable.h. */
#include "durable.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int durable_rename(const char *from, const char *to)
{
    if (sync_path(from, O_RDONLY) != 0 || rename(from, to) != 0)
        return -1;
    char dir[4096];
    const char *slash = strrchr(to, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == to ? 1 : (int)(slash - to), to);
    /* Some filesystems cannot sync a directory; the rename itself has happened. */
    sync_path(dir, O_RDONLY | O_DIRECTORY);
    return 0;
}
