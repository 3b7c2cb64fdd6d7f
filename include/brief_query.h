/* brief_query.h - the user's query language, parsed and translated to a safe FTS5 expression. */
#ifndef BRIEF_QUERY_H
#define BRIEF_QUERY_H

#include "brief_index.h"
#include "brief_status.h"

/* Kinds of passage (bit mask); 0 means all. */
#define BRIEF_KIND_ARTICLE 1u
#define BRIEF_KIND_ANALYSIS 2u
#define BRIEF_KIND_QUOTE 4u

/* Longest query text accepted, in bytes; longer input is cut at a UTF-8
 * boundary with a warning (the CGI rejects it with 400 before that). */
#define BRIEF_QUERY_MAX_BYTES 10240

typedef struct brief_query brief_query_t;

/* Parses text (NUL-terminated UTF-8, possibly invalid) with the syntax in
 * README ("Query syntax"). Never fails on odd input: what cannot be read as
 * syntax is read as plain words, with a warning. Bare words are stemmed with
 * the index's analyzer; word* expands through the index's `words` table.
 * all_required non-zero makes every bare word required (--all).
 * Returns BRIEF_OK or BRIEF_ERR_NOMEM / BRIEF_ERR_SQLITE; *out is the
 * caller's, freed with brief_query_free(). */
brief_status_t brief_query_parse(brief_index_t *idx, const char *text, int all_required,
                                 brief_query_t **out);
void brief_query_free(brief_query_t *q);

/* All strings returned below are owned by the query. */

/* The strict FTS5 MATCH expression: every top-level item required, column
 * filters as {col ...}: ..., every word quoted as an FTS5 string. NULL when
 * the query has no positive text (empty, or only filters and exclusions). */
const char *brief_query_fts(const brief_query_t *q);

/* The relaxed expression used when too few briefings match the strict one:
 * required parts AND (item1 OR item2 OR ...). NULL when there are fewer than
 * two optional items or all_required was set. */
const char *brief_query_fts_any(const brief_query_t *q);

/* Number of optional top-level items (bare words, groups). */
int brief_query_item_count(const brief_query_t *q);

/* For each phrase of the FTS5 expression, in the order FTS5 numbers them,
 * the index of the optional item it belongs to, or -1: a space-separated
 * list ("0 0 1 -1") handed to the brief_items() FTS5 function, which counts
 * how many items a briefing matches. */
const char *brief_query_phrase_items(const brief_query_t *q);

/* Exclusions that have no positive part to hang on (a leading NOT, or a
 * query of only -words): an FTS5 expression of what must NOT match, or NULL. */
const char *brief_query_fts_exclude(const brief_query_t *q);

/* Filters given inside the query text (category:, kind:, after:, before:).
 * Days are days since 1970 (brief_date_to_day), -1 when not given; before
 * is exclusive of the day after its precision ends ("before:2026-05" means
 * before 2026-05-01). kinds is a BRIEF_KIND_* mask, 0 when not given. */
const char *brief_query_category(const brief_query_t *q);
unsigned brief_query_kinds(const brief_query_t *q);
long brief_query_after_day(const brief_query_t *q);
long brief_query_before_day(const brief_query_t *q);

/* The query as understood, e.g. `title:anthropic AND (regul* OR "export control")`
 * with stems shown: for --verbose and the JSON "understood" member. */
const char *brief_query_understood(const brief_query_t *q);

/* Warnings about input read as plain text ("unbalanced quote read as text").
 * n is the count; each string is owned by the query. */
int brief_query_warning_count(const brief_query_t *q);
const char *brief_query_warning(const brief_query_t *q, int i);

/* The stems (and expanded prefix words' stems) of every positive term, for
 * highlighting: NULL-terminated array owned by the query. */
const char *const *brief_query_highlight_stems(const brief_query_t *q);

/* The plain words of the query, as typed but folded, for spelling
 * suggestions: NULL-terminated array owned by the query. */
const char *const *brief_query_words(const brief_query_t *q);

#endif
