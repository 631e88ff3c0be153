/* Unit tests of agents/: the truthful and shade behaviours, their batch forms,
 * and the registry that scenarios name them through. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "behaviour.h"

enum { N = 4 };
static double value[N] = {0.0, 1.0, 2.5, 1e6};
static double budget_left[N], paid[2 * N];
static uint8_t group[N];

static agent_state agents(void)
{
    agent_state a = {1000, N, value, budget_left, paid, group};
    return a;
}

START_TEST(test_truthful_bids_value)
{
    const behaviour *b = behaviour_find("truthful");
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_null(b->state_size); /* stateless */
    behaviour_params p = {.factor = 0.5}; /* ignored */
    for (size_t i = 0; i < N; i++) {
        ck_assert_double_eq(b->bid(&p, value[i], NULL, 0.1), value[i]);
        ck_assert_double_eq(b->bid(&p, value[i], NULL, 0.9), value[i]); /* draw-independent */
    }
}
END_TEST

START_TEST(test_shade_bids_fraction)
{
    const behaviour *b = behaviour_find("shade");
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_null(b->state_size);
    static const double factors[] = {0.0, 0.5, 0.8, 1.0};
    for (size_t f = 0; f < sizeof factors / sizeof factors[0]; f++) {
        behaviour_params p = {.factor = factors[f]};
        for (size_t i = 0; i < N; i++)
            ck_assert_double_eq(b->bid(&p, value[i], NULL, 0.5), factors[f] * value[i]);
    }
    /* Its one key, with the range the loader enforces: factor > 0, default 1. */
    ck_assert_str_eq(b->params[0].key, "factor");
    ck_assert_ptr_null(b->params[1].key);
    ck_assert(b->params[0].fallback == 1.0 && b->params[0].min == 0.0 && b->params[0].min_open);
}
END_TEST

/* bid_many must give exactly what bid gives, request by request, in any order
 * and with repeats (an agent can be asked in several auctions of a round). */
START_TEST(test_bid_many_matches_bid)
{
    agent_state a = agents();
    static const uint32_t index[] = {3, 0, 2, 2, 1, 3};
    enum { M = sizeof index / sizeof index[0] };
    static const char *const names[] = {"truthful", "shade"};
    behaviour_params p = {.factor = 0.3};
    for (int k = 0; k < 2; k++) {
        const behaviour *b = behaviour_find(names[k]);
        ck_assert_ptr_nonnull(b->bid_many);
        double out[M];
        b->bid_many(&p, &a, index, M, out);
        for (int j = 0; j < M; j++)
            ck_assert_double_eq(out[j], b->bid(&p, value[index[j]], NULL, 0.5));
    }
}
END_TEST

START_TEST(test_registry)
{
    ck_assert_ptr_null(behaviour_find("no-such-behaviour"));
    ck_assert_ptr_null(behaviour_find(""));
    ck_assert_ptr_null(behaviour_find(NULL));
    ck_assert_ptr_null(behaviour_find("Truthful")); /* names are case-sensitive */
    /* Every registered behaviour is found by its name and has what the engine calls. */
    size_t n = 0;
    for (const behaviour *b; (b = behaviour_at(n)); n++) {
        ck_assert_ptr_eq(behaviour_find(b->name), b);
        ck_assert_ptr_nonnull(b->description);
        ck_assert_ptr_nonnull(b->bid);
        ck_assert_ptr_nonnull(strstr(behaviour_names(), b->name));
        ck_assert(!b->wants_feedback || b->observe);
        ck_assert(!b->state_size || b->init);
    }
    ck_assert_uint_ge(n, 2);
}
END_TEST

static Suite *behaviour_suite(void)
{
    Suite *s = suite_create("behaviour");
    TCase *tc = tcase_create("behaviours");
    tcase_add_test(tc, test_truthful_bids_value);
    tcase_add_test(tc, test_shade_bids_fraction);
    tcase_add_test(tc, test_bid_many_matches_bid);
    tcase_add_test(tc, test_registry);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(behaviour_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
