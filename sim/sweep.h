/* `agora sweep`: turns one scenario and a few `--vary key=v1,v2,...` lists into a
 * directory of independent runs (the cartesian product of the lists, times a number
 * of replicates), each a fully resolved scenario file, plus a manifest that a job
 * array or scripts/sweep-run.sh walks. It also reports how far a sweep has got.
 *
 * No MPI here: a sweep is generated and inspected by a plain process, typically on
 * a login node. The manifest format and the seed rule are documented in
 * docs/sweeps.md; keep that page and this file in step. */
#ifndef AGORA_SWEEP_H
#define AGORA_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define SWEEP_MAX_AXES 32
/* Far beyond any job array a scheduler accepts; a typo such as 1e9 replicates is
 * refused before millions of files are written. */
#define SWEEP_MAX_RUNS 1000000

/* One --vary option: a dotted scenario key and the values it takes, in order.
 * Each value is a YAML flow value, read exactly as `agora run --set` reads it. */
typedef struct {
    char *key;
    char **values;
    size_t n_values;
} sweep_axis;

typedef struct {
    const char *scenario_path;
    const char *dir;
    sweep_axis axes[SWEEP_MAX_AXES];
    size_t n_axes;
    uint64_t replicates; /* >= 1 */
} sweep_spec;

typedef enum { SWEEP_DONE, SWEEP_FAILED, SWEEP_PARTIAL, SWEEP_PENDING, SWEEP_STATES } sweep_state;

extern const char *const sweep_state_names[SWEEP_STATES];

/* The seed of replicate r: the (r+1)-th output of SplitMix64 seeded with `master`
 * (the scenario's seed). It does not depend on the configuration, so replicate r
 * of every configuration sees the same random numbers (common random numbers). */
uint64_t sweep_seed(uint64_t master, uint64_t replicate);

/* Parses "key=v1,v2,..." and appends it to spec. Commas inside [], {} or quotes
 * do not split, so `mechanism.ctr=[0.3,0.2],[0.5]` gives two lists. */
agora_status sweep_add_axis(sweep_spec *spec, const char *arg, agora_error *err);
void sweep_spec_free(sweep_spec *spec);

/* Number of runs: the product of the axes' lengths times the replicates. */
agora_status sweep_count(const sweep_spec *spec, size_t *runs, agora_error *err);

/* Run `run` (0-based) in manifest order: the first --vary changes slowest, the
 * replicate fastest. choice[k] is the index into axes[k].values. */
void sweep_locate(const sweep_spec *spec, size_t run, size_t *choice, uint64_t *replicate);

/* "r0007": zero-padded to at least 4 digits, and to the width of the last run's. */
void sweep_id(size_t run, size_t runs, char *buf, size_t size);

/* The manifest text (header and one line per run) for the given master seed. */
char *sweep_manifest_text(const sweep_spec *spec, uint64_t master);

/* Writes DIR/runs/<id>.yaml for every run, then DIR/manifest.tsv. Every run is
 * loaded (validated) before anything is written. When DIR already holds the same
 * sweep, writes nothing and sets *existed; a different sweep there is refused. */
agora_status sweep_create(const sweep_spec *spec, int *existed, size_t *runs, agora_error *err);

/* The run ids listed in DIR/manifest.tsv (malloc'd array of malloc'd strings). */
agora_status sweep_read_ids(const char *dir, char ***ids, size_t *n, agora_error *err);
void sweep_free_ids(char **ids, size_t n);

/* The state of one run, from the files next to its scenario in DIR/runs. For a
 * failed run, *exit_code is the code the runner recorded (-1 when unreadable). */
sweep_state sweep_classify(const char *dir, const char *id, int *exit_code);

/* `agora sweep ...`; argv[1] is "sweep". Returns the process exit code. */
int sweep_main(int argc, char **argv);

#endif
