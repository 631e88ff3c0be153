/* Regression tests for what fuzzing the scenario loader found (tests/fuzz/): each
 * case is the smallest input of one class of finding, with the behaviour the fix
 * promises. Bad inputs that the CLI sees as files live in tests/scenarios/bad/;
 * these are the cases that need overrides, exact bytes or a clock. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario.h"

#define SRC "fuzz.yaml"
#define BASE                                                                                  \
    "rounds: 10\n"                                                                            \
    "population: {agents: 100, value: 1}\n"                                                   \
    "market: {auctions: 20, bidders: 4}\n"                                                    \
    "mechanism: {name: gsp, ctr: [0.3, 0.2, 0.1]}\n"

static agora_status load(const char *text, const char *const *ov, size_t n_ov, scenario *s,
                         agora_error *err)
{
    memset(err, 0, sizeof *err);
    return scenario_load_text(text, strlen(text), SRC, ov, n_ov, s, err);
}

/* A refusal: exit-code class, exactly one line, and (when given) the message. */
static void expect_refused(const char *text, const char *const *ov, size_t n_ov,
                           const char *exact, const char *part)
{
    scenario s;
    agora_error err;
    agora_status st = load(text, ov, n_ov, &s, &err);
    ck_assert_int_eq(st, AGORA_EINPUT);
    ck_assert_ptr_null(strpbrk(err.msg, "\n\r"));
    if (exact)
        ck_assert_str_eq(err.msg, exact);
    if (part)
        ck_assert_msg(strstr(err.msg, part), "message lacks '%s': %s", part, err.msg);
}

/* The property the fuzzer checks: the resolved text loads again and resolves to
 * itself. Returns the loaded scenario's output path (malloc'd) for byte checks. */
static char *round_trip(const char *text, const char *const *ov, size_t n_ov)
{
    scenario s, again;
    agora_error err;
    ck_assert_msg(load(text, ov, n_ov, &s, &err) == AGORA_OK, "load: %s", err.msg);
    char *first = scenario_to_yaml(&s);
    ck_assert_ptr_nonnull(first);
    ck_assert_msg(load(first, NULL, 0, &again, &err) == AGORA_OK, "reload: %s\n%s", err.msg,
                  first);
    char *second = scenario_to_yaml(&again);
    ck_assert_ptr_nonnull(second);
    ck_assert_str_eq(first, second);
    ck_assert_str_eq(s.output.path, again.output.path);
    char *path = strdup(s.output.path);
    free(first);
    free(second);
    scenario_free(&s);
    scenario_free(&again);
    return path;
}

/* ---- messages are one line ---------------------------------------------------------- */

START_TEST(multiline_plain_scalar_is_escaped)
{
    expect_refused("first line\n\nthird line\n", NULL, 0,
                   SRC ":1:1: scenario: expected a mapping of keys, got \"first line\\nthird line\"",
                   NULL);
}
END_TEST

START_TEST(quoted_name_with_controls_is_escaped)
{
    expect_refused(BASE "agents: [{behaviour: \"tru\\nthful\\r\\x01\"}]\n", NULL, 0, NULL,
                   "unknown behaviour \"tru\\nthful\\r\\x01\"");
}
END_TEST

START_TEST(override_key_with_carriage_return_is_escaped)
{
    const char *ov[] = {"rounds\r=5"};
    expect_refused(BASE, ov, 1, NULL, "rounds\\r");
}
END_TEST

START_TEST(long_quoted_value_keeps_utf8_whole)
{
    /* 39 ASCII bytes then a 2-byte character straddling the 40-byte cut: the
     * message shows the ASCII part and "...", never half a character. */
    expect_refused(BASE "output: {compress: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zz\"}\n",
                   NULL, 0, NULL,
                   "got the quoted string \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
}
END_TEST

START_TEST(long_override_keeps_the_reason)
{
    /* A long list with one bad item: the message once filled up with the list
     * and lost the reason; the override's text is now cut to 80 bytes. */
    size_t n = 5000;
    char *assignment = malloc(32 + 2 * n);
    ck_assert_ptr_nonnull(assignment);
    char *p = assignment + sprintf(assignment, "mechanism.ctr=[");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", i + 1 < n ? "0," : "x]");
    const char *ov[] = {assignment};
    expect_refused(BASE, ov, 1, NULL, "...: mechanism.ctr.4999: expected a number, got \"x\"");
    free(assignment);
}
END_TEST

/* ---- --set must be UTF-8 -------------------------------------------------------------- */

