/* Unit tests of the scenario loader: values and defaults, overrides, the YAML round
 * trip, and the exact one-line message of each class of error. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"

#define SRC "test.yaml"

/* Every scenario below starts from these lines unless it says otherwise. */
#define BASE                                                                                  \
    "rounds: 10\n"                                                                            \
    "population: {agents: 100, value: 1}\n"                                                   \
    "market: {auctions: 20, bidders: 4}\n"                                                    \
    "mechanism: {name: gsp, ctr: [0.3, 0.2, 0.1]}\n"

static const char FULL[] = "# every key\n"
                           "seed: 12345678901234567890\n"
                           "rounds: 500\n"
                           "population:\n"
                           "  agents: 1e3\n"
                           "  value: {dist: lognormal, mu: -0.5, sigma: 0.25}\n"
                           "  budget: {dist: uniform, low: 10, high: 20}\n"
                           "market:\n"
                           "  auctions: 64\n"
                           "  bidders: 8\n"
                           "mechanism:\n"
                           "  name: vcg\n"
                           "  ctr: [0.4, 0.3, 0.2, 0.1]\n"
                           "  slots: 3\n"
                           "  reserve: 0.05\n"
                           "  clicks: sampled\n"
                           "agents:\n"
                           "  - behaviour: truthful\n"
                           "    share: 0.25\n"
                           "  - {behaviour: shade, share: 0.75, factor: 0.8}\n"
                           "output:\n"
                           "  path: out/full.h5\n"
                           "  snapshot_every: 50\n"
                           "  compress: 6\n";

