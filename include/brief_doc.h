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
 * Returns BRIEF_OK or BRIEF_ERR_NOMEM. */
brief_status_t brief_doc_to_json(const brief_doc_t *doc, char **out);

/* Days since 1970-01-01 of an ISO 8601 date ("2026-05-19", or a date-time,
 * whose date part is used), or of a prefix "2026" / "2026-05" (the first day
 * of that year / month). Returns -1 when text is not such a date. */
long brief_date_to_day(const char *text);

/* The day ranking uses for a document: the later of published and updated. */
long brief_doc_day(const brief_doc_t *doc);

#endif