START_TEST(override_invalid_utf8_is_refused)
{
    static const struct {
        const char *assignment, *message;
    } cases[] = {
        {"output.path=\xff.h5",
         "--set output.path=\\xff...: not valid UTF-8 (byte 13); scenario text must be UTF-8"},
        {"output.path=a\xc3", "--set output.path=a\\xc3...: not valid UTF-8 (byte 14)"},
        {"output.path=\xc0\xaf", "not valid UTF-8 (byte 13)"},     /* overlong '/' */
        {"output.path=\xed\xa0\x80", "not valid UTF-8 (byte 13)"}, /* a surrogate */
        {"output.path=\xf4\x90\x80\x80", "not valid UTF-8 (byte 13)"}, /* > U+10FFFF */
        {"out\x80put.path=x", "not valid UTF-8 (byte 4)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *ov[] = {cases[i].assignment};
        expect_refused(BASE, ov, 1, NULL, cases[i].message);
    }
}
END_TEST

START_TEST(override_valid_utf8_is_kept)
{
    const char *ov[] = {"output.path=d\xc3\xa9j\xc3\xa0 \xf0\x9f\x98\x80.h5"};
    char *path = round_trip(BASE, ov, 1);
    ck_assert_str_eq(path, "d\xc3\xa9j\xc3\xa0 \xf0\x9f\x98\x80.h5");
    free(path);
}
END_TEST

/* ---- resolved paths load back to the same bytes ---------------------------------------- */

START_TEST(paths_round_trip)
{
    /* YAML escapes in the file, and the bytes the path must hold. */
    static const struct {
        const char *yaml, *bytes;
    } cases[] = {
        {"a\\Nb", "a\xc2\x85" "b"},         /* NEL: a line break to libyaml */
        {"a\\Lb", "a\xe2\x80\xa8" "b"},     /* LINE SEPARATOR */
        {"a\\Pb", "a\xe2\x80\xa9" "b"},     /* PARAGRAPH SEPARATOR */
        {"\\uFFFE.h5", "\xef\xbf\xbe.h5"},  /* non-characters libyaml refuses raw */
        {"\\uFFFF.h5", "\xef\xbf\xbf.h5"},
        {"\\x80\\x9f", "\xc2\x80\xc2\x9f"}, /* C1 controls */
        {"\\t\\x01\\x7f", "\t\x01\x7f"},
        {"q\\\"\\\\", "q\"\\"},
        {"\\ufeff\\u00a0", "\xef\xbb\xbf\xc2\xa0"},
        {"\\U0001F600", "\xf0\x9f\x98\x80"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, BASE "output: {path: \"%s\"}\n", cases[i].yaml);
        char *path = round_trip(text, NULL, 0);
        ck_assert_msg(strcmp(path, cases[i].bytes) == 0, "case %zu: path differs", i);
        free(path);
    }
}
END_TEST

START_TEST(raw_c1_control_through_override_round_trips)
{
    /* A command line carries raw bytes that never went through libyaml's reader. */
    const char *ov[] = {"output.path=a\xc2\x85" "b\xc2\x80"};
    char *path = round_trip(BASE, ov, 1);
    ck_assert_str_eq(path, "a\xc2\x85" "b\xc2\x80");
    free(path);
}
END_TEST

/* ---- nesting depth --------------------------------------------------------------------- */

static char *nested(const char *prefix, size_t depth)
{
    size_t n = strlen(prefix);
    char *t = malloc(n + 2 * depth + 2);
    ck_assert_ptr_nonnull(t);
    memcpy(t, prefix, n);
    memset(t + n, '[', depth);
    memset(t + n + depth, ']', depth);
    t[n + 2 * depth] = '\n';
    t[n + 2 * depth + 1] = '\0';
    return t;
}

START_TEST(deep_flow_nesting_is_refused_quickly)
{
    /* 1 MB of '[' took libyaml about half an hour before the depth pre-pass. */
    char *t = nested("a: ", 1000000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_refused(t, NULL, 0, SRC ":1:68: syntax: nested more than 64 levels deep", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    ck_assert_msg(seconds < 5.0, "took %.1f s", seconds);
    free(t);
}
END_TEST

START_TEST(depth_limit_is_exact)
{
    /* 64 levels under the root are the tree's limit: still read (and refused
     * for the unknown key), one more is refused by the depth check. */
    char *ok = nested("a: ", 64), *deep = nested("a: ", 65);
    expect_refused(ok, NULL, 0, NULL, SRC ":1:1: a: unknown key");
    expect_refused(deep, NULL, 0, SRC ":1:68: syntax: nested more than 64 levels deep", NULL);
    free(ok);
    free(deep);
}
END_TEST

START_TEST(deep_nesting_in_override_is_refused)
{
    char *t = nested("population.value=", 100000);
    t[strlen(t) - 1] = '\0'; /* no newline in an assignment */
    const char *ov[] = {t};
    expect_refused(BASE, ov, 1, NULL, ": population.value: syntax: nested more than 64 levels deep");
    free(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fuzz_regressions");
    TCase *lines = tcase_create("one_line");
    tcase_set_timeout(lines, 60); /* the long list under valgrind */
    tcase_add_test(lines, multiline_plain_scalar_is_escaped);
    tcase_add_test(lines, quoted_name_with_controls_is_escaped);
    tcase_add_test(lines, override_key_with_carriage_return_is_escaped);
    tcase_add_test(lines, long_quoted_value_keeps_utf8_whole);
    tcase_add_test(lines, long_override_keeps_the_reason);
    suite_add_tcase(s, lines);
    TCase *utf8 = tcase_create("utf8");
    tcase_add_test(utf8, override_invalid_utf8_is_refused);
    tcase_add_test(utf8, override_valid_utf8_is_kept);
    tcase_add_test(utf8, paths_round_trip);
    tcase_add_test(utf8, raw_c1_control_through_override_round_trips);
    suite_add_tcase(s, utf8);
    TCase *depth = tcase_create("depth");
    tcase_set_timeout(depth, 60); /* the 1 MB case under valgrind */
    tcase_add_test(depth, deep_flow_nesting_is_refused_quickly);
    tcase_add_test(depth, depth_limit_is_exact);
    tcase_add_test(depth, deep_nesting_in_override_is_refused);
    suite_add_tcase(s, depth);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
