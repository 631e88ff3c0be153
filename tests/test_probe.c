/* Unit tests of sim/probe (mechanism-property probes) on the position and AIGC
 * mechanisms, without MPI: the best gain of a unilateral deviation is ~0 for
 * VCG (truthful bidding is dominant) and positive for GSP and GFP with truthful
 * bids (neither is truthful); IR counting; the rank-invariant choice of probed
 * instances. Hand-computed values say where their numbers come from. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aigc.h"
#include "position.h"
#include "probe.h"
#include "rng.h"

#include "violations.h"

enum { MAX_N = 12, MAX_S = 6 };

/* One position auction: bids (varied by the probe), weights, values. */
typedef struct {
    const position_mechanism *m;
    position_params p;
    double ctr[MAX_S];
    double bids[MAX_N], w[MAX_N];
    const double *weights; /* w or NULL */
    uint32_t n;
} pos_case;

static double pos_utility_at(pos_case *c, uint32_t who, double value, double report)
{
    uint32_t order[MAX_S + 1], winner[MAX_S];
    double price[MAX_S];
    double kept = c->bids[who];
    c->bids[who] = report;
    position_outcome out = {0, winner, price};
    uint32_t ranked = position_rank_weighted(&c->p, c->bids, c->weights, NULL, c->n, order);
    c->m->price_weighted(&c->p, c->bids, c->weights, order, ranked, &out);
    c->bids[who] = kept;
    double q = c->weights ? c->weights[who] : 1.0;
    for (uint32_t s = 0; s < out.filled; s++)
        if (out.winner[s] == who)
            return q * c->p.ctr[s] * (value - out.price[s]);
    return 0.0;
}

/* probe_utility_fn adapter: the values travel beside the case. */
typedef struct {
    pos_case *c;
    const double *values;
} pos_ctx;

static double pos_utility(void *ctx, uint32_t who, double report)
{
    pos_ctx *x = ctx;
    return pos_utility_at(x->c, who, x->values[who], report);
}

static void random_case(pcg32 *g, pos_case *c, const char *name, int weighted, double *values)
{
    c->m = position_mechanism_find(name);
    uint32_t slots = 1 + rng_below(g, MAX_S);
    c->n = 1 + rng_below(g, MAX_N);
    double x = 1.0;
    for (uint32_t s = 0; s < slots; s++) {
        x *= 0.3 + 0.7 * rng_uniform01(g);
        c->ctr[s] = x;
    }
    c->p = (position_params){slots, c->ctr, rng_bernoulli(g, 0.5) ? 0.0 : rng_uniform01(g)};
    for (uint32_t i = 0; i < c->n; i++) {
        values[i] = rng_lognormal(g, 0.0, 0.7);
        c->bids[i] = values[i]; /* truthful */
        c->w[i] = rng_lognormal(g, 0.0, 0.5);
    }
    c->weights = weighted ? c->w : NULL;
}

/* Largest gain over all participants of the case. */
static probe_stats probe_case(pos_case *c, const double *values, uint32_t points)
{
    probe_stats st = {0};
    pos_ctx x = {c, values};
    for (uint32_t i = 0; i < c->n; i++)
        probe_participant(&st, pos_utility, &x, i, values[i], c->bids[i], 2.0, points,
                          values[i] * c->ctr[0]);
    return st;
}

START_TEST(test_vcg_max_gain_is_zero)
{
    /* VCG: truthful bidding is dominant (Vickrey 1961, Clarke 1971, Groves
     * 1973; for position auctions with quality, Varian 2007 section 5), so no
     * grid report beats the truthful one beyond rounding. */
    pcg32 g = rng_stream(5, 600, 0, 0);
    double values[MAX_N], worst = 0.0;
    for (int t = 0; t < 400; t++) {
        pos_case c;
        random_case(&g, &c, "vcg", t % 2, values);
        probe_stats st = probe_case(&c, values, 41);
        worst = st.max_gain > worst ? st.max_gain : worst;
        EXPECT(st.ir_violations == 0); /* truthful VCG is IR */
    }
    ck_assert_msg(worst <= 1e-9, "VCG max gain %g", worst);
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_gsp_truthful_golden_gain)
{
    /* Two slots with ctr 1 and 0.9, truthful bids 10, 9, 1. Bidder 0 wins
     * slot 0 at the next bid 9: utility 1 * (10 - 9) = 1. Any report in (1, 9)
     * takes slot 1 at price 1: 0.9 * (10 - 1) = 8.1. The grid of 21 reports
     * 0, 1, ..., 20 holds such reports (2..8), so the best gain is
     * 8.1 - 1 = 7.1 (bidder 1: slot 1 at price 1 already, 0.9 * 8 = 7.2,
     * and slot 0 costs 10 > 9: no gain). GSP is not truthful (EOS 2007). */
    pos_case c = {0};
    static const double values[3] = {10, 9, 1};
    c.m = position_mechanism_find("gsp");
    c.ctr[0] = 1.0;
    c.ctr[1] = 0.9;
    c.p = (position_params){2, c.ctr, 0.0};
    c.n = 3;
    memcpy(c.bids, values, sizeof values);
    probe_stats st = probe_case(&c, values, 21);
    ck_assert_double_eq_tol(st.max_gain, 7.1, 1e-12);
    ck_assert_uint_eq(st.probed, 3);
    ck_assert_uint_eq(st.ir_violations, 0);
}
END_TEST

