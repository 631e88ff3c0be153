/* A scenario: everything a run needs, read from a YAML file (libyaml), with
 * command-line overrides applied, every value checked and every default filled.
 * All ranks parse the same text, so they hold identical scenarios.
 * Every key is documented in scenarios/README.md. */
#ifndef AGORA_SCENARIO_H
#define AGORA_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "behaviour.h"
#include "status.h"

/* Largest population: agent ids travel as uint32. */
#define SCENARIO_MAX_AGENTS 4294967295ULL
#define SCENARIO_MAX_SLOTS 1024
#define SCENARIO_NAME_MAX 32
#define SCENARIO_PATH_MAX 4096
/* mechanism.name of AIGC markets: the round runs mechanisms/aigc instead of a
 * position pricing rule. */
#define AIGC_MECHANISM "aigc"

typedef enum {
    DIST_CONSTANT,  /* a */
    DIST_UNIFORM,   /* [a, b) : low, high */
    DIST_LOGNORMAL, /* exp(N(a, b^2)) : mu, sigma */
    DIST_LIST,      /* list[i] for agent i; n == population size */
    DIST_FILE       /* element i of an HDF5 dataset, read by agent i's owner only */
} dist_kind;

#define SCENARIO_DATASET_MAX 256

typedef struct {
    dist_kind kind;
    double a, b;
    double *list; /* DIST_LIST only (owned) */
    size_t n;
    char path[SCENARIO_PATH_MAX];       /* DIST_FILE only: the HDF5 file */
    char dataset[SCENARIO_DATASET_MAX]; /* DIST_FILE only: [agents] or [1, agents] numbers */
} scenario_dist;

typedef enum {
    CLICKS_EXPECTED,  /* payments and welfare use the CTR as expected clicks */
    CLICKS_BERNOULLI, /* one Bernoulli(ctr) draw per shown ad (all ctr <= 1) */
    CLICKS_POISSON    /* one Poisson(ctr) draw per shown ad */
} click_model;

typedef enum {
    PACING_NONE,
    PACING_MULTIPLIER, /* bid / (1 + mu), mu from the dual-gradient controller */
    PACING_THROTTLE    /* take part with probability p, p from its controller */
} pacing_kind;

typedef struct {
    char behaviour[SCENARIO_NAME_MAX]; /* name in the behaviour registry */
    double share;                      /* fraction of the population; shares sum to 1 */
    behaviour_params params;           /* the behaviour's keys, resolved */
    pacing_kind pacing;                /* budget pacing layered on the behaviour */
    double pacing_step;                /* controller step, per unit of relative spend error */
    double pacing_max;                 /* largest pacing multiplier mu */
} scenario_group;

typedef struct {
    char key[64];   /* dotted path, e.g. "population.agents" */
    char where[SCENARIO_PATH_MAX + 32]; /* "file:line:col" */
} scenario_loc;

/* A family other than position auctions (scenario_family.h). */
typedef struct scenario_family scenario_family;

typedef struct {
    char source[SCENARIO_PATH_MAX]; /* file name used in messages */

    /* `family:`; NULL for position auctions, the default, whose keys are the
     * population, market, mechanism and agents sections below. */
    const scenario_family *family;
    void *family_config; /* the family's own keys, resolved (owned) */

    uint64_t seed;
    uint64_t rounds;

    struct {
        uint64_t agents;
        scenario_dist value;  /* per-click value */
        int has_budget;
        scenario_dist budget; /* total budget over the run */
        int has_quality;       /* 0: every ad's quality is 1 */
        scenario_dist quality; /* ad quality (click propensity), > 0 */
    } population;

    struct {
        uint64_t auctions; /* auctions per round */
        uint64_t bidders;  /* distinct participants per auction; == agents for `all` */
        int bidders_all;
    } market;

    struct {
        char name[SCENARIO_NAME_MAX]; /* gsp | vcg | gfp (mechanism registry) */
        uint32_t slots;
        double ctr[SCENARIO_MAX_SLOTS]; /* expected clicks of slot s, non-increasing */
        double reserve;                 /* per-click reserve price (score units) */
        click_model clicks;
        int rank_by_score; /* rank by bid * quality (1) or by bid (0) */
        /* mechanism.name: aigc (ads inside generated content, mechanisms/aigc):
         * positions are the slots, ctr their position factors. */
        int aigc;
        char user_model[SCENARIO_NAME_MAX]; /* aigc model registry name */
        uint32_t max_shown;                 /* K: at most this many ads shown */
        double pair_noise;                  /* sigma of the lognormal pair noise */
        double continuation;                /* cascade: read on after no click */
        double *pair_ctr; /* explicit agents x slots matrix, or NULL (owned) */
        /* Or {dist: file, path, dataset} (kind DIST_FILE): an [agents, slots]
         * dataset whose rows their agents' owners read and answer beside each
         * bid; kind DIST_CONSTANT when not given. */
        scenario_dist pair_ctr_file;
    } mechanism;

    /* Mechanism-property probes (sim/probe.h); auctions == 0: off. */
    struct {
        uint64_t auctions; /* auctions probed per round, spread over global indices */
        uint32_t grid;     /* reports tried per participant: value * 2k / (grid - 1) */
    } probes;

    scenario_group *groups; /* owned */
    size_t n_groups;

    struct {
        char path[SCENARIO_PATH_MAX];
        uint64_t snapshot_every; /* 0: no agent snapshots */
        uint32_t fields;         /* position markets: the snapshot's agent fields (FIELD_BIT) */
        int compress;            /* gzip level 0..9 */
        char checkpoint[SCENARIO_PATH_MAX]; /* checkpoint file */
        uint64_t checkpoint_every;          /* rounds; 0: only when signalled */
    } output;

    scenario_loc *locs; /* where each key that was read came from (owned) */
    size_t n_locs;
} scenario;

/* Parses YAML text. `source` names the text in messages (the file path).
 * `overrides` are "dotted.key=value" strings (from --set, --seed, --out),
 * applied before validation; the value is read as a YAML flow node.
 * On failure fills err with one "file:line:col: key: reason" line. */
agora_status scenario_load_text(const char *text, size_t len, const char *source,
                                const char *const *overrides, size_t n_overrides,
                                scenario *out, agora_error *err);

/* Reads the whole file into a malloc'd, NUL-terminated buffer. */
agora_status scenario_read_file(const char *path, char **text, size_t *len, agora_error *err);

void scenario_free(scenario *s);

/* An input file a scenario names: its key (e.g. "population.value"), the
 * buffer holding its path, and for per-agent numbers in HDF5 their
 * distribution and count per agent (dist NULL for other files, e.g. a cloud
 * request trace). */
typedef struct {
    const char *key;
    char *path;
    const scenario_dist *dist;
    uint64_t width;
} scenario_input;

#define SCENARIO_MAX_INPUTS 8

/* The input files s names, in out; returns how many. */
size_t scenario_inputs(scenario *s, scenario_input out[SCENARIO_MAX_INPUTS]);

/* "file:line:col" of a key that was read (or the source name when unknown), for
 * errors found after loading, e.g. more ranks than agents. */
const char *scenario_where(const scenario *s, const char *key);

/* The resolved scenario as YAML text (every key, defaults filled); loading this
 * text again gives an identical scenario. malloc'd, NUL-terminated. */
char *scenario_to_yaml(const scenario *s);

#endif
