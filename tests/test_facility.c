/* Unit tests of the facility location family's pure code (mechanisms/facility,
 * agents/facility_peaks.c): each mechanism on profiles worked out by hand in
 * the comments, the one-report-replaced outcome against recomputation, the
 * strategyproofness probe (zero gain for generalised medians, positive for the
 * average), the axiom checkers on hand-worked profiles and on random and
 * two-point profiles, and the peak draws. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facility.h"
#include "facility_agents.h"
#include "rng.h"

#include "violations.h" /* EXPECT: counted checks in random-instance loops */

enum { MAX_N = 256 };

static const facility_params no_params = {1, NULL, 0};

static double locate(const char *name, const facility_params *p, const double *r, size_t n)
{
    double scratch[MAX_N];
    const facility_mechanism *m = facility_mechanism_find(name);
    ck_assert_ptr_nonnull(m);
    return facility_locate(m, p, r, n, scratch);
}

/* ---- mechanisms on hand-worked profiles ----------------------------------- */

START_TEST(median_hand_worked)
{
    /* {0.1, 0.9, 0.4} sorted 0.1 0.4 0.9; ⌈3/2⌉ = 2nd smallest = 0.4. */
    const double a[] = {0.1, 0.9, 0.4};
    ck_assert(locate("median", &no_params, a, 3) == 0.4);
    /* {0.2, 0.8, 0.6, 0.1} sorted 0.1 0.2 0.6 0.8; ⌈4/2⌉ = 2nd = 0.2 (left median). */
    const double b[] = {0.2, 0.8, 0.6, 0.1};
    ck_assert(locate("median", &no_params, b, 4) == 0.2);
    const double c[] = {0.7};
    ck_assert(locate("median", &no_params, c, 1) == 0.7);
}
END_TEST

START_TEST(kth_hand_worked)
{
    /* {0.1, 0.9, 0.4}: k = 1 leftmost 0.1, k = 3 rightmost 0.9, k = 2 = 0.4. */
    const double a[] = {0.1, 0.9, 0.4};
    facility_params p = {1, NULL, 0};
    ck_assert(locate("kth", &p, a, 3) == 0.1);
    p.k = 3;
    ck_assert(locate("kth", &p, a, 3) == 0.9);
    p.k = 2;
    ck_assert(locate("kth", &p, a, 3) == 0.4);
}
END_TEST

START_TEST(average_hand_worked)
{
    /* (0.1 + 0.4 + 0.9) / 3 = 1.4 / 3 = 0.4666..., summed in ascending order. */
    const double a[] = {0.9, 0.1, 0.4};
    ck_assert(locate("average", &no_params, a, 3) == (0.1 + 0.4 + 0.9) / 3.0);
    ck_assert(fabs(locate("average", &no_params, a, 3) - 1.4 / 3.0) < 1e-15);
    /* Two agents at 0 and one at 1: 1/3. */
    const double b[] = {0.0, 1.0, 0.0};
    ck_assert(fabs(locate("average", &no_params, b, 3) - 1.0 / 3.0) < 1e-15);
}
END_TEST

START_TEST(phantoms_hand_worked)
{
    const double r[] = {0.1, 0.9, 0.4};
    /* Phantoms {0, 0.3, 0.5, 1}: 7 points 0 .1 .3 .4 .5 .9 1, the 4th is 0.4. */
    const double ph1[] = {0.0, 0.3, 0.5, 1.0};
    facility_params p = {1, ph1, 4};
    ck_assert(locate("phantoms", &p, r, 3) == 0.4);
    /* Phantoms all at 0: 0 0 0 0 .1 .4 .9, the 4th is 0 (a constant mechanism). */
    const double ph0[] = {0.0, 0.0, 0.0, 0.0};
    p.phantoms = ph0;
    ck_assert(locate("phantoms", &p, r, 3) == 0.0);
    /* Phantoms all at 1: .1 .4 .9 1 1 1 1, the 4th is 1. */
    const double ph2[] = {1.0, 1.0, 1.0, 1.0};
    p.phantoms = ph2;
    ck_assert(locate("phantoms", &p, r, 3) == 1.0);
    /* Phantoms {0, 0, 1, 1} give the median of the reports: 0 0 .1 .4 .9 1 1 -> 0.4. */
    const double ph3[] = {0.0, 0.0, 1.0, 1.0};
    p.phantoms = ph3;
    ck_assert(locate("phantoms", &p, r, 3) == 0.4);
    /* Phantoms {0.6, 0.7, 0.8, 0.95}: .1 .4 .6 .7 .8 .9 .95, the 4th is 0.7 (a phantom). */
    const double ph4[] = {0.6, 0.7, 0.8, 0.95};
    p.phantoms = ph4;
    ck_assert(locate("phantoms", &p, r, 3) == 0.7);
}
END_TEST

