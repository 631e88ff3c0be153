/* Unit tests of sim/rng.c: PCG32 against pcg-cpp and the PCG reference demo,
 * the keyed streams, and the distributions. Every statistical check uses a
 * fixed stream and a threshold near p = 1e-6 (or 5 standard errors), so a
 * pass is reproducible and a failure means a real defect, not bad luck. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "rng.h"

/* tests/pcg_reference.cpp: pcg-cpp's pcg32(seed, stream), first n outputs. */
void pcg_reference_outputs(uint64_t seed, uint64_t stream, uint32_t *out, int n);

/* Upper 1e-6 quantile of chi-square with df degrees of freedom, by the
 * Wilson-Hilferty cube approximation (z = 4.753 is the normal 1e-6 quantile).
 * Accurate to a few percent for df >= 3, which is plenty for a loose bound. */
static double chi2_critical(int df)
{
    double z = 4.753, h = 2.0 / (9.0 * df);
    double c = 1.0 - h + z * sqrt(h);
    return df * c * c * c;
}

/* ---- PCG32 itself ------------------------------------------------------ */

START_TEST(test_pcg_matches_pcg_cpp)
{
    static const uint64_t pairs[][2] = {
        {0, 0},
        {42, 54}, /* the PCG demo programs' seed and stream */
        {UINT64_MAX, UINT64_MAX},
        {UINT64_MAX, 0},
        {0, UINT64_MAX},
        {1, 1},
        {0x853c49e6748fea9bULL, 0xda3e39cb94b95bdbULL}, /* PCG32_INITIALIZER */
        {123456789, 987654321},
    };
    enum { N = 1000 };
    uint32_t want[N];
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        pcg_reference_outputs(pairs[p][0], pairs[p][1], want, N);
        pcg32 g;
        pcg32_seed(&g, pairs[p][0], pairs[p][1]);
        int first_bad = -1;
        for (int i = 0; i < N && first_bad < 0; i++)
            if (pcg32_next(&g) != want[i])
                first_bad = i;
        ck_assert_msg(first_bad < 0, "pair %zu: output %d differs", p, first_bad);
    }
}
END_TEST

START_TEST(test_pcg_demo_values)
{
    /* From the PCG reference implementation's demo (pcg32-demo.c in
     * pcg-c-basic, the "32bit:" line of Round 1), which seeds with
     * pcg32_srandom_r(&rng, 42u, 54u). */
    static const uint32_t demo[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    pcg32 g;
    pcg32_seed(&g, 42, 54);
    for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++)
        ck_assert_uint_eq(pcg32_next(&g), demo[i]);
}
END_TEST

/* ---- keyed streams ----------------------------------------------------- */

static void first_outputs(pcg32 g, uint32_t *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = pcg32_next(&g);
}

