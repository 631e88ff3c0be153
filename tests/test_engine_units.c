/* Unit tests of the engine's pure helpers: block partitions, exact sums, derived
 * metrics, the population's group boundaries, and work ordered by agent. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_order.h"
#include "bids_wide.h"
#include "fixed_sum.h"
#include "metrics.h"
#include "partition.h"
#include "population.h"
#include "owners_wide.h"
#include "rng.h"
#include "settle_wide.h"
#include "simd_wide.h"

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

/* settle_outcomes (round.c) for agents without budgets or learner state, one
 * winner at a time: the reference for settle_wide. */
static void settle_reference(const population *pop, const win_outcome *o, size_t count,
                             const uint32_t *index, fixed_sum sums[3], uint64_t *digest)
{
    const agent_state *a = &pop->state;
    for (size_t w = 0; w < count; w++, o++) {
        uint32_t i = index[o->request];
        *digest -= population_agent_hash(pop, i);
        *agent_spend(a, i) += o->payment;
        *agent_clicks(a, i) += o->clicks;
        *digest += population_agent_hash(pop, i);
        fixed_add_unclamped(&sums[0], a->value[i] * o->clicks);
        fixed_add_unclamped(&sums[1], o->payment);
        fixed_add_unclamped(&sums[2], o->clicks);
    }
}

START_TEST(wide_settlement_matches_one_by_one)
{
    /* 40 agents and 1003 outcomes: agents win again within a group of eight,
     * and the last three outcomes are left to the caller. A few payments are
     * too large for the lanes (the group is then added term by term), one is
     * NaN. Every bit must match: agent state, digest and the three sums. */
    enum { AGENTS = 40, OUTCOMES = 1003 };
    static double value[AGENTS], paid_ref[2 * AGENTS], paid_wide[2 * AGENTS];
    static uint32_t index[OUTCOMES];
    static win_outcome o[OUTCOMES];
    pcg32 g;
    pcg32_seed(&g, 17, 3);
    for (int i = 0; i < AGENTS; i++)
        value[i] = rng_lognormal(&g, 0.0, 0.5);
    for (int w = 0; w < OUTCOMES; w++) {
        index[w] = rng_below(&g, AGENTS);
        o[w].request = (uint32_t)(OUTCOMES - 1 - w); /* read through index, in any order */
        o[w].clicks = rng_bernoulli(&g, 0.5) ? 0.3 * rng_uniform01(&g) : 1.0;
        o[w].payment = o[w].clicks * rng_lognormal(&g, 0.0, 1.0);
        if (w % 97 == 5) /* on the grid (x 2^40) past 2^62 (the wide path), 2^63 and 2^73 */
            o[w].payment = w % 3 == 0 ? 5e6 : w % 3 == 1 ? 1e7 : 1e10;
    }
    o[500].payment = NAN;
    population ref = {.state = {.first_id = 1000, .n = AGENTS, .value = value, .paid = paid_ref}};
    agent_state wide = {.first_id = 1000, .n = AGENTS, .value = value, .paid = paid_wide};
    fixed_sum want[3] = {{0}}, got[3] = {{0}};
    uint64_t want_digest = 7, got_digest = 7;
    settle_reference(&ref, o, OUTCOMES, index, want, &want_digest);
    size_t done = settle_wide(&wide, o, OUTCOMES, index, &got[0], &got[1], &got[2], &got_digest);
    ck_assert_uint_eq(done % 8, 0);
    if (simd_wide_allowed())
        ck_assert_uint_eq(done, OUTCOMES - OUTCOMES % 8);
    population rest = {.state = wide};
    settle_reference(&rest, o + done, OUTCOMES - done, index, got, &got_digest);
    ck_assert(memcmp(paid_ref, paid_wide, sizeof paid_ref) == 0);
    ck_assert_uint_eq(want_digest, got_digest);
    for (int k = 0; k < 3; k++)
        ck_assert(want[k].v == got[k].v);
}
END_TEST

