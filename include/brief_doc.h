/* brief_doc.h - the document model: one briefing, whatever form it came in. */
#ifndef BRIEF_DOC_H
#define BRIEF_DOC_H

#include <stddef.h>
#include "brief_status.h"

/* Every string below is NUL-terminated UTF-8 owned by the document and
 * freed by brief_doc_free(); an absent optional field is NULL. Arrays are
 * (pointer, count) pairs; a count of 0 means the field was absent or empty. */

typedef struct {
    char *heading;
    char *body;
} brief_section_t;

typedef struct {
    char *title; /* required */
    char *outlet;
    char *url;
    char *published;
    char *body;
} brief_article_t;

typedef enum {
    BRIEF_GROUP_NONE = 0,
    BRIEF_GROUP_ANALYST,
    BRIEF_GROUP_CROWD
} brief_group_t;

typedef struct {
    char *text; /* required */
    char *speaker;
    char *role;
    char *date;
    brief_group_t group;
} brief_quote_t;

typedef struct {
    char *date;
    char *event;
} brief_event_t;

typedef struct {
    char *name;
    char *role;
} brief_player_t;

typedef struct brief_doc {
    char *id;        /* NULL until set; the indexer defaults it from the path */
    char *title;     /* required, non-empty */
    char *category;
    char *published; /* required, ISO 8601 date or date-time */
    char *updated;
    char *lang;
    long long signals; /* -1 when absent */

    char **overview;
    size_t n_overview;
    brief_section_t *analysis;
    size_t n_analysis;
    brief_article_t *articles;
    size_t n_articles;
    brief_quote_t *quotes;
    size_t n_quotes;
    brief_event_t *timeline;
    size_t n_timeline;
    brief_player_t *players;
    size_t n_players;
    char **broadcasts; /* broadcast titles */
    size_t n_broadcasts;
} brief_doc_t;

/* An empty document (all NULL / 0, signals -1), or NULL when out of memory. */
brief_doc_t *brief_doc_new(void);

/* Frees the document and everything it owns. brief_doc_free(NULL) is harmless. */
void brief_doc_free(brief_doc_t *doc);

/* Serialises the document as canonical compact JSON (the shape of
 * ../shared/briefing-format.md, keys in schema order, absent fields left
 * out) into *out, which the caller frees with free().
 * Key order: id, title, category, published, updated, lang, signals,
 * overview, analysis {heading, body}, articles {title, outlet, url,
 * published, body}, quotes {text, speaker, role, group, date}, timeline
 * {date, event}, players {name, role}, broadcasts {title}. NULL strings,
 * signals < 0, BRIEF_GROUP_NONE and empty arrays are left out; group is
 * "analyst" or "crowd". No spaces, no newlines, non-ASCII kept as UTF-8.
 * For a valid document (non-empty title, published a date), brief_parse_json()
 * of the result gives back an equal document.
 * Returns BRIEF_OK, BRIEF_ERR_NOMEM, or BRIEF_ERR_INVALID when doc is NULL
 * or a string is not valid UTF-8 (the parsers never produce such a
 * document); on failure *out is NULL. */
brief_status_t brief_doc_to_json(const brief_doc_t *doc, char **out);

/* Days since 1970-01-01 of an ISO 8601 date ("2026-05-19", or a date-time,
 * whose date part is used), or of a prefix "2026" / "2026-05" (the first day
 * of that year / month). Returns -1 when text is not such a date.
 * Accepted: YYYY, YYYY-MM, YYYY-MM-DD, and YYYY-MM-DD followed by a time as
 * the schema's pattern has it ([T ]HH:MM[:SS[.frac]][Z|+HH:MM|+HHMM]), with
 * month, day (leap years included), hour, minute and second in range and
 * nothing before or after. Years 0000-9999, proleptic Gregorian: a date
 * before 1970 gives a negative number, so 1969-12-31 also gives -1; use
 * brief_date_parse() where that matters. */
long brief_date_to_day(const char *text);

/* As brief_date_to_day, but tells failure apart from 1969-12-31: returns 1
 * and sets *day (when day is non-NULL) for a valid date, 0 otherwise. */
int brief_date_parse(const char *text, long *day);

/* The proleptic Gregorian year of a day since 1970-01-01 (the inverse of
 * brief_date_to_day for the year): 0 -> 1970, -1 -> 1969. */
int brief_date_year_of_day(long day);

/* Whether text is a date as the schema wants for published: a full
 * YYYY-MM-DD (valid as for brief_date_parse), optionally followed by a
 * time; not a bare year or month. 1 or 0 (0 for NULL). */
int brief_date_is_full(const char *text);

/* The day ranking uses for a document: the later of published and updated
 * (either may be missing or not a date); -1 when neither is a date. */
long brief_doc_day(const brief_doc_t *doc);

#endif