static int same_outputs(pcg32 a, pcg32 b)
{
    uint32_t x[4], y[4];
    first_outputs(a, x, 4);
    first_outputs(b, y, 4);
    for (int i = 0; i < 4; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

START_TEST(test_stream_deterministic)
{
    pcg32 a = rng_stream(7, RNG_PARTICIPANTS, 12345, 99);
    pcg32 b = rng_stream(7, RNG_PARTICIPANTS, 12345, 99);
    ck_assert_uint_eq(a.state, b.state);
    ck_assert_uint_eq(a.inc, b.inc);
    ck_assert(a.inc & 1u);
    ck_assert(same_outputs(a, b));
}
END_TEST

START_TEST(test_stream_keys_differ)
{
    pcg32 base = rng_stream(7, RNG_CLICKS, 100, 5);
    /* Each key part changed on its own, by one. */
    ck_assert(!same_outputs(base, rng_stream(8, RNG_CLICKS, 100, 5)));
    ck_assert(!same_outputs(base, rng_stream(7, RNG_PARTICIPANTS, 100, 5)));
    ck_assert(!same_outputs(base, rng_stream(7, RNG_CLICKS, 101, 5)));
    ck_assert(!same_outputs(base, rng_stream(7, RNG_CLICKS, 100, 6)));
    /* The same numbers in different positions are different keys. */
    ck_assert(!same_outputs(rng_stream(1, 3, 0, 0), rng_stream(3, 1, 0, 0)));
    ck_assert(!same_outputs(rng_stream(0, 1, 5, 9), rng_stream(0, 1, 9, 5)));
    /* Streams (LCG increments) differ too, not just start points. */
    ck_assert_uint_ne(base.inc, rng_stream(7, RNG_CLICKS, 101, 5).inc);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

START_TEST(test_stream_no_collisions)
{
    /* Neighbouring entities and rounds, the common pattern, never share a
     * first output pair (a 64-bit coincidence among 10^4 keys is ~1e-11). */
    enum { E = 100, R = 100 };
    uint64_t *firsts = malloc(sizeof *firsts * E * R);
    ck_assert_ptr_nonnull(firsts);
    for (uint64_t e = 0; e < E; e++)
        for (uint64_t r = 0; r < R; r++) {
            pcg32 g = rng_stream(1, RNG_PARTICIPANTS, e, r);
            uint64_t hi = pcg32_next(&g);
            firsts[e * R + r] = (hi << 32) | pcg32_next(&g);
        }
    qsort(firsts, E * R, sizeof *firsts, cmp_u64);
    int duplicates = 0;
    for (int i = 1; i < E * R; i++)
        duplicates += firsts[i - 1] == firsts[i];
    ck_assert_int_eq(duplicates, 0);
    free(firsts);
}
END_TEST

START_TEST(test_stream_frozen)
{
    /* Pinned from this implementation when the format was frozen: if this
     * fails, rng_stream changed and every scenario's output changes with it.
     * Update only on purpose, with a note in the changelog. */
    pcg32 g = rng_stream(42, RNG_VALUE, 0, 0);
    uint32_t got[4];
    first_outputs(g, got, 4);
    static const uint32_t pinned[4] = {0xa5747d58, 0xd8b59cd6, 0xac8ed221, 0x8d89925f};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(got[i] == pinned[i], "output %d: 0x%08x", i, got[i]);
}
END_TEST

/* ---- distributions ----------------------------------------------------- */

START_TEST(test_below_range_and_chi_square)
{
    enum { BOUND = 10, N = 1000000 };
    pcg32 g = rng_stream(1, 100, 0, 0);
    long counts[BOUND + 1] = {0}; /* the extra bin catches out-of-range */
    for (int i = 0; i < N; i++) {
        uint32_t x = rng_below(&g, BOUND);
        counts[x < BOUND ? x : BOUND]++;
    }
    ck_assert_int_eq(counts[BOUND], 0);
    double expect = (double)N / BOUND, chi2 = 0.0;
    for (int b = 0; b < BOUND; b++)
        chi2 += (counts[b] - expect) * (counts[b] - expect) / expect;
    ck_assert_double_lt(chi2, chi2_critical(BOUND - 1));
}
END_TEST

START_TEST(test_below_unbiased_large_bound)
{
    /* bound = 3 * 2^30: a plain x % bound would return values below 2^30
     * with probability 1/2 instead of 1/3. */
    enum { N = 300000 };
    const uint32_t bound = 3u << 30;
    pcg32 g = rng_stream(1, 101, 0, 0);
    long low = 0, out_of_range = 0;
    for (int i = 0; i < N; i++) {
        uint32_t x = rng_below(&g, bound);
        out_of_range += x >= bound;
        low += x < (1u << 30);
    }
    ck_assert_int_eq(out_of_range, 0);
    double p = 1.0 / 3.0, se = sqrt(p * (1 - p) / N);
    ck_assert_double_lt(fabs((double)low / N - p), 5 * se);
}
END_TEST

START_TEST(test_below_edges)
{
    pcg32 g = rng_stream(1, 102, 0, 0);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(rng_below(&g, 1), 0);
    int seen_top = 0;
    for (int i = 0; i < 1000; i++) {
        uint32_t x = rng_below(&g, 2);
        ck_assert_uint_lt(x, 2);
        seen_top |= x == 1;
    }
    ck_assert(seen_top);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_lt(rng_below(&g, UINT32_MAX), UINT32_MAX);
}
END_TEST

START_TEST(test_uniform01)
{
    enum { N = 1000000 };
    pcg32 g = rng_stream(1, 103, 0, 0);
    double sum = 0.0, lo = 1.0, hi = 0.0;
    long out_of_range = 0;
    for (int i = 0; i < N; i++) {
        double u = rng_uniform01(&g);
        out_of_range += !(u >= 0.0 && u < 1.0);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    ck_assert_int_eq(out_of_range, 0);
    ck_assert_double_lt(fabs(sum / N - 0.5), 5 * sqrt(1.0 / 12.0 / N));
    ck_assert_double_lt(lo, 1e-4);
    ck_assert_double_gt(hi, 1 - 1e-4);
}
END_TEST

START_TEST(test_uniform01_uses_53_bits)
{
    /* Two known raw outputs map to ((hi << 32 | lo) >> 11) * 2^-53. */
    pcg32 a, b;
    pcg32_seed(&a, 42, 54);
    pcg32_seed(&b, 42, 54);
    uint64_t hi = pcg32_next(&b), lo = pcg32_next(&b);
    ck_assert_double_eq(rng_uniform01(&a), (double)(((hi << 32) | lo) >> 11) * 0x1.0p-53);
}
END_TEST

START_TEST(test_normal_moments)
{
    enum { N = 1000000 };
    pcg32 g = rng_stream(1, 104, 0, 0);
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < N; i++) {
        double x = rng_normal(&g);
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    ck_assert(isfinite(sum2)); /* one infinite or NaN draw would show here */
    ck_assert_double_lt(fabs(mean), 5 * sqrt(1.0 / N));
    ck_assert_double_lt(fabs(var - 1.0), 5 * sqrt(2.0 / N));
}
END_TEST

START_TEST(test_lognormal_median)
{
    /* The median of exp(mu + sigma Z) is exp(mu): count draws below it. */
    enum { N = 200000 };
    pcg32 g = rng_stream(1, 105, 0, 0);
    long below = 0, not_positive = 0;
    for (int i = 0; i < N; i++) {
        double x = rng_lognormal(&g, 1.5, 0.7);
        not_positive += !(x > 0.0);
        below += x < exp(1.5);
    }
    ck_assert_int_eq(not_positive, 0);
    ck_assert_double_lt(fabs((double)below / N - 0.5), 5 * sqrt(0.25 / N));
}
END_TEST

START_TEST(test_bernoulli_frequency)
{
    enum { N = 1000000 };
    pcg32 g = rng_stream(1, 106, 0, 0);
    const double p = 0.3;
    long ones = 0;
    for (int i = 0; i < N; i++)
        ones += rng_bernoulli(&g, p);
    ck_assert_double_lt(fabs((double)ones / N - p), 5 * sqrt(p * (1 - p) / N));
    int wrong = 0;
    for (int i = 0; i < 1000; i++)
        wrong += rng_bernoulli(&g, 0.0) != 0 || rng_bernoulli(&g, 1.0) != 1;
    ck_assert_int_eq(wrong, 0);
}
END_TEST

/* Mean within 5 standard errors (sqrt(mean/N)) and variance within 5 standard
 * errors of the sample variance (sqrt((mean + 2 mean^2)/N), from the Poisson
 * fourth central moment mean + 3 mean^2). */
static void check_poisson_moments(double mean, uint64_t entity)
{
    enum { N = 200000 };
    pcg32 g = rng_stream(1, 107, entity, 0);
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < N; i++) {
        double x = rng_poisson(&g, mean);
        sum += x;
        sum2 += x * x;
    }
    double m = sum / N, v = sum2 / N - m * m;
    ck_assert_msg(fabs(m - mean) < 5 * sqrt(mean / N), "mean %g: sample mean %g", mean, m);
    ck_assert_msg(fabs(v - mean) < 5 * sqrt((mean + 2 * mean * mean) / N),
                  "mean %g: sample variance %g", mean, v);
}

START_TEST(test_poisson_moments)
{
    check_poisson_moments(0.5, 0);
    check_poisson_moments(3.0, 1);
    check_poisson_moments(9.99, 2); /* last mean on the inversion path */
    check_poisson_moments(10.0, 3); /* first mean on the PTRS path */
    check_poisson_moments(30.0, 4);
    check_poisson_moments(200.0, 5);
}
END_TEST

/* Chi-square of the histogram against the Poisson pmf, pooling the tails
 * into the bins at [lo, hi] so every expected count is large. */
static void check_poisson_shape(double mean, int lo, int hi, uint64_t entity)
{
    enum { N = 400000 };
    pcg32 g = rng_stream(1, 108, entity, 0);
    long counts[512] = {0};
    ck_assert_int_lt(hi, 512);
    for (int i = 0; i < N; i++) {
        uint32_t x = rng_poisson(&g, mean);
        counts[x < (uint32_t)lo ? lo : x > (uint32_t)hi ? hi : (int)x]++;
    }
    double chi2 = 0.0, cdf_below = 0.0;
    for (int k = 0; k <= hi; k++) {
        double pk = exp(-mean + k * log(mean) - lgamma(k + 1.0));
        double p = k == lo ? cdf_below + pk : k == hi ? 1.0 - cdf_below : pk;
        cdf_below += pk;
        if (k < lo)
            continue;
        double e = p * N;
        chi2 += (counts[k] - e) * (counts[k] - e) / e;
    }
    ck_assert_msg(chi2 < chi2_critical(hi - lo), "mean %g: chi2 %g", mean, chi2);
}

START_TEST(test_poisson_shape)
{
    check_poisson_shape(3.0, 0, 10, 0);
    check_poisson_shape(30.0, 15, 47, 1);
    check_poisson_shape(200.0, 160, 242, 2);
}
END_TEST

START_TEST(test_poisson_zero_mean)
{
    pcg32 g = rng_stream(1, 109, 0, 0);
    pcg32 before = g;
    ck_assert_uint_eq(rng_poisson(&g, 0.0), 0);
    ck_assert_uint_eq(g.state, before.state); /* no draws consumed */
}
END_TEST

static Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *pcg = tcase_create("pcg32");
    tcase_add_test(pcg, test_pcg_matches_pcg_cpp);
    tcase_add_test(pcg, test_pcg_demo_values);
    suite_add_tcase(s, pcg);

    TCase *streams = tcase_create("streams");
    tcase_add_test(streams, test_stream_deterministic);
    tcase_add_test(streams, test_stream_keys_differ);
    tcase_add_test(streams, test_stream_no_collisions);
    tcase_add_test(streams, test_stream_frozen);
    suite_add_tcase(s, streams);

    TCase *dist = tcase_create("distributions");
    tcase_set_timeout(dist, 120); /* millions of draws under sanitizers */
    tcase_add_test(dist, test_below_range_and_chi_square);
    tcase_add_test(dist, test_below_unbiased_large_bound);
    tcase_add_test(dist, test_below_edges);
    tcase_add_test(dist, test_uniform01);
    tcase_add_test(dist, test_uniform01_uses_53_bits);
    tcase_add_test(dist, test_normal_moments);
    tcase_add_test(dist, test_lognormal_median);
    tcase_add_test(dist, test_bernoulli_frequency);
    tcase_add_test(dist, test_poisson_moments);
    tcase_add_test(dist, test_poisson_shape);
    tcase_add_test(dist, test_poisson_zero_mean);
    suite_add_tcase(s, dist);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rng_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
