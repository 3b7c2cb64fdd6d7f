/* internal.h - helpers shared inside lib/, grouped by the file that defines them. */
#ifndef BRIEF_INTERNAL_H
#define BRIEF_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "sqlite_api.h"

/* error.c */

/* When errmsg is non-NULL, sets *errmsg to a malloc'd formatted message
 * (freeing any previous one). Never fails loudly: on OOM *errmsg is NULL. */
void brief_set_error(char **errmsg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* strdup that accepts NULL (returns NULL). */
char *brief_strdup(const char *s);

/* utf8.c */

/* Length (1-4) of the valid UTF-8 character at s, of which n bytes are
 * readable; 0 when the bytes there are not one (overlong forms, surrogates,
 * code points above U+10FFFF, a sequence cut short by n, n == 0). A NUL
 * byte is a valid character of length 1. */
size_t brief_utf8_seq(const unsigned char *s, size_t n);

/* The value (0-15) of the hex digit c in either case, or -1 when it is not one
 * (for %XX in query strings and JSON string escapes). */
int brief_hex_digit(char c);

/* index.c */

struct brief_index;

/* The state lib/index_write.c caches on an index (prepared statements,
 * buffers), or NULL; brief_index_close() calls writer_free(writer) before
 * it closes the connection. */
void *brief_index_writer(struct brief_index *idx);
void brief_index_set_writer(struct brief_index *idx, void *writer, void (*writer_free)(void *));

/* sql.c */

/* Runs sql (no parameters) and stores the first column of its first row in
 * *value. Returns SQLITE_OK, SQLITE_DONE when there is no row (*value
 * untouched), or SQLite's error code. */
int brief_sql_int64(sqlite3 *db, const char *sql, sqlite3_int64 *value);

#endif
