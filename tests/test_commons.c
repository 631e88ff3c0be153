/* Unit tests of the commons family's pure core (mechanisms/pools/commons_*.c,
 * agents/harvester.c): logistic steps worked out by hand, the fixed point
 * K(1 - E/r) and collapse iff E >= r, the GovSim fishery's survival under fixed
 * quotas (computed month by month below), rationing orders, the Fermi and
 * replicator probabilities, the Gini coefficient of small vectors. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commons_evolve.h"
#include "commons_pool.h"
#include "commons_village.h"
#include "harvester.h"

enum { MAXN = 16 };

/* A village of n harvesters of one behaviour, on its own arrays. */
typedef struct {
    double stock;
    uint8_t collapsed;
    uint8_t strategy[MAXN];
    double gain[MAXN], payoff[MAXN], request[MAXN];
    const harvester_behaviour *beh[2];
    harvester_params params[2];
    commons_rules rules;
    commons_village v;
    commons_scratch scratch;
} world;

static void world_init(world *w, size_t n, const char *behaviour, double quota,
                       commons_regrowth regrowth, double r, double K, double R0, double threshold)
{
    memset(w, 0, sizeof *w);
    w->stock = R0;
    w->beh[0] = harvester_find(behaviour);
    ck_assert_ptr_nonnull(w->beh[0]);
    w->params[0].quota = quota;
    w->rules.pool = (commons_pool_params){regrowth, r, K, threshold};
    w->rules.order = ORDER_PROPORTIONAL;
    w->rules.unit = 1.0;
    w->rules.effort_c = 0.1;
    w->rules.effort_d = 0.3;
    w->rules.groups = 1;
    w->rules.behaviour = w->beh;
    w->rules.params = w->params;
    w->v = (commons_village){n, &w->stock, &w->collapsed, w->strategy, w->gain, w->payoff,
                             w->request};
}

/* Deterministic ticket keys for the tests: harvester `who`'s ticket k gets
 * key 1000 * k + who, so tickets are served round-robin by ticket number. */
static void test_keys(void *ctx, size_t who, uint64_t *keys, size_t count)
{
    (void)ctx;
    for (size_t k = 0; k < count; k++)
        keys[k] = 1000 * (uint64_t)k + who;
}

static commons_round_out play(world *w, uint64_t t)
{
    commons_round_out out;
    ck_assert_int_eq(commons_village_round(&w->rules, &w->v, t, test_keys, NULL, &w->scratch, &out),
                     0);
    return out;
}

/* ---- logistic pools ------------------------------------------------------------------------ */

/* Two cooperators, e_C = 0.1 each (E = 0.2), r = 0.5, K = 100, R0 = 50:
 *   t0: H = 0.2 * 50 = 10, growth = 0.5 * 50 * (1 - 0.5) = 12.5,
 *       R1 = 50 - 10 + 12.5 = 52.5
 *   t1: H = 0.2 * 52.5 = 10.5, growth = 0.5 * 52.5 * 0.475 = 12.46875,
 *       R2 = 52.5 - 10.5 + 12.46875 = 54.46875
 *   t2: H = 0.2 * 54.46875 = 10.89375,
 *       growth = 0.5 * 54.46875 * (1 - 0.5446875) = 27.234375 * 0.4553125
 *              = 10.89375 + 27.234375 * 0.0553125 = 10.89375 + 1.50640136... = 12.40015136...
 *       R3 = 54.46875 - 10.89375 + 12.40015136... = 55.97515136... */
START_TEST(test_logistic_steps_by_hand)
{
    world w;
    world_init(&w, 2, "cooperator", 0, REGROW_LOGISTIC, 0.5, 100, 50, 0);
    commons_round_out o = play(&w, 0);
    ck_assert_double_eq_tol(o.harvest, 10.0, 1e-12);
    ck_assert_double_eq_tol(w.stock, 52.5, 1e-12);
    ck_assert_double_eq_tol(w.gain[0], 5.0, 1e-12);
    o = play(&w, 1);
    ck_assert_double_eq_tol(o.harvest, 10.5, 1e-12);
    ck_assert_double_eq_tol(w.stock, 54.46875, 1e-12);
    o = play(&w, 2);
    ck_assert_double_eq_tol(o.harvest, 10.89375, 1e-12);
    /* R3 = 43.575 + 27.234375 * 0.4553125 (split as above). */
    double product = 10.89375 + 27.234375 * 0.0553125;
    ck_assert_double_eq_tol(w.stock, 43.575 + product, 1e-12);
    ck_assert_double_eq_tol(w.stock, 55.97515136, 1e-8);
    ck_assert_int_eq(w.collapsed, 0);
    commons_scratch_free(&w.scratch);
}
END_TEST

