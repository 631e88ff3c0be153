/* Unit tests of mechanisms/aigc: the assignment solver, and the additive,
 * MNL and cascade models with their VCG payments. Golden examples worked out
 * by hand in the comments; every solver compared with brute force over all
 * allocations on random small instances drawn from fixed streams; VCG
 * truthfulness and individual rationality checked by random deviations; the
 * cascade approximation's gap to the exact optimum measured and printed. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aigc.h"
#include "rng.h"

enum { MAX_N = 200, MAX_M = 20 };

#include "violations.h" /* EXPECT: counted checks in random-instance loops */

static int close_to(double a, double b, double tol)
{
    return fabs(a - b) <= tol * (1.0 + fabs(a) + fabs(b));
}

/* ---- instances and outcomes -------------------------------------------- */

typedef struct {
    aigc_instance in;
    double ctr[MAX_N * MAX_M];
    double value[MAX_N];
    double cont[MAX_N];
} inst;

static void bind(inst *x, uint32_t n, uint32_t m, uint32_t k)
{
    x->in.n = n;
    x->in.m = m;
    x->in.k = k;
    x->in.ctr = x->ctr;
    x->in.value = x->value;
    x->in.cont = x->cont;
}

typedef struct {
    aigc_outcome o;
    int32_t position[MAX_N];
    double clicks[MAX_N], payment[MAX_N], price[MAX_N];
} result;

static aigc_outcome *outcome(result *r)
{
    r->o.position = r->position;
    r->o.clicks = r->clicks;
    r->o.payment = r->payment;
    r->o.price = r->price;
    return &r->o;
}

/* One workspace, big enough for every solver at every size used here. */
static void *work;
static void setup_work(void)
{
    size_t size = aigc_assign_workspace_size(MAX_N, MAX_M);
    size_t cand[] = {aigc_additive_workspace_size(MAX_N, MAX_M),
                     aigc_mnl_workspace_size(MAX_N, MAX_M),
                     aigc_cascade_approx_workspace_size(MAX_N, MAX_M),
                     aigc_cascade_exact_workspace_size(AIGC_CASCADE_EXACT_MAX_N, 8),
                     aigc_cascade_gap_workspace_size(AIGC_CASCADE_EXACT_MAX_N, 8)};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++)
        if (cand[i] > size)
            size = cand[i];
    work = malloc(size);
    ck_assert_ptr_nonnull(work);
    reset_violations();
}
static void teardown_work(void)
{
    free(work);
    work = NULL;
}

/* Values with ties and zeros on purpose; ctr in [0, ctr_max) with zeros. */
static double draw_value(pcg32 *g)
{
    uint32_t kind = rng_below(g, 10);
    if (kind == 0)
        return 0.0;
    if (kind <= 3)
        return 0.25 * (double)(1 + rng_below(g, 4)); /* ties */
    return rng_lognormal(g, 0.0, 0.7);
}

static void random_instance(pcg32 *g, inst *x, uint32_t n, uint32_t m, double ctr_max,
                            int position_independent)
{
    bind(x, n, m, rng_below(g, m + 1u));
    for (uint32_t i = 0; i < n; i++) {
        x->value[i] = draw_value(g);
        x->cont[i] = rng_below(g, 4) == 0 ? 1.0 : 0.3 + 0.7 * rng_uniform01(g);
        double base = rng_below(g, 8) == 0 ? 0.0 : ctr_max * rng_uniform01(g);
        for (uint32_t j = 0; j < m; j++)
            x->ctr[i * m + j] = position_independent ? base
                                : rng_below(g, 10) == 0 ? 0.0
                                                        : ctr_max * rng_uniform01(g);
    }
}

/* ---- brute force --------------------------------------------------------- */

typedef double (*welfare_fn)(const aigc_instance *, const int32_t *);

/* Every allocation of at most k ads, each ad at most one position, each
 * position at most one ad, with `skip` never shown. */
static void enumerate(const aigc_instance *in, welfare_fn f, uint32_t skip, uint32_t i,
                      uint32_t used, uint32_t count, int32_t *pos, double *best)
{
    if (i == in->n) {
        double w = f(in, pos);
        if (w > *best)
            *best = w;
        return;
    }
    pos[i] = AIGC_NOT_SHOWN;
    enumerate(in, f, skip, i + 1u, used, count, pos, best);
    uint32_t k = in->k < in->m ? in->k : in->m;
    if (i == skip || count == k)
        return;
    for (uint32_t j = 0; j < in->m; j++) {
        if (used >> j & 1u)
            continue;
        pos[i] = (int32_t)j;
        enumerate(in, f, skip, i + 1u, used | 1u << j, count + 1u, pos, best);
        pos[i] = AIGC_NOT_SHOWN;
    }
}

static double brute_optimum(const aigc_instance *in, welfare_fn f, uint32_t skip)
{
    int32_t pos[MAX_N] = {0}; /* filled before use; zeroed so -O3 sees it */
    double best = 0.0; /* the empty allocation */
    enumerate(in, f, skip, 0, 0, 0, pos, &best);
    return best;
}

/* Compares an outcome with brute-force welfare and VCG payments, and checks
 * that it is a feasible allocation whose clicks, payments and prices agree. */
