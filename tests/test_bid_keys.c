/* Bid keys (sim/bid_keys.h): the keys never order two bids the wrong way, and
 * an auction's candidates, ranked exactly, give the reference ranking's top
 * places (position_rank over every bid) with ties to the lower id; keys built
 * in parts from combined counts are the whole population's. Run on the
 * AVX-512 kernels and, registered again under AGORA_SIMD=avx2 and =scalar,
 * on the AVX2 ones and the portable code (tests/engine.cmake). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bid_keys.h"
#include "position.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
}

static double uniform01(void)
{
    return (double)(next_random() >> 11) / 9007199254740992.0;
}

/* Lognormal-like bids with the cases the rules name: no bid (0, negative,
 * NaN, infinite), bids under the reserve, and exact duplicates. */
static double test_bid(double reserve)
{
    uint64_t kind = next_random() % 100;
    if (kind == 0)
        return 0.0;
    if (kind == 1)
        return -1.5;
    if (kind == 2)
        return NAN;
    if (kind == 3)
        return INFINITY;
    if (kind < 10)
        return reserve * uniform01(); /* under it, or 0 */
    if (kind < 20)
        return 1.0 + (double)(next_random() % 4); /* shared by many agents */
    return exp(0.5 * (uniform01() + uniform01() + uniform01() - 1.5) * 2.0);
}

enum { AGENTS = 20000 };

static int key_class(double b, double reserve)
{
    if (!(b > 0.0 && b < INFINITY))
        return BID_KEY_NONE;
    return b >= reserve ? BID_KEY_ELIGIBLE : BID_KEY_UNDER_RESERVE;
}

START_TEST(keys_never_order_two_bids_the_wrong_way)
{
    static double bid[AGENTS];
    static uint8_t key[AGENTS];
    double reserve = 0.4;
    for (size_t i = 0; i < AGENTS; i++)
        bid[i] = test_bid(reserve);
    bid_keys_build(bid, AGENTS, reserve, key);
    for (size_t i = 0; i < AGENTS; i++) {
        int c = key_class(bid[i], reserve);
        ck_assert_int_eq(c == BID_KEY_ELIGIBLE ? key[i] >= BID_KEY_ELIGIBLE : key[i] == c, 1);
    }
    for (int t = 0; t < 200000; t++) {
        size_t a = next_random() % AGENTS, b = next_random() % AGENTS;
        if (key[a] >= BID_KEY_ELIGIBLE && key[a] < key[b])
            ck_assert_msg(bid[a] < bid[b], "key %u < %u but bid %.17g >= %.17g", key[a], key[b],
                          bid[a], bid[b]);
    }
}
END_TEST

START_TEST(keys_spread_over_their_classes)
{
    /* 20000 distinct bids in 254 classes: about 79 each, none far above. */
    static double bid[AGENTS];
    static uint8_t key[AGENTS];
    for (size_t i = 0; i < AGENTS; i++)
        bid[i] = exp(2.0 * uniform01());
    ck_assert_double_lt(bid_keys_build(bid, AGENTS, 0.0, key), 1.5);
    /* One value for all: one class holds everyone, 254 times an even share. */
    for (size_t i = 0; i < AGENTS; i++)
        bid[i] = 2.5;
    ck_assert_double_eq_tol(bid_keys_build(bid, AGENTS, 0.0, key), 254.0, 1e-9);
}
END_TEST

