/* Unit tests of mechanisms/position: ranking (eligibility, ties, partial
 * selection), the GSP, VCG and GFP pricing rules against worked examples
 * from the literature, and properties that theory guarantees, checked on
 * random instances drawn from a fixed stream. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "position.h"
#include "sampling.h"

enum { MAX_SLOTS = 32, MAX_BIDDERS = 160 }; /* past 128: the selection works in blocks of 64 */

static uint32_t order[MAX_SLOTS + 1];
static uint32_t winner[MAX_SLOTS];
static double price[MAX_SLOTS];

/* Runs mechanism m on one auction; the outcome points into the static
 * buffers above, valid until the next call. */
static position_outcome run_m(const position_mechanism *m, uint32_t slots, const double *ctr,
                              double reserve, const double *bids, const uint32_t *ids, uint32_t n)
{
    position_params p = {slots, ctr, reserve};
    position_outcome out = {0, winner, price};
    position_run(m, &p, bids, ids, n, order, &out);
    return out;
}

static position_outcome run(const char *name, uint32_t slots, const double *ctr, double reserve,
                            const double *bids, const uint32_t *ids, uint32_t n)
{
    const position_mechanism *m = position_mechanism_find(name);
    ck_assert_ptr_nonnull(m);
    return run_m(m, slots, ctr, reserve, bids, ids, n);
}

#include "violations.h" /* EXPECT: counted checks in random-instance loops */

/* Expected revenue: price per click times clicks, over the filled slots. */
static double revenue(const position_outcome *o, const double *ctr)
{
    double r = 0.0;
    for (uint32_t s = 0; s < o->filled; s++)
        r += o->price[s] * ctr[s];
    return r;
}

/* The running example of Edelman, Ostrovsky, Schwarz (2007) and Varian
 * (2007) in its smallest form: two slots with 200 and 100 expected clicks,
 * three bidders with per-click values 10, 4, 2. */
static const double eos_ctr[2] = {200, 100};
static const double eos_values[3] = {10, 4, 2};

/* ---- pricing, golden values -------------------------------------------- */