static void check_against_brute(const aigc_instance *in, const aigc_outcome *o, welfare_fn f)
{
    double best = brute_optimum(in, f, AIGC_SKIP_NONE);
    EXPECT(close_to(o->welfare, best, 1e-12));
    EXPECT(close_to(f(in, o->position), o->welfare, 1e-12));
    uint32_t shown = 0, used = 0;
    double sum = 0.0;
    for (uint32_t i = 0; i < in->n; i++) {
        if (o->position[i] == AIGC_NOT_SHOWN) {
            EXPECT(o->clicks[i] == 0.0 && o->payment[i] == 0.0 && o->price[i] == 0.0);
            continue;
        }
        EXPECT(o->position[i] >= 0 && (uint32_t)o->position[i] < in->m);
        EXPECT(!(used >> o->position[i] & 1u));
        used |= 1u << o->position[i];
        shown++;
        sum += in->value[i] * o->clicks[i];
        double others = o->welfare - in->value[i] * o->clicks[i];
        double pay = brute_optimum(in, f, i) - others;
        EXPECT(fabs(o->payment[i] - pay) <= 1e-9);
        EXPECT(o->payment[i] >= 0.0 && o->payment[i] <= in->value[i] * o->clicks[i] + 1e-12);
        if (o->clicks[i] > 0.0)
            EXPECT(close_to(o->price[i] * o->clicks[i], o->payment[i], 1e-12));
    }
    EXPECT(shown <= in->k);
    EXPECT(close_to(sum, o->welfare, 1e-12));
}

/* ---- assignment ---------------------------------------------------------- */

static double assign_weight(const double *w, uint32_t n, uint32_t m, const int32_t *pos)
{
    double total = 0.0;
    for (uint32_t i = 0; i < n; i++)
        if (pos[i] != AIGC_NOT_SHOWN)
            total += w[i * m + (uint32_t)pos[i]];
    return total;
}

START_TEST(test_assign_golden)
{
    /* Ads x positions:   p0  p1
     *              ad0    5   4
     *              ad1    4   1
     *              ad2    1   2
     * Greedy takes the 5 (ad0, p0), then only ad2's 2 fits: 7. The optimum
     * moves ad0 to p1 to free p0 for ad1: 4 + 4 = 8, an augmenting path the
     * solver must find. With k = 1 the best single pair is the 5. */
    static const double w[6] = {5, 4, 4, 1, 1, 2};
    int32_t pos[3];
    ck_assert_double_eq(aigc_assign(3, 2, 2, w, NULL, work, pos), 8.0);
    ck_assert_int_eq(pos[0], 1);
    ck_assert_int_eq(pos[1], 0);
    ck_assert_int_eq(pos[2], AIGC_NOT_SHOWN);
    ck_assert_double_eq(aigc_assign(3, 2, 1, w, NULL, work, pos), 5.0);
    ck_assert_int_eq(pos[0], 0);
    ck_assert_int_eq(pos[1], AIGC_NOT_SHOWN);
    /* k = 0, and k above m (means m). */
    ck_assert_double_eq(aigc_assign(3, 2, 0, w, NULL, work, pos), 0.0);
    ck_assert_int_eq(pos[0], AIGC_NOT_SHOWN);
    ck_assert_double_eq(aigc_assign(3, 2, 9, w, NULL, work, pos), 8.0);
    /* Leaving ad1 out: ad0 takes p0 (5) and ad2 p1 (2). */
    static const unsigned char active[3] = {1, 0, 1};
    ck_assert_double_eq(aigc_assign(3, 2, 2, w, active, work, pos), 7.0);
    ck_assert_int_eq(pos[1], AIGC_NOT_SHOWN);
}
END_TEST

START_TEST(test_assign_nonpositive_stay_out)
{
    /* ad0's weights are all <= 0 and ad2's only pair is negative: with room
     * for three, only ad1 is placed. */
    static const double w[6] = {0, -1, 3, 2, -0.5, -2};
    int32_t pos[3];
    ck_assert_double_eq(aigc_assign(3, 2, 2, w, NULL, work, pos), 3.0);
    ck_assert_int_eq(pos[0], AIGC_NOT_SHOWN);
    ck_assert_int_eq(pos[1], 0);
    ck_assert_int_eq(pos[2], AIGC_NOT_SHOWN);
    static const double none[4] = {-1, 0, 0, -3};
    ck_assert_double_eq(aigc_assign(2, 2, 2, none, NULL, work, pos), 0.0);
    ck_assert_int_eq(pos[0], AIGC_NOT_SHOWN);
    ck_assert_int_eq(pos[1], AIGC_NOT_SHOWN);
    ck_assert_double_eq(aigc_assign(0, 2, 2, none, NULL, work, pos), 0.0);
}
END_TEST

START_TEST(test_assign_ties_lower_index)
{
    /* Three equal ads for one position: ad0. For two equal positions: ads 0
     * and 1, ad0 in the lower position. */
    static const double w1[3] = {1, 1, 1};
    int32_t pos[3];
    aigc_assign(3, 1, 1, w1, NULL, work, pos);
    ck_assert_int_eq(pos[0], 0);
    ck_assert_int_eq(pos[1], AIGC_NOT_SHOWN);
    ck_assert_int_eq(pos[2], AIGC_NOT_SHOWN);
    static const double w2[6] = {2, 2, 2, 2, 2, 2};
    aigc_assign(3, 2, 2, w2, NULL, work, pos);
    ck_assert_int_eq(pos[0], 0);
    ck_assert_int_eq(pos[1], 1);
    ck_assert_int_eq(pos[2], AIGC_NOT_SHOWN);
}
END_TEST

/* Brute force for raw weights (negatives included) and an active mask. */
static void assign_enum(const double *w, uint32_t n, uint32_t m, uint32_t k,
                        const unsigned char *active, uint32_t i, uint32_t used, uint32_t count,
                        double acc, double *best)
{
    if (acc > *best)
        *best = acc;
    if (i == n || count == k)
        return;
    assign_enum(w, n, m, k, active, i + 1u, used, count, acc, best);
    if (!active[i])
        return;
    for (uint32_t j = 0; j < m; j++)
        if (!(used >> j & 1u))
            assign_enum(w, n, m, k, active, i + 1u, used | 1u << j, count + 1u,
                        acc + w[i * m + j], best);
}