START_TEST(parts_combined_give_the_whole_populations_keys)
{
    /* Several ranks (sim/node_keys.c) each take their block's bounds and
     * counts, combine them (least lo, largest hi, summed counts) and assign
     * their own block's keys: the keys and the crowding must be those of one
     * rank holding everyone, or two ranks' keys would not order each other's
     * bids. Uneven blocks, one of them empty. */
    static double bid[AGENTS];
    static uint8_t whole[AGENTS], parted[AGENTS];
    double reserve = 0.4;
    for (size_t i = 0; i < AGENTS; i++)
        bid[i] = test_bid(reserve);
    double crowding = bid_keys_build(bid, AGENTS, reserve, whole);
    const size_t cut[] = {0, 7, 7, 9001, AGENTS};
    enum { PARTS = sizeof cut / sizeof cut[0] - 1 };
    uint64_t lo = UINT64_MAX, hi = 0, count[BID_KEYS_BINS] = {0}, part[BID_KEYS_BINS];
    for (int p = 0; p < PARTS; p++) {
        uint64_t l, h;
        bid_keys_bounds(bid + cut[p], cut[p + 1] - cut[p], reserve, &l, &h);
        lo = l < lo ? l : lo;
        hi = h > hi ? h : hi;
    }
    for (int p = 0; p < PARTS; p++) {
        bid_keys_histogram(bid + cut[p], cut[p + 1] - cut[p], reserve, lo, hi, part);
        for (size_t b = 0; b < BID_KEYS_BINS; b++)
            count[b] += part[b];
    }
    for (int p = 0; p < PARTS; p++)
        ck_assert_double_eq(bid_keys_assign(bid + cut[p], cut[p + 1] - cut[p], reserve, lo, hi,
                                            count, parted + cut[p]),
                            crowding);
    ck_assert_mem_eq(parted, whole, AGENTS);
    /* And the comparison can fail: a block's keys from its own counts alone differ. */
    bid_keys_build(bid + cut[3], cut[4] - cut[3], reserve, parted + cut[3]);
    ck_assert_int_ne(memcmp(parted, whole, AGENTS), 0);
}
END_TEST

/* One auction of n participants drawn from the agents, checked against
 * position_rank over every bid. Returns the number of candidates. */
static uint32_t check_auction(const double *bid, const uint8_t *key, uint32_t n, uint32_t slots,
                              double reserve)
{
    uint32_t ids[BID_KEYS_MAX_BIDDERS], need = slots + 1u;
    double bids[BID_KEYS_MAX_BIDDERS];
    uint8_t keys[BID_KEYS_MAX_BIDDERS], pos[BID_KEYS_MAX_BIDDERS];
    for (uint32_t j = 0; j < n; j++) {
        int fresh;
        do { /* distinct agents, as sampling draws them */
            ids[j] = (uint32_t)(next_random() % AGENTS);
            fresh = 1;
            for (uint32_t q = 0; q < j; q++)
                fresh &= ids[q] != ids[j];
        } while (!fresh);
        /* The engine's bid: population_bid's rule, 0 when not placed. */
        bids[j] = key_class(bid[ids[j]], reserve) == BID_KEY_NONE ? 0.0 : bid[ids[j]];
        keys[j] = key[ids[j]];
    }
    position_params p = {slots, NULL, reserve};
    uint32_t want[BID_KEYS_MAX_BIDDERS + 1];
    uint32_t ranked = position_rank(&p, bids, ids, n, want);

    uint32_t eligible, placed, reference_eligible = 0, reference_placed = 0;
    uint32_t c = bid_keys_select(keys, n, need, pos, &eligible, &placed);
    for (uint32_t j = 0; j < n; j++) {
        reference_placed += bids[j] > 0.0;
        reference_eligible += bids[j] > 0.0 && bids[j] >= reserve;
    }
    ck_assert_uint_eq(eligible, reference_eligible);
    ck_assert_uint_eq(placed, reference_placed);
    /* Exactly the contract's candidates, no more (more would still rank
     * right, only slower): eligible keys reaching the need-th largest one. */
    uint32_t at_key[256] = {0}, threshold = BID_KEY_ELIGIBLE, above = 0;
    for (uint32_t j = 0; j < n; j++)
        at_key[keys[j]]++;
    for (uint32_t t = 255; t >= BID_KEY_ELIGIBLE && above < need; t--) {
        above += at_key[t];
        threshold = t;
    }
    uint32_t expected = 0;
    for (uint32_t j = 0; j < n; j++)
        if (keys[j] >= threshold) {
            ck_assert_uint_lt(expected, c);
            ck_assert_uint_eq(pos[expected], j);
            expected++;
        }
    ck_assert_uint_eq(c, expected);
    ck_assert_uint_ge(c, ranked);

    double cand_bid[BID_KEYS_MAX_BIDDERS];
    uint32_t cand_id[BID_KEYS_MAX_BIDDERS], got[BID_KEYS_MAX_BIDDERS + 1];
    for (uint32_t q = 0; q < c; q++) {
        cand_bid[q] = bids[pos[q]];
        cand_id[q] = ids[pos[q]];
    }
    bid_keys_rank(cand_bid, cand_id, pos, c, need, got);
    for (uint32_t r = 0; r < ranked; r++)
        ck_assert_msg(got[r] == want[r], "place %u: position %u, the reference says %u", r,
                      got[r], want[r]);
    return c;
}

