/* Checking the files a run will write; see output_paths.h. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "output_paths.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collective.h"

/* The 8 bytes every HDF5 file agora writes starts with (no user block). */
static const unsigned char HDF5_SIGNATURE[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

/* An existing file under `path` may be replaced only when it is a regular
 * file, and for a final name (`hdf5` set) one holding HDF5 (a former output or
 * checkpoint: both appear only by renaming a complete file) or nothing. The
 * .partial and .tmp names are agora's own, and a killed run leaves them
 * unfinished, without a signature yet. */
static agora_status replaceable(const scenario *s, const char *key, const char *path, int hdf5,
                                agora_error *err)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return AGORA_OK; /* nothing there yet */
    const char *where = scenario_where(s, key);
    if (S_ISLNK(sb.st_mode) && stat(path, &sb) != 0)
        return AGORA_OK; /* a dangling link: renaming onto it replaces only the link */
    if (!S_ISREG(sb.st_mode))
        return agora_fail(err, AGORA_EINPUT,
                          "%s: %s: %s is not a regular file (a device, pipe or folder there "
                          "would be replaced)",
                          where, key, path);
    if (!hdf5 || sb.st_size == 0)
        return AGORA_OK;
    unsigned char head[sizeof HDF5_SIGNATURE] = {0};
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    if (got == sizeof head && memcmp(head, HDF5_SIGNATURE, sizeof head) == 0)
        return AGORA_OK;
    return agora_fail(err, AGORA_EINPUT,
                      "%s: %s: %s exists and is not an HDF5 file; a run would overwrite it",
                      where, key, path);
}

/* `path` with its folder resolved (./o.h5 and o.h5 agree); "" when the folder
 * cannot be resolved (check_output_dir in the loader reports that). */
static void canonical(const char *path, char *out, size_t size)
{
    char dir_copy[SCENARIO_PATH_MAX], base_copy[SCENARIO_PATH_MAX];
    snprintf(dir_copy, sizeof dir_copy, "%s", path);
    snprintf(base_copy, sizeof base_copy, "%s", path);
    char *dir = realpath(dirname(dir_copy), NULL);
    out[0] = '\0';
    if (dir)
        snprintf(out, size, "%s/%s", dir, basename(base_copy));
    free(dir);
}

/* The output is written as <path>.partial and the checkpoint as <path>.tmp,
 * then renamed: their folders must take a new file. */
static agora_status creatable(const scenario *s, const char *key, const char *tmp,
                              agora_error *err)
{
    struct stat sb;
    if (lstat(tmp, &sb) == 0)
        return AGORA_OK; /* replaceable() judged it */
    FILE *f = fopen(tmp, "wb");
    if (f) {
        fclose(f);
        remove(tmp);
        return AGORA_OK;
    }
    return agora_fail(err, AGORA_EINPUT, "%s: %s: cannot create '%s': %s", scenario_where(s, key),
                      key, tmp, strerror(errno));
}

static agora_status check_paths(const scenario *s, agora_error *err)
{
    char partial[SCENARIO_PATH_MAX + 16], tmp[SCENARIO_PATH_MAX + 16];
    snprintf(partial, sizeof partial, "%s.partial", s->output.path);
    snprintf(tmp, sizeof tmp, "%s.tmp", s->output.checkpoint);
    agora_status st = replaceable(s, "output.path", s->output.path, 1, err);
    if (st == AGORA_OK)
        st = replaceable(s, "output.path", partial, 0, err);
    if (st == AGORA_OK)
        st = replaceable(s, "output.checkpoint", s->output.checkpoint, 1, err);
    if (st == AGORA_OK)
        st = replaceable(s, "output.checkpoint", tmp, 0, err);
    if (st != AGORA_OK)
        return st;
    char out[2 * SCENARIO_PATH_MAX], ckpt[2 * SCENARIO_PATH_MAX], part[2 * SCENARIO_PATH_MAX];
    canonical(s->output.path, out, sizeof out);
    canonical(partial, part, sizeof part);
    canonical(s->output.checkpoint, ckpt, sizeof ckpt);
    if (ckpt[0] && (strcmp(ckpt, out) == 0 || strcmp(ckpt, part) == 0))
        return agora_fail(err, AGORA_EINPUT,
                          "%s: output.checkpoint: %s is the output file (%s) under another name",
                          scenario_where(s, "output.checkpoint"), s->output.checkpoint,
                          strcmp(ckpt, out) == 0 ? s->output.path : partial);
    st = creatable(s, "output.path", partial, err);
    return st == AGORA_OK ? creatable(s, "output.checkpoint", tmp, err) : st;
}

agora_status output_paths_check(const scenario *s, MPI_Comm comm, agora_error *err)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    agora_status st = rank == 0 ? check_paths(s, err) : AGORA_OK;
    return agree(st, err, comm);
}