/* Fixed point: R* = R* + r R*(1 - R* / K) - E R*  =>  r (1 - R* / K) = E  =>
 * R* = K (1 - E/r). With K = 100, r = 0.5, E = 0.2: R* = 100 * 0.6 = 60; there
 * H = 12 and growth = 0.5 * 60 * 0.4 = 12 exactly, so one step stays at 60. From
 * 50 the stock converges to 60 (the map's slope at R* is 1 + r - E - 2rR* / K = 0.7). */
START_TEST(test_logistic_fixed_point)
{
    world w;
    world_init(&w, 2, "cooperator", 0, REGROW_LOGISTIC, 0.5, 100, 60, 0);
    play(&w, 0);
    ck_assert_double_eq(w.stock, 60.0);
    world_init(&w, 2, "cooperator", 0, REGROW_LOGISTIC, 0.5, 100, 50, 0);
    for (uint64_t t = 0; t < 200; t++)
        play(&w, t);
    ck_assert_double_eq_tol(w.stock, 60.0, 1e-9);
    commons_scratch_free(&w.scratch);
}
END_TEST

/* Collapse iff E >= r: R' = R (1 + r - E) - r R^2 / K. For E >= r, R' < R always
 * and R -> 0 (at E = r like 2K/(r t)), so the stock after the harvest, (1 - E) R,
 * falls below any threshold > 0: collapse. For E < r the stock tends to
 * K (1 - E/r) > 0 and, with threshold 1, K = 100, r = 0.5, stays above it:
 * E = 0.45 gives R* = 10, after harvest 5.5 > 1. One defector per pool with
 * effort E; 2000 rounds is ample (E = r reaches (1 - E) R < 1 near t = 400). */
START_TEST(test_collapse_iff_effort_reaches_growth)
{
    static const double effort[] = {0.1, 0.3, 0.45, 0.49, 0.5, 0.6, 0.9};
    for (size_t k = 0; k < sizeof effort / sizeof effort[0]; k++) {
        world w;
        world_init(&w, 1, "defector", 0, REGROW_LOGISTIC, 0.5, 100, 50, 1);
        w.rules.effort_d = effort[k];
        int collapsed_at = -1;
        for (uint64_t t = 0; t < 2000 && collapsed_at < 0; t++)
            if (play(&w, t).collapsed_now)
                collapsed_at = (int)t;
        if (effort[k] >= 0.5) {
            ck_assert_msg(collapsed_at >= 0, "E = %g did not collapse", effort[k]);
            ck_assert_double_eq(w.stock, 0.0);
        } else {
            ck_assert_msg(collapsed_at < 0, "E = %g collapsed at %d", effort[k], collapsed_at);
            ck_assert_double_eq_tol(w.stock, 100 * (1 - effort[k] / 0.5), 1e-6);
        }
        commons_scratch_free(&w.scratch);
    }
}
END_TEST

/* ---- the fishery (GovSim) ------------------------------------------------------------------ */

/* 5 harvesters, stock 100, capacity 100, doubling, collapse below 5 after the harvest.
 * Returns the months survived in 12 (12 = never collapsed). */
static int fishery(const char *behaviour, double quota, commons_order order, double *total)
{
    world w;
    world_init(&w, 5, behaviour, quota, REGROW_DOUBLING, 0, 100, 100, 5);
    w.rules.order = order;
    int survived = 12;
    *total = 0;
    for (uint64_t t = 0; t < 12; t++) {
        commons_round_out o = play(&w, t);
        *total += o.harvest;
        if (o.collapsed_now) {
            survived = (int)t;
            break;
        }
    }
    commons_scratch_free(&w.scratch);
    return survived;
}

/* Quota 10: each month 100 - 50 = 50 >= 5, doubles back to 100; survives all 12
 * months, harvesting 50 a month, 600 in all.
 * Quota 11 (55 a month): 100 -> 45 -> 90; 90 -> 35 -> 70; 70 -> 15 -> 30;
 * month 4 wants 55 > 30: rationed, 30 served, 0 < 5 left: collapse in month 4
 * after 3 months survived; harvest 55 * 3 + 30 = 195.
 * Quota 12 (60): 100 -> 40 -> 80; 80 -> 20 -> 40; month 3 wants 60 > 40, all 40
 * served, collapse after 2 months; harvest 60 * 2 + 40 = 160.
 * Quota 9 (45): 100 -> 55 -> 100 (capped at K): survives, 540. */
