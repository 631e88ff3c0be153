/* Comparing the scenario texts of a run and its resumption; see resume_compare.h. */
#include "resume_compare.h"

#include <stdio.h>
#include <string.h>

/* The next line of a resolved scenario, skipping the one key that may change
 * between a run and its resumption. */
static const char *next_line(const char *s, size_t *len)
{
    while (*s) {
        const char *end = strchr(s, '\n');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (strncmp(s, "  checkpoint_every:", 19) != 0) {
            *len = n;
            return s;
        }
        s += n + (end ? 1 : 0);
    }
    *len = 0;
    return NULL;
}

int resume_texts_differ(const char *saved, const char *now, char *a, char *b, size_t size)
{
    size_t la, lb;
    const char *x = next_line(saved, &la), *y = next_line(now, &lb);
    while (x && y) {
        if (la != lb || memcmp(x, y, la) != 0)
            break;
        x = next_line(x + la + (x[la] ? 1 : 0), &la);
        y = next_line(y + lb + (y[lb] ? 1 : 0), &lb);
    }
    if (!x && !y)
        return 0;
    snprintf(a, size, "%.*s", x ? (int)la : 11, x ? x : "(no line)");
    snprintf(b, size, "%.*s", y ? (int)lb : 11, y ? y : "(no line)");
    return 1;
}
