/* Auction theory as tests: expected revenues that theory predicts for i.i.d.
 * U[0,1] values in a single-slot auction, checked by Monte Carlo through the
 * position mechanisms themselves (gsp with one slot is the second-price
 * auction, gfp the first-price one). Each estimate must lie within 3 standard
 * errors of the closed form. Per-instance theorems (truthful GSP revenue >= VCG
 * revenue, VCG dominant strategy) are checked in test_position.c. */
#include <check.h>
#include <math.h>
#include <stdint.h>

#include "position.h"
#include "rng.h"

enum { MAX_N = 8, SAMPLES = 200000 };

static const double one_click[1] = {1.0};

typedef struct {
    double sum, sum_sq;
    long n;
} estimate;

static void add(estimate *e, double x)
{
    e->sum += x;
    e->sum_sq += x * x;
    e->n++;
}

static double mean(const estimate *e)
{
    return e->sum / (double)e->n;
}

static double standard_error(const estimate *e)
{
    double m = mean(e);
    double var = (e->sum_sq / (double)e->n - m * m) * (double)e->n / (double)(e->n - 1);
    return sqrt(var / (double)e->n);
}

/* Revenue of one single-slot auction where bidder i bids shade * value[i]. */
static double one_auction(const char *mechanism, const double *values, int n, double shade,
                          double reserve)
{
    double bids[MAX_N];
    uint32_t order[2], winner[1];
    double price[1];
    for (int i = 0; i < n; i++)
        bids[i] = shade * values[i];
    position_params p = {.slots = 1, .ctr = one_click, .reserve = reserve};
    position_outcome out = {0, winner, price};
    position_run(position_mechanism_find(mechanism), &p, bids, NULL, (uint32_t)n, order, &out);
    return out.filled ? out.price[0] : 0.0;
}

static estimate simulate(const char *mechanism, int n, double shade, double reserve,
                         uint64_t stream)
{
    estimate e = {0};
    pcg32 g = rng_stream(2026, 900, stream, 0);
    double values[MAX_N];
    for (int t = 0; t < SAMPLES; t++) {
        for (int i = 0; i < n; i++)
            values[i] = rng_uniform01(&g);
        add(&e, one_auction(mechanism, values, n, shade, reserve));
    }
    return e;
}

static void expect_within_3se(const estimate *e, double theory, const char *what, int n)
{
    double se = standard_error(e);
    ck_assert_msg(fabs(mean(e) - theory) <= 3.0 * se,
                  "%s, n = %d: Monte Carlo %.6f +- %.6f (1 s.e.), theory %.6f", what, n, mean(e),
                  se, theory);
}

/* Revenue equivalence (Vickrey 1961; Myerson 1981): with n i.i.d. U[0,1]
 * bidders, the second-price auction with truthful bids and the first-price
 * auction at its symmetric equilibrium b(v) = (n-1)v/n both earn
 * E[second-highest value] = (n-1)/(n+1). */
START_TEST(test_revenue_equivalence)
{
    static const int sizes[] = {2, 3, 5};
    for (int k = 0; k < 3; k++) {
        int n = sizes[k];
        double theory = (double)(n - 1) / (double)(n + 1);
        estimate second = simulate("gsp", n, 1.0, 0.0, (uint64_t)(2 * k));
        estimate first = simulate("gfp", n, (double)(n - 1) / (double)n, 0.0, (uint64_t)(2 * k));
        expect_within_3se(&second, theory, "second price, truthful", n);
        expect_within_3se(&first, theory, "first price at (n-1)v/n", n);
    }
}
END_TEST

/* Expected revenue of the second-price auction with reserve r and n i.i.d.
 * U[0,1] bidders (Myerson 1981; Krishna, "Auction Theory", 2nd ed., sec. 2.5):
 *   R(r) = (n-1)/(n+1) + r^n - 2n r^(n+1)/(n+1).
 * The sale happens when the highest value is >= r; the price is the larger of
 * the second value and r. */
static double reserve_revenue(int n, double r)
{
    return (double)(n - 1) / (double)(n + 1) + pow(r, n) -
           2.0 * n * pow(r, n + 1) / (double)(n + 1);
}

START_TEST(test_reserve_formula_by_hand)
{
    /* n = 2, r = 1/2: 1/3 + 1/4 - 4 (1/8) / 3 = 1/3 + 1/4 - 1/6 = 5/12, which is
     * also the optimal (Myerson) revenue for two U[0,1] bidders. */
    ck_assert_double_eq_tol(reserve_revenue(2, 0.5), 5.0 / 12.0, 1e-15);
    /* r = 0 gives back the plain second-price revenue. */
    ck_assert_double_eq_tol(reserve_revenue(3, 0.0), 0.5, 1e-15);
}
END_TEST

START_TEST(test_second_price_with_reserve)
{
    static const struct {
        int n;
        double r;
    } cases[] = {{2, 0.5}, {3, 0.3}, {5, 0.7}};
    for (int k = 0; k < 3; k++) {
        estimate e = simulate("gsp", cases[k].n, 1.0, cases[k].r, (uint64_t)(10 + k));
        expect_within_3se(&e, reserve_revenue(cases[k].n, cases[k].r), "second price + reserve",
                          cases[k].n);
    }
}
END_TEST

/* The check must be able to fail: without shading, first price earns
 * E[max] = n/(n+1), far more than 3 standard errors from (n-1)/(n+1). */
START_TEST(test_unshaded_first_price_differs)
{
    estimate e = simulate("gfp", 2, 1.0, 0.0, 20);
    ck_assert_double_gt(fabs(mean(&e) - 1.0 / 3.0), 10.0 * standard_error(&e));
    ck_assert_double_eq_tol(mean(&e), 2.0 / 3.0, 3.0 * standard_error(&e));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("theory");
    TCase *tc = tcase_create("revenue");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_revenue_equivalence);
    tcase_add_test(tc, test_reserve_formula_by_hand);
    tcase_add_test(tc, test_second_price_with_reserve);
    tcase_add_test(tc, test_unshaded_first_price_differs);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