/* FULL writes under out/, and the loader checks that the directory exists. */
static int mkdir_p_out(void)
{
    struct stat st;
    if (stat("out", &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return mkdir("out", 0777);
}

static agora_status load_with(const char *text, const char *source, const char *const *ov,
                              size_t n_ov, scenario *s, agora_error *err)
{
    return scenario_load_text(text, strlen(text), source, ov, n_ov, s, err);
}

static void load_ok(const char *text, const char *const *ov, size_t n_ov, scenario *s)
{
    agora_error err = {{0}};
    agora_status st = load_with(text, SRC, ov, n_ov, s, &err);
    ck_assert_msg(st == AGORA_OK, "unexpected error: %s", err.msg);
}

static void expect_error_ov(const char *text, const char *const *ov, size_t n_ov,
                            const char *msg)
{
    scenario s;
    agora_error err = {{0}};
    agora_status st = load_with(text, SRC, ov, n_ov, &s, &err);
    ck_assert_int_eq(st, AGORA_EINPUT);
    ck_assert_str_eq(err.msg, msg);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    ck_assert_ptr_null(s.groups);
    ck_assert_ptr_null(s.locs);
}

static void expect_error(const char *text, const char *msg)
{
    expect_error_ov(text, NULL, 0, msg);
}

/* ---- values and defaults -------------------------------------------------------------- */

START_TEST(test_full_scenario)
{
    scenario s;
    ck_assert(mkdir_p_out() == 0);
    load_ok(FULL, NULL, 0, &s);
    ck_assert_str_eq(s.source, SRC);
    ck_assert(s.seed == 12345678901234567890ULL);
    ck_assert(s.rounds == 500);
    ck_assert(s.population.agents == 1000);
    ck_assert_int_eq(s.population.value.kind, DIST_LOGNORMAL);
    ck_assert(s.population.value.a == -0.5 && s.population.value.b == 0.25);
    ck_assert_int_eq(s.population.has_budget, 1);
    ck_assert_int_eq(s.population.budget.kind, DIST_UNIFORM);
    ck_assert(s.population.budget.a == 10 && s.population.budget.b == 20);
    ck_assert(s.market.auctions == 64 && s.market.bidders == 8 && !s.market.bidders_all);
    ck_assert_str_eq(s.mechanism.name, "vcg");
    ck_assert_uint_eq(s.mechanism.slots, 3);
    ck_assert(s.mechanism.ctr[0] == 0.4 && s.mechanism.ctr[1] == 0.3 &&
              s.mechanism.ctr[2] == 0.2 && s.mechanism.ctr[3] == 0);
    ck_assert(s.mechanism.reserve == 0.05);
    ck_assert_int_eq(s.mechanism.clicks, CLICKS_BERNOULLI);
    ck_assert_uint_eq(s.n_groups, 2);
    ck_assert_str_eq(s.groups[0].behaviour, "truthful");
    ck_assert(s.groups[0].share == 0.25);
    ck_assert_str_eq(s.groups[1].behaviour, "shade");
    ck_assert(s.groups[1].share == 0.75 && s.groups[1].params.factor == 0.8);
    ck_assert_str_eq(s.output.path, "out/full.h5");
    ck_assert(s.output.snapshot_every == 50);
    ck_assert_int_eq(s.output.compress, 6);
    scenario_free(&s);
}
END_TEST

START_TEST(test_defaults)
{
    scenario s;
    load_ok(BASE, NULL, 0, &s);
    ck_assert(s.seed == 1);
    ck_assert_int_eq(s.population.value.kind, DIST_CONSTANT);
    ck_assert(s.population.value.a == 1);
    ck_assert_int_eq(s.population.has_budget, 0);
    ck_assert_uint_eq(s.mechanism.slots, 3);
    ck_assert(s.mechanism.reserve == 0);
    ck_assert_int_eq(s.mechanism.clicks, CLICKS_EXPECTED);
    ck_assert_uint_eq(s.n_groups, 1);
    ck_assert_str_eq(s.groups[0].behaviour, "truthful");
    ck_assert(s.groups[0].share == 1 && s.groups[0].pacing == PACING_NONE);
    ck_assert_str_eq(s.output.path, "test.h5");
    ck_assert(s.output.snapshot_every == 10);
    ck_assert_int_eq(s.output.compress, 0);
    /* The checkpoint sits beside the output: test.h5 -> test.ckpt.h5. */
    ck_assert_str_eq(s.output.checkpoint, "test.ckpt.h5");
    ck_assert(s.output.checkpoint_every == 0);
    scenario_free(&s);
}
END_TEST

START_TEST(test_checkpoint_keys)
{
    scenario s;
    static const char *const ok[] = {"output.checkpoint_every=5", "output.checkpoint=c.h5"};
    load_ok(BASE, ok, 2, &s);
    ck_assert(s.output.checkpoint_every == 5);
    ck_assert_str_eq(s.output.checkpoint, "c.h5");
    scenario_free(&s);
    /* BASE has 10 rounds: a checkpoint after round 11 could never be written. */
    static const char *const late[] = {"output.checkpoint_every=11"};
    expect_error_ov(BASE, late, 1,
                    "--set output.checkpoint_every=11: output.checkpoint_every: must be between 0 "
                    "and 10, got 11");
    /* Writing the checkpoint over the output would destroy the run it protects. */
    static const char *const clash[] = {"output.path=same.h5", "output.checkpoint=same.h5"};
    expect_error_ov(BASE, clash, 2,
                    "--set output.checkpoint=same.h5: output.checkpoint: must differ from "
                    "output.path");
}
END_TEST

START_TEST(test_empty_values_mean_default)
{
    scenario s;
    load_ok(BASE "seed: ~\nagents:\noutput: {compress: null}\n", NULL, 0, &s);
    ck_assert(s.seed == 1);
    ck_assert_uint_eq(s.n_groups, 1);
    ck_assert_int_eq(s.output.compress, 0);
    scenario_free(&s);
}
END_TEST

static void check_default_path(const char *source, const char *expected)
{
    scenario s;
    agora_error err;
    ck_assert_int_eq(load_with(BASE, source, NULL, 0, &s, &err), AGORA_OK);
    ck_assert_str_eq(s.output.path, expected);
    scenario_free(&s);
}

START_TEST(test_default_output_path)
{
    check_default_path("scenarios/small.yaml", "small.h5");
    check_default_path("/abs/dir/run.yml", "run.h5");
    check_default_path("plain", "plain.h5");
    check_default_path("-", "agora.h5");
}
END_TEST

START_TEST(test_counts)
{
    scenario s;
    load_ok("rounds: 1e9\n"
            "population: {agents: 1e6, value: 0}\n"
            "market: {auctions: 0x10, bidders: all}\n"
            "mechanism: {name: gfp, ctr: [1]}\n",
            NULL, 0, &s);
    ck_assert(s.rounds == 1000000000ULL);
    ck_assert(s.population.agents == 1000000);
    ck_assert(s.market.auctions == 16);
    ck_assert(s.market.bidders == 1000000 && s.market.bidders_all == 1);
    scenario_free(&s);
    expect_error("rounds: 10\npopulation: {agents: 1.5, value: 1}\n",
                 "test.yaml:2:22: population.agents: expected a whole number, got \"1.5\"");
    expect_error("rounds: 1e10\n",
                 "test.yaml:1:9: rounds: must be between 1 and 1000000000, got 1e10");
    expect_error("seed: 18446744073709551616\n",
                 "test.yaml:1:7: seed: must be between 0 and 18446744073709551615, got "
                 "18446744073709551616");
    expect_error("rounds: 10\npopulation: {agents: 4294967296, value: 1}\n",
                 "test.yaml:2:22: population.agents: must be between 1 and 4294967295, got "
                 "4294967296");
}
END_TEST

START_TEST(test_population_lists)
{
    scenario s;
    load_ok("rounds: 10\n"
            "population: {values: [10, 4, 2], budget: [5, 6, 7.5]}\n"
            "market: {auctions: 1, bidders: 3}\n"
            "mechanism: {name: gsp, ctr: [0.3]}\n",
            NULL, 0, &s);
    ck_assert(s.population.agents == 3);
    ck_assert_int_eq(s.population.value.kind, DIST_LIST);
    ck_assert_uint_eq(s.population.value.n, 3);
    ck_assert(s.population.value.list[0] == 10 && s.population.value.list[2] == 2);
    ck_assert_int_eq(s.population.budget.kind, DIST_LIST);
    ck_assert(s.population.budget.list[2] == 7.5);
    /* the count comes from the list, so errors about it point there */
    ck_assert_str_eq(scenario_where(&s, "population.agents"), "test.yaml:2:22");
    scenario_free(&s);
    /* agents may be given too, when it agrees */
    load_ok("rounds: 10\npopulation: {agents: 3, values: [1, 2, 3]}\n"
            "market: {auctions: 1, bidders: 3}\nmechanism: {name: gsp, ctr: [0.3]}\n",
            NULL, 0, &s);
    ck_assert(s.population.agents == 3);
    scenario_free(&s);
}
END_TEST

START_TEST(test_geometric_ctr)
{
    scenario s;
    load_ok("rounds: 10\npopulation: {agents: 100, value: 1}\n"
            "market: {auctions: 20, bidders: 4}\n"
            "mechanism: {name: gsp, ctr: {first: 0.5, decay: 0.5}, slots: 4}\n",
            NULL, 0, &s);
    ck_assert_uint_eq(s.mechanism.slots, 4);
    ck_assert(s.mechanism.ctr[0] == 0.5 && s.mechanism.ctr[1] == 0.25 &&
              s.mechanism.ctr[2] == 0.125 && s.mechanism.ctr[3] == 0.0625);
    scenario_free(&s);
}
END_TEST

/* The click model the overrides resolve to. */
static void expect_clicks(const char *const *ov, size_t n, click_model want)
{
    scenario s;
    load_ok(BASE, ov, n, &s);
    ck_assert_int_eq(s.mechanism.clicks, want);
    scenario_free(&s);
}

START_TEST(test_click_models)
{
    static const char *const sampled[] = {"mechanism.clicks=sampled"};
    static const char *const big[] = {"mechanism.ctr=[3, 0.5]", "mechanism.clicks=sampled"};
    static const char *const poisson[] = {"mechanism.clicks=poisson"};
    expect_clicks(sampled, 1, CLICKS_BERNOULLI);
    expect_clicks(big, 2, CLICKS_POISSON);
    expect_clicks(poisson, 1, CLICKS_POISSON);
    /* Clicks are quality * ctr draws: a quality the scenario bounds counts. With
     * ctr[0] = 0.3, a quality up to 4 (or uniform up to 5) can give 1.2 or 1.5,
     * not a probability; up to 3 gives at most 0.9. */
    static const char *const q4[] = {"population.quality=4", "mechanism.clicks=sampled"};
    static const char *const u5[] = {"population.quality={dist: uniform, low: 1, high: 5}",
                                     "mechanism.clicks=sampled"};
    static const char *const q3[] = {"population.quality=3", "mechanism.clicks=sampled"};
    expect_clicks(q4, 2, CLICKS_POISSON);
    expect_clicks(u5, 2, CLICKS_POISSON);
    expect_clicks(q3, 2, CLICKS_BERNOULLI);
    static const char *const bernoulli[] = {"population.quality=4", "mechanism.clicks=bernoulli"};
    expect_error_ov(BASE, bernoulli, 2,
                    "--set mechanism.clicks=bernoulli: mechanism.clicks: bernoulli needs quality * "
                    "ctr <= 1, but population.quality reaches 4 and ctr 0 is 0.3 (use poisson)");
}
END_TEST

START_TEST(test_compress_booleans)
{
    static const char *const on[] = {"output.compress=true"};
    static const char *const off[] = {"output.compress=false"};
    scenario s;
    load_ok(BASE, on, 1, &s);
    ck_assert_int_eq(s.output.compress, 4);
    scenario_free(&s);
    load_ok(BASE, off, 1, &s);
    ck_assert_int_eq(s.output.compress, 0);
    scenario_free(&s);
}
END_TEST

START_TEST(test_aliases)
{
    scenario s;
    load_ok("rounds: &r 10\npopulation: {agents: 100, value: 1}\n"
            "market: {auctions: *r, bidders: 4}\nmechanism: {name: gsp, ctr: [0.3]}\n",
            NULL, 0, &s);
    ck_assert(s.market.auctions == 10);
    scenario_free(&s);
    agora_error err;
    const char *loop = "a: &x [*x]\n";
    ck_assert_int_eq(load_with(loop, SRC, NULL, 0, &s, &err), AGORA_EINPUT);
    ck_assert_msg(strncmp(err.msg, "test.yaml:1:4: a.0.0.0.", 23) == 0, "%s", err.msg);
    const char *tail = ": nested too deeply (a recursive alias?)";
    ck_assert_str_eq(err.msg + strlen(err.msg) - strlen(tail), tail);
}
END_TEST

START_TEST(test_where)
{
    static const char *const ov[] = {"mechanism.reserve=0.5"};
    scenario s;
    load_ok(BASE, ov, 1, &s);
    ck_assert_str_eq(scenario_where(&s, "rounds"), "test.yaml:1:9");
    ck_assert_str_eq(scenario_where(&s, "population.agents"), "test.yaml:2:22");
    ck_assert_str_eq(scenario_where(&s, "mechanism.reserve"), "--set mechanism.reserve=0.5");
    ck_assert_str_eq(scenario_where(&s, "output.path"), "test.yaml");
    scenario_free(&s);
}
END_TEST

/* ---- overrides ----------------------------------------------------------------------------- */

START_TEST(test_override_scalar_and_list)
{
    static const char *const ov[] = {"seed=99", "mechanism.ctr=[0.5, 0.25]",
                                     "population.value={dist: uniform, low: 1, high: 2}",
                                     "market.bidders=all", "rounds=20", "rounds=30"};
    scenario s;
    load_ok(BASE, ov, 6, &s);
    ck_assert(s.seed == 99);
    ck_assert_uint_eq(s.mechanism.slots, 2);
    ck_assert(s.mechanism.ctr[0] == 0.5 && s.mechanism.ctr[1] == 0.25);
    ck_assert_int_eq(s.population.value.kind, DIST_UNIFORM);
    ck_assert(s.population.value.a == 1 && s.population.value.b == 2);
    ck_assert_int_eq(s.market.bidders_all, 1);
    ck_assert(s.rounds == 30); /* the last one wins */
    scenario_free(&s);
}
END_TEST

START_TEST(test_override_new_keys)
{
    static const char *const ov[] = {"output.compress=3", "output.path=x y.h5",
                                     "population.budget=7"};
    scenario s;
    load_ok(BASE, ov, 3, &s);
    ck_assert_int_eq(s.output.compress, 3);
    ck_assert_str_eq(s.output.path, "x y.h5");
    ck_assert_int_eq(s.population.has_budget, 1);
    ck_assert(s.population.budget.a == 7);
    scenario_free(&s);
}
END_TEST

START_TEST(test_override_sequence_index)
{
    static const char *const ov[] = {"agents.1.share=0.5", "agents.0.share=0.5",
                                     "agents.1.factor=0.6"};
    scenario s;
    load_ok(BASE "agents:\n  - {behaviour: truthful, share: 0.25}\n"
                 "  - {behaviour: shade, share: 0.75, factor: 0.9}\n",
            ov, 3, &s);
    ck_assert(s.groups[0].share == 0.5 && s.groups[1].share == 0.5);
    ck_assert(s.groups[1].params.factor == 0.6);
    scenario_free(&s);
}
END_TEST

START_TEST(test_override_strings_that_are_not_yaml)
{
    static const char *const ov[] = {"output.path=-"};
    static const char *const ov2[] = {"output.path=*.h5"};
    scenario s;
    load_ok(BASE, ov, 1, &s);
    ck_assert_str_eq(s.output.path, "-");
    scenario_free(&s);
    load_ok(BASE, ov2, 1, &s);
    ck_assert_str_eq(s.output.path, "*.h5");
    scenario_free(&s);
}
END_TEST

START_TEST(test_override_removes_key)
{
    static const char *const ov[] = {"population.value=", "population.agents=",
                                     "population.values=[1, 2, 3, 4]"};
    scenario s;
    load_ok(BASE, ov, 3, &s);
    ck_assert(s.population.agents == 4);
    ck_assert_int_eq(s.population.value.kind, DIST_LIST);
    scenario_free(&s);
}
END_TEST

START_TEST(test_override_errors)
{
    static const char *const bad_value[] = {"agents.1.share=x"};
    static const char *const no_eq[] = {"rounds"};
    static const char *const out_of_range[] = {"agents.5.share=1"};
    static const char *const not_index[] = {"agents.first.share=1"};
    static const char *const syntax[] = {"mechanism.ctr=[1, 2"};
    static const char *const unknown[] = {"mechanism.colour=red"};
    static const char *const scalar[] = {"rounds.x=1"};
    static const char *const empty[] = {"a..b=1"};
    static const char *const no_list[] = {"agents.0.share=1"};
    const char *groups = BASE "agents: [{behaviour: truthful, share: 0.5}, "
                              "{behaviour: shade, share: 0.5}]\n";
    expect_error_ov(groups, bad_value, 1,
                    "--set agents.1.share=x: agents.1.share: expected a number, got \"x\"");
    expect_error_ov(BASE, no_eq, 1,
                    "--set rounds: expected dotted.key=value (e.g. --set rounds=100)");
    expect_error_ov(groups, out_of_range, 1,
                    "--set agents.5.share=1: agents.5.share: agents has 2 items (numbered "
                    "from 0)");
    expect_error_ov(groups, not_index, 1,
                    "--set agents.first.share=1: agents.first.share: agents is a list: pick "
                    "an item by number, not \"first\"");
    expect_error_ov(BASE, syntax, 1,
                    "--set mechanism.ctr=[1, 2: mechanism.ctr: syntax: did not find expected "
                    "',' or ']'");
    expect_error_ov(BASE, unknown, 1,
                    "--set mechanism.colour=red: mechanism.colour: unknown key (expected one "
                    "of: name, ctr, slots, reserve, clicks, rank_by, user_model, max_shown, "
                    "pair_noise, pair_ctr, continuation)");
    expect_error_ov(BASE, scalar, 1,
                    "--set rounds.x=1: rounds.x: rounds is a single value, it has no \"x\"");
    expect_error_ov(BASE, empty, 1, "--set a..b=1: a..b: empty component in the key path");
    expect_error_ov(BASE, no_list, 1,
                    "--set agents.0.share=1: agents.0.share: agents is not set, so it has no "
                    "item 0");
}
END_TEST

/* ---- round trip ----------------------------------------------------------------------------- */

static void assert_same_dist(const scenario_dist *a, const scenario_dist *b)
{
    ck_assert_int_eq(a->kind, b->kind);
    ck_assert(memcmp(&a->a, &b->a, sizeof a->a) == 0);
    ck_assert(memcmp(&a->b, &b->b, sizeof a->b) == 0);
    ck_assert_uint_eq(a->n, b->n);
    if (a->n)
        ck_assert(memcmp(a->list, b->list, a->n * sizeof *a->list) == 0);
    ck_assert_str_eq(a->path, b->path);
    ck_assert_str_eq(a->dataset, b->dataset);
}

/* Everything but the source name and key locations, which name the text itself. */
static void assert_same_scenario(const scenario *a, const scenario *b)
{
    ck_assert(a->seed == b->seed && a->rounds == b->rounds);
    ck_assert(a->population.agents == b->population.agents);
    assert_same_dist(&a->population.value, &b->population.value);
    ck_assert_int_eq(a->population.has_budget, b->population.has_budget);
    assert_same_dist(&a->population.budget, &b->population.budget);
    ck_assert(memcmp(&a->market, &b->market, sizeof a->market) == 0);
    ck_assert(memcmp(&a->mechanism, &b->mechanism, sizeof a->mechanism) == 0);
    ck_assert_uint_eq(a->n_groups, b->n_groups);
    ck_assert(memcmp(a->groups, b->groups, a->n_groups * sizeof *a->groups) == 0);
    ck_assert(memcmp(&a->output, &b->output, sizeof a->output) == 0);
}

static void check_round_trip(const char *text, const char *const *ov, size_t n_ov)
{
    scenario a, b;
    load_ok(text, ov, n_ov, &a);
    char *yaml = scenario_to_yaml(&a);
    ck_assert_ptr_nonnull(yaml);
    agora_error err = {{0}};
    agora_status st = load_with(yaml, "emitted.yaml", NULL, 0, &b, &err);
    ck_assert_msg(st == AGORA_OK, "%s\n%s", err.msg, yaml);
    assert_same_scenario(&a, &b);
    char *again = scenario_to_yaml(&b);
    ck_assert_str_eq(yaml, again);
    free(yaml);
    free(again);
    scenario_free(&a);
    scenario_free(&b);
}

START_TEST(test_round_trip)
{
    static const char *const geometric[] = {"mechanism.ctr={first: 0.9, decay: 0.7}",
                                            "mechanism.slots=40", "mechanism.clicks=sampled"};
    static const char *const lists[] = {"population.value=", "population.agents=",
                                        "population.values=[0.1, 1e-300, 3.3333333333333335, "
                                        "5e300, 0, -0.0, 7, 8, 9, 10, 11, 12, 13]",
                                        "population.budget=[1,2,3,4,5,6,7,8,9,10,11,12,1e9]",
                                        "market.bidders=all", "output.path=a \"quoted\" \\ path"};
    static const char *const lognormal[] = {
        "population.value={dist: lognormal, mu: -1.1, sigma: 0.1}",
        "population.budget={dist: constant, value: 0.3}", "seed=18446744073709551615",
        "output.compress=true", "output.snapshot_every=0", "mechanism.reserve=0.7"};
    static const char *const files[] = {
        "population.value={dist: file, path: \"v dir/v.h5\", dataset: /agents/value}",
        "population.budget={dist: file, path: b.h5}"};
    /* The matrix's rows stay in the file; the default dataset is pair_ctr. */
    static const char *const pair_file[] = {
        "mechanism.name=aigc", "mechanism.user_model=cascade",
        "mechanism.pair_ctr={dist: file, path: \"p dir/p.h5\"}"};
    ck_assert(mkdir_p_out() == 0);
    check_round_trip(FULL, NULL, 0);
    check_round_trip(BASE, files, 2);
    check_round_trip(BASE, pair_file, 3);
    scenario p;
    load_ok(BASE, pair_file, 3, &p);
    ck_assert_int_eq(p.mechanism.pair_ctr_file.kind, DIST_FILE);
    ck_assert_str_eq(p.mechanism.pair_ctr_file.dataset, "pair_ctr");
    ck_assert_ptr_null(p.mechanism.pair_ctr);
    scenario_free(&p);
    check_round_trip(BASE, NULL, 0);
    check_round_trip(BASE, geometric, 3);
    check_round_trip(BASE, lists, 6);
    check_round_trip(BASE, lognormal, 6);
}
END_TEST

/* A section whose every key has a default may be left out or left empty
 * (scenarios/README.md): both resolve to the defaults. */
static char *resolved(const char *text)
{
    scenario s;
    load_ok(text, NULL, 0, &s);
    char *yaml = scenario_to_yaml(&s);
    scenario_free(&s);
    ck_assert_ptr_nonnull(yaml);
    return yaml;
}

START_TEST(test_family_sections_default)
{
    char *absent = resolved("family: commons\nrounds: 5\n");
    char *empty = resolved("family: commons\nrounds: 5\ncommons:\n");
    char *given = resolved("family: commons\nrounds: 5\ncommons: {harvesters_per_pool: 10}\n");
    ck_assert_str_eq(absent, empty);
    ck_assert_str_eq(absent, given);
    ck_assert_ptr_nonnull(strstr(absent, "  harvesters_per_pool: 10\n"));
    free(absent);
    free(empty);
    free(given);
    /* behaviour.name defaults to truthful. */
    char *facility = resolved("family: facility\nrounds: 2\nmechanism: {name: median}\n"
                              "population: {instances: 3, agents: 5, peaks: {dist: uniform}}\n"
                              "behaviour: {}\n");
    ck_assert_ptr_nonnull(strstr(facility, "\nbehaviour: {name: truthful}"));
    free(facility);
}
END_TEST

START_TEST(test_emitted_text)
{
    scenario s;
    load_ok(BASE, NULL, 0, &s);
    char *yaml = scenario_to_yaml(&s);
    ck_assert_str_eq(yaml, "# agora scenario, resolved: every key with its default filled in\n"
                           "seed: 1\n"
                           "rounds: 10\n"
                           "population:\n"
                           "  agents: 100\n"
                           "  value: {dist: constant, value: 1}\n"
                           "market:\n"
                           "  auctions: 20\n"
                           "  bidders: 4\n"
                           "mechanism:\n"
                           "  name: gsp\n"
                           "  slots: 3\n"
                           "  ctr: [0.3, 0.2, 0.1]\n"
                           "  reserve: 0\n"
                           "  clicks: expected\n"
                           "agents:\n"
                           "  - {behaviour: truthful, share: 1}\n"
                           "output:\n"
                           "  path: \"test.h5\"\n"
                           "  snapshot_every: 10\n"
                           "  fields: [value, spend, utility, clicks]\n"
                           "  compress: 0\n"
                     "  checkpoint: \"test.ckpt.h5\"\n"
                     "  checkpoint_every: 0\n");
    free(yaml);
    scenario_free(&s);
}
END_TEST

/* -0 is read as 0: the resolved text says 0, so a checkpoint written with
 * `reserve: -0` resumes a run with `reserve: 0` (RELIABILITY.md). */
START_TEST(test_negative_zero)
{
    static const char *const sets[] = {"mechanism.reserve=-0", "mechanism.ctr=[0.3, -0.0, -0e5]"};
    scenario s;
    load_ok(BASE, sets, 2, &s);
    ck_assert(!signbit(s.mechanism.reserve));
    ck_assert(!signbit(s.mechanism.ctr[1]) && !signbit(s.mechanism.ctr[2]));
    char *yaml = scenario_to_yaml(&s);
    ck_assert_msg(strstr(yaml, "  reserve: 0\n") && strstr(yaml, "  ctr: [0.3, 0, 0]\n"), "%s", yaml);
    free(yaml);
    scenario_free(&s);
}
END_TEST

/* ---- files ------------------------------------------------------------------------------- */

START_TEST(test_read_file)
{
    char *text;
    size_t len;
    agora_error err;
    ck_assert_int_eq(scenario_read_file("/nonexistent/x.yaml", &text, &len, &err), AGORA_EINPUT);
    ck_assert_str_eq(err.msg, "/nonexistent/x.yaml: cannot read: No such file or directory");
    ck_assert_int_eq(scenario_read_file(".", &text, &len, &err), AGORA_EINPUT);
    ck_assert_str_eq(err.msg, ".: cannot read: Is a directory");
    FILE *f = fopen("read_file_test.yaml", "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 20000; i++) /* bigger than one read */
        fputs("# padding\n", f);
    fputs(BASE, f);
    fclose(f);
    ck_assert_int_eq(scenario_read_file("read_file_test.yaml", &text, &len, &err), AGORA_OK);
    ck_assert_uint_eq(len, 200000 + strlen(BASE));
    ck_assert_uint_eq(strlen(text), len);
    scenario s;
    ck_assert_int_eq(load_with(text, "read_file_test.yaml", NULL, 0, &s, &err), AGORA_OK);
    ck_assert_str_eq(scenario_where(&s, "rounds"), "read_file_test.yaml:20001:9");
    scenario_free(&s);
    free(text);
    unlink("read_file_test.yaml");
}
END_TEST

/* ---- errors, one per class, exact text ------------------------------------------------------ */

typedef struct {
    const char *text;
    const char *msg;
} bad_case;

static const bad_case syntax_cases[] = {
    {"rounds: 10\npopulation:\n  agents: 1\n   value: 3\n",
     "test.yaml:4:9: syntax: mapping values are not allowed in this context"},
    {"rounds: [1, 2\n", "test.yaml:2:1: syntax: did not find expected ',' or ']'"},
    {"rounds: 10\npopulation:\n\tagents: 3\n",
     "test.yaml:3:1: syntax: found character that cannot start any token"},
    {BASE "---\nrounds: 3\n", "test.yaml:5:1: syntax: only one YAML document is allowed"},
    {"rounds: 1\nmarket: \"a\xff\"\n", "test.yaml:2:11: syntax: invalid leading UTF-8 octet"},
    {"rounds: *nope\n", "test.yaml:1:9: syntax: found undefined alias"},
};

#define TAG_REFUSED "YAML tags (`!!int`, `!name`) are not read: remove the tag"

static const bad_case structure_cases[] = {
    {"- 1\n- 2\n", "test.yaml:1:1: scenario: expected a mapping of keys, got a list"},
    {BASE "colour: blue\n",
     "test.yaml:5:1: colour: unknown key (expected one of: seed, rounds, family, population, market, "
     "mechanism, agents, output, probes)"},
    {BASE "roundz: 3\n",
     "test.yaml:5:1: roundz: unknown key (did you mean rounds? expected one of: seed, rounds, family, "
     "population, market, mechanism, agents, output, probes)"},
    {"rounds: 10\npopulation: {agents: 1, value: 1}\nmarket: {auctions: 1, bidder: 2}\n",
     "test.yaml:3:23: market.bidder: unknown key (did you mean bidders? expected one of: "
     "auctions, bidders)"},
    {"rounds: 10\nrounds: 11\n", "test.yaml:2:1: rounds: duplicate key (first given at line 1)"},
    {"rounds: 10\nmarket: {auctions: 1, auctions: 2}\n",
     "test.yaml:2:23: market.auctions: duplicate key (first given at line 2)"},
    {"[a]: 1\n", "test.yaml:1:1: (top level): mapping keys must be plain names, not lists or "
                 "mappings"},
    {"", "test.yaml:1:1: rounds: required key is missing"},
    {"rounds: 10\npopulation: {agents: 100, value: 1}\nmechanism: {name: gsp, ctr: [1]}\n",
     "test.yaml:1:1: market: required key is missing"},
    {"rounds: 10\npopulation: 5\n", "test.yaml:2:13: population: expected a mapping of keys, "
                                    "got \"5\""},
    /* Tags would be dropped (`!!str 10` read as a number), so they are refused,
     * the tag libyaml reports like the ones it hides as its kind's default. */
    {"rounds: !!int 10\n", "test.yaml:1:9: rounds: " TAG_REFUSED},
    {"rounds: !!str 10\n", "test.yaml:1:9: rounds: " TAG_REFUSED},
    {"rounds: 10\npopulation:\n  !!str agents: 1\n", "test.yaml:3:3: population.agents: " TAG_REFUSED},
    {"rounds: 10\npopulation: &p !!map\n  agents: 1\n", "test.yaml:2:13: population: " TAG_REFUSED},
    {"!!map\nrounds: 10\n", "test.yaml:1:1: (top level): " TAG_REFUSED},
    /* libyaml counts marks in characters, not bytes: found all the same after
     * text that is not ASCII. */
    {"# Z\xc3\xb6ller \xe2\x80\x94\nrounds: !!int 10\n", "test.yaml:2:9: rounds: " TAG_REFUSED},
};

static const bad_case value_cases[] = {
    {"rounds: [10]\n", "test.yaml:1:9: rounds: expected a whole number, got a list"},
    {"rounds: {a: 1}\n", "test.yaml:1:9: rounds: expected a whole number, got a mapping"},
    {"rounds: \"10\"\n",
     "test.yaml:1:9: rounds: expected a whole number, got the quoted string \"10\""},
    {"rounds:\n", "test.yaml:1:8: rounds: expected a whole number, got nothing"},
    {"rounds: 0\n", "test.yaml:1:9: rounds: must be between 1 and 1000000000, got 0"},
    {"rounds: 10\npopulation: {agents: -5, value: 1}\n",
     "test.yaml:2:22: population.agents: must be between 1 and 4294967295, got -5"},
    {"rounds: 10\npopulation: {agents: 5, value: .nan}\n",
     "test.yaml:2:32: population.value: must be a finite number, got .nan"},
    {"rounds: 10\npopulation: {agents: 5, value: -.inf}\n",
     "test.yaml:2:32: population.value: must be a finite number, got -.inf"},
    {"rounds: 10\npopulation: {agents: 5, value: -1}\n",
     "test.yaml:2:32: population.value: must not be negative, got -1"},
    {"rounds: 10\npopulation: {agents: 5, value: [1]}\n",
     "test.yaml:2:32: population.value: expected a number or a distribution {dist: ...}, got a "
     "list (per-agent values go in population.values)"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: normal}}\n",
     "test.yaml:2:39: population.value.dist: unknown distribution \"normal\" (expected one of: "
     "constant, uniform, lognormal, file)"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: file, dataset: v}}\n",
     "test.yaml:2:32: population.value.path: required key is missing (the HDF5 file holding the "
     "numbers per agent)"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: file, path: ''}}\n",
     "test.yaml:2:51: population.value.path: must not be empty"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: uniform, low: 1, high: 1}}\n",
     "test.yaml:2:62: population.value.high: must be greater than low (1), got 1"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: lognormal, mu: 0, sigma: -1}}\n",
     "test.yaml:2:64: population.value.sigma: must not be negative, got -1"},
    /* exp(800 + 8.58 sigma) overflows: every draw would be inf (sim/rng.c's
     * normal draws reach 8.58 standard deviations). */
    {"rounds: 10\npopulation: {agents: 5, value: {dist: lognormal, mu: 800, sigma: 1}}\n",
     "test.yaml:2:54: population.value.mu: lognormal(800, 1) can draw numbers that overflow or "
     "vanish (exp of +-808.58); keep |mu| + 8.58 sigma <= 700"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: uniform, low: 1, sigma: 2}}\n",
     "test.yaml:2:56: population.value.sigma: unknown key (expected one of: dist, low, high)"},
    {"rounds: 10\npopulation: {agents: 5, value: {dist: uniform, low: 1}}\n",
     "test.yaml:2:32: population.value.high: required key is missing"},
    {"rounds: 10\npopulation: {agents: 5, value: 1, budget: 0}\n",
     "test.yaml:2:43: population.budget: must be greater than 0, got 0"},
    {"rounds: 10\npopulation: {agents: 5, value: 1, budget: [1, 2]}\n",
     "test.yaml:2:43: population.budget: the list has 2 values but there are 5 agents"},
    {"rounds: 10\npopulation: {agents: 4, values: [1, 2, 3]}\n",
     "test.yaml:2:22: population.agents: is 4 but population.values has 3 values"},
    {"rounds: 10\npopulation: {value: 1, values: [1]}\n",
     "test.yaml:2:32: population.values: give population.value (a distribution) or "
     "population.values (a list), not both"},
    {"rounds: 10\npopulation: {budget: 1}\n",
     "test.yaml:2:13: population.agents: required key is missing (or give population.values, "
     "a list)"},
    {"rounds: 10\npopulation: {agents: 3}\n",
     "test.yaml:2:13: population.value: required key is missing (or give population.values, a "
     "list)"},
};