START_TEST(test_fishery_fixed_quotas)
{
    double total;
    for (int order = 0; order < 2; order++) {
        ck_assert_int_eq(fishery("fixed_quota", 10, (commons_order)order, &total), 12);
        ck_assert_double_eq_tol(total, 600, 1e-9);
        ck_assert_int_eq(fishery("fixed_quota", 11, (commons_order)order, &total), 3);
        ck_assert_double_eq_tol(total, 195, 1e-9);
        ck_assert_int_eq(fishery("fixed_quota", 12, (commons_order)order, &total), 2);
        ck_assert_double_eq_tol(total, 160, 1e-9);
        ck_assert_int_eq(fishery("fixed_quota", 9, (commons_order)order, &total), 12);
        ck_assert_double_eq_tol(total, 540, 1e-9);
    }
}
END_TEST

/* Sustainable: 100 / 2 / 5 = 10 each, the quota-10 path: survives, 600.
 * Greedy: each asks for the whole 100; rationed to 20 each, 0 left: collapse in
 * the first month, 0 months survived, 100 harvested. */
START_TEST(test_fishery_behaviours)
{
    double total;
    ck_assert_int_eq(fishery("sustainable", 0, ORDER_PROPORTIONAL, &total), 12);
    ck_assert_double_eq_tol(total, 600, 1e-9);
    ck_assert_int_eq(fishery("greedy", 0, ORDER_PROPORTIONAL, &total), 0);
    ck_assert_double_eq_tol(total, 100, 1e-9);
    ck_assert_int_eq(fishery("imitate_best", 0, ORDER_PROPORTIONAL, &total), 12);
}
END_TEST

/* Over-usage and cooperators: doubling pool of 100 with 3 harvesters, sustainable
 * threshold 100 / 2 / 3 = 16.67. Cooperator e_C R = 0.1 * 100 = 10 (under),
 * defector e_D R = 0.3 * 100 = 30 (over), greedy 100 (over): 2 of 3 over; one
 * cooperative strategy. Requests 140 > 100: proportional 100 * q / 140. */
START_TEST(test_over_usage_and_cooperators)
{
    world w;
    world_init(&w, 3, "cooperator", 0, REGROW_DOUBLING, 0, 100, 100, 0);
    const harvester_behaviour *beh[3] = {harvester_find("cooperator"), harvester_find("defector"),
                                         harvester_find("greedy")};
    harvester_params params[3] = {{0}, {0}, {0}};
    w.rules.behaviour = beh;
    w.rules.params = params;
    w.rules.groups = 3;
    for (int i = 0; i < 3; i++)
        w.strategy[i] = (uint8_t)i;
    ck_assert_uint_eq(commons_village_cooperators(&w.rules, &w.v), 1);
    commons_round_out o = play(&w, 0);
    ck_assert_uint_eq(o.requests, 3);
    ck_assert_uint_eq(o.over, 2);
    ck_assert_double_eq_tol(w.payoff[0], 100.0 * 10 / 140, 1e-12);
    ck_assert_double_eq_tol(w.payoff[2], 100.0 * 100 / 140, 1e-12);
    ck_assert_double_eq_tol(o.harvest, 100.0, 1e-12);
    commons_scratch_free(&w.scratch);
}
END_TEST

/* Random units: 3 harvesters ask 2.7, 3 and 1 tons, whole units 2, 3, 1; the
 * stock 4.5 holds 4 whole units. Test keys
 * 1000k + who order the tickets (k=0: who 0,1,2), (k=1: who 0,1), (k=2: who 1):
 * the first 4 go to 0, 1, 2, 0: served 2, 1, 1; 0.5 left doubles to 1. */
