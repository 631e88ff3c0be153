/* Counting failed expectations in loops over many random instances, for Check
 * tests: Check records every assertion through a pipe, so a loop of millions
 * of ck_assert calls is slow; EXPECT counts instead, and ASSERT_NO_VIOLATIONS
 * fails once, naming the line of the first violation. */
#ifndef AGORA_TEST_VIOLATIONS_H
#define AGORA_TEST_VIOLATIONS_H

static long violations;
static int first_violation_line;

#define EXPECT(cond)                                                                      \
    do {                                                                                  \
        if (!(cond) && violations++ == 0)                                                 \
            first_violation_line = __LINE__;                                              \
    } while (0)

static inline void reset_violations(void)
{
    violations = 0;
    first_violation_line = 0;
}

#define ASSERT_NO_VIOLATIONS()                                                            \
    ck_assert_msg(violations == 0, "%ld violations, the first at line %d", violations,   \
                  first_violation_line)

#endif