START_TEST(candidates_ranked_exactly_give_the_reference_top)
{
    static double bid[AGENTS];
    static uint8_t key[AGENTS];
    double reserve = (double)(_i % 3) * 0.3;
    for (size_t i = 0; i < AGENTS; i++)
        bid[i] = test_bid(reserve);
    bid_keys_build(bid, AGENTS, reserve, key);
    uint64_t candidates = 0, auctions = 0;
    for (uint32_t n = 1; n <= BID_KEYS_MAX_BIDDERS; n++)
        for (uint32_t slots = 1; slots <= 12; slots++)
            for (int rep = 0; rep < 20; rep++, auctions++)
                candidates += check_auction(bid, key, n, slots, reserve);
    /* Most auctions read far fewer exact bids than they have participants. */
    ck_assert_uint_lt(candidates, auctions * 20);
}
END_TEST

START_TEST(equal_bids_go_to_the_lower_id)
{
    /* Five equal bids among the candidates, ids out of order: places follow the ids. */
    double bid[6] = {2.0, 2.0, 3.0, 2.0, 2.0, 2.0};
    uint32_t id[6] = {40, 7, 99, 12, 3, 25};
    uint8_t pos[6] = {0, 1, 2, 3, 4, 5};
    uint32_t order[4];
    bid_keys_rank(bid, id, pos, 6, 4, order);
    uint32_t want[4] = {2, 4, 1, 3}; /* 3.0, then ids 3, 7, 12 */
    for (int r = 0; r < 4; r++)
        ck_assert_uint_eq(order[r], want[r]);
}
END_TEST

START_TEST(fewer_eligible_than_places_are_all_candidates)
{
    uint8_t keys[5] = {0, 7, 1, 200, 2}, pos[5];
    uint32_t eligible, placed;
    uint32_t c = bid_keys_select(keys, 5, 11, pos, &eligible, &placed);
    ck_assert_uint_eq(eligible, 3);
    ck_assert_uint_eq(placed, 4);
    ck_assert_uint_eq(c, 3);
    ck_assert_uint_eq(pos[0], 1);
    ck_assert_uint_eq(pos[1], 3);
    ck_assert_uint_eq(pos[2], 4);
    /* Two places: the 2nd largest key is 7, so 7 and 200 only. */
    c = bid_keys_select(keys, 5, 2, pos, &eligible, &placed);
    ck_assert_uint_eq(c, 2);
    ck_assert_uint_eq(pos[0], 1);
    ck_assert_uint_eq(pos[1], 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bid keys");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, keys_never_order_two_bids_the_wrong_way);
    tcase_add_test(tc, keys_spread_over_their_classes);
    tcase_add_test(tc, parts_combined_give_the_whole_populations_keys);
    tcase_add_loop_test(tc, candidates_ranked_exactly_give_the_reference_top, 0, 3);
    tcase_add_test(tc, equal_bids_go_to_the_lower_id);
    tcase_add_test(tc, fewer_eligible_than_places_are_all_candidates);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
