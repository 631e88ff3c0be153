/* Filling an agora_error; see status.h. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

agora_status agora_fail(agora_error *err, agora_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
