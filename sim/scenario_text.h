/* Writing resolved scenarios back as YAML text (scenario_emit.c), for every
 * family's emitter: numbers in the shortest form that reads back to the same
 * bits, so that loading the text again gives the same scenario. */
#ifndef AGORA_SCENARIO_TEXT_H
#define AGORA_SCENARIO_TEXT_H

#include <stddef.h>

/* Values per line in long lists: keeps huge per-agent lists editable. */
#define LIST_WRAP 8

typedef struct {
    char *buf;
    size_t len, cap;
    int failed; /* set on the first allocation failure; later puts do nothing */
} text_buf;

void put(text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A double in the fewest of 15..17 significant digits that round-trips. */
void put_num(text_buf *t, double v);
/* [a, b, ...] and a newline; wrapped every LIST_WRAP values, continued at indent. */
void put_list(text_buf *t, const double *v, size_t n, const char *indent);
/* A double-quoted YAML string that loads back to the same bytes. */
void put_quoted(text_buf *t, const char *s);

#endif