START_TEST(uniform_phantom_hand_worked)
{
    /* n = 3: phantoms 0, 1/3, 2/3, 1. */
    const double a[] = {0.1, 0.9, 0.4}; /* 0 .1 1/3 .4 2/3 .9 1 -> 4th = 0.4 */
    ck_assert(locate("uniform_phantom", &no_params, a, 3) == 0.4);
    const double b[] = {0.9, 0.95, 1.0}; /* 0 1/3 2/3 .9 .95 1 1 -> 0.9 */
    ck_assert(locate("uniform_phantom", &no_params, b, 3) == 0.9);
    const double c[] = {0.99, 0.95, 0.98}; /* 0 1/3 2/3 .95 .98 .99 1 -> 0.95 */
    ck_assert(locate("uniform_phantom", &no_params, c, 3) == 0.95);
    const double d[] = {0.0, 0.0, 0.0}; /* 0 0 0 0 1/3 2/3 1 -> 0 */
    ck_assert(locate("uniform_phantom", &no_params, d, 3) == 0.0);
    const double e[] = {0.0, 0.0, 0.1}; /* 0 0 0 .1 1/3 2/3 1 -> 0.1 */
    ck_assert(locate("uniform_phantom", &no_params, e, 3) == 0.1);
    const double f[] = {0.0, 0.0, 1.0}; /* 0 0 0 1/3 2/3 1 1 -> 1/3: one of three at 1 */
    ck_assert(locate("uniform_phantom", &no_params, f, 3) == 1.0 / 3.0);
}
END_TEST

/* Proportionality: k agents at 1 and n - k at 0. The union sorted is n - k + 1
 * zeros, the phantoms 1/n .. (n-1)/n, then k + 1 ones; its (n+1)-th point is
 * the phantom k/n (k = 0: a zero; k = n: a one), i.e. exactly k/n. */
