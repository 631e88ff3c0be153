/* Checking the input files a scenario names; see input_files.h. */
#include "input_files.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dist_file.h"

agora_status input_file_readable(const scenario *s, const char *key, const char *path,
                                 agora_error *err)
{
    struct stat sb;
    if (access(path, R_OK) != 0)
        return agora_fail(err, AGORA_EINPUT, "%s: %s: cannot read %s: %s", scenario_where(s, key),
                          key, path, strerror(errno));
    if (stat(path, &sb) != 0 || S_ISDIR(sb.st_mode))
        return agora_fail(err, AGORA_EINPUT, "%s: %s: %s is a directory; name a file in it",
                          scenario_where(s, key), key, path);
    return AGORA_OK;
}

agora_status input_files_check(scenario *s, agora_error *err)
{
    scenario_input in[SCENARIO_MAX_INPUTS];
    size_t n = scenario_inputs(s, in);
    agora_status st = AGORA_OK;
    for (size_t k = 0; k < n && st == AGORA_OK; k++)
        /* Per-agent numbers: file, dataset and shape, read without the numbers. */
        st = in[k].dist ? dist_file_read_rows(s, in[k].key, in[k].dist, in[k].width, 0, 0, NULL, err)
                        : input_file_readable(s, in[k].key, in[k].path, err);
    return st;
}
