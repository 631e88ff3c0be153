/* The building blocks of scenario readers (scenario_read.c), for the loader of
 * every family. A reader takes one key with take_key/take_optional (which marks
 * it read and records where it came from), checks its type and range, and on
 * failure returns fail_at's one "file:line:col: dotted.key: reason" line.
 * Check a mapping's keys with check_keys before reading its values, so that a
 * misspelt key is reported as unknown (with a guess) rather than as missing. */
#ifndef AGORA_SCENARIO_READ_H
#define AGORA_SCENARIO_READ_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "yaml_tree.h"

#define KEY_MAX 256 /* longest dotted key path */

typedef struct {
    scenario *s;
    agora_error *err;
    size_t loc_cap;
} loader;

typedef enum { MIN_NONNEG, MIN_POSITIVE } lower_bound;

agora_status fail_at(loader *L, const yt_node *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
agora_status loader_oom(loader *L);
agora_status missing_key(loader *L, const yt_node *map, const char *key, const char *hint);
void join_names(char *buf, size_t size, const char *const *names);
int in_list(const char *name, const char *const *list);

/* The value under `name` in map (NULL when absent); `key` is its dotted path. */
const yt_node *take_key(loader *L, const yt_node *map, const char *name, const char *key,
                        agora_status *st);
/* Like take_key; an empty value (`key:` or `~`) counts as absent. */
const yt_node *take_optional(loader *L, const yt_node *map, const char *name, const char *key,
                             agora_status *st);
agora_status record_loc(loader *L, const char *key, const yt_node *value);
agora_status check_keys(loader *L, const yt_node *map, const char *parent,
                        const char *const *allowed, const char *hint);
agora_status check_unused(loader *L, const yt_node *n, const char *path);
agora_status expect_map(loader *L, const yt_node *n, const char *key);

/* A finite number. */
agora_status read_real(loader *L, const yt_node *n, const char *key, double *out);
/* A whole number in [lo, hi] (1e6 counts). */
agora_status read_count(loader *L, const yt_node *n, const char *key, uint64_t lo, uint64_t hi,
                        uint64_t *out);
/* The same, the refusal saying what hi is or what else the key takes
 * (`hint`, after the range: " (the agents), or all"). */
agora_status read_count_hinted(loader *L, const yt_node *n, const char *key, uint64_t lo,
                               uint64_t hi, const char *hint, uint64_t *out);
agora_status read_string(loader *L, const yt_node *n, const char *key, char *buf, size_t size);
/* One of `names` (NULL-terminated); *which is its index. */
agora_status read_choice(loader *L, const yt_node *n, const char *key, const char *what,
                         const char *const *names, size_t *which);
/* true/false; returns 0 when n is not a boolean. */
int read_bool_text(const yt_node *n, int *out);
agora_status check_bound(loader *L, const yt_node *n, const char *key, double v,
                         lower_bound lb);
/* lognormal(mu, sigma) whose every draw is a finite positive number: the
 * normal draws of sim/rng.c stay within 8.58 standard deviations (the log of
 * their smallest uniform, 2^-53), so |mu| + 8.58 sigma <= 700 keeps exp away
 * from overflow (709.8) and from vanishing. `n` is the mu node, `key` its key. */
agora_status check_lognormal(loader *L, const yt_node *n, const char *key, double mu,
                             double sigma);
/* A non-empty list of finite numbers each bounded below; malloc'd into *out. */
agora_status read_number_list(loader *L, const yt_node *n, const char *key, lower_bound lb,
                              double **out, size_t *count);
/* The required number map[name]; `parent` is the map's dotted path. */
agora_status read_param(loader *L, const yt_node *map, const char *name, const char *parent,
                        double *out);
/* True when n is a plain scalar that reads as a number (.inf and .nan included). */
int is_number_node(const yt_node *n);

#endif