START_TEST(test_assign_vs_brute_force)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 1);
    double w[6 * 4];
    unsigned char active[6];
    int32_t pos[6];
    for (int t = 0; t < 20000; t++) {
        uint32_t n = 1 + rng_below(&g, 6), m = 1 + rng_below(&g, 4), k = rng_below(&g, m + 1u);
        for (uint32_t x = 0; x < n * m; x++) {
            double u = rng_uniform01(&g) * 1.5 - 0.5;
            /* A coarse grid half the time, for many exact ties. */
            w[x] = rng_below(&g, 2) ? round(u * 4.0) / 4.0 : u;
        }
        int masked = rng_below(&g, 3) == 0;
        for (uint32_t i = 0; i < n; i++)
            active[i] = masked ? rng_below(&g, 3) != 0 : 1;
        double best = 0.0;
        assign_enum(w, n, m, k, active, 0, 0, 0, 0.0, &best);
        double got = aigc_assign(n, m, k, w, masked ? active : NULL, work, pos);
        EXPECT(close_to(got, best, 1e-12));
        EXPECT(got == assign_weight(w, n, m, pos));
        uint32_t used = 0, count = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (pos[i] == AIGC_NOT_SHOWN)
                continue;
            EXPECT(active[i] && pos[i] >= 0 && (uint32_t)pos[i] < m);
            EXPECT(w[i * m + (uint32_t)pos[i]] > 0.0);
            EXPECT(!(used >> pos[i] & 1u));
            used |= 1u << pos[i];
            count++;
        }
        EXPECT(count <= k);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* An independent exact method for many rows and few columns: dynamic
 * programming over rows with the set of taken columns as the state; its
 * size caps k for free (popcount). O(n 2^m m). */
static double assign_by_column_sets(const double *w, uint32_t n, uint32_t m, uint32_t k,
                                    double *a, double *b)
{
    size_t sets = (size_t)1 << m;
    for (size_t s = 0; s < sets; s++)
        a[s] = s ? -HUGE_VAL : 0.0;
    for (uint32_t i = 0; i < n; i++) {
        for (size_t s = 0; s < sets; s++)
            b[s] = a[s];
        for (size_t s = 0; s < sets; s++) {
            if (a[s] == -HUGE_VAL || (uint32_t)__builtin_popcountl(s) >= k)
                continue;
            for (uint32_t j = 0; j < m; j++)
                if (!(s >> j & 1u) && a[s] + w[i * m + j] > b[s | (size_t)1 << j])
                    b[s | (size_t)1 << j] = a[s] + w[i * m + j];
        }
        double *t = a;
        a = b;
        b = t;
    }
    double best = 0.0;
    for (size_t s = 0; s < sets; s++)
        if (a[s] > best)
            best = a[s];
    return best;
}

START_TEST(test_assign_large_vs_column_dp)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 2);
    static double w[MAX_N * 10], a[1 << 10], b[1 << 10];
    int32_t pos[MAX_N];
    for (int t = 0; t < 60; t++) {
        uint32_t n = 1 + rng_below(&g, MAX_N), m = 1 + rng_below(&g, 10);
        uint32_t k = rng_below(&g, m + 1u);
        for (uint32_t x = 0; x < n * m; x++)
            w[x] = rng_uniform01(&g) * 1.2 - 0.2;
        double want = assign_by_column_sets(w, n, m, k, a, b);
        double got = aigc_assign(n, m, k, w, NULL, work, pos);
        EXPECT(close_to(got, want, 1e-12));
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- additive ------------------------------------------------------------ */

START_TEST(test_additive_eos_golden)
{
    /* The classic position auction is the additive model with ctr_ij =
     * clicks of position j for every ad. Edelman, Ostrovsky, Schwarz (2007):
     * positions with 200 and 100 clicks, values 10, 4, 2. Welfare 10*200 +
     * 4*100 = 2400. Ad0 pays W_-0 - others = (4*200 + 2*100) - 400 = 600 (3
     * per click); ad1 pays (10*200 + 2*100) - 2000 = 200 (2 per click), the
     * values of mechanisms/position's VCG test. */
    inst x;
    bind(&x, 3, 2, 2);
    static const double v[3] = {10, 4, 2};
    for (uint32_t i = 0; i < 3; i++) {
        x.value[i] = v[i];
        x.ctr[i * 2] = 200;
        x.ctr[i * 2 + 1] = 100;
    }
    result r;
    ck_assert_int_eq(aigc_additive_vcg(&x.in, work, outcome(&r)), AIGC_OK);
    ck_assert_int_eq(r.position[0], 0);
    ck_assert_int_eq(r.position[1], 1);
    ck_assert_int_eq(r.position[2], AIGC_NOT_SHOWN);
    ck_assert_double_eq_tol(r.o.welfare, 2400.0, 1e-9);
    ck_assert_double_eq_tol(r.payment[0], 600.0, 1e-9);
    ck_assert_double_eq_tol(r.payment[1], 200.0, 1e-9);
    ck_assert_double_eq_tol(r.price[0], 3.0, 1e-12);
    ck_assert_double_eq_tol(r.price[1], 2.0, 1e-12);
    ck_assert_double_eq(r.payment[2], 0.0);
}
END_TEST

START_TEST(test_additive_vs_brute_force)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 3);
    inst x;
    result r;
    for (int t = 0; t < 3000; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, 6), 1 + rng_below(&g, 4), 0.5, 0);
        aigc_additive_vcg(&x.in, work, outcome(&r));
        check_against_brute(&x.in, &r.o, aigc_additive_welfare);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* VCG with an exact optimum is truthful (Vickrey 1961; Clarke 1971; Groves
 * 1973): no bid b' gives ad i more utility v_i clicks - payment than its
 * value. Deviations are drawn at random, including 0 and overbids. */
