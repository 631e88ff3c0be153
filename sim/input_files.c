/* Checking the input files a scenario names; see input_files.h. */
#include "input_files.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cloud_config.h"
#include "dist_file.h"
#include "scenario_family.h"

agora_status input_file_readable(const scenario *s, const char *key, const char *path,
                                 agora_error *err)
{
    if (access(path, R_OK) == 0)
        return AGORA_OK;
    return agora_fail(err, AGORA_EINPUT, "%s: %s: cannot read %s: %s", scenario_where(s, key), key,
                      path, strerror(errno));
}

/* A per-agent dataset's file, dataset and shape, read without its numbers. */
static agora_status dataset_check(const scenario *s, const char *key, const scenario_dist *d,
                                  uint64_t width, agora_error *err)
{
    if (d->kind != DIST_FILE)
        return AGORA_OK;
    return dist_file_read_rows(s, key, d, width, 0, 0, NULL, err);
}

agora_status input_files_check(const scenario *s, agora_error *err)
{
    if (s->family) {
        /* Of the other families only cloud reads a file (its request trace). */
        const cloud_config *c = s->family_config;
        if (strcmp(s->family->name, "cloud") == 0 && c->trace[0])
            return input_file_readable(s, "requests.trace", c->trace, err);
        return AGORA_OK;
    }
    agora_status st = dataset_check(s, "population.value", &s->population.value, 1, err);
    if (st == AGORA_OK && s->population.has_budget)
        st = dataset_check(s, "population.budget", &s->population.budget, 1, err);
    if (st == AGORA_OK && s->population.has_quality)
        st = dataset_check(s, "population.quality", &s->population.quality, 1, err);
    if (st == AGORA_OK)
        st = dataset_check(s, "mechanism.pair_ctr", &s->mechanism.pair_ctr_file,
                           s->mechanism.slots, err);
    return st;
}
