/* Unit tests of the engine's pure helpers: block partitions, exact sums, derived
 * metrics, and the population's group boundaries. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "fixed_sum.h"
#include "metrics.h"
#include "partition.h"
#include "population.h"
#include "rng.h"

START_TEST(blocks_cover_every_id_once)
{
    /* For every n and rank count, lo() is monotone, lo(0) = 0, lo(P) = n, and
     * block_owner agrees with lo() for every id. */
    for (uint64_t n = 1; n <= 60; n++)
        for (int parts = 1; parts <= (int)n && parts <= 9; parts++) {
            ck_assert_uint_eq(block_lo(n, parts, 0), 0);
            ck_assert_uint_eq(block_lo(n, parts, parts), n);
            for (uint64_t id = 0; id < n; id++) {
                int r = block_owner(n, parts, id);
                ck_assert(block_lo(n, parts, r) <= id && id < block_lo(n, parts, r + 1));
            }
        }
}
END_TEST

START_TEST(blocks_differ_by_at_most_one)
{
    uint64_t n = 4294967295ULL;
    int parts = 7;
    for (int r = 0; r < parts; r++) {
        uint64_t size = block_lo(n, parts, r + 1) - block_lo(n, parts, r);
        ck_assert(size == n / 7 || size == n / 7 + 1);
    }
    ck_assert_int_eq(block_owner(n, parts, n - 1), parts - 1);
}
END_TEST

START_TEST(fixed_sum_is_exact_for_representable_terms)
{
    /* 0.1 is not a multiple of 2^-40, but 0.5, 0.25 and integers are: their sum is exact. */
    fixed_sum s = {0};
    fixed_add(&s, 0.5);
    fixed_add(&s, 0.25);
    fixed_add(&s, 1e12);
    fixed_add(&s, -3.0);
    ck_assert(fixed_value(s) == 1e12 - 2.25);
    ck_assert(!fixed_out_of_range(s));
}
END_TEST

START_TEST(fixed_sum_is_independent_of_order_and_grouping)
{
    /* The same 10,000 terms summed forwards, backwards and in two partial sums
     * combined must give identical bits: what makes metrics rank-count invariant. */
    enum { N = 10000 };
    static double x[N];
    pcg32 g;
    pcg32_seed(&g, 5, 6);
    for (int i = 0; i < N; i++)
        x[i] = rng_lognormal(&g, 0.0, 3.0) * (i % 3 ? 1 : -1);
    fixed_sum fwd = {0}, bwd = {0}, a = {0}, b = {0};
    for (int i = 0; i < N; i++)
        fixed_add(&fwd, x[i]);
    for (int i = N - 1; i >= 0; i--)
        fixed_add(&bwd, x[i]);
    for (int i = 0; i < N; i++)
        fixed_add(i < 3333 ? &a : &b, x[i]);
    a.v += b.v;
    ck_assert(fwd.v == bwd.v);
    ck_assert(fwd.v == a.v);
}
END_TEST

START_TEST(fixed_sum_flags_out_of_range)
{
    fixed_sum s = {0};
    fixed_add(&s, 1e30);
    ck_assert(fixed_out_of_range(s));
    fixed_sum t = {0};
    fixed_add(&t, NAN);
    ck_assert(fixed_out_of_range(t));
}
END_TEST

START_TEST(unclamped_local_total_matches_fixed_add)
{
    /* Settlement sums a call's terms locally without the clamp and adds the
     * total once: lognormal(0, 6) terms reach 1e10 and beyond, so some take
     * the wide path (>= 2^22), and the bits must equal term-by-term fixed_add. */
    enum { N = 10000 };
    pcg32 g;
    pcg32_seed(&g, 7, 8);
    fixed_sum direct = {0}, local = {0}, total = {0};
    int wide = 0;
    for (int i = 0; i < N; i++) {
        double x = rng_lognormal(&g, 0.0, 6.0) * (i % 5 ? 1 : -1);
        wide += fabs(x) >= 0x1p22;
        fixed_add(&direct, x);
        fixed_add_unclamped(&local, x);
    }
    ck_assert_int_gt(wide, 0);
    fixed_add_sum(&total, local);
    ck_assert(direct.v == total.v);
    /* A local total out of range is still flagged once added. */
    fixed_sum big = {0}, flagged = {0};
    fixed_add_unclamped(&big, 1e30);
    fixed_add_sum(&flagged, big);
    ck_assert(fixed_out_of_range(flagged));
}
END_TEST

START_TEST(mean_cpc_is_revenue_over_clicks)
{
    double row[METRIC_COUNT] = {0};
    row[METRIC_REVENUE] = 1000;
    row[METRIC_CLICKS] = 300;
    metrics_derive(row);
    ck_assert(row[METRIC_MEAN_CPC] == 1000.0 / 300.0);
    row[METRIC_CLICKS] = 0;
    metrics_derive(row);
    ck_assert(row[METRIC_MEAN_CPC] == 0.0);
}
END_TEST

START_TEST(groups_follow_cumulative_shares)
{
    /* Shares 0.7 / 0.3 of 10 agents: ids 0-6 in group 0, 7-9 in group 1. */
    scenario_group groups[2] = {{.behaviour = "truthful", .share = 0.7},
                                {.behaviour = "shade", .share = 0.3, .params = {.factor = 0.8}}};
    scenario s = {0};
    s.population.agents = 10;
    s.groups = groups;
    s.n_groups = 2;
    for (uint64_t id = 0; id < 10; id++)
        ck_assert_uint_eq(population_group_of(&s, id), id < 7 ? 0 : 1);
    uint64_t lo, hi;
    population_group_bounds(&s, 0, &lo, &hi);
    ck_assert(lo == 0 && hi == 7);
    population_group_bounds(&s, 1, &lo, &hi);
    ck_assert(lo == 7 && hi == 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine units");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, blocks_cover_every_id_once);
    tcase_add_test(tc, blocks_differ_by_at_most_one);
    tcase_add_test(tc, fixed_sum_is_exact_for_representable_terms);
    tcase_add_test(tc, fixed_sum_is_independent_of_order_and_grouping);
    tcase_add_test(tc, fixed_sum_flags_out_of_range);
    tcase_add_test(tc, unclamped_local_total_matches_fixed_add);
    tcase_add_test(tc, mean_cpc_is_revenue_over_clicks);
    tcase_add_test(tc, groups_follow_cumulative_shares);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