START_TEST(wide_owners_match_block_owner)
{
    /* owners_wide against block_owner for every rank count it takes, ids at
     * the block edges included, and n not a multiple of eight (it leaves the
     * tail). Tallies must count what it assigned. */
    enum { N = 203 };
    static uint32_t id[N];
    static int owner[N];
    pcg32 g;
    pcg32_seed(&g, 5, 9);
    for (uint64_t agents = 15; agents <= 2000003; agents = agents * 7 + 3)
        for (int ranks = 1; ranks <= 15 && (uint64_t)ranks <= agents; ranks++) {
            uint64_t lo[16];
            for (int r = 0; r <= ranks; r++)
                lo[r] = block_lo(agents, ranks, r);
            for (int j = 0; j < N; j++) {
                uint64_t edge = lo[rng_below(&g, (uint32_t)ranks + 1u)];
                id[j] = j % 3 == 0 && edge > 0 ? (uint32_t)(edge - (uint64_t)(j % 2))
                                               : rng_below(&g, (uint32_t)agents);
                if (id[j] >= agents)
                    id[j] = (uint32_t)(agents - 1);
            }
            int tally[16] = {0};
            size_t done = owners_wide(id, N, lo, (double)ranks / (double)agents, ranks, owner, tally);
            ck_assert_uint_eq(done % 8, 0);
            if (simd_wide_allowed())
                ck_assert_uint_eq(done, N - N % 8);
            int want[16] = {0};
            for (size_t j = 0; j < done; j++) {
                int r = block_owner(agents, ranks, id[j]);
                ck_assert_int_eq(owner[j], r);
                want[r]++;
            }
            for (int r = 0; r < ranks; r++)
                ck_assert_int_eq(tally[r], want[r]);
        }
}
END_TEST

START_TEST(wide_packing_matches_one_by_one)
{
    /* pack_wide against route_requests' loop, one request at a time: every
     * rank count it takes, owners at random, n not a multiple of sixteen, and
     * cursors starting where a real plan would put them. */
    enum { N = 1000 };
    static uint32_t id[N], slot[N], index[N], want_slot[N], want_index[N];
    static int owner[N];
    pcg32 g;
    pcg32_seed(&g, 21, 4);
    for (int ranks = 1; ranks <= 15; ranks++) {
        uint64_t agents = 100000, lo[16];
        for (int r = 0; r <= ranks; r++)
            lo[r] = block_lo(agents, ranks, r);
        int count[16] = {0}, next[16], want_next[16];
        for (int j = 0; j < N; j++) {
            owner[j] = (int)rng_below(&g, (uint32_t)ranks);
            id[j] = (uint32_t)(lo[owner[j]] + rng_below(&g, (uint32_t)(lo[owner[j] + 1] - lo[owner[j]])));
            count[owner[j]]++;
        }
        for (int r = 0, start = 0; r < ranks; start += count[r++])
            next[r] = want_next[r] = start;
        for (int j = 0; j < N; j++) {
            want_slot[j] = (uint32_t)want_next[owner[j]]++;
            want_index[want_slot[j]] = id[j] - (uint32_t)lo[owner[j]];
        }
        size_t done = pack_wide(id, owner, N, lo, ranks, next, slot, index);
        ck_assert_uint_eq(done % 16, 0);
        if (simd_wide_allowed())
            ck_assert_uint_eq(done, N - N % 16);
        for (size_t j = done; j < N; j++) { /* the caller's tail */
            slot[j] = (uint32_t)next[owner[j]]++;
            index[slot[j]] = id[j] - (uint32_t)lo[owner[j]];
        }
        ck_assert(memcmp(slot, want_slot, sizeof slot) == 0);
        ck_assert(memcmp(index, want_index, sizeof index) == 0);
        ck_assert(memcmp(next, want_next, (size_t)ranks * sizeof next[0]) == 0);
    }
}
END_TEST