static const bad_case market_mechanism_cases[] = {
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 11}\n",
     "test.yaml:3:32: market.bidders: must be between 1 and 10 (the agents), or all, got 11"},
    /* The range is the agents', not every count's (it once said up to 2^64 - 1). */
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 0}\n",
     "test.yaml:3:32: market.bidders: must be between 1 and 10 (the agents), or all, got 0"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 0, bidders: 1}\n",
     "test.yaml:3:20: market.auctions: must be between 1 and 4294967295, got 0"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1}\n",
     "test.yaml:3:9: market.bidders: required key is missing (a number, or all)"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: vickrey, ctr: [1]}\n",
     "test.yaml:4:19: mechanism.name: unknown mechanism \"vickrey\" (expected one of: gsp, vcg, "
     "gfp, aigc)"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: [0.3, 0.1, 0.2]}\n",
     "test.yaml:4:40: mechanism.ctr.2: 0.2 is more than the slot above it (0.1): ctr must not "
     "increase"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: []}\n",
     "test.yaml:4:29: mechanism.ctr: the list is empty"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: 0.5}\n",
     "test.yaml:4:29: mechanism.ctr: expected a list of numbers or {first: f, decay: d}, got "
     "\"0.5\""},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: [0.3], slots: 2}\n",
     "test.yaml:4:43: mechanism.slots: 2 is more than the 1 ctr values"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: {first: 1, decay: 0.5}}\n",
     "test.yaml:4:29: mechanism.slots: required key is missing (the geometric ctr form needs "
     "it)"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: {first: 1, decay: 1.5}, slots: 2}\n",
     "test.yaml:4:47: mechanism.ctr.decay: must be in (0, 1], got 1.5"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: [1], slots: 1025}\n",
     "test.yaml:4:41: mechanism.slots: must be between 1 and 1024, got 1025"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: [2, 1], clicks: bernoulli}\n",
     "test.yaml:4:45: mechanism.clicks: bernoulli needs every ctr <= 1, but ctr 0 is 2 (use "
     "poisson)"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: [1], clicks: always}\n",
     "test.yaml:4:42: mechanism.clicks: unknown click model \"always\" (expected one of: "
     "expected, sampled, bernoulli, poisson)"},
    {"rounds: 10\npopulation: {agents: 10, value: 1}\nmarket: {auctions: 1, bidders: 1}\n"
     "mechanism: {name: gsp, ctr: [1], reserve: -0.5}\n",
     "test.yaml:4:43: mechanism.reserve: must not be negative, got -0.5"},
};

