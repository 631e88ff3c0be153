/* Whether a resolved scenario text saved by an interrupted run (in its
 * checkpoint, or in its .partial output) is the one a resumed run resolves:
 * the same text but for the one key a resumption may change,
 * output.checkpoint_every. */
#ifndef AGORA_RESUME_COMPARE_H
#define AGORA_RESUME_COMPARE_H

#include <stddef.h>

/* 0 when the texts agree; else writes the first differing lines to a and b
 * ("(no line)" where one text ends first). */
int resume_texts_differ(const char *saved, const char *now, char *a, char *b, size_t size);

#endif