typedef aigc_status (*vcg_fn)(const aigc_instance *, void *, aigc_outcome *);

static void check_truthful(pcg32 *g, inst *x, vcg_fn run, int deviations)
{
    result r, d;
    run(&x->in, work, outcome(&r));
    for (int t = 0; t < deviations; t++) {
        uint32_t i = rng_below(g, x->in.n);
        double truth = x->value[i];
        double u_truth = truth * r.clicks[i] - r.payment[i];
        EXPECT(u_truth >= -1e-12);
        x->value[i] = rng_below(g, 5) == 0 ? 0.0 : truth * 3.0 * rng_uniform01(g);
        run(&x->in, work, outcome(&d));
        x->value[i] = truth;
        EXPECT(truth * d.clicks[i] - d.payment[i] <= u_truth + 1e-9);
    }
}

START_TEST(test_additive_truthful)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 4);
    inst x;
    for (int t = 0; t < 500; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, 30), 1 + rng_below(&g, 6), 0.5, 0);
        check_truthful(&g, &x, aigc_additive_vcg, 10);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- MNL ----------------------------------------------------------------- */

START_TEST(test_mnl_golden)
{
    /* Values (3, 2, 1); attractions w = [[.5, .2], [.4, .4], [.3, .1]]; k = 2.
     * Welfare N / (1 + D) of every allocation of at most two ads:
     *   ad0@p0 alone 1.5/1.5 = 1;   ad1 alone .8/1.4 = .571;  ad2@p0 .3/1.3
     *   ad0@p0 + ad1@p1 (1.5 + .8)/1.9 = 2.3/1.9 = 1.210526   <- optimum
     *   ad0@p1 + ad1@p0 (.6 + .8)/1.6 = .875
     *   ad0@p0 + ad2@p1 (1.5 + .1)/1.6 = 1;  ad0@p1 + ad2@p0 (.6 + .3)/1.5 = .6
     *   ad1@p0 + ad2@p1 (.8 + .1)/1.5 = .6;  ad1@p1 + ad2@p0 (.8 + .3)/1.7 = .647
     * Dinkelbach: lambda = 0 gives weights v w, best assignment ad0@p0 +
     * ad1@p1 (2.3 > 1.4), ratio 1.210526; at that lambda ad2 (v = 1) drops
     * out and the same assignment comes back: stop after 2 solves.
     * Clicks: ad0 .5/1.9 = .263158, ad1 .4/1.9 = .210526.
     * VCG: W_-0 = max over ads 1, 2 = 1.1/1.7 = .647059, others' welfare in
     *   the optimum .8/1.9 = .421053: ad0 pays .226006 (= 1.1/1.7 - .8/1.9);
     *   W_-1 = max over ads 0, 2 = 1 (ad0@p0 alone, or with ad2 at p1),
     *   others' welfare 1.5/1.9 = .789474: ad1 pays .210526 (= 1 - 1.5/1.9). */
    inst x;
    bind(&x, 3, 2, 2);
    static const double v[3] = {3, 2, 1}, w[6] = {.5, .2, .4, .4, .3, .1};
    memcpy(x.value, v, sizeof v);
    memcpy(x.ctr, w, sizeof w);
    result r;
    ck_assert_int_eq(aigc_mnl_vcg(&x.in, work, outcome(&r)), AIGC_OK);
    ck_assert_int_eq(r.position[0], 0);
    ck_assert_int_eq(r.position[1], 1);
    ck_assert_int_eq(r.position[2], AIGC_NOT_SHOWN);
    ck_assert_double_eq_tol(r.o.welfare, 1.210526, 5e-7);
    ck_assert_double_eq_tol(r.o.welfare, 2.3 / 1.9, 1e-15);
    ck_assert_double_eq_tol(r.clicks[0], .5 / 1.9, 1e-15);
    ck_assert_double_eq_tol(r.clicks[1], .4 / 1.9, 1e-15);
    ck_assert_double_eq_tol(r.payment[0], 0.226006, 5e-7);
    ck_assert_double_eq_tol(r.payment[1], 0.210526, 5e-7);
    ck_assert_double_eq_tol(r.payment[0], 1.1 / 1.7 - .8 / 1.9, 1e-14);
    ck_assert_double_eq_tol(r.payment[1], 1.0 - 1.5 / 1.9, 1e-14);
    ck_assert_double_eq_tol(r.price[0], r.payment[0] / r.clicks[0], 1e-14);
    ck_assert_double_eq(r.payment[2], 0.0);
    int32_t pos[3];
    uint32_t solves = 0;
    double best = aigc_mnl_optimum(&x.in, AIGC_SKIP_NONE, work, pos, &solves);
    ck_assert_double_eq_tol(best, 2.3 / 1.9, 1e-15);
    ck_assert_uint_eq(solves, 2);
    ck_assert_double_eq_tol(aigc_mnl_optimum(&x.in, 0, work, pos, NULL), 1.1 / 1.7, 1e-15);
    ck_assert_int_eq(pos[1], 1);
    ck_assert_int_eq(pos[2], 0);
}
END_TEST