START_TEST(test_gsp_and_gfp_show_gain)
{
    /* On random truthful instances GSP and GFP must leave some gain somewhere
     * (GFP: any winner gains by shading below its value). */
    static const char *const names[] = {"gsp", "gfp"};
    for (int k = 0; k < 2; k++) {
        pcg32 g = rng_stream(5, 601, (uint64_t)k, 0);
        double values[MAX_N], best = 0.0;
        for (int t = 0; t < 200; t++) {
            pos_case c;
            random_case(&g, &c, names[k], t % 2, values);
            probe_stats st = probe_case(&c, values, 21);
            best = st.max_gain > best ? st.max_gain : best;
        }
        ck_assert_msg(best > 1e-3, "%s: max gain %g", names[k], best);
    }
}
END_TEST

/* AIGC: a participant's utility under a user model's VCG. */
typedef struct {
    const aigc_model *model;
    aigc_instance in;
    double reports[MAX_N];
    const double *values;
    void *work;
} aigc_case;

static double aigc_utility(void *ctx, uint32_t who, double report)
{
    aigc_case *c = ctx;
    int32_t pos[MAX_N];
    double clicks[MAX_N], pay[MAX_N], price[MAX_N];
    double kept = c->reports[who];
    c->reports[who] = report;
    aigc_outcome out = {pos, clicks, pay, price, 0.0};
    c->model->run(&c->in, c->work, &out);
    c->reports[who] = kept;
    return pos[who] == AIGC_NOT_SHOWN ? 0.0 : c->values[who] * clicks[who] - pay[who];
}

START_TEST(test_aigc_vcg_max_gain_is_zero)
{
    /* The exact models' VCG payments are truthful: additive, mnl, cascade_exact. */
    static const char *const names[] = {"additive", "mnl", "cascade_exact"};
    for (int k = 0; k < 3; k++) {
        pcg32 g = rng_stream(5, 602, (uint64_t)k, 0);
        aigc_case c = {0};
        c.model = aigc_model_find(names[k]);
        c.work = malloc(c.model->workspace_size(6, 3));
        double values[MAX_N], ctr[MAX_N * 3], worst = 0.0;
        for (int t = 0; t < 60; t++) {
            uint32_t n = 2 + rng_below(&g, 5), m = 1 + rng_below(&g, 3);
            for (uint32_t i = 0; i < n; i++) {
                values[i] = c.reports[i] = rng_lognormal(&g, 0.0, 0.7);
                for (uint32_t j = 0; j < m; j++)
                    ctr[i * m + j] = 0.05 + 0.5 * rng_uniform01(&g);
            }
            c.in = (aigc_instance){n, m, 1 + rng_below(&g, m), ctr, c.reports, NULL};
            c.values = values;
            probe_stats st = {0};
            for (uint32_t i = 0; i < n; i++)
                probe_participant(&st, aigc_utility, &c, i, values[i], values[i], 2.0, 21,
                                  values[i]);
            worst = st.max_gain > worst ? st.max_gain : worst;
            EXPECT(st.ir_violations == 0);
        }
        free(c.work);
        ck_assert_msg(worst <= 1e-9, "%s: VCG max gain %g", names[k], worst);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

static double overbid_utility(void *ctx, uint32_t who, double report)
{
    (void)ctx;
    (void)who;
    /* A first-price single item worth 1 won at any report >= 0.5, paying it. */
    return report >= 0.5 ? 1.0 - report : 0.0;
}

START_TEST(test_ir_and_grid)
{
    probe_stats st = {0};
    /* Report 2 (grid 0, 1, 2 for value 1, span 2): utility 1 - 2 = -1 < 0:
     * one IR violation; the best grid report is 1? No: 0 gives 0, 1 gives 0,
     * so the gain is 0 - (-1) = 1. */
    probe_participant(&st, overbid_utility, NULL, 0, 1.0, 2.0, 2.0, 3, 1.0);
    ck_assert_uint_eq(st.ir_violations, 1);
    ck_assert(st.max_gain == 1.0);
    ck_assert(probe_grid_point(3.0, 2.0, 5, 2) == 3.0); /* the middle point is the value */
    ck_assert(!probe_ir_violated(-1e-10, 1.0));         /* rounding allowance */
    ck_assert(probe_ir_violated(-1e-8, 1.0));
    ck_assert(!probe_ir_violated(-1e-7, 1e3)); /* scaled: 1e-9 * 1e3 = 1e-6 */
    probe_stats a = {1.0, 2, 1, 0}, b = {3.0, 1, 0, 2};
    probe_merge(&a, &b);
    ck_assert(a.max_gain == 3.0 && a.probed == 3 && a.ir_violations == 1 && a.infeasible == 2);
}
END_TEST

START_TEST(test_selection_is_by_global_index)
{
    /* 3 of 10: stride 10 / 3 = 3, so 0, 3 and 6 (9 would be the fourth). */
    int picked[10], count = 0;
    for (uint64_t g = 0; g < 10; g++)
        count += picked[g] = probe_selects(g, 3, 10);
    ck_assert_int_eq(count, 3);
    ck_assert(picked[0] && picked[3] && picked[6] && !picked[9]);
    /* All of them, and none. */
    for (uint64_t g = 0; g < 7; g++) {
        ck_assert(probe_selects(g, 7, 7));
        ck_assert(!probe_selects(g, 0, 7));
    }
}
END_TEST

static Suite *probe_suite(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("probe");
    tcase_set_timeout(tc, 120); /* sanitizer builds */
    tcase_add_checked_fixture(tc, reset_violations, NULL);
    tcase_add_test(tc, test_vcg_max_gain_is_zero);
    tcase_add_test(tc, test_gsp_truthful_golden_gain);
    tcase_add_test(tc, test_gsp_and_gfp_show_gain);
    tcase_add_test(tc, test_aigc_vcg_max_gain_is_zero);
    tcase_add_test(tc, test_ir_and_grid);
    tcase_add_test(tc, test_selection_is_by_global_index);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(probe_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
