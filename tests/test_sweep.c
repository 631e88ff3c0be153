/* Unit tests of `agora sweep` (sim/sweep.c): seed derivation, --vary parsing, the
 * order of the cartesian product, ids, the manifest, creating a sweep directory
 * (and refusing to regenerate a different one), and classifying runs' states.
 * No MPI: a sweep is made by a plain process. */
/* realpath() and nftw() are XSI functions: POSIX 2008 alone does not declare them. */
#define _XOPEN_SOURCE 700

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"
#include "sweep.h"

static const char SCENARIO[] = "seed: 99\n"
                               "rounds: 5\n"
                               "population: {agents: 50, value: 1}\n"
                               "market: {auctions: 10, bidders: 4}\n"
                               "mechanism: {name: gsp, ctr: [0.3, 0.2]}\n";

/* ---- helpers -------------------------------------------------------------------------- */

static char *temp_dir(void)
{
    char *t = strdup("sweep-test-XXXXXX");
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(mkdtemp(t));
    return t;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* rm -rf of a test's scratch directory (frees the name). */
static void remove_tree(char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A spec over `scenario_path` with the given --vary arguments. */
static void make_spec(sweep_spec *spec, const char *scenario_path, const char *dir,
                      uint64_t replicates, const char *const *vary, size_t n)
{
    agora_error err = {{0}};
    memset(spec, 0, sizeof *spec);
    spec->scenario_path = scenario_path;
    spec->dir = dir;
    spec->replicates = replicates;
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(sweep_add_axis(spec, vary[i], &err) == AGORA_OK, "%s", err.msg);
}

/* ---- seeds -------------------------------------------------------------------------------- */

/* The reference outputs of Vigna's splitmix64.c seeded with 1234567. */
START_TEST(test_seed_is_splitmix64)
{
    static const uint64_t want[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
    for (uint64_t r = 0; r < 5; r++)
        ck_assert_uint_eq(sweep_seed(1234567, r), want[r]);
    ck_assert_uint_eq(sweep_seed(0, 0), 0xe220a8397b1dcdafULL);
}
END_TEST

START_TEST(test_seeds_distinct)
{
    for (uint64_t a = 0; a < 200; a++)
        for (uint64_t b = a + 1; b < 200; b++)
            ck_assert_uint_ne(sweep_seed(42, a), sweep_seed(42, b));
    ck_assert_uint_ne(sweep_seed(42, 0), sweep_seed(43, 0));
}
END_TEST

/* ---- --vary --------------------------------------------------------------------------------- */

START_TEST(test_vary_splits_top_level_commas)
{
    sweep_spec spec;
    const char *vary[] = {"mechanism.ctr=[0.3,0.2],[0.5, 0.1],{first: 1, decay: 0.5}",
                          "output.compress='a,b',\"c,\\\"d\",3", "population.budget=,5"};
    make_spec(&spec, "x.yaml", "d", 1, vary, 3);
    ck_assert_uint_eq(spec.n_axes, 3);
    ck_assert_str_eq(spec.axes[0].key, "mechanism.ctr");
    ck_assert_uint_eq(spec.axes[0].n_values, 3);
    ck_assert_str_eq(spec.axes[0].values[0], "[0.3,0.2]");
    ck_assert_str_eq(spec.axes[0].values[1], "[0.5, 0.1]");
    ck_assert_str_eq(spec.axes[0].values[2], "{first: 1, decay: 0.5}");
    ck_assert_uint_eq(spec.axes[1].n_values, 3);
    ck_assert_str_eq(spec.axes[1].values[0], "'a,b'");
    ck_assert_str_eq(spec.axes[1].values[1], "\"c,\\\"d\"");
    ck_assert_str_eq(spec.axes[1].values[2], "3");
    /* An empty value removes the key, as with --set. */
    ck_assert_uint_eq(spec.axes[2].n_values, 2);
    ck_assert_str_eq(spec.axes[2].values[0], "");
    ck_assert_str_eq(spec.axes[2].values[1], "5");
    sweep_spec_free(&spec);
}
END_TEST

START_TEST(test_vary_refusals)
{
    static const struct {
        const char *arg, *msg;
    } bad[] = {
        {"rounds", "--vary rounds: expected key=v1,v2,..."},
        {"=1,2", "--vary: expected key=v1,v2,... (e.g. --vary mechanism.name=gsp,vcg)"},
        {"seed=1,2", "--vary seed: the sweep sets seed for every run itself"},
        {"output.path=a.h5", "--vary output.path: the sweep sets output.path"},
        {"output.checkpoint=a.h5", "--vary output.checkpoint: the sweep sets"},
        {"mechanism.name=gsp,vcg,gsp", "--vary mechanism.name: value 'gsp' given twice"},
        {"mechanism.name=g\tsp", "--vary mechanism.name=g\tsp: tabs and newlines are not allowed"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sweep_spec spec = {.replicates = 1};
        agora_error err = {{0}};
        ck_assert_int_eq(sweep_add_axis(&spec, bad[i].arg, &err), AGORA_EINPUT);
        ck_assert_msg(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0, "%s: got '%s'",
                      bad[i].arg, err.msg);
        sweep_spec_free(&spec);
    }
    sweep_spec spec = {.replicates = 1};
    agora_error err = {{0}};
    ck_assert_int_eq(sweep_add_axis(&spec, "rounds=1,2", &err), AGORA_OK);
    ck_assert_int_eq(sweep_add_axis(&spec, "rounds=3", &err), AGORA_EINPUT);
    ck_assert_str_eq(err.msg, "--vary rounds: key given twice");
    sweep_spec_free(&spec);
}
END_TEST

/* ---- order, ids, manifest ------------------------------------------------------------------ */

START_TEST(test_count_and_order)
{
    sweep_spec spec;
    const char *vary[] = {"mechanism.name=gsp,vcg", "rounds=1,2,3"};
    make_spec(&spec, "x.yaml", "d", 2, vary, 2);
    size_t runs;
    agora_error err;
    ck_assert_int_eq(sweep_count(&spec, &runs, &err), AGORA_OK);
    ck_assert_uint_eq(runs, 12);
    /* First --vary slowest, replicate fastest. */
    size_t choice[2];
    uint64_t rep;
    for (size_t r = 0; r < runs; r++) {
        sweep_locate(&spec, r, choice, &rep);
        ck_assert_uint_eq(rep, r % 2);
        ck_assert_uint_eq(choice[1], (r / 2) % 3);
        ck_assert_uint_eq(choice[0], r / 6);
    }
    spec.replicates = 0;
    ck_assert_int_eq(sweep_count(&spec, &runs, &err), AGORA_EINPUT);
    spec.replicates = SWEEP_MAX_RUNS;
    ck_assert_int_eq(sweep_count(&spec, &runs, &err), AGORA_EINPUT);
    ck_assert_str_eq(err.msg, "agora sweep: more than 1000000 runs");
    sweep_spec_free(&spec);
}
END_TEST

START_TEST(test_ids)
{
    char id[32];
    sweep_id(7, 10, id, sizeof id);
    ck_assert_str_eq(id, "r0007");
    sweep_id(9999, 10000, id, sizeof id);
    ck_assert_str_eq(id, "r9999");
    sweep_id(3, 10001, id, sizeof id);
    ck_assert_str_eq(id, "r00003");
    sweep_id(999999, 1000000, id, sizeof id);
    ck_assert_str_eq(id, "r999999");
}
END_TEST

START_TEST(test_manifest_text)
{
    sweep_spec spec;
    const char *vary[] = {"mechanism.name=gsp,vcg", "population.agents=1e5"};
    make_spec(&spec, "x.yaml", "d", 2, vary, 2);
    char *m = sweep_manifest_text(&spec, 1234567);
    char want[1024];
    snprintf(want, sizeof want,
             "id\tseed\toverrides\n"
             "r0000\t%llu\tmechanism.name=gsp population.agents=1e5\n"
             "r0001\t%llu\tmechanism.name=gsp population.agents=1e5\n"
             "r0002\t%llu\tmechanism.name=vcg population.agents=1e5\n"
             "r0003\t%llu\tmechanism.name=vcg population.agents=1e5\n",
             6457827717110365317ULL, 3203168211198807973ULL, 6457827717110365317ULL,
             3203168211198807973ULL);
    ck_assert_str_eq(m, want);
    free(m);
    sweep_spec_free(&spec);
    /* No --vary: replicates only, an empty overrides column. */
    make_spec(&spec, "x.yaml", "d", 1, NULL, 0);
    m = sweep_manifest_text(&spec, 1234567);
    ck_assert_str_eq(m, "id\tseed\toverrides\nr0000\t6457827717110365317\t\n");
    free(m);
}
END_TEST

/* ---- creating a sweep ---------------------------------------------------------------------- */

START_TEST(test_create_writes_runs)
{
    char *t = temp_dir(), *scen = join(t, "s.yaml"), *dir = join(t, "out/sweep");
    write_text(scen, SCENARIO);
    sweep_spec spec;
    const char *vary[] = {"mechanism.name=gsp,vcg"};
    make_spec(&spec, scen, dir, 2, vary, 1);
    agora_error err = {{0}};
    int existed = -1;
    size_t runs = 0;
    ck_assert_msg(sweep_create(&spec, &existed, &runs, &err) == AGORA_OK, "%s", err.msg);
    ck_assert_int_eq(existed, 0);
    ck_assert_uint_eq(runs, 4);

    char *mpath = join(dir, "manifest.tsv"), *manifest = read_text(mpath);
    char *want = sweep_manifest_text(&spec, 99);
    ck_assert_str_eq(manifest, want);

    /* Run r0002: vcg, replicate 0, its seed, and its output under DIR/runs. */
    char *ypath = join(dir, "runs/r0002.yaml"), *yaml = read_text(ypath);
    ck_assert_ptr_nonnull(yaml);
    scenario s;
    ck_assert_msg(scenario_load_text(yaml, strlen(yaml), ypath, NULL, 0, &s, &err) == AGORA_OK,
                  "%s", err.msg);
    ck_assert_str_eq(s.mechanism.name, "vcg");
    ck_assert_uint_eq(s.seed, sweep_seed(99, 0));
    ck_assert_uint_eq(s.rounds, 5);
    char *real = realpath(dir, NULL), *out = join(real, "runs/r0002.h5");
    ck_assert_str_eq(s.output.path, out);
    scenario_free(&s);

    free(real);
    free(out);
    free(yaml);
    free(ypath);
    free(want);
    free(manifest);
    free(mpath);
    sweep_spec_free(&spec);
    free(dir);
    free(scen);
    remove_tree(t);
}
END_TEST

/* Input files named relative to where the sweep is made are written absolute
 * into each run's scenario, so a job that starts elsewhere finds them; an
 * absolute one stays as it was. */
START_TEST(test_create_makes_inputs_absolute)
{
    char *t = temp_dir(), *scen = join(t, "s.yaml"), *dir = join(t, "sweep");
    write_text(scen, "seed: 1\nrounds: 2\n"
                     "population: {agents: 50, value: {dist: file, path: in/v.h5},\n"
                     "  budget: {dist: file, path: /data/b.h5}}\n"
                     "market: {auctions: 10, bidders: 4}\n"
                     "mechanism: {name: gsp, ctr: [0.3, 0.2]}\n");
    sweep_spec spec;
    const char *vary[] = {"mechanism.name=gsp"};
    make_spec(&spec, scen, dir, 1, vary, 1);
    agora_error err = {{0}};
    int existed = -1;
    size_t runs = 0;
    ck_assert_msg(sweep_create(&spec, &existed, &runs, &err) == AGORA_OK, "%s", err.msg);
    char *ypath = join(dir, "runs/r0000.yaml"), *yaml = read_text(ypath);
    ck_assert_ptr_nonnull(yaml);
    scenario s;
    ck_assert_msg(scenario_load_text(yaml, strlen(yaml), ypath, NULL, 0, &s, &err) == AGORA_OK,
                  "%s", err.msg);
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    char *want = join(cwd, "in/v.h5");
    ck_assert_str_eq(s.population.value.path, want);
    ck_assert_str_eq(s.population.budget.path, "/data/b.h5");
    scenario_free(&s);
    free(want);
    free(yaml);
    free(ypath);
    sweep_spec_free(&spec);
    free(dir);
    free(scen);
    remove_tree(t);
}
END_TEST

START_TEST(test_create_is_idempotent_and_refuses_another)
{
    char *t = temp_dir(), *scen = join(t, "s.yaml"), *dir = join(t, "sw");
    write_text(scen, SCENARIO);
    sweep_spec spec;
    const char *vary[] = {"mechanism.name=gsp,vcg"};
    make_spec(&spec, scen, dir, 1, vary, 1);
    agora_error err = {{0}};
    int existed;
    size_t runs;
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_OK);
    char *mpath = join(dir, "manifest.tsv"), *first = read_text(mpath);

    /* The same command again: nothing written, reported as existing. */
    char *out = join(dir, "runs/r0000.h5");
    write_text(out, "finished run");
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_OK);
    ck_assert_int_eq(existed, 1);
    char *again = read_text(out);
    ck_assert_str_eq(again, "finished run");
    free(again);

    /* A missing run scenario is written again. */
    char *ypath = join(dir, "runs/r0001.yaml");
    remove(ypath);
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_OK);
    ck_assert(exists(ypath));

    /* Another sweep in the same directory: refused, manifest untouched. */
    spec.replicates = 2;
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "holds a different sweep"));
    char *now = read_text(mpath);
    ck_assert_str_eq(now, first);
    free(now);

    /* The same command over a changed scenario file: refused, not silently kept. */
    spec.replicates = 1;
    write_text(scen, "seed: 99\nrounds: 6\npopulation: {agents: 50, value: 1}\n"
                     "market: {auctions: 10, bidders: 4}\n"
                     "mechanism: {name: gsp, ctr: [0.3, 0.2]}\n");
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "differs from what this sweep generates now"));

    free(ypath);
    free(out);
    free(first);
    free(mpath);
    sweep_spec_free(&spec);
    free(dir);
    free(scen);
    remove_tree(t);
}
END_TEST