START_TEST(test_random_units_order)
{
    world w;
    world_init(&w, 3, "fixed_quota", 0, REGROW_DOUBLING, 0, 100, 4.5, 0);
    w.rules.order = ORDER_RANDOM_UNITS;
    /* Per-harvester quotas through three groups. */
    const harvester_behaviour *beh[3] = {harvester_find("fixed_quota"),
                                         harvester_find("fixed_quota"),
                                         harvester_find("fixed_quota")};
    harvester_params params[3] = {{2.7}, {3}, {1}};
    w.rules.behaviour = beh;
    w.rules.params = params;
    w.rules.groups = 3;
    for (int i = 0; i < 3; i++)
        w.strategy[i] = (uint8_t)i;
    commons_round_out o = play(&w, 0);
    ck_assert_double_eq(o.harvest, 4.0);
    ck_assert_double_eq(w.payoff[0], 2.0);
    ck_assert_double_eq(w.payoff[1], 1.0);
    ck_assert_double_eq(w.payoff[2], 1.0);
    /* 0.5 left, below the threshold 0: not collapsed; doubles to 1. */
    ck_assert_double_eq(w.stock, 1.0);
    commons_scratch_free(&w.scratch);
}
END_TEST

/* Proportional: requests 30, 10 on stock 20: served 15, 5. */
START_TEST(test_proportional_rationing)
{
    double req[2] = {30, 10}, served[2];
    ck_assert_double_eq(commons_serve_proportional(req, 2, 20, served), 20.0);
    ck_assert_double_eq(served[0], 15.0);
    ck_assert_double_eq(served[1], 5.0);
    ck_assert_double_eq(commons_serve_proportional(req, 2, 50, served), 40.0);
    ck_assert_double_eq(served[0], 30.0);
}
END_TEST

/* Sustainable thresholds: doubling 100 / 2 / 5 = 10; logistic r R (1 - R/K) / n
 * = 0.5 * 60 * 0.4 / 4 = 3. */
START_TEST(test_sustainable_threshold)
{
    commons_pool_params d = {REGROW_DOUBLING, 0, 100, 5}, l = {REGROW_LOGISTIC, 0.5, 100, 0};
    ck_assert_double_eq(commons_sustainable(&d, 100, 5), 10.0);
    ck_assert_double_eq(commons_sustainable(&l, 60, 4), 3.0);
    ck_assert_double_eq(commons_sustainable(&l, 120, 4), 0.0); /* above K: no growth */
}
END_TEST

/* ---- evolution ----------------------------------------------------------------------------- */

/* Fermi: equal payoffs 1/2; a difference of kappa ln 3 gives 1/(1 + 1/3) = 3/4,
 * and the reverse 1/4; huge differences 0 and 1 without overflow. */
START_TEST(test_fermi_probability)
{
    ck_assert_double_eq(commons_fermi(2, 2, 0.1), 0.5);
    ck_assert_double_eq_tol(commons_fermi(1, 1 + 0.5 * log(3.0), 0.5), 0.75, 1e-15);
    ck_assert_double_eq_tol(commons_fermi(1 + 0.5 * log(3.0), 1, 0.5), 0.25, 1e-15);
    ck_assert_double_eq(commons_fermi(0, 1e6, 1e-3), 1.0);
    ck_assert_double_eq(commons_fermi(1e6, 0, 1e-3), 0.0);
}
END_TEST

/* Replicator: (peer - self) / spread = (3 - 1) / 4 = 1/2; worse peers never copied. */
START_TEST(test_replicator_probability)
{
    ck_assert_double_eq(commons_replicator(1, 3, 4), 0.5);
    ck_assert_double_eq(commons_replicator(3, 1, 4), 0.0);
    ck_assert_double_eq(commons_replicator(1, 3, 0), 0.0);
}
END_TEST

/* Synchronous village update: harvester 0 (strategy 0, payoff 1) looks at 1
 * (strategy 1, payoff 3): Fermi at kappa 1 gives p = 1/(1 + e^-2) = 0.8808;
 * draw 0.88 copies, 0.89 would not. Harvester 1 looks at 0 with p = 0.1192,
 * draw 0.5: keeps 1 (reading 0's *old* strategy either way).
 * Harvester 2 mutates (draw 0.01 < 0.05) to strategy 2. */
