/* Simulation families other than position auctions (the built-in default):
 * facility location, cloud resource auctions, common-pool resources. A scenario
 * names one with the top-level key `family:`; the family then owns every
 * top-level key besides seed, rounds, family and output, reads them into its own
 * configuration (scenario.family_config), writes them back as YAML, and runs
 * (sim/family_run.h). Adding a family touches its own files and the table in
 * scenario_family.c (DESIGN.md, invariant 4). */
#ifndef AGORA_SCENARIO_FAMILY_H
#define AGORA_SCENARIO_FAMILY_H

#include <stddef.h>

#include "scenario_read.h"
#include "scenario_text.h"

struct scenario_family {
    const char *name; /* the value of `family:` */
    /* Its top-level keys (NULL-terminated), besides seed, rounds, family, output. */
    const char *const *keys;
    /* Reads its keys from the scenario's root mapping into a malloc'd config; on
     * failure frees what it made and fails through fail_at (one line). */
    agora_status (*read)(loader *L, const yt_node *root, void **config);
    /* Its keys, every default filled, as YAML that reads back to the same config. */
    void (*emit)(text_buf *t, const void *config);
    void (*free_config)(void *config);
    /* Entities that ranks split (agents, instances, pools): more ranks than this
     * is refused before the run with a line naming `count_key`. */
    unsigned long long (*partitioned)(const void *config);
    const char *count_key;
    /* Optional: the key of the partitioned count when it depends on the config
     * (e.g. pools or harvesters); overrides count_key when set. */
    const char *(*count_key_of)(const void *config);
    /* Optional: the buffer holding the path of the one input file the config
     * names, and its key in *key; NULL when it names none. */
    char *(*input_path)(void *config, const char **key);
};

/* The registered families, by name or index (NULL past the end). */
const scenario_family *scenario_family_find(const char *name);
const scenario_family *scenario_family_at(size_t i);

#endif