START_TEST(test_create_validates_before_writing)
{
    char *t = temp_dir(), *scen = join(t, "s.yaml"), *dir = join(t, "never");
    write_text(scen, SCENARIO);
    sweep_spec spec;
    const char *vary[] = {"mechanism.name=gsp,nope", "rounds=1,2"};
    make_spec(&spec, scen, dir, 3, vary, 2);
    agora_error err = {{0}};
    int existed;
    size_t runs;
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_EINPUT);
    ck_assert_msg(strncmp(err.msg, "--vary mechanism.name=nope: mechanism.name: ", 44) == 0,
                  "got '%s'", err.msg);
    ck_assert(!exists(dir));
    sweep_spec_free(&spec);

    /* A key the file lacks may come from --vary: the file alone need not load. */
    write_text(scen, "rounds: 5\npopulation: {agents: 50, value: 1}\n"
                     "market: {auctions: 10, bidders: 4}\n");
    const char *supply[] = {"mechanism={name: gsp, ctr: [0.3]},{name: vcg, ctr: [0.3]}"};
    make_spec(&spec, scen, dir, 1, supply, 1);
    ck_assert_msg(sweep_create(&spec, &existed, &runs, &err) == AGORA_OK, "%s", err.msg);
    ck_assert_uint_eq(runs, 2);
    sweep_spec_free(&spec);
    free(dir);
    free(scen);
    remove_tree(t);
}
END_TEST

