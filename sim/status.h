/* Errors as values: every fallible function in agora returns an agora_status and,
 * on failure, fills an agora_error with one line that the CLI prints as is.
 * Scenario errors use the form "file:line:col: key: what is wrong". */
#ifndef AGORA_STATUS_H
#define AGORA_STATUS_H

typedef enum {
    AGORA_OK = 0,
    AGORA_EINPUT = 2,    /* bad scenario, bad command line, bad value: exit code 2 */
    AGORA_EIO = 3,       /* a file that cannot be read or written */
    AGORA_EINTERNAL = 4, /* a broken invariant or failed library call */
    AGORA_STOPPED = 75   /* stopped on request after writing a checkpoint (EX_TEMPFAIL:
                            resume it with --resume) */
} agora_status;

#define AGORA_ERROR_MAX 1024

typedef struct {
    char msg[AGORA_ERROR_MAX];
} agora_error;

/* Fills err->msg (printf-style) and returns code, so callers can write
 * `return agora_fail(err, AGORA_EINPUT, "...", ...);`. err may be NULL. */
agora_status agora_fail(agora_error *err, agora_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