START_TEST(test_vcg_truthful_golden)
{
    position_outcome o = run("vcg", 2, eos_ctr, 0.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_uint_eq(o.winner[0], 0);
    ck_assert_uint_eq(o.winner[1], 1);
    /* Slot 0 pays its externality: (200 - 100) * 4 + 100 * 2 = 600 (EOS 2007,
     * VCG payments), i.e. 3 per click; slot 1 pays 100 * 2 = 200, 2 per click. */
    ck_assert_double_eq_tol(o.price[0] * eos_ctr[0], 600.0, 1e-9);
    ck_assert_double_eq_tol(o.price[1] * eos_ctr[1], 200.0, 1e-9);
    ck_assert_double_eq_tol(revenue(&o, eos_ctr), 800.0, 1e-9);
}
END_TEST

START_TEST(test_gsp_truthful_golden)
{
    position_outcome o = run("gsp", 2, eos_ctr, 0.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_uint_eq(o.winner[0], 0);
    ck_assert_uint_eq(o.winner[1], 1);
    /* GSP charges the next bid per click (EOS 2007): 200 * 4 = 800 and
     * 100 * 2 = 200, revenue 1000, above VCG's 800 at the same bids. */
    ck_assert_double_eq(o.price[0], 4.0);
    ck_assert_double_eq(o.price[1], 2.0);
    ck_assert_double_eq_tol(revenue(&o, eos_ctr), 1000.0, 1e-9);
}
END_TEST

START_TEST(test_gsp_lowest_envy_free_equals_vcg)
{
    /* EOS 2007 (Theorem 2) and Varian 2007: in the lowest envy-free
     * equilibrium of GSP, bidder k+1 bids so that slot k pays its VCG
     * payment: 200 * b_2 = 600 gives b_2 = 3, 100 * b_3 = 200 gives b_3 = 2.
     * GSP revenue at bids (10, 3, 2) is 800, the VCG revenue at truthful bids. */
    static const double shaded[3] = {10, 3, 2};
    position_outcome o = run("gsp", 2, eos_ctr, 0.0, shaded, NULL, 3);
    ck_assert_double_eq_tol(revenue(&o, eos_ctr), 800.0, 1e-9);
    position_outcome v = run("vcg", 2, eos_ctr, 0.0, eos_values, NULL, 3);
    ck_assert_double_eq_tol(revenue(&v, eos_ctr), 800.0, 1e-9);
}
END_TEST

START_TEST(test_gfp_pays_own_bid)
{
    /* First price: each winner pays its own bid per click, 10 and 4. */
    position_outcome o = run("gfp", 2, eos_ctr, 0.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_double_eq(o.price[0], 10.0);
    ck_assert_double_eq(o.price[1], 4.0);
    ck_assert_double_eq_tol(revenue(&o, eos_ctr), 2400.0, 1e-9);
}
END_TEST

START_TEST(test_reserve_excludes_and_raises_gsp)
{
    /* Reserve 5 (per click): bids 4 and 2 are below it, so only one slot is
     * filled, and the winner's GSP price is the reserve, 5, not the next
     * bid 4 (the usual GSP reserve rule: max(next bid, reserve)). */
    position_outcome o = run("gsp", 2, eos_ctr, 5.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 1);
    ck_assert_uint_eq(o.winner[0], 0);
    ck_assert_double_eq(o.price[0], 5.0);
    /* VCG with reserve 5: phantom bids of 5 below the winner give
     * (200 - 100) * 5 + 100 * 5 = 1000, i.e. 5 per click. */
    o = run("vcg", 2, eos_ctr, 5.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 1);
    ck_assert_double_eq_tol(o.price[0] * eos_ctr[0], 1000.0, 1e-9);
}
END_TEST

START_TEST(test_vcg_with_reserve_golden)
{
    /* Reserve 3: bid 2 is excluded and the reserve stands in for the missing
     * third bid. Slot 0: (200 - 100) * 4 + 100 * 3 = 700; slot 1: 100 * 3 =
     * 300 (the VCG formula of EOS 2007 with the reserve as phantom bids). */
    position_outcome o = run("vcg", 2, eos_ctr, 3.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_double_eq_tol(o.price[0] * eos_ctr[0], 700.0, 1e-9);
    ck_assert_double_eq_tol(o.price[1] * eos_ctr[1], 300.0, 1e-9);
    /* GSP with the same reserve: 4 and then the reserve 3 per click. */
    o = run("gsp", 2, eos_ctr, 3.0, eos_values, NULL, 3);
    ck_assert_double_eq(o.price[0], 4.0);
    ck_assert_double_eq(o.price[1], 3.0);
}
END_TEST

START_TEST(test_reserve_equal_to_bid_is_eligible)
{
    static const double bids[2] = {5, 4};
    position_outcome o = run("gsp", 2, eos_ctr, 4.0, bids, NULL, 2);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_double_eq(o.price[0], 4.0);
    ck_assert_double_eq(o.price[1], 4.0);
}
END_TEST

/* ---- ranking ----------------------------------------------------------- */

START_TEST(test_ties_go_to_lower_id)
{
    static const double bids[3] = {5, 5, 5};
    static const uint32_t ids[3] = {7, 3, 9};
    static const double ctr[3] = {3, 2, 1};
    position_outcome o = run("gsp", 3, ctr, 0.0, bids, ids, 3);
    ck_assert_uint_eq(o.filled, 3);
    ck_assert_uint_eq(o.winner[0], 1); /* id 3 */
    ck_assert_uint_eq(o.winner[1], 0); /* id 7 */
    ck_assert_uint_eq(o.winner[2], 2); /* id 9 */
    /* Without ids the participant index breaks the tie. */
    o = run("gsp", 3, ctr, 0.0, bids, NULL, 3);
    ck_assert_uint_eq(o.winner[0], 0);
    ck_assert_uint_eq(o.winner[1], 1);
    ck_assert_uint_eq(o.winner[2], 2);
}
END_TEST

START_TEST(test_tie_at_the_cut)
{
    /* One slot, ranking keeps 2; the tie for second place at 4 goes to the
     * lower id even when it arrives later. */
    static const double bids[4] = {4, 9, 4, 1};
    static const uint32_t ids[4] = {50, 10, 20, 5};
    static const double ctr[1] = {1};
    position_params p = {1, ctr, 0.0};
    uint32_t n = position_rank(&p, bids, ids, 4, order);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(order[0], 1);
    ck_assert_uint_eq(order[1], 2);
}
END_TEST

START_TEST(test_nan_zero_negative_ineligible)
{
    static const double bids[6] = {NAN, 0.0, -3.0, 2.0, -0.0, 1.0};
    position_outcome o = run("gsp", 2, eos_ctr, 0.0, bids, NULL, 6);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_uint_eq(o.winner[0], 3);
    ck_assert_uint_eq(o.winner[1], 5);
    ck_assert_double_eq(o.price[0], 1.0);
    ck_assert_double_eq(o.price[1], 0.0); /* nobody below, reserve 0 */

    static const double none[3] = {NAN, 0.0, -1.0};
    o = run("vcg", 2, eos_ctr, 0.0, none, NULL, 3);
    ck_assert_uint_eq(o.filled, 0);
    o = run("gsp", 2, eos_ctr, 0.0, none, NULL, 0);
    ck_assert_uint_eq(o.filled, 0);
}
END_TEST

START_TEST(test_fewer_bidders_than_slots)
{
    static const double ctr[4] = {40, 30, 20, 10};
    static const double bids[2] = {3, 7};
    position_outcome o = run("gsp", 4, ctr, 1.0, bids, NULL, 2);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_uint_eq(o.winner[0], 1);
    ck_assert_uint_eq(o.winner[1], 0);
    ck_assert_double_eq(o.price[0], 3.0);
    ck_assert_double_eq(o.price[1], 1.0); /* the reserve */
    o = run("vcg", 4, ctr, 1.0, bids, NULL, 2);
    ck_assert_uint_eq(o.filled, 2);
    /* Slot 0: (40-30)*3 + (30-20)*1 + (20-10)*1 + 10*1 = 60, 1.5 per click;
     * slot 1: the reserve over all its clicks, 30 * 1. */
    ck_assert_double_eq_tol(o.price[0] * ctr[0], 60.0, 1e-9);
    ck_assert_double_eq_tol(o.price[1] * ctr[1], 30.0, 1e-9);
}
END_TEST

START_TEST(test_zero_ctr_slot)
{
    /* A slot nobody clicks is still allocated; VCG's per-click price there
     * is defined as 0 (no clicks to divide by). */
    static const double ctr[2] = {10, 0};
    position_outcome o = run("vcg", 2, ctr, 0.0, eos_values, NULL, 3);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_double_eq(o.price[1], 0.0);
    ck_assert_double_eq_tol(o.price[0] * ctr[0], 10 * 4.0, 1e-9);
}
END_TEST

START_TEST(test_registry)
{
    ck_assert_ptr_null(position_mechanism_find("nope"));
    ck_assert_ptr_null(position_mechanism_find(""));
    ck_assert_ptr_null(position_mechanism_find(NULL));
    ck_assert_str_eq(position_mechanism_names(), "gsp, vcg, gfp");
    static const char *const names[] = {"gsp", "vcg", "gfp"};
    for (int i = 0; i < 3; i++) {
        const position_mechanism *m = position_mechanism_find(names[i]);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(m->name, names[i]);
        ck_assert_ptr_nonnull(m->description);
        ck_assert_ptr_nonnull(m->price);
    }
}
END_TEST

/* ---- properties on random instances ------------------------------------ */

typedef struct {
    uint32_t slots, n;
    double ctr[MAX_SLOTS];
    double reserve;
    double bids[MAX_BIDDERS];
    uint32_t ids[MAX_BIDDERS];
} instance;

static int by_ctr_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Random instances that exercise the edge cases on purpose: reserves that
 * bind, zero/NaN/negative bids, exact ties, zero-click slots. */
static void random_instance(pcg32 *g, instance *in)
{
    static uint32_t scratch[16 * MAX_BIDDERS]; /* >= sampling_scratch_size(MAX_BIDDERS) */
    in->slots = 1 + rng_below(g, 10);
    in->n = rng_below(g, MAX_BIDDERS + 1);
    for (uint32_t s = 0; s < in->slots; s++)
        in->ctr[s] = rng_below(g, 8) == 0 ? 0.0 : rng_uniform01(g);
    qsort(in->ctr, in->slots, sizeof in->ctr[0], by_ctr_desc);
    in->reserve = rng_bernoulli(g, 0.5) ? 0.0 : rng_uniform01(g) * 2.0;
    sample_distinct(g, 1000, in->n, in->ids, scratch);
    for (uint32_t i = 0; i < in->n; i++) {
        uint32_t kind = rng_below(g, 20);
        if (kind == 0)
            in->bids[i] = 0.0;
        else if (kind == 1)
            in->bids[i] = NAN;
        else if (kind == 2)
            in->bids[i] = -rng_uniform01(g);
        else if (kind <= 5 && i > 0)
            in->bids[i] = in->bids[rng_below(g, i)]; /* a tie */
        else
            in->bids[i] = rng_lognormal(g, 0.0, 1.0);
    }
}

/* The ranking order by full sort: the reference for the partial selection. */
static const instance *sort_ctx;
static int by_rank(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    const double *bids = sort_ctx->bids;
    if (bids[i] != bids[j])
        return bids[i] > bids[j] ? -1 : 1;
    return (sort_ctx->ids[i] > sort_ctx->ids[j]) - (sort_ctx->ids[i] < sort_ctx->ids[j]);
}

static uint32_t reference_rank(const instance *in, uint32_t *ref)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < in->n; i++)
        if (in->bids[i] > 0.0 && in->bids[i] >= in->reserve)
            ref[m++] = i;
    sort_ctx = in;
    qsort(ref, m, sizeof *ref, by_rank);
    return m;
}

static const double TOL = 1e-9;

START_TEST(test_rank_matches_full_sort)
{
    pcg32 g = rng_stream(11, 300, 0, 0);
    instance in;
    uint32_t ref[MAX_BIDDERS];
    for (int t = 0; t < 20000; t++) {
        random_instance(&g, &in);
        position_params p = {in.slots, in.ctr, in.reserve};
        uint32_t got = position_rank(&p, in.bids, in.ids, in.n, order);
        uint32_t eligible = reference_rank(&in, ref);
        uint32_t want = eligible < in.slots + 1 ? eligible : in.slots + 1;
        EXPECT(got == want);
        for (uint32_t k = 0; k < got && k < want; k++)
            EXPECT(order[k] == ref[k]);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

START_TEST(test_pricing_properties)
{
    const position_mechanism *gsp_m = position_mechanism_find("gsp");
    const position_mechanism *vcg_m = position_mechanism_find("vcg");
    const position_mechanism *gfp_m = position_mechanism_find("gfp");
    pcg32 g = rng_stream(11, 301, 0, 0);
    instance in;
    uint32_t ref[MAX_BIDDERS];
    for (int t = 0; t < 20000; t++) {
        random_instance(&g, &in);
        position_outcome gsp = run_m(gsp_m, in.slots, in.ctr, in.reserve, in.bids, in.ids, in.n);
        uint32_t gsp_winner[MAX_SLOTS];
        double gsp_price[MAX_SLOTS];
        for (uint32_t s = 0; s < gsp.filled; s++) {
            gsp_winner[s] = gsp.winner[s];
            gsp_price[s] = gsp.price[s];
            double bid = in.bids[gsp.winner[s]];
            EXPECT(gsp.price[s] <= bid);         /* individually rational */
            EXPECT(gsp.price[s] >= in.reserve);  /* reserve respected */
            if (s > 0)
                EXPECT(gsp.price[s] <= gsp.price[s - 1]); /* down the page */
        }
        double gsp_revenue = revenue(&gsp, in.ctr);
        uint32_t filled = gsp.filled;
        uint32_t eligible = reference_rank(&in, ref);
        EXPECT(filled == (eligible < in.slots ? eligible : in.slots));

        position_outcome vcg = run_m(vcg_m, in.slots, in.ctr, in.reserve, in.bids, in.ids, in.n);
        EXPECT(vcg.filled == filled);
        for (uint32_t s = 0; s < vcg.filled; s++) {
            EXPECT(vcg.winner[s] == gsp_winner[s]); /* same allocation */
            double bid = in.bids[vcg.winner[s]];
            EXPECT(vcg.price[s] <= bid * (1 + TOL));
            EXPECT(vcg.price[s] <= gsp_price[s] * (1 + TOL) + TOL);
            if (in.ctr[s] > 0.0)
                EXPECT(vcg.price[s] >= in.reserve * (1 - TOL));
        }
        EXPECT(revenue(&vcg, in.ctr) <= gsp_revenue * (1 + TOL) + TOL);

        position_outcome gfp = run_m(gfp_m, in.slots, in.ctr, in.reserve, in.bids, in.ids, in.n);
        EXPECT(gfp.filled == filled);
        for (uint32_t s = 0; s < gfp.filled; s++)
            EXPECT(gfp.price[s] == in.bids[gfp.winner[s]]);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* Utility of participant i (value v) under VCG when it bids b instead. */
static double vcg_utility(instance *in, uint32_t i, double v, double b)
{
    static const position_mechanism *vcg;
    if (!vcg)
        vcg = position_mechanism_find("vcg");
    double saved = in->bids[i];
    in->bids[i] = b;
    position_outcome o = run_m(vcg, in->slots, in->ctr, in->reserve, in->bids, in->ids, in->n);
    in->bids[i] = saved;
    for (uint32_t s = 0; s < o.filled; s++)
        if (o.winner[s] == i)
            return (v - o.price[s]) * in->ctr[s];
    return 0.0;
}

START_TEST(test_vcg_truthful_is_dominant)
{
    /* With everyone else's bids fixed, no deviation beats bidding the value
     * (VCG's dominant-strategy property, reserve included). */
    pcg32 g = rng_stream(11, 302, 0, 0);
    instance in;
    for (int t = 0; t < 3000; t++) {
        random_instance(&g, &in);
        if (in.n == 0)
            continue;
        uint32_t i = rng_below(&g, in.n);
        double v = rng_lognormal(&g, 0.0, 1.0);
        double truthful = vcg_utility(&in, i, v, v);
        for (int d = 0; d < 10; d++) {
            double b = rng_lognormal(&g, 0.0, 1.5);
            EXPECT(vcg_utility(&in, i, v, b) <= truthful + 1e-9);
        }
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST


/* ---- quality scores (ranking weights) ----------------------------------- */

/* Runs mechanism m with ranking weights w; returns the reserve hits. */
static uint32_t run_w(const char *name, uint32_t slots, const double *ctr, double reserve,
                      const double *bids, const double *w, uint32_t n, position_outcome *out)
{
    const position_mechanism *m = position_mechanism_find(name);
    ck_assert_ptr_nonnull(m);
    position_params p = {slots, ctr, reserve};
    *out = (position_outcome){0, winner, price};
    uint32_t ranked = position_rank_weighted(&p, bids, w, NULL, n, order);
    return m->price_weighted(&p, bids, w, order, ranked, out);
}

/* The EOS market with qualities q = (0.5, 2, 1): ad i in slot j gets
 * q_i * ctr_j clicks (Varian 2007, section 5). Scores b * q = (5, 8, 2) rank
 * bidder 1, then 0, then 2. */
static const double q_eos[3] = {0.5, 2, 1};

START_TEST(test_gsp_quality_golden)
{
    position_outcome o;
    uint32_t hits = run_w("gsp", 2, eos_ctr, 0.0, eos_values, q_eos, 3, &o);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert_uint_eq(o.winner[0], 1);
    ck_assert_uint_eq(o.winner[1], 0);
    /* next score / own quality: 5 / 2 = 2.5 and 2 / 0.5 = 4 per click. */
    ck_assert(o.price[0] == 2.5);
    ck_assert(o.price[1] == 4.0);
    ck_assert_uint_eq(hits, 0);
    /* Expected payments at q * ctr clicks: 2.5 * 400 + 4 * 50 = 1200. */
    ck_assert(o.price[0] * q_eos[1] * eos_ctr[0] + o.price[1] * q_eos[0] * eos_ctr[1] == 1200.0);
}
END_TEST

START_TEST(test_vcg_quality_golden)
{
    /* Removing bidder 1 lifts bidder 0 to slot 0, (200-100) * 10 * 0.5 = 500,
     * and bidder 2 into slot 1, 100 * 2 * 1 = 200: T_0 = 700 over
     * 2 * 200 = 400 clicks, 1.75 per click. Removing bidder 0 lifts bidder 2
     * into slot 1: T_1 = 100 * 2 = 200 over 0.5 * 100 = 50 clicks, 4 per click. */
    position_outcome o;
    run_w("vcg", 2, eos_ctr, 0.0, eos_values, q_eos, 3, &o);
    ck_assert_uint_eq(o.winner[0], 1);
    ck_assert_uint_eq(o.winner[1], 0);
    ck_assert_double_eq_tol(o.price[0], 1.75, 1e-15);
    ck_assert_double_eq_tol(o.price[1], 4.0, 1e-15);
}
END_TEST

START_TEST(test_gfp_quality_pays_own_bid)
{
    position_outcome o;
    uint32_t hits = run_w("gfp", 2, eos_ctr, 3.0, eos_values, q_eos, 3, &o);
    ck_assert_uint_eq(o.winner[0], 1);
    ck_assert(o.price[0] == 4.0 && o.price[1] == 10.0); /* the bids, not score / q */
    ck_assert_uint_eq(hits, 0);
}
END_TEST

START_TEST(test_quality_reserve_in_score_units)
{
    /* Reserve 3 in score units: bidder 2 (score 2) is out; bidder 0 bids 10
     * and scores 5, so it stays in. GSP: slot 0 pays 5 / 2 = 2.5; slot 1 has nobody below,
     * so max(-, 3) / 0.5 = 6 per click: one reserve hit. VCG: T_1 = 100 * 3,
     * 300 / 50 = 6; T_0 = 100 * 5 + 100 * 3 = 800, 800 / 400 = 2. */
    position_outcome o;
    uint32_t hits = run_w("gsp", 2, eos_ctr, 3.0, eos_values, q_eos, 3, &o);
    ck_assert_uint_eq(o.filled, 2);
    ck_assert(o.price[0] == 2.5 && o.price[1] == 6.0);
    ck_assert_uint_eq(hits, 1);
    hits = run_w("vcg", 2, eos_ctr, 3.0, eos_values, q_eos, 3, &o);
    ck_assert_double_eq_tol(o.price[0], 2.0, 1e-15);
    ck_assert_double_eq_tol(o.price[1], 6.0, 1e-15);
    ck_assert_uint_eq(hits, 1);
    /* Reserve 6: bidder 0's score 5 is out although its bid 10 is not; bidder 1
     * (score 8) is alone and pays 6 / 2 = 3 per click. */
    hits = run_w("gsp", 2, eos_ctr, 6.0, eos_values, q_eos, 3, &o);
    ck_assert_uint_eq(o.filled, 1);
    ck_assert_uint_eq(o.winner[0], 1);
    ck_assert(o.price[0] == 3.0);
    ck_assert_uint_eq(hits, 1);
}
END_TEST

START_TEST(test_reserve_hits_unweighted)
{
    /* EOS with reserve 3: bidder 2 (bid 2) is out; slot 1's winner (bid 4)
     * has nobody below and pays the reserve: one hit. Without a reserve a
     * lone bottom winner pays 0 and that is no reserve hit. */
    position_outcome o;
    ck_assert_uint_eq(run_w("gsp", 2, eos_ctr, 3.0, eos_values, NULL, 3, &o), 1);
    ck_assert_uint_eq(run_w("vcg", 2, eos_ctr, 3.0, eos_values, NULL, 3, &o), 1);
    ck_assert_uint_eq(run_w("gsp", 2, eos_ctr, 1.0, eos_values, NULL, 3, &o), 0);
    ck_assert_uint_eq(run_w("gsp", 2, eos_ctr, 0.0, eos_values, NULL, 2, &o), 0);
}
END_TEST

START_TEST(test_unit_weights_are_bit_identical)
{
    /* Weights of exactly 1 multiply and divide by 1: the outcome must be the
     * unweighted one to the bit (what keeps old scenarios' outputs unchanged). */
    static const char *const names[] = {"gsp", "vcg", "gfp"};
    pcg32 g = rng_stream(11, 303, 0, 0);
    instance in;
    double ones[MAX_BIDDERS];
    for (uint32_t i = 0; i < MAX_BIDDERS; i++)
        ones[i] = 1.0;
    for (int t = 0; t < 5000; t++) {
        random_instance(&g, &in);
        const char *name = names[t % 3];
        position_outcome a = run(name, in.slots, in.ctr, in.reserve, in.bids, in.ids, in.n);
        uint32_t wa[MAX_SLOTS];
        double pa[MAX_SLOTS];
        for (uint32_t s = 0; s < a.filled; s++) {
            wa[s] = a.winner[s];
            pa[s] = a.price[s];
        }
        const position_mechanism *m = position_mechanism_find(name);
        position_params p = {in.slots, in.ctr, in.reserve};
        position_outcome b = {0, winner, price};
        uint32_t ranked = position_rank_weighted(&p, in.bids, ones, in.ids, in.n, order);
        m->price_weighted(&p, in.bids, ones, order, ranked, &b);
        EXPECT(a.filled == b.filled);
        for (uint32_t s = 0; s < a.filled && s < b.filled; s++)
            EXPECT(wa[s] == b.winner[s] && memcmp(&pa[s], &b.price[s], sizeof pa[s]) == 0);
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* With quality, truthful VCG is still dominant: the utility of bidder i
 * (value v, quality w_i) at bid b is w_i * ctr_s * (v - price_s). */
START_TEST(test_vcg_quality_truthful_is_dominant)
{
    pcg32 g = rng_stream(11, 304, 0, 0);
    instance in;
    double w[MAX_BIDDERS];
    for (int t = 0; t < 2000; t++) {
        random_instance(&g, &in);
        if (in.n == 0)
            continue;
        for (uint32_t i = 0; i < in.n; i++)
            w[i] = rng_lognormal(&g, 0.0, 0.5);
        uint32_t i = rng_below(&g, in.n);
        double v = rng_lognormal(&g, 0.0, 1.0), u[11];
        for (int d = 0; d < 11; d++) {
            double saved = in.bids[i];
            in.bids[i] = d == 0 ? v : rng_lognormal(&g, 0.0, 1.5);
            position_outcome o;
            run_w("vcg", in.slots, in.ctr, in.reserve, in.bids, w, in.n, &o);
            in.bids[i] = saved;
            u[d] = 0.0;
            for (uint32_t s = 0; s < o.filled; s++)
                if (o.winner[s] == i)
                    u[d] = w[i] * in.ctr[s] * (v - o.price[s]);
            EXPECT(u[d] <= u[0] + 1e-9 * (1 + fabs(v * w[i])));
        }
    }
    ASSERT_NO_VIOLATIONS();
}
END_TEST

/* The lane-parallel selection (rank_lanes.c) against the reference selection,
 * on every instruction-set path this CPU runs: random batches of 1..8 auctions
 * sharing n, slots and reserve, with and without weights, half of them free of
 * ties (the branch-free path) and half with the edge cases of random_instance
 * (ties, NaN, zero and negative bids: the fallback). */
START_TEST(test_rank_lanes_match_reference)
{
    static const char *const paths[] = {"scalar", "sse2", "avx2", "avx512"};
    pcg32 g = rng_stream(11, 301, 0, 0);
    static instance in[POSITION_LANES];
    static double w[POSITION_LANES][MAX_BIDDERS];
    static uint32_t got[POSITION_LANES][MAX_SLOTS + 1], want[MAX_SLOTS + 1];
    static double scratch[(MAX_BIDDERS + 2 * POSITION_LANE_CAP) * POSITION_LANES];
    /* The size the engine allocates must fit here (caught without ASan). */
    ck_assert_uint_le(position_lanes_scratch(MAX_BIDDERS, POSITION_LANE_CAP - 1u),
                      sizeof scratch / sizeof *scratch);
    int paths_run = 0;
    for (size_t q = 0; q < sizeof paths / sizeof paths[0]; q++) {
        if (!position_simd_force(paths[q]))
            continue;
        paths_run++;
        for (int t = 0; t < 4000; t++) {
            /* Full batches half the time: the AVX-512 path's own case. */
            uint32_t lanes = rng_bernoulli(&g, 0.5) ? POSITION_LANES : 1 + rng_below(&g, POSITION_LANES);
            int weighted = rng_bernoulli(&g, 0.5), tie_free = rng_bernoulli(&g, 0.5);
            const double *bids[POSITION_LANES];
            position_weights wt[POSITION_LANES];
            const uint32_t *ids[POSITION_LANES];
            uint32_t *order_of[POSITION_LANES], ranked[POSITION_LANES], eligible[POSITION_LANES];
            for (uint32_t l = 0; l < lanes; l++) {
                random_instance(&g, &in[l]);
                in[l].n = in[0].n;
                for (uint32_t i = 0; tie_free && i < in[l].n; i++)
                    in[l].bids[i] = rng_lognormal(&g, 0.0, 1.0);
                for (uint32_t i = 0; i < in[l].n; i++)
                    w[l][i] = rng_bernoulli(&g, 0.1) ? 1.0 : 0.5 + rng_uniform01(&g);
                bids[l] = in[l].bids;
                wt[l] = weighted ? w[l] : NULL;
                ids[l] = in[l].ids;
                order_of[l] = got[l];
            }
            position_params p = {in[0].slots, in[0].ctr, in[0].reserve};
            if (rng_below(&g, 4) == 0) /* up to POSITION_LANE_CAP places; ranking reads no CTR */
                p.slots = 1 + rng_below(&g, POSITION_LANE_CAP - 1u);
            position_rank_lanes(&p, lanes, bids, wt, ids, in[0].n, order_of, ranked, eligible, scratch);
            for (uint32_t l = 0; l < lanes; l++) {
                uint32_t n_want = position_rank_weighted(&p, bids[l], wt[l], ids[l], in[0].n, want);
                uint32_t n_eligible = 0;
                for (uint32_t i = 0; i < in[0].n; i++)
                    n_eligible += bids[l][i] > 0.0 &&
                                  position_score(wt[l], bids[l], i) >= in[0].reserve;
                EXPECT(eligible[l] == n_eligible);
                EXPECT(ranked[l] == n_want);
                for (uint32_t k = 0; k < n_want && ranked[l] == n_want; k++)
                    EXPECT(got[l][k] == want[k]);
            }
        }
    }
#if defined(__x86_64__)
    ck_assert_int_ge(paths_run, 2); /* scalar and sse2 at least */
#else
    ck_assert_int_ge(paths_run, 1);
#endif
    ASSERT_NO_VIOLATIONS();
}
END_TEST

static Suite *position_suite(void)
{
    Suite *s = suite_create("position");
    TCase *golden = tcase_create("golden");
    tcase_add_test(golden, test_vcg_truthful_golden);
    tcase_add_test(golden, test_gsp_truthful_golden);
    tcase_add_test(golden, test_gsp_lowest_envy_free_equals_vcg);
    tcase_add_test(golden, test_gfp_pays_own_bid);
    tcase_add_test(golden, test_reserve_excludes_and_raises_gsp);
    tcase_add_test(golden, test_vcg_with_reserve_golden);
    tcase_add_test(golden, test_reserve_equal_to_bid_is_eligible);
    suite_add_tcase(s, golden);

    TCase *ranking = tcase_create("ranking");
    tcase_add_test(ranking, test_ties_go_to_lower_id);
    tcase_add_test(ranking, test_tie_at_the_cut);
    tcase_add_test(ranking, test_nan_zero_negative_ineligible);
    tcase_add_test(ranking, test_fewer_bidders_than_slots);
    tcase_add_test(ranking, test_zero_ctr_slot);
    tcase_add_test(ranking, test_registry);
    suite_add_tcase(s, ranking);

    TCase *props = tcase_create("properties");
    tcase_set_timeout(props, 120); /* sanitizer builds */
    tcase_add_checked_fixture(props, reset_violations, NULL);
    tcase_add_test(props, test_rank_matches_full_sort);
    tcase_add_test(props, test_rank_lanes_match_reference);
    tcase_add_test(props, test_pricing_properties);
    tcase_add_test(props, test_vcg_truthful_is_dominant);
    tcase_add_test(props, test_unit_weights_are_bit_identical);
    tcase_add_test(props, test_vcg_quality_truthful_is_dominant);
    TCase *quality = tcase_create("quality");
    tcase_add_test(quality, test_gsp_quality_golden);
    tcase_add_test(quality, test_vcg_quality_golden);
    tcase_add_test(quality, test_gfp_quality_pays_own_bid);
    tcase_add_test(quality, test_quality_reserve_in_score_units);
    tcase_add_test(quality, test_reserve_hits_unweighted);
    suite_add_tcase(s, quality);
    suite_add_tcase(s, props);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(position_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