static const bad_case agents_output_cases[] = {
    {BASE "agents: []\n", "test.yaml:5:9: agents: the list is empty (give at least one group, "
                          "or leave agents out for everyone truthful)"},
    {BASE "agents: truthful\n", "test.yaml:5:9: agents: expected a list of groups {behaviour: "
                                "..., share: ...}, got \"truthful\""},
    {BASE "agents: [{behaviour: greedy}]\n",
     "test.yaml:5:22: agents.0.behaviour: unknown behaviour \"greedy\" (expected one of: "
     "truthful, shade, hedge, exp3, ucb, egreedy, balanced)"},
    {BASE "agents: [{behaviour: truthful, factor: 0.5}]\n",
     "test.yaml:5:32: agents.0.factor: unknown key (expected one of: behaviour, share, pacing, "
     "pacing_step, pacing_max); factor is a key of shade"},
    {BASE "agents: [{behaviour: truthful, share: 0.5}, {behaviour: shade, share: 0.4}]\n",
     "test.yaml:5:9: agents: the shares sum to 0.9, not 1"},
    {BASE "agents: [{behaviour: truthful, share: 0.5}, {behaviour: shade}]\n",
     "test.yaml:5:45: agents.1.share: required key is missing (the fraction of agents in this "
     "group)"},
    {BASE "agents: [{behaviour: truthful, share: 0}]\n",
     "test.yaml:5:39: agents.0.share: must be in (0, 1], got 0"},
    {BASE "agents: [{behaviour: shade, factor: 0}]\n",
     "test.yaml:5:37: agents.0.factor: must be greater than 0, got 0"},
    {BASE "output: {snapshot_every: 11}\n",
     "test.yaml:5:26: output.snapshot_every: must be between 0 and rounds (10), got 11"},
    {BASE "output: {compress: 10}\n",
     "test.yaml:5:20: output.compress: must be between 0 and 9, got 10"},
    {BASE "output: {compress: yes}\n",
     "test.yaml:5:20: output.compress: expected a whole number, got \"yes\""},
    {BASE "output: {path: [a]}\n", "test.yaml:5:16: output.path: expected a string, got a list"},
    {BASE "output: {path: /nonexistent/dir/x.h5}\n",
     "test.yaml:5:16: output.path: cannot use directory /nonexistent/dir: No such file or "
     "directory"},
};