START_TEST(wide_bid_rule_matches_one_by_one)
{
    /* population_bids keeps a bid when b > 0.0 && isfinite(b), else +0.0:
     * the eight-lane rule must agree bit for bit on every awkward value, at
     * every length (the masked tail) and every offset of the values. */
    static const double odd[] = {1.5, -2.0, 0.0, -0.0, NAN, -NAN, INFINITY, -INFINITY,
                                 0x1p-1074, -0x1p-1074, 0x1p1023, 1e-300, 42.0};
    enum { ODD = sizeof odd / sizeof odd[0], MAX = 21 };
    if (bids_keep_placeable_wide(NULL, 0) == SIZE_MAX)
        return; /* no AVX-512 here (or AGORA_SIMD narrower): population_bids keeps its loop */
    int bad = -1;
    for (size_t n = 0; n <= MAX; n++)
        for (size_t shift = 0; shift < ODD; shift++) {
            double wide[MAX + 1], one[MAX + 1];
            size_t kept = 0;
            for (size_t j = 0; j <= MAX; j++)
                wide[j] = one[j] = odd[(j + shift) % ODD];
            for (size_t j = 0; j < n; j++) {
                int ok = one[j] > 0.0 && isfinite(one[j]);
                one[j] = ok ? one[j] : 0.0;
                kept += (size_t)ok;
            }
            /* one[n] is the untouched sentinel past the end. */
            if (bids_keep_placeable_wide(wide, n) != kept || memcmp(wide, one, sizeof wide) != 0)
                bad = (int)(n * 100 + shift);
        }
    ck_assert_msg(bad < 0, "length %d, shift %d", bad / 100, bad % 100);
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

/* agent_order puts items in order of their agents' buckets (agents >>
 * shift, at most 2048 buckets) and keeps each agent's items in their order
 * (learn relies on it: an agent's updates must stay in canonical order), from
 * one agent to five million. */
START_TEST(agent_order_is_a_stable_sort)
{
    enum { N = 20000, DISTINCT = 500 };
    static agent_ref ref[N], tmp[N];
    static const uint32_t bounds[] = {1, 7, 2048, 2049, 1000000, 5000000};
    pcg32 g = rng_stream(3, 14, 0, 0);
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        uint32_t agents = bounds[b], shift = 0;
        while ((agents - 1) >> shift >= 2048)
            shift++;
        /* Few distinct agents, so most have several items. */
        uint32_t distinct = agents < DISTINCT ? agents : DISTINCT, pick[DISTINCT];
        uint32_t last[DISTINCT];
        for (uint32_t d = 0; d < distinct; d++)
            pick[d] = agents < DISTINCT ? d : rng_below(&g, agents);
        pick[0] = agents - 1; /* the largest index sorts too */
        for (uint32_t j = 0; j < N; j++)
            ref[j] = (agent_ref){pick[rng_below(&g, distinct)], j};
        agent_ref *out = agent_order(ref, tmp, N, agents);
        ck_assert(out == tmp);
        memset(last, 0xff, sizeof last);
        uint64_t items = 0;
        for (uint32_t j = 0; j < N; j++) {
            items += out[j].item;
            if (j > 0)
                ck_assert_uint_le(out[j - 1].agent >> shift, out[j].agent >> shift);
            uint32_t d = 0;
            while (pick[d] != out[j].agent)
                d++;
            ck_assert(last[d] == UINT32_MAX || last[d] < out[j].item);
            last[d] = out[j].item;
        }
        ck_assert_uint_eq(items, (uint64_t)N * (N - 1) / 2); /* each item once */
        if (agents <= 2048) /* one bucket per agent: sorted */
            ck_assert_uint_eq(shift, 0);
    }
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
    tcase_add_test(tc, wide_settlement_matches_one_by_one);
    tcase_add_test(tc, wide_owners_match_block_owner);
    tcase_add_test(tc, wide_packing_matches_one_by_one);
    tcase_add_test(tc, wide_bid_rule_matches_one_by_one);
    tcase_add_test(tc, mean_cpc_is_revenue_over_clicks);
    tcase_add_test(tc, groups_follow_cumulative_shares);
    tcase_add_test(tc, agent_order_is_a_stable_sort);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