START_TEST(uniform_phantom_two_point_is_k_over_n)
{
    double r[MAX_N];
    reset_violations();
    for (size_t n = 1; n <= 120; n++)
        for (size_t k = 0; k <= n; k++) {
            for (size_t i = 0; i < n; i++)
                r[i] = (i * 7919 + k) % n < k ? 1.0 : 0.0; /* k ones, shuffled */
            EXPECT(locate("uniform_phantom", &no_params, r, n) == (double)k / (double)n);
            /* ...and the median picks an end, unfair to the minority. */
            double med = locate("median", &no_params, r, n);
            EXPECT(med == (2 * k > n ? 1.0 : 0.0));
        }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- one report replaced ---------------------------------------------------- */

static void random_profile(double *r, size_t n, uint64_t key, int ties)
{
    pcg32 g = rng_stream(99, 1, key, 0);
    for (size_t i = 0; i < n; i++)
        r[i] = ties ? (double)rng_below(&g, 5) / 4.0 : rng_uniform01(&g);
}

/* facility_with (O(1) from the neighbourhood) equals recomputing from scratch,
 * bit for bit, for every agent and a spread of replacement reports, with and
 * without ties. */
START_TEST(replaced_report_matches_recomputation)
{
    double r[MAX_N], sorted[MAX_N], changed[MAX_N], ph[MAX_N + 1];
    reset_violations();
    for (uint64_t trial = 0; trial < 300; trial++) {
        size_t n = 1 + trial % 40;
        random_profile(r, n, trial, trial % 3 == 0);
        random_profile(ph, n + 1, trial + 1000, trial % 2 == 0);
        facility_sort(ph, n + 1);
        for (size_t mi = 0; facility_mechanism_at(mi); mi++) {
            const facility_mechanism *m = facility_mechanism_at(mi);
            if (m->rule != FACILITY_ORDER)
                continue;
            facility_params p = {1 + trial % n, ph, n + 1};
            memcpy(sorted, r, n * sizeof *r);
            facility_sort(sorted, n);
            facility_nbhd h;
            facility_neighbourhood(m, &p, sorted, n, &h);
            for (size_t a = 0; a < n; a++)
                for (int zi = 0; zi <= 8; zi++) {
                    double z = zi < 8 ? zi / 7.0 : r[(a + 1) % n];
                    memcpy(changed, r, n * sizeof *r);
                    changed[a] = z;
                    EXPECT(facility_with(m, &h, r[a], z) == locate(m->name, &p, changed, n));
                }
        }
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- strategyproofness probe ------------------------------------------------- */

static double max_gain(const char *name, const double *r, size_t n)
{
    const facility_mechanism *m = facility_mechanism_find(name);
    double sorted[MAX_N];
    memcpy(sorted, r, n * sizeof *r);
    facility_sort(sorted, n);
    facility_nbhd h;
    facility_neighbourhood(m, &no_params, sorted, n, &h);
    double most = 0.0;
    for (size_t a = 0; a < n; a++) {
        double g = facility_gain(m, &h, r[a], r[a], 101);
        most = g > most ? g : most;
    }
    return most;
}

START_TEST(sp_gain_zero_for_medians_positive_for_average)
{
    double r[MAX_N];
    double avg_most = 0.0;
    reset_violations();
    for (uint64_t trial = 0; trial < 200; trial++) {
        size_t n = 101;
        random_profile(r, n, trial, trial % 4 == 0);
        EXPECT(max_gain("median", r, n) <= 1e-12);
        EXPECT(max_gain("uniform_phantom", r, n) <= 1e-12);
        EXPECT(max_gain("kth", r, n) <= 1e-12);
        double g = max_gain("average", r, n);
        avg_most = g > avg_most ? g : avg_most;
        EXPECT(trial % 4 == 0 || g > 1e-3); /* continuous profiles: someone gains */
    }
    ASSERT_NO_VIOLATIONS();
    ck_assert(avg_most > 1e-3);
}
END_TEST

/* Average, hand-worked: peaks {0, 0, 1}, mean 1/3. The agent at 1 reports z:
 * (0 + 0 + z)/3 <= 1/3, so its best is z = 1 (truth), gain 0. An agent at 0
 * reporting 0 gets cost 1/3; no report below 0, gain 0. Peaks {0.5, 0.5, 0.2}:
 * mean 0.4; the agent at 0.2 reports z with (1 + z)/3 = 0.2 -> z = -0.4,
 * clamped to 0: mean 1/3, cost 2/15, truth cost 0.2: gain 0.2 - 2/15 = 1/15. */
START_TEST(average_gain_hand_worked)
{
    const facility_mechanism *m = facility_mechanism_find("average");
    double s[] = {0.2, 0.5, 0.5};
    facility_nbhd h;
    facility_neighbourhood(m, &no_params, s, 3, &h);
    ck_assert(fabs(facility_gain(m, &h, 0.2, 0.2, 0) - 1.0 / 15.0) < 1e-12);
    ck_assert(facility_best_response(m, &h, 0.2, 0.2, 0) == 0.0);
    double t[] = {0.0, 0.0, 1.0};
    facility_neighbourhood(m, &no_params, t, 3, &h);
    ck_assert(facility_gain(m, &h, 1.0, 1.0, 11) == 0.0);
    ck_assert(facility_gain(m, &h, 0.0, 0.0, 11) == 0.0);
    ck_assert(facility_best_response(m, &h, 1.0, 1.0, 11) == 1.0);
}
END_TEST

/* ---- axiom checks ------------------------------------------------------------ */

static facility_check check(const double *x_unsorted, size_t n, double y)
{
    double x[MAX_N], scratch[MAX_N];
    memcpy(x, x_unsorted, n * sizeof *x);
    facility_sort(x, n);
    facility_check c;
    facility_check_sorted(x, n, y, scratch, &c);
    return c;
}

START_TEST(checks_hand_worked)
{
    /* Peaks {0, 0, 1}, median y = 0: costs 0, 0, 1. IFS bound 1 - 1/3 = 2/3: the
     * agent at 1 violates. UFS: it is alone (bound 2/3): violates; the pair at 0
     * (bound 1/3) is at cost 0. PF: the best block for it is itself (1/3 - 0), so
     * bound 2/3: violates. Total cost 1, welfare 2, max 1; the optimum (median 0)
     * costs 1. */
    const double a[] = {0.0, 1.0, 0.0};
    facility_check c = check(a, 3, 0.0);
    ck_assert(c.ifs == 1 && c.ufs == 1 && c.pf == 1);
    ck_assert(c.total_cost == 1.0 && c.welfare == 2.0 && c.max_cost == 1.0 && c.opt_cost == 1.0);
    /* Uniform Phantom puts it at 1/3: costs 1/3, 1/3, 2/3; IFS 2/3 <= 2/3 holds,
     * UFS at 0 (k = 2): 1/3 <= 1/3 holds; no violations. */
    c = check(a, 3, 1.0 / 3.0);
    ck_assert(c.ifs == 0 && c.ufs == 0 && c.pf == 0);
    /* Peaks {0, 0.6, 0.61, 0.62}, y = 0 (leftmost): costs 0, .6, .61, .62, all
     * under the IFS bound 0.75 and distinct (UFS = IFS). PF: the three near 0.6,
     * k = 3, r = 0.02, bound 1 - 3/4 + 0.02 = 0.27: all three violate. */
    const double b[] = {0.62, 0.0, 0.6, 0.61};
    c = check(b, 4, 0.0);
    ck_assert(c.ifs == 0 && c.ufs == 0 && c.pf == 3);
    /* Peaks {0, 0.1, 0.9, 1}, y = 0: IFS bound 0.75, agents at .9 and 1 violate.
     * PF for the agent at 0.9: blocks {.9} 1/4, {.9, 1} 2/4 - 0.1 = 0.4, larger
     * ones worse; bound 0.6 < 0.9: violates; the agent at 1 likewise. */
    const double d[] = {0.0, 0.1, 0.9, 1.0};
    c = check(d, 4, 0.0);
    ck_assert(c.ifs == 2 && c.ufs == 2 && c.pf == 2);
    /* UFS without IFS: peaks {0, 1, 1, 1, 1}, y = 0.5: the four at 1 have cost
     * 0.5 <= IFS bound 0.8 but UFS bound 1 - 4/5 = 0.2: four violations. */
    const double e[] = {1.0, 0.0, 1.0, 1.0, 1.0};
    c = check(e, 5, 0.5);
    ck_assert(c.ifs == 0 && c.ufs == 4 && c.pf == 4);
}
END_TEST

/* Uniform Phantom satisfies UFS and PF on random profiles and on adversarial
 * two-point ones; the median violates UFS on some two-point profiles. */
START_TEST(uniform_phantom_fair_median_not)
{
    double r[MAX_N];
    uint64_t median_ufs = 0;
    reset_violations();
    for (uint64_t trial = 0; trial < 400; trial++) {
        size_t n = 2 + trial % 120;
        if (trial % 2) {
            random_profile(r, n, trial, trial % 3 == 0);
        } else {
            pcg32 g = rng_stream(7, 2, trial, 0);
            size_t k = rng_below(&g, (uint32_t)n + 1);
            for (size_t i = 0; i < n; i++)
                r[i] = i < k ? 1.0 : 0.0;
        }
        double y = locate("uniform_phantom", &no_params, r, n);
        facility_check c = check(r, n, y);
        EXPECT(c.ifs == 0 && c.ufs == 0 && c.pf == 0);
        median_ufs += check(r, n, locate("median", &no_params, r, n)).ufs;
    }
    ASSERT_NO_VIOLATIONS();
    ck_assert(median_ufs > 0);
}
END_TEST

/* ---- sorting -------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* facility_sort equals qsort on random, tied, ascending and descending inputs
 * of every length up to 600 (both sides of the insertion-sort cutoff). */
START_TEST(sort_matches_qsort)
{
    static double a[600], b[600];
    reset_violations();
    for (uint64_t t = 0; t < 2400; t++) {
        size_t n = t % 600;
        pcg32 g = rng_stream(3, 3, t, 0);
        for (size_t i = 0; i < n; i++) {
            int kind = (int)(t / 600);
            a[i] = kind == 0   ? rng_uniform01(&g)
                   : kind == 1 ? (double)rng_below(&g, 4) / 3.0
                   : kind == 2 ? (double)i / 600.0
                               : (double)(n - i) / 600.0;
            b[i] = a[i];
        }
        facility_sort(a, n);
        qsort(b, n, sizeof *b, cmp_double);
        EXPECT(n == 0 || memcmp(a, b, n * sizeof *a) == 0);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- agents --------------------------------------------------------------- */

START_TEST(peaks_in_range_and_keyed)
{
    double centers[] = {0.2, 0.8}, weights[] = {0.5, 0.5};
    facility_peaks d[4] = {
        {.kind = PEAKS_UNIFORM, .low = 0.25, .high = 0.75},
        {.kind = PEAKS_BETA, .a = 0.5, .b = 3.0},
        {.kind = PEAKS_CLUSTERS, .centers = centers, .weights = weights, .n_clusters = 2,
         .spread = 0.3},
        {.kind = PEAKS_TWO_POINT, .ones = 0.3},
    };
    reset_violations();
    double ones = 0.0, beta_sum = 0.0;
    for (uint64_t a = 0; a < 20000; a++)
        for (int k = 0; k < 4; k++) {
            double x = facility_peak_draw(&d[k], 5, a);
            EXPECT(x >= 0.0 && x <= 1.0 && !signbit(x));
            EXPECT(x == facility_peak_draw(&d[k], 5, a)); /* a pure function of the key */
            if (k == 0)
                EXPECT(x >= 0.25 && x < 0.75);
            if (k == 1)
                beta_sum += x;
            if (k == 3) {
                EXPECT(x == 0.0 || x == 1.0);
                ones += x;
            }
            double y = facility_drift(x, 0.5, 5, a, 3);
            EXPECT(y >= 0.0 && y <= 1.0 && !signbit(y));
        }
    ASSERT_NO_VIOLATIONS();
    /* Means: Beta(0.5, 3) has mean 0.5 / 3.5 = 0.142857; two-point 0.3. */
    ck_assert(fabs(beta_sum / 20000 - 0.5 / 3.5) < 0.01);
    ck_assert(fabs(ones / 20000 - 0.3) < 0.015);
    ck_assert(facility_fold(-0.25) == 0.25 && facility_fold(1.25) == 0.75);
    ck_assert(facility_fold(2.5) == 0.5 && !signbit(facility_fold(-0.0)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("facility");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, median_hand_worked);
    tcase_add_test(tc, kth_hand_worked);
    tcase_add_test(tc, average_hand_worked);
    tcase_add_test(tc, phantoms_hand_worked);
    tcase_add_test(tc, uniform_phantom_hand_worked);
    tcase_add_test(tc, uniform_phantom_two_point_is_k_over_n);
    tcase_add_test(tc, replaced_report_matches_recomputation);
    tcase_add_test(tc, sp_gain_zero_for_medians_positive_for_average);
    tcase_add_test(tc, average_gain_hand_worked);
    tcase_add_test(tc, checks_hand_worked);
    tcase_add_test(tc, uniform_phantom_fair_median_not);
    tcase_add_test(tc, sort_matches_qsort);
    tcase_add_test(tc, peaks_in_range_and_keyed);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