START_TEST(test_mnl_vs_brute_force)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 5);
    inst x;
    result r;
    for (int t = 0; t < 3000; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, 6), 1 + rng_below(&g, 4), 2.0, 0);
        aigc_mnl_vcg(&x.in, work, outcome(&r));
        check_against_brute(&x.in, &r.o, aigc_mnl_welfare);
    }
    /* More ads, fewer positions: up to 12 ads, 3 positions. */
    for (int t = 0; t < 300; t++) {
        random_instance(&g, &x, 7 + rng_below(&g, 6), 1 + rng_below(&g, 3), 2.0, 0);
        aigc_mnl_vcg(&x.in, work, outcome(&r));
        check_against_brute(&x.in, &r.o, aigc_mnl_welfare);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_mnl_dinkelbach_few_solves)
{
    /* Superlinear convergence: a handful of assignment solves, even at the
     * largest size the engine uses. */
    pcg32 g;
    pcg32_seed(&g, 20250603, 6);
    inst x;
    int32_t pos[MAX_N];
    uint32_t worst = 0;
    for (int t = 0; t < 200; t++) {
        random_instance(&g, &x, MAX_N, MAX_M, 1.0, 0);
        uint32_t solves = 0;
        double best = aigc_mnl_optimum(&x.in, AIGC_SKIP_NONE, work, pos, &solves);
        EXPECT(best == aigc_mnl_welfare(&x.in, pos));
        if (solves > worst)
            worst = solves;
    }
    EXPECT(worst <= 8);
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_mnl_truthful)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 7);
    inst x;
    for (int t = 0; t < 500; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, 30), 1 + rng_below(&g, 6), 2.0, 0);
        check_truthful(&g, &x, aigc_mnl_vcg, 10);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- cascade ------------------------------------------------------------- */

START_TEST(test_cascade_golden_order)
{
    /* Position-independent: ad0 v = 1, p = .5; ad1 v = 2, p = .2; q = 1.
     * Kempe-Mahdian ratios v p / (1 - (1 - p) q): ad0 .5/.5 = 1, ad1 .4/.2 =
     * 2, so ad1 goes first: .4 + .8 * .5 = .8 (the other order: .5 + .5 *
     * .4 = .7). Clicks: ad1 .2, ad0 .8 * .5 = .4.
     * VCG: W_-1 = ad0 alone .5, others' welfare .4: ad1 pays .1 (.5 per
     * click); W_-0 = ad1 alone .4 = others' welfare: ad0 pays 0. */
    inst x;
    bind(&x, 2, 2, 2);
    static const double v[2] = {1, 2}, p[4] = {.5, .5, .2, .2};
    memcpy(x.value, v, sizeof v);
    memcpy(x.ctr, p, sizeof p);
    x.in.cont = NULL; /* q = 1 */
    vcg_fn solvers[2] = {aigc_cascade_exact_vcg, aigc_cascade_approx_vcg};
    for (int s = 0; s < 2; s++) {
        result r;
        ck_assert_int_eq(solvers[s](&x.in, work, outcome(&r)), AIGC_OK);
        ck_assert_int_eq(r.position[1], 0);
        ck_assert_int_eq(r.position[0], 1);
        ck_assert_double_eq_tol(r.o.welfare, .8, 1e-15);
        ck_assert_double_eq_tol(r.clicks[1], .2, 1e-15);
        ck_assert_double_eq_tol(r.clicks[0], .4, 1e-15);
        ck_assert_double_eq_tol(r.payment[1], .1, 1e-15);
        ck_assert_double_eq_tol(r.price[1], .5, 1e-14);
        ck_assert_double_eq_tol(r.payment[0], 0.0, 1e-15);
    }
    ck_assert_double_eq_tol(aigc_cascade_welfare(&x.in, (int32_t[]){0, 1}), .7, 1e-15);
}
END_TEST

START_TEST(test_cascade_golden_gap)
{
    /* Leaving the first position empty: ad0 p = (.1, .6), ad1 p = (.1, .5),
     * values 1, q = .5 for both, k = 2, two positions.
     *   ad0@p1 alone .6                        <- optimum, p0 left empty
     *   ad1@p0, ad0@p1  .1 + .9 * .5 * .6 = .37
     *   ad0@p0, ad1@p1  .1 + .9 * .5 * .5 = .325;  ad1@p1 alone .5
     * An ad at p0 clicks rarely and puts half the readers off. VCG: W_-0 =
     * ad1@p1 alone .5, others' welfare 0: ad0 pays .5, .5/.6 per click. */
    inst x;
    bind(&x, 2, 2, 2);
    static const double p[4] = {.1, .6, .1, .5};
    memcpy(x.ctr, p, sizeof p);
    x.value[0] = x.value[1] = 1.0;
    x.cont[0] = x.cont[1] = .5;
    vcg_fn solvers[2] = {aigc_cascade_exact_vcg, aigc_cascade_approx_vcg};
    for (int s = 0; s < 2; s++) {
        result r;
        ck_assert_int_eq(solvers[s](&x.in, work, outcome(&r)), AIGC_OK);
        ck_assert_int_eq(r.position[0], 1);
        ck_assert_int_eq(r.position[1], AIGC_NOT_SHOWN);
        ck_assert_double_eq_tol(r.o.welfare, .6, 1e-15);
        ck_assert_double_eq_tol(r.payment[0], .5, 1e-15);
        ck_assert_double_eq_tol(r.price[0], .5 / .6, 1e-14);
    }
    ck_assert_double_eq_tol(aigc_cascade_welfare(&x.in, (int32_t[]){0, 1}), .325, 1e-15);
    ck_assert_double_eq_tol(aigc_cascade_welfare(&x.in, (int32_t[]){1, 0}), .37, 1e-15);
}
END_TEST

