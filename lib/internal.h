/* internal.h - helpers shared inside lib/, grouped by the file that defines them. */
#ifndef BRIEF_INTERNAL_H
#define BRIEF_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

/* error.c */

/* When errmsg is non-NULL, sets *errmsg to a malloc'd formatted message
 * (freeing any previous one). Never fails loudly: on OOM *errmsg is NULL. */
void brief_set_error(char **errmsg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* strdup that accepts NULL (returns NULL). */
char *brief_strdup(const char *s);

#endif
