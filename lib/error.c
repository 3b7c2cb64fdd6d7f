/* error.c - building the optional error messages library calls hand back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void brief_set_error(char **errmsg, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *msg;

    if (errmsg == NULL)
        return;
    free(*errmsg);
    *errmsg = NULL;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    msg = malloc((size_t)n + 1);
    if (msg == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *errmsg = msg;
}

char *brief_strdup(const char *s)
{
    size_t n;
    char *copy;

    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}