START_TEST(test_cascade_exact_vs_brute_force)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 8);
    inst x;
    result r;
    for (int t = 0; t < 3000; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, 6), 1 + rng_below(&g, 4), 0.8, 0);
        if (rng_below(&g, 4) == 0)
            x.in.cont = NULL;
        EXPECT(aigc_cascade_exact_vcg(&x.in, work, outcome(&r)) == AIGC_OK);
        check_against_brute(&x.in, &r.o, aigc_cascade_welfare);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_cascade_exact_truthful)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 9);
    inst x;
    for (int t = 0; t < 300; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, 10), 1 + rng_below(&g, 5), 0.8, 0);
        check_truthful(&g, &x, aigc_cascade_exact_vcg, 10);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_cascade_exact_limit)
{
    inst x;
    bind(&x, AIGC_CASCADE_EXACT_MAX_N + 1u, 2, 2);
    memset(x.ctr, 0, sizeof x.ctr);
    for (uint32_t i = 0; i < x.in.n; i++)
        x.value[i] = 1.0, x.cont[i] = 1.0;
    ck_assert_uint_eq(aigc_cascade_exact_workspace_size(AIGC_CASCADE_EXACT_MAX_N + 1u, 2), 0);
    ck_assert_uint_gt(aigc_cascade_exact_workspace_size(AIGC_CASCADE_EXACT_MAX_N, 2), 0);
    result r;
    ck_assert_int_eq(aigc_cascade_exact_vcg(&x.in, work, outcome(&r)), AIGC_ETOOBIG);
    double w;
    ck_assert_int_eq(aigc_cascade_exact_optimum(&x.in, AIGC_SKIP_NONE, work, r.position, &w),
                     AIGC_ETOOBIG);
}
END_TEST

