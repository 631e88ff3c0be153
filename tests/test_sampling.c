/* Unit tests of sim/sampling.c: sample_distinct returns k distinct ids in
 * range, a permutation when k == n, the same ids for the same stream, and
 * every k-subset equally often. Statistical checks use fixed streams and
 * 5-standard-error or p ~ 1e-6 thresholds, so they cannot flake. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sampling.h"

enum { MAX_K = 4096 };
static uint32_t out[MAX_K];
static uint32_t scratch[8 * MAX_K]; /* sampling_scratch_size(MAX_K) */

/* Check records every assertion through a pipe, so hot loops compute a
 * verdict and assert once. */
static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Distinct and below n: sort a copy, then look at neighbours and the top. */
static int distinct_in_range(const uint32_t *ids, uint32_t k, uint32_t n)
{
    static uint32_t sorted[MAX_K];
    if (k == 0)
        return 1;
    memcpy(sorted, ids, k * sizeof *ids);
    qsort(sorted, k, sizeof *sorted, cmp_u32);
    for (uint32_t i = 1; i < k; i++)
        if (sorted[i - 1] == sorted[i])
            return 0;
    return sorted[k - 1] < n;
}

START_TEST(test_scratch_size)
{
    ck_assert_uint_ge(sampling_scratch_size(0), 1);
    int bad = 0;
    for (uint32_t k = 1; k <= 5000; k++) {
        uint32_t s = sampling_scratch_size(k);
        bad += s < 8 * (uint64_t)k && s < (1u << 31); /* load <= 1/8 (capped for huge k) */
        bad += (s & (s - 1)) != 0;    /* a power of two */
        bad += s >= 16 * k && s > 2;  /* and the smallest such */
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_distinct_in_range)
{
    pcg32 g = rng_stream(3, 200, 0, 0);
    int bad = 0;
    for (int trial = 0; trial < 2000; trial++) {
        uint32_t n = 1 + rng_below(&g, 1000);
        uint32_t k = rng_below(&g, (n < 200 ? n : 200) + 1);
        sample_distinct(&g, n, k, out, scratch);
        bad += !distinct_in_range(out, k, n);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Floyd's algorithm written plainly (Bentley 1987): draw t in [0, j]; keep t
 * unless already kept, else keep j. O(k^2), obviously right. */
static void floyd_reference(pcg32 *g, uint32_t n, uint32_t k, uint32_t *ids)
{
    for (uint32_t j = 0; j < k; j++) {
        uint32_t t = rng_below(g, n - k + j + 1u);
        for (uint32_t q = 0; q < j; q++)
            if (ids[q] == t) {
                t = n - k + j;
                break;
            }
        ids[j] = t;
    }
}

START_TEST(test_matches_plain_floyd)
{
    /* Both set structures (the bit filter up to 128 ids, the hash set above)
     * against the plain algorithm, with small n so that repeats are common. */
    static uint32_t want[MAX_K];
    pcg32 g = rng_stream(11, 200, 0, 0);
    int bad = 0;
    for (int trial = 0; trial < 3000; trial++) {
        uint32_t k = 1 + rng_below(&g, 300);
        uint32_t n = k + rng_below(&g, trial % 2 ? 4 * k : 1000000);
        pcg32 a = rng_stream(11, 201, (uint64_t)trial, 0), b = a;
        sample_distinct(&a, n, k, out, scratch);
        floyd_reference(&b, n, k, want);
        bad += memcmp(out, want, k * sizeof *out) != 0;
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_k_equals_n_is_permutation)
{
    pcg32 g = rng_stream(3, 201, 0, 0);
    int bad = 0;
    for (uint32_t n = 1; n <= 300; n++) {
        sample_distinct(&g, n, n, out, scratch);
        bad += !distinct_in_range(out, n, n); /* n distinct values below n */
    }
    ck_assert_int_eq(bad, 0);
    sample_distinct(&g, MAX_K, MAX_K, out, scratch);
    ck_assert(distinct_in_range(out, MAX_K, MAX_K));
}
END_TEST

START_TEST(test_k_one_and_zero)
{
    pcg32 g = rng_stream(3, 202, 0, 0);
    long counts[8] = {0}; /* the last bin catches out-of-range */
    for (int i = 0; i < 70000; i++) {
        sample_distinct(&g, 7, 1, out, scratch);
        counts[out[0] < 7 ? out[0] : 7]++;
    }
    ck_assert_int_eq(counts[7], 0);
    for (int i = 0; i < 7; i++) /* 10000 expected, sd ~ 93 */
        ck_assert_int_lt(labs(counts[i] - 10000), 5 * 93);

    out[0] = 12345;
    pcg32 before = g;
    sample_distinct(&g, 10, 0, out, scratch);
    ck_assert_uint_eq(out[0], 12345); /* nothing written */
    ck_assert_uint_eq(g.state, before.state); /* nothing drawn */
}
END_TEST

START_TEST(test_huge_population)
{
    /* n near 2^32: no overflow in j + 1, ids stay below n. */
    pcg32 g = rng_stream(3, 203, 0, 0);
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        sample_distinct(&g, UINT32_MAX, 50, out, scratch);
        bad += !distinct_in_range(out, 50, UINT32_MAX);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_deterministic)
{
    uint32_t first[50];
    pcg32 a = rng_stream(3, RNG_PARTICIPANTS, 77, 4);
    sample_distinct(&a, 100000, 50, first, scratch);
    /* Dirty the scratch with a larger call in between: the result for the
     * same stream must not depend on what the scratch held. */
    pcg32 other = rng_stream(9, 9, 9, 9);
    sample_distinct(&other, 1000, 500, out, scratch);
    pcg32 b = rng_stream(3, RNG_PARTICIPANTS, 77, 4);
    sample_distinct(&b, 100000, 50, out, scratch);
    ck_assert_mem_eq(first, out, sizeof first);
    ck_assert_uint_eq(a.state, b.state);
}
END_TEST

/* Lane l of a batched call, which drew lanes[l] and left its generator at
 * after[l], must equal sample_distinct on the same stream (seed, entity
 * first + l, round). */
static void assert_lanes_match(const pcg32 *after, uint32_t (*lanes)[50], int count,
                               uint64_t seed, uint64_t first, uint64_t round, uint32_t n)
{
    for (int l = 0; l < count; l++) {
        pcg32 one = rng_stream(seed, RNG_PARTICIPANTS, first + (uint64_t)l, round);
        sample_distinct(&one, n, 50, out, scratch);
        ck_assert_mem_eq(lanes[l], out, sizeof lanes[l]);
        ck_assert_uint_eq(after[l].state, one.state);
    }
}

START_TEST(test_four_streams_match_one)
{
    /* sample_distinct4 is a faster schedule of the same draws: each lane's
     * ids and final generator state equal sample_distinct's on that stream.
     * n = 60 with k = 50 forces many collisions; 1e6 almost none. */
    static const uint32_t ns[] = {60, 1000, 1000000};
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++)
        for (uint64_t a = 0; a < 50; a++) {
            uint32_t lanes[4][50], *rows[4] = {lanes[0], lanes[1], lanes[2], lanes[3]};
            pcg32 four[4];
            for (int l = 0; l < 4; l++)
                four[l] = rng_stream(5, RNG_PARTICIPANTS, 4 * a + (uint64_t)l, c);
            sample_distinct4(four, ns[c], 50, rows, scratch);
            assert_lanes_match(four, lanes, 4, 5, 4 * a, c, ns[c]);
        }
}
END_TEST

START_TEST(test_eight_streams_match_one)
{
    /* sample_distinct8 (AVX-512) gives each stream sample_distinct's ids and
     * final state. n = 60 forces collisions; n just above k makes Lemire's
     * rejection (probability ~ n / 2^32) common: n = 2^31 + 1 rejects almost
     * half of the draws, so every lane takes the scalar path many times. */
    static const uint32_t ns[] = {60, 1000000, 2147483649u};
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++)
        for (uint64_t a = 0; a < 20; a++) {
            uint32_t lanes[8][50], *ids[8];
            pcg32 eight[8];
            for (int l = 0; l < 8; l++) {
                ids[l] = lanes[l];
                eight[l] = rng_stream(6, RNG_PARTICIPANTS, 8 * a + (uint64_t)l, c);
            }
            if (!sample_distinct8(eight, ns[c], 50, ids, scratch))
                return; /* no AVX-512 here: the engine takes sample_distinct4 */
            assert_lanes_match(eight, lanes, 8, 6, 8 * a, c, ns[c]);
        }
}
END_TEST

START_TEST(test_wide_repeat_check)
{
    /* The AVX-512 check that lets sample_distinct8 skip keep_distinct: for
     * every k it covers, distinct ids give 0 and a copy planted at every pair
     * of positions (within and across its sixteen-lane vectors and the tail)
     * gives 1. Distinct ids: i * an odd constant is a bijection mod 2^32. */
    uint32_t ids[64];
    for (uint32_t k = 1; k <= 64; k++) {
        for (uint32_t i = 0; i < k; i++)
            ids[i] = (i + 1u) * 2654435761u;
        int none = sampling_repeats_wide(ids, k);
        if (none < 0)
            return; /* no AVX-512 here: keep_distinct runs for every auction */
        ck_assert_msg(none == 0, "k %u: distinct ids seen as repeats", k);
        int missed = -1;
        for (uint32_t q = 1; q < k && missed < 0; q++)
            for (uint32_t p = 0; p < q && missed < 0; p++) {
                uint32_t kept = ids[q];
                ids[q] = ids[p];
                if (sampling_repeats_wide(ids, k) != 1)
                    missed = (int)(p * 64u + q);
                ids[q] = kept;
            }
        ck_assert_msg(missed < 0, "k %u: repeat at %d and %d missed", k, missed / 64, missed % 64);
    }
    ck_assert_int_eq(sampling_repeats_wide(ids, 65), -1);
}
END_TEST

START_TEST(test_eight_streams_any_k)
{
    /* sample_distinct8 at sizes around the check's vectors of sixteen and
     * past its 64, with n small enough that some auctions repeat a draw. */
    static const uint32_t ks[] = {1, 2, 15, 16, 17, 31, 33, 48, 50, 63, 64, 65, 100};
    static uint32_t lanes[8][100];
    int bad = -1;
    for (size_t c = 0; c < sizeof ks / sizeof ks[0] && bad < 0; c++)
        for (uint64_t a = 0; a < 40 && bad < 0; a++) {
            uint32_t k = ks[c], n = 4000, *ids[8];
            pcg32 eight[8];
            for (int l = 0; l < 8; l++) {
                ids[l] = lanes[l];
                eight[l] = rng_stream(7, RNG_PARTICIPANTS, 8 * a + (uint64_t)l, k);
            }
            if (!sample_distinct8(eight, n, k, ids, scratch))
                return;
            for (int l = 0; l < 8; l++) {
                pcg32 one = rng_stream(7, RNG_PARTICIPANTS, 8 * a + (uint64_t)l, k);
                sample_distinct(&one, n, k, out, scratch);
                if (memcmp(lanes[l], out, k * sizeof *out) != 0 || one.state != eight[l].state)
                    bad = (int)k;
            }
        }
    ck_assert_msg(bad < 0, "k %d: sample_distinct8 differs from sample_distinct", bad);
}
END_TEST

START_TEST(test_inclusion_uniform)
{
    /* Each id is included with probability k/n. */
    enum { N = 20, K = 5, TRIALS = 200000 };
    pcg32 g = rng_stream(3, 204, 0, 0);
    long counts[N] = {0};
    for (int t = 0; t < TRIALS; t++) {
        sample_distinct(&g, N, K, out, scratch);
        for (int i = 0; i < K; i++)
            counts[out[i]]++;
    }
    double p = (double)K / N, expect = TRIALS * p, sd = sqrt(TRIALS * p * (1 - p));
    for (int i = 0; i < N; i++)
        ck_assert_msg(fabs(counts[i] - expect) < 5 * sd, "id %d: %ld", i, counts[i]);
}
END_TEST

START_TEST(test_subsets_uniform)
{
    /* All C(6,3) = 20 subsets equally likely: chi-square with 19 degrees of
     * freedom; 19 df at p = 1e-6 is about 64, 70 leaves margin. */
    enum { N = 6, K = 3, TRIALS = 200000 };
    pcg32 g = rng_stream(3, 205, 0, 0);
    long counts[1 << N] = {0};
    for (int t = 0; t < TRIALS; t++) {
        sample_distinct(&g, N, K, out, scratch);
        counts[(1u << out[0]) | (1u << out[1]) | (1u << out[2])]++;
    }
    double expect = TRIALS / 20.0, chi2 = 0.0;
    int subsets = 0;
    for (int m = 0; m < (1 << N); m++) {
        if (__builtin_popcount((unsigned)m) != K) {
            ck_assert_int_eq(counts[m], 0); /* 44 asserts: cheap */
            continue;
        }
        subsets++;
        chi2 += (counts[m] - expect) * (counts[m] - expect) / expect;
    }
    ck_assert_int_eq(subsets, 20);
    ck_assert_double_lt(chi2, 70.0);
}
END_TEST

static Suite *sampling_suite(void)
{
    Suite *s = suite_create("sampling");
    TCase *tc = tcase_create("floyd");
    tcase_set_timeout(tc, 120); /* sanitizer builds */
    tcase_add_test(tc, test_scratch_size);
    tcase_add_test(tc, test_four_streams_match_one);
    tcase_add_test(tc, test_eight_streams_match_one);
    tcase_add_test(tc, test_wide_repeat_check);
    tcase_add_test(tc, test_eight_streams_any_k);
    tcase_add_test(tc, test_distinct_in_range);
    tcase_add_test(tc, test_matches_plain_floyd);
    tcase_add_test(tc, test_k_equals_n_is_permutation);
    tcase_add_test(tc, test_k_one_and_zero);
    tcase_add_test(tc, test_huge_population);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_inclusion_uniform);
    tcase_add_test(tc, test_subsets_uniform);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sampling_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