START_TEST(test_village_evolve)
{
    uint8_t strategy[3] = {0, 1, 0}, next[3];
    double payoff[3] = {1, 3, 2};
    commons_village v = {3, NULL, NULL, strategy, NULL, payoff, NULL};
    commons_evolution e = {EVOLVE_FERMI, 1.0, 0.05, 3};
    uint32_t peer[3] = {1, 0, 1};
    commons_draws d[3] = {{0.88, 0.5, 0}, {0.5, 0.5, 0}, {0.99, 0.01, 2}};
    commons_village_evolve(&e, &v, peer, d, next);
    ck_assert_int_eq(next[0], 1);
    ck_assert_int_eq(next[1], 1);
    ck_assert_int_eq(next[2], 2);
    d[0].copy = 0.89;
    commons_village_evolve(&e, &v, peer, d, next);
    ck_assert_int_eq(next[0], 0);
    e.rule = EVOLVE_NONE;
    d[0].copy = 0.0;
    commons_village_evolve(&e, &v, peer, d, next);
    ck_assert_int_eq(next[0], 0);
}
END_TEST

/* ---- Gini ---------------------------------------------------------------------------------- */

/* {4, 1, 3, 2} sorted 1, 2, 3, 4 with weights 2i - n - 1 = -3, -1, 1, 3:
 * -3 - 2 + 3 + 12 = 10; n sum = 4 * 10 = 40: G = 0.25.
 * {0, 0, 1, 0}: 3 * 1 / (4 * 1) = 0.75. Equal gains, or all zero: 0. */
START_TEST(test_gini_small_vectors)
{
    double scratch[4];
    double a[4] = {4, 1, 3, 2}, b[4] = {0, 0, 1, 0}, c[4] = {2, 2, 2, 2}, z[4] = {0};
    ck_assert_double_eq(commons_gini(a, 4, scratch), 0.25);
    ck_assert_double_eq(commons_gini(b, 4, scratch), 0.75);
    ck_assert_double_eq(commons_gini(c, 4, scratch), 0.0);
    ck_assert_double_eq(commons_gini(z, 4, scratch), 0.0);
    ck_assert_double_eq(a[0], 4.0); /* the input is not reordered */
}
END_TEST

/* Block assignment: 5 members, shares 0.2 each: boundaries round(5 * 0.2k) =
 * 1, 2, 3, 4: one member per group. Shares 0.2, 0.4, 0.2, 0.2 of 5: boundaries
 * 1, 3, 4: groups 0, 1, 1, 2, 3. Shares 0.5, 0.5 of 3: round(1.5) = 2: 0, 0, 1. */
START_TEST(test_block_assignment)
{
    double even[5] = {0.2, 0.2, 0.2, 0.2, 0.2}, fishery[4] = {0.2, 0.4, 0.2, 0.2},
           half[2] = {0.5, 0.5};
    for (uint64_t h = 0; h < 5; h++)
        ck_assert_uint_eq(commons_block_group(even, 5, 5, h), h);
    static const uint8_t want[5] = {0, 1, 1, 2, 3};
    for (uint64_t h = 0; h < 5; h++)
        ck_assert_uint_eq(commons_block_group(fishery, 4, 5, h), want[h]);
    ck_assert_uint_eq(commons_block_group(half, 2, 3, 0), 0);
    ck_assert_uint_eq(commons_block_group(half, 2, 3, 1), 0);
    ck_assert_uint_eq(commons_block_group(half, 2, 3, 2), 1);
}
END_TEST

START_TEST(test_harvester_registry)
{
    static const char *const names[] = {"cooperator", "defector",    "fixed_quota",
                                        "sustainable", "greedy",     "imitate_best"};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_ptr_nonnull(harvester_find(names[i]));
        ck_assert_str_eq(harvester_at(i)->name, names[i]);
    }
    ck_assert_ptr_null(harvester_at(6));
    ck_assert_ptr_null(harvester_find("pirate"));
}
END_TEST

static Suite *commons_suite(void)
{
    Suite *s = suite_create("commons");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_logistic_steps_by_hand);
    tcase_add_test(tc, test_logistic_fixed_point);
    tcase_add_test(tc, test_collapse_iff_effort_reaches_growth);
    tcase_add_test(tc, test_fishery_fixed_quotas);
    tcase_add_test(tc, test_fishery_behaviours);
    tcase_add_test(tc, test_over_usage_and_cooperators);
    tcase_add_test(tc, test_random_units_order);
    tcase_add_test(tc, test_proportional_rationing);
    tcase_add_test(tc, test_sustainable_threshold);
    tcase_add_test(tc, test_fermi_probability);
    tcase_add_test(tc, test_replicator_probability);
    tcase_add_test(tc, test_village_evolve);
    tcase_add_test(tc, test_gini_small_vectors);
    tcase_add_test(tc, test_block_assignment);
    tcase_add_test(tc, test_harvester_registry);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(commons_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
