/* brief_status.h - status codes returned by every Briefing Search library call. */
#ifndef BRIEF_STATUS_H
#define BRIEF_STATUS_H

/* Library calls return a status; detail, when there is any, goes to an
 * optional message the caller frees with free(). The library never prints
 * and never exits. */
typedef enum {
    BRIEF_OK = 0,
    BRIEF_ERR_NOMEM,     /* out of memory */
    BRIEF_ERR_IO,        /* a file could not be read or written */
    BRIEF_ERR_FULL,      /* the disk (or a file size limit) is full */
    BRIEF_ERR_PARSE,     /* input is not a valid briefing / query */
    BRIEF_ERR_INVALID,   /* a bad argument or option value */
    BRIEF_ERR_NOT_INDEX, /* the file is missing or is not a briefing index */
    BRIEF_ERR_VERSION,   /* the index has another schema version */
    BRIEF_ERR_LOCKED,    /* another indexer holds the write lock */
    BRIEF_ERR_CORRUPT,   /* an integrity check failed */
    BRIEF_ERR_LIMIT,     /* a resource cap (work per query, size) was hit */
    BRIEF_ERR_SQLITE     /* any other SQLite failure */
} brief_status_t;

/* A static, lowercase description of a status ("not a briefing index"). */
const char *brief_status_str(brief_status_t status);

/* quote.c: s (a file name or an id, any bytes; NULL reads as "") between
 * single quotes for a message, unambiguous and harmless to a terminal:
 * \\ \' \n \t \r escaped, control bytes (C0, DEL, C1) and bytes that are not
 * UTF-8 as \xHH, the rest as it is. A malloc'd string the caller frees;
 * NULL when out of memory. */
char *brief_quote(const char *s);

#endif