static void run_cases(const bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        expect_error(cases[i].text, cases[i].msg);
}

#define RUN_CASES(table) run_cases(table, sizeof table / sizeof table[0])

START_TEST(test_syntax_errors)
{
    RUN_CASES(syntax_cases);
}
END_TEST

START_TEST(test_structure_errors)
{
    RUN_CASES(structure_cases);
}
END_TEST

START_TEST(test_value_errors)
{
    RUN_CASES(value_cases);
}
END_TEST

START_TEST(test_market_mechanism_errors)
{
    RUN_CASES(market_mechanism_cases);
}
END_TEST

START_TEST(test_agents_output_errors)
{
    RUN_CASES(agents_output_cases);
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *load = tcase_create("load");
    tcase_add_test(load, test_full_scenario);
    tcase_add_test(load, test_defaults);
    tcase_add_test(load, test_checkpoint_keys);
    tcase_add_test(load, test_empty_values_mean_default);
    tcase_add_test(load, test_default_output_path);
    tcase_add_test(load, test_counts);
    tcase_add_test(load, test_population_lists);
    tcase_add_test(load, test_geometric_ctr);
    tcase_add_test(load, test_click_models);
    tcase_add_test(load, test_compress_booleans);
    tcase_add_test(load, test_aliases);
    tcase_add_test(load, test_where);
    tcase_add_test(load, test_read_file);
    suite_add_tcase(s, load);
    TCase *ov = tcase_create("overrides");
    tcase_add_test(ov, test_override_scalar_and_list);
    tcase_add_test(ov, test_override_new_keys);
    tcase_add_test(ov, test_override_sequence_index);
    tcase_add_test(ov, test_override_strings_that_are_not_yaml);
    tcase_add_test(ov, test_override_removes_key);
    tcase_add_test(ov, test_override_errors);
    suite_add_tcase(s, ov);
    TCase *rt = tcase_create("round_trip");
    tcase_add_test(rt, test_round_trip);
    tcase_add_test(rt, test_emitted_text);
    tcase_add_test(rt, test_family_sections_default);
    tcase_add_test(rt, test_negative_zero);
    suite_add_tcase(s, rt);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_syntax_errors);
    tcase_add_test(errors, test_structure_errors);
    tcase_add_test(errors, test_value_errors);
    tcase_add_test(errors, test_market_mechanism_errors);
    tcase_add_test(errors, test_agents_output_errors);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scenario_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