START_TEST(test_cascade_approx_exact_when_position_independent)
{
    /* Kempe, Mahdian (2008), Section 3: with p_ij = p_i an optimal list is
     * ordered by v p / (1 - (1 - p) q), and the best subsequence of that
     * ranking is found by dynamic programming; so the approximation must
     * reach the exact optimum, here up to 16 ads. */
    pcg32 g;
    pcg32_seed(&g, 20250603, 10);
    inst x;
    int32_t pos[MAX_N];
    for (int t = 0; t < 2000; t++) {
        random_instance(&g, &x, 1 + rng_below(&g, AIGC_CASCADE_EXACT_MAX_N),
                        1 + rng_below(&g, 8), 0.9, 1);
        double exact = -1.0, approx = -1.0;
        EXPECT(aigc_cascade_gap(&x.in, work, &exact, &approx) == AIGC_OK);
        EXPECT(close_to(approx, exact, 1e-12));
        double again = aigc_cascade_approx_optimum(&x.in, AIGC_SKIP_NONE, work, pos);
        EXPECT(again == approx && again == aigc_cascade_welfare(&x.in, pos));
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* Mean and max relative gap (exact - approx) / exact of the approximation
 * on random position-dependent instances: fully random p_ij when
 * `separable` is 0, otherwise p_ij = a_i b_j times noise in [0.8, 1.2]. */
static void measure_gap(pcg32 *g, int separable, int count, double *mean, double *max,
                        int *worse)
{
    inst x;
    double sum = 0.0;
    *max = 0.0;
    *worse = 0;
    for (int t = 0; t < count; t++) {
        uint32_t n = 2 + rng_below(g, 11), m = 2 + rng_below(g, 5);
        random_instance(g, &x, n, m, 0.8, 0);
        if (x.in.k == 0)
            x.in.k = m;
        if (separable) {
            double b[MAX_M];
            for (uint32_t j = 0; j < m; j++)
                b[j] = 0.3 + 0.7 * rng_uniform01(g);
            for (uint32_t i = 0; i < n; i++) {
                double a = 0.8 * rng_uniform01(g);
                for (uint32_t j = 0; j < m; j++) {
                    double p = a * b[j] * (0.8 + 0.4 * rng_uniform01(g));
                    x.ctr[i * m + j] = p < 1.0 ? p : 1.0;
                }
            }
        }
        double exact, approx;
        EXPECT(aigc_cascade_gap(&x.in, work, &exact, &approx) == AIGC_OK);
        EXPECT(approx <= exact * (1.0 + 1e-12));
        double gap = exact > 0.0 ? (exact - approx) / exact : 0.0;
        if (gap > 1e-12)
            (*worse)++;
        sum += gap;
        if (gap > *max)
            *max = gap;
    }
    *mean = sum / count;
}

START_TEST(test_cascade_approx_gap)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 11);
    const int count = 3000;
    for (int separable = 0; separable < 2; separable++) {
        double mean, max;
        int worse;
        measure_gap(&g, separable, count, &mean, &max, &worse);
        printf("cascade approx gap (%s p_ij, n 2-12, m 2-6, %d instances): mean %.3g%%, "
               "max %.3g%%, below exact in %d\n",
               separable ? "separable+noise" : "independent random", count, 100.0 * mean,
               100.0 * max, worse);
        EXPECT(mean < 0.005);
        EXPECT(max < 0.10);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_cascade_approx_vcg_properties)
{
    /* Approximate VCG: payments within [0, v clicks]; never more welfare
     * than the exact optimum; feasible lists. */
    pcg32 g;
    pcg32_seed(&g, 20250603, 12);
    inst x;
    result r;
    for (int t = 0; t < 2000; t++) {
        uint32_t n = 1 + rng_below(&g, 12), m = 1 + rng_below(&g, 6);
        random_instance(&g, &x, n, m, 0.8, 0);
        aigc_cascade_approx_vcg(&x.in, work, outcome(&r));
        EXPECT(close_to(r.o.welfare, aigc_cascade_welfare(&x.in, r.position), 1e-12));
        uint32_t used = 0, shown = 0;
        for (uint32_t i = 0; i < n; i++) {
            EXPECT(r.payment[i] >= 0.0 && r.payment[i] <= x.value[i] * r.clicks[i]);
            if (r.position[i] == AIGC_NOT_SHOWN)
                continue;
            EXPECT(!(used >> r.position[i] & 1u));
            used |= 1u << r.position[i];
            shown++;
        }
        EXPECT(shown <= x.in.k);
        double exact, approx;
        aigc_cascade_gap(&x.in, work, &exact, &approx);
        EXPECT(r.o.welfare <= exact * (1.0 + 1e-12));
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* W_-i the long way: a fresh solve with ad i left out, in its own
 * workspace, against the payments of a VCG run that reuses its first
 * solve's work. Approximate cascade payments also take the chosen list
 * without i as a floor (cascade.c). */
typedef double (*optimum_fn)(const aigc_instance *, uint32_t, void *, int32_t *);

static double mnl_optimum(const aigc_instance *in, uint32_t skip, void *w, int32_t *pos)
{
    return aigc_mnl_optimum(in, skip, w, pos, NULL);
}

static void check_payments_by_resolving(const inst *x, const result *r, optimum_fn optimum,
                                        welfare_fn welfare, int floor, void *w2)
{
    int32_t pos[MAX_N], without[MAX_N];
    for (uint32_t i = 0; i < x->in.n; i++) {
        if (r->position[i] == AIGC_NOT_SHOWN)
            continue;
        double own = x->value[i] * r->clicks[i];
        double w_without = optimum(&x->in, i, w2, pos);
        if (floor) {
            memcpy(without, r->position, x->in.n * sizeof without[0]);
            without[i] = AIGC_NOT_SHOWN;
            double f = welfare(&x->in, without);
            if (f > w_without)
                w_without = f;
        }
        double pay = w_without - (r->o.welfare - own);
        pay = pay > 0.0 ? pay : 0.0;
        pay = pay < own ? pay : own;
        EXPECT(fabs(pay - r->payment[i]) <= 1e-12 * (1.0 + r->o.welfare));
    }
}

START_TEST(test_vcg_reuse_matches_fresh_solves)
{
    pcg32 g;
    pcg32_seed(&g, 20250603, 15);
    size_t size = aigc_cascade_approx_workspace_size(MAX_N, MAX_M);
    if (aigc_mnl_workspace_size(MAX_N, MAX_M) > size)
        size = aigc_mnl_workspace_size(MAX_N, MAX_M);
    if (aigc_additive_workspace_size(MAX_N, MAX_M) > size)
        size = aigc_additive_workspace_size(MAX_N, MAX_M);
    void *w2 = malloc(size);
    ck_assert_ptr_nonnull(w2);
    inst x;
    result r;
    for (int t = 0; t < 300; t++) {
        uint32_t n = 1 + rng_below(&g, t < 100 ? 20 : MAX_N);
        uint32_t m = 1 + rng_below(&g, t < 100 ? 6 : MAX_M);
        random_instance(&g, &x, n, m, 0.6, 0);
        aigc_additive_vcg(&x.in, work, outcome(&r));
        check_payments_by_resolving(&x, &r, aigc_additive_optimum, aigc_additive_welfare, 0, w2);
        aigc_mnl_vcg(&x.in, work, outcome(&r));
        check_payments_by_resolving(&x, &r, mnl_optimum, aigc_mnl_welfare, 0, w2);
        aigc_cascade_approx_vcg(&x.in, work, outcome(&r));
        check_payments_by_resolving(&x, &r, aigc_cascade_approx_optimum, aigc_cascade_welfare, 1,
                                    w2);
    }
    free(w2);
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_additive_large_vs_assign)
{
    /* The additive optimum and its "without i" solves share one list of
     * heaviest ads per column (assignment.c); plain aigc_assign with a mask
     * builds its own each time. */
    pcg32 g;
    pcg32_seed(&g, 20250603, 16);
    inst x;
    result r;
    static double w[MAX_N * MAX_M];
    static unsigned char active[MAX_N];
    int32_t pos[MAX_N];
    void *w2 = malloc(aigc_assign_workspace_size(MAX_N, MAX_M));
    ck_assert_ptr_nonnull(w2);
    for (int t = 0; t < 100; t++) {
        uint32_t n = 1 + rng_below(&g, MAX_N), m = 1 + rng_below(&g, MAX_M);
        random_instance(&g, &x, n, m, 0.6, 0);
        for (uint32_t i = 0; i < n; i++) {
            active[i] = 1;
            for (uint32_t j = 0; j < m; j++)
                w[i * m + j] = x.value[i] * x.ctr[i * m + j];
        }
        aigc_additive_vcg(&x.in, work, outcome(&r));
        EXPECT(close_to(aigc_assign(n, m, x.in.k, w, active, w2, pos), r.o.welfare, 1e-12));
        for (uint32_t i = 0; i < n; i++) {
            if (r.position[i] == AIGC_NOT_SHOWN)
                continue;
            active[i] = 0;
            double without = aigc_assign(n, m, x.in.k, w, active, w2, pos);
            active[i] = 1;
            double own = x.value[i] * r.clicks[i];
            EXPECT(fabs(without - (r.o.welfare - own) - r.payment[i]) <= 1e-9);
        }
    }
    free(w2);
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* ---- all models ---------------------------------------------------------- */

START_TEST(test_large_instances_feasible)
{
    /* The engine's largest auctions: 200 ads, 20 positions. Feasible lists,
     * payments within [0, v clicks], welfare = sum of v clicks. */
    pcg32 g;
    pcg32_seed(&g, 20250603, 13);
    inst x;
    result r;
    vcg_fn solvers[3] = {aigc_additive_vcg, aigc_mnl_vcg, aigc_cascade_approx_vcg};
    for (int t = 0; t < 30; t++) {
        random_instance(&g, &x, MAX_N, MAX_M, 0.5, 0);
        for (int s = 0; s < 3; s++) {
            solvers[s](&x.in, work, outcome(&r));
            uint32_t used = 0, shown = 0;
            double sum = 0.0;
            for (uint32_t i = 0; i < MAX_N; i++) {
                EXPECT(r.payment[i] >= 0.0 && r.payment[i] <= x.value[i] * r.clicks[i]);
                if (r.position[i] == AIGC_NOT_SHOWN)
                    continue;
                EXPECT(!(used >> r.position[i] & 1u));
                used |= 1u << r.position[i];
                shown++;
                sum += x.value[i] * r.clicks[i];
            }
            EXPECT(shown <= x.in.k);
            EXPECT(close_to(sum, r.o.welfare, 1e-12));
        }
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_deterministic_and_workspace_reuse)
{
    /* Same instance, same bits, whatever ran in the workspace before. */
    pcg32 g;
    pcg32_seed(&g, 20250603, 14);
    inst x, other;
    result a, b;
    for (size_t s = 0; aigc_model_at(s); s++) {
        const aigc_model *model = aigc_model_at(s);
        for (int t = 0; t < 50; t++) {
            random_instance(&g, &x, 1 + rng_below(&g, 12), 1 + rng_below(&g, 6), 0.8, 0);
            random_instance(&g, &other, 1 + rng_below(&g, 12), 1 + rng_below(&g, 6), 0.8, 0);
            model->run(&x.in, work, outcome(&a));
            model->run(&other.in, work, outcome(&b));
            model->run(&x.in, work, outcome(&b));
            EXPECT(memcmp(a.position, b.position, x.in.n * sizeof a.position[0]) == 0);
            EXPECT(memcmp(a.payment, b.payment, x.in.n * sizeof a.payment[0]) == 0);
            EXPECT(memcmp(a.clicks, b.clicks, x.in.n * sizeof a.clicks[0]) == 0);
            EXPECT(memcmp(&a.o.welfare, &b.o.welfare, sizeof a.o.welfare) == 0);
        }
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_equal_ads_lower_index_shown)
{
    /* Four identical ads, two positions, k = 1: ad0 is shown by every model. */
    inst x;
    bind(&x, 4, 2, 1);
    for (uint32_t i = 0; i < 4; i++) {
        x.value[i] = 1.0;
        x.cont[i] = 0.5;
        x.ctr[i * 2] = 0.3;
        x.ctr[i * 2 + 1] = 0.2;
    }
    for (size_t s = 0; aigc_model_at(s); s++) {
        result r;
        aigc_model_at(s)->run(&x.in, work, outcome(&r));
        ck_assert_int_eq(r.position[0], 0);
        for (uint32_t i = 1; i < 4; i++)
            ck_assert_int_eq(r.position[i], AIGC_NOT_SHOWN);
    }
}
END_TEST

START_TEST(test_registry)
{
    ck_assert_str_eq(aigc_model_names(), "additive, mnl, cascade, cascade_exact");
    static const char *const names[] = {"additive", "mnl", "cascade", "cascade_exact"};
    for (size_t i = 0; i < 4; i++) {
        const aigc_model *m = aigc_model_find(names[i]);
        ck_assert_ptr_nonnull(m);
        ck_assert_ptr_eq(m, aigc_model_at(i));
        ck_assert_str_eq(m->name, names[i]);
        ck_assert_ptr_nonnull(m->description);
        ck_assert_uint_gt(m->workspace_size(10, 5), 0);
    }
    ck_assert_ptr_null(aigc_model_at(4));
    ck_assert_ptr_null(aigc_model_find("vcg"));
    ck_assert_ptr_null(aigc_model_find(""));
}
END_TEST

static Suite *aigc_suite(void)
{
    Suite *s = suite_create("aigc");
    TCase *golden = tcase_create("golden");
    tcase_add_checked_fixture(golden, setup_work, teardown_work);
    tcase_add_test(golden, test_assign_golden);
    tcase_add_test(golden, test_assign_nonpositive_stay_out);
    tcase_add_test(golden, test_assign_ties_lower_index);
    tcase_add_test(golden, test_additive_eos_golden);
    tcase_add_test(golden, test_mnl_golden);
    tcase_add_test(golden, test_cascade_golden_order);
    tcase_add_test(golden, test_cascade_golden_gap);
    tcase_add_test(golden, test_cascade_exact_limit);
    tcase_add_test(golden, test_equal_ads_lower_index_shown);
    tcase_add_test(golden, test_registry);
    suite_add_tcase(s, golden);

    TCase *random = tcase_create("random");
    tcase_set_timeout(random, 300); /* sanitizer builds */
    tcase_add_checked_fixture(random, setup_work, teardown_work);
    tcase_add_test(random, test_assign_vs_brute_force);
    tcase_add_test(random, test_assign_large_vs_column_dp);
    tcase_add_test(random, test_additive_vs_brute_force);
    tcase_add_test(random, test_additive_truthful);
    tcase_add_test(random, test_mnl_vs_brute_force);
    tcase_add_test(random, test_mnl_dinkelbach_few_solves);
    tcase_add_test(random, test_mnl_truthful);
    tcase_add_test(random, test_cascade_exact_vs_brute_force);
    tcase_add_test(random, test_cascade_exact_truthful);
    tcase_add_test(random, test_cascade_approx_exact_when_position_independent);
    tcase_add_test(random, test_cascade_approx_gap);
    tcase_add_test(random, test_cascade_approx_vcg_properties);
    tcase_add_test(random, test_large_instances_feasible);
    tcase_add_test(random, test_deterministic_and_workspace_reuse);
    tcase_add_test(random, test_vcg_reuse_matches_fresh_solves);
    tcase_add_test(random, test_additive_large_vs_assign);
    suite_add_tcase(s, random);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(aigc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