/* ---- status ---------------------------------------------------------------------------------- */

START_TEST(test_classify)
{
    char *t = temp_dir(), *scen = join(t, "s.yaml"), *dir = join(t, "sw");
    write_text(scen, SCENARIO);
    sweep_spec spec;
    make_spec(&spec, scen, dir, 5, NULL, 0);
    agora_error err = {{0}};
    int existed, code;
    size_t runs;
    ck_assert_int_eq(sweep_create(&spec, &existed, &runs, &err), AGORA_OK);
    char *p;
    write_text(p = join(dir, "runs/r0000.h5"), "x"), free(p);
    write_text(p = join(dir, "runs/r0001.failed"), "3\n"), free(p);
    write_text(p = join(dir, "runs/r0002.h5.partial"), "x"), free(p);
    write_text(p = join(dir, "runs/r0003.ckpt.h5"), "x"), free(p);
    /* done wins over a stale .failed */
    write_text(p = join(dir, "runs/r0000.failed"), "4\n"), free(p);

    char **ids;
    size_t n;
    ck_assert_int_eq(sweep_read_ids(dir, &ids, &n, &err), AGORA_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(ids[4], "r0004");
    static const sweep_state want[] = {SWEEP_DONE, SWEEP_FAILED, SWEEP_PARTIAL, SWEEP_PARTIAL,
                                       SWEEP_PENDING};
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(sweep_classify(dir, ids[i], &code), want[i]);
    sweep_classify(dir, "r0001", &code);
    ck_assert_int_eq(code, 3);
    sweep_free_ids(ids, n);
    sweep_spec_free(&spec);
    free(dir);
    free(scen);
    remove_tree(t);
}
END_TEST

START_TEST(test_read_ids_refuses_damage)
{
    char *t = temp_dir(), *m = join(t, "manifest.tsv");
    char **ids;
    size_t n;
    agora_error err = {{0}};
    ck_assert_int_eq(sweep_read_ids(t, &ids, &n, &err), AGORA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a sweep directory"));
    write_text(m, "id\tseed\toverrides\nr0000\t1\t\n../../etc/passwd\t2\t\n");
    ck_assert_int_eq(sweep_read_ids(t, &ids, &n, &err), AGORA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "manifest.tsv:3: "));
    write_text(m, "something else\n");
    ck_assert_int_eq(sweep_read_ids(t, &ids, &n, &err), AGORA_EINPUT);
    free(m);
    remove_tree(t);
}
END_TEST

static Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *seeds = tcase_create("seeds");
    tcase_add_test(seeds, test_seed_is_splitmix64);
    tcase_add_test(seeds, test_seeds_distinct);
    suite_add_tcase(s, seeds);
    TCase *vary = tcase_create("vary");
    tcase_add_test(vary, test_vary_splits_top_level_commas);
    tcase_add_test(vary, test_vary_refusals);
    tcase_add_test(vary, test_count_and_order);
    tcase_add_test(vary, test_ids);
    tcase_add_test(vary, test_manifest_text);
    suite_add_tcase(s, vary);
    TCase *files = tcase_create("files");
    tcase_add_test(files, test_create_writes_runs);
    tcase_add_test(files, test_create_makes_inputs_absolute);
    tcase_add_test(files, test_create_is_idempotent_and_refuses_another);
    tcase_add_test(files, test_create_validates_before_writing);
    tcase_add_test(files, test_classify);
    tcase_add_test(files, test_read_ids_refuses_damage);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sweep_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
