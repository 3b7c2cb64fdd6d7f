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

/* The query language (README, "Query syntax"):
 *
 *   regulating anthropic    bare words, stemmed as the index is ("regulating"
 *                           finds "regulation"); briefings holding all of them
 *                           rank first, then (when fewer than a page do) those
 *                           holding most of them
 *   +word  +(a OR b)        required: only briefings holding it
 *   "export control"        a phrase (its words stemmed, in this order)
 *   a OR b   (a b) OR c     OR between words or groups; AND binds tighter;
 *                           AND between terms is optional
 *   a AND b                 both operands become required
 *   regul*                  words of the index starting with "regul" as
 *                           written (not stemmed), the 64 most frequent
 *   -word  NOT word         exclusion: "a -b", "a NOT b", "a AND NOT b",
 *   -"a phrase"  -(a OR b)  "NOT b a"; with nothing positive, only excludes
 *   title: speaker: quote:  the next word, word* or "phrase" in that field:
 *   analysis: article:      title, speaker, quote, analysis = {heading
 *   outlet:                 analysis}, article = {names article}, outlet
 *   category:TECH           filter on the briefing's category (no FTS)
 *   kind:quote              only that kind of passage (article, analysis,
 *   kind:article,analysis   quote; several with commas): a filter and a
 *                           restriction of the text search to its columns
 *                           (article: title names outlet article; analysis:
 *                           heading analysis; quote: speaker quote)
 *   after:2024  after:2025-01-15    on or after the first day of that year,
 *                                   month or day
 *   before:2026-05  before:2026     strictly before the first day of it
 *
 * Nothing is ever a syntax error. A term is split by the analyzer like
 * indexed text, so C++ searches "c", AT&T the phrase "at t", co-founder
 * the phrase "co founder" (which also matches "co founder"); a term that
 * yields no word (punctuation, emoji, a lone *) is dropped. An unknown
 * name:value is read as text, an unreadable filter value (after:2025-13,
 * or a date before 1970) as text, with a warning. An unbalanced quote is
 * read as a space. When the operators do not fit together (unbalanced
 * parentheses, OR or AND without an operand, NOT inside OR, even inside
 * parentheses, empty parentheses) the whole text is read again
 * with operators off (AND OR NOT dropped, parentheses and +/- ignored;
 * phrases, fields, prefixes and filters kept), with a warning. A prefix
 * that matches no word of the index matches nothing (with a warning).
 * Bounds: input cut at BRIEF_QUERY_MAX_BYTES (at a character boundary,
 * with a warning), invalid UTF-8 dropped, control characters read as
 * spaces; at most 64 terms, 32 words per phrase, 32 nested parentheses
 * (deeper ones read as spaces), 64 words per prefix and 256 phrases in
 * all, 16 warnings.
 *
 * Parses text (NUL-terminated UTF-8, possibly invalid) with that syntax.
 * Bare words are stemmed with the index's analyzer; word* expands through
 * the index's `words` table. all_required non-zero makes every top-level
 * item required (--all).
 * Returns BRIEF_OK or BRIEF_ERR_NOMEM / BRIEF_ERR_SQLITE; *out is the
 * caller's, freed with brief_query_free() (NULL on failure). */
brief_status_t brief_query_parse(brief_index_t *idx, const char *text, int all_required,
                                 brief_query_t **out);
/* Frees the query and every string it owns; brief_query_free(NULL) is harmless. */
void brief_query_free(brief_query_t *q);

/* All strings returned below are owned by the query. */

/* The strict FTS5 MATCH expression: every top-level item required, column
 * filters as {col ...} : ..., every word quoted as an FTS5 string of folded
 * words (not stems: FTS5 stems the string itself with the index's
 * tokenizer), exclusions as "... NOT ...". Required items come first, then
 * optional ones, then the NOT part, so its phrases are those of fts_any in
 * the same order. NULL when the query has no positive text (empty, or only
 * filters and exclusions). */
const char *brief_query_fts(const brief_query_t *q);

/* The relaxed expression used when too few briefings match the strict one:
 * required parts AND (item1 OR item2 OR ...) [NOT exclusions]. NULL when
 * there are fewer than two optional items or all_required was set. */
const char *brief_query_fts_any(const brief_query_t *q);

/* Number of optional top-level items (bare words, groups). */
int brief_query_item_count(const brief_query_t *q);

/* For each phrase of the FTS5 expression (fts and fts_any alike), in the
 * order FTS5 numbers them (left to right as written, checked against
 * SQLite 3.40 in tests/unit/test_query.c), the index of the optional item
 * it belongs to, or -1 (required items, exclusions, prefixes matching no
 * word): a space-separated list ("0 0 1 -1") handed to the brief_items()
 * FTS5 function, which counts how many items a briefing matches. NULL when
 * fts is NULL. */
const char *brief_query_phrase_items(const brief_query_t *q);

/* Exclusions that have no positive part to hang on (a query of only
 * -words or NOT terms): an FTS5 expression ("a" OR "b") of what must NOT
 * match, or NULL. Set only when fts is NULL; otherwise exclusions are
 * inside fts as its NOT part. */
const char *brief_query_fts_exclude(const brief_query_t *q);

/* Filters given inside the query text (category:, kind:, after:, before:).
 * Days are days since 1970 (as brief_date_to_day counts), -1 when not
 * given. Both name the first day of the year, month or day written:
 * after_day is inclusive ("after:2024" keeps 2024-01-01 and later) and
 * before_day exclusive ("before:2026-05" keeps up to 2026-04-30). kinds is
 * a BRIEF_KIND_* mask, 0 when not given. category is as typed (the last
 * one given wins), NULL when not given; compare it case-insensitively. */
const char *brief_query_category(const brief_query_t *q);
unsigned brief_query_kinds(const brief_query_t *q);
long brief_query_after_day(const brief_query_t *q);
long brief_query_before_day(const brief_query_t *q);

/* The query as understood, e.g. `title:anthrop AND (regul* OR "export control")`:
 * words and phrases shown as stems, prefixes as typed (folded), + on
 * required items, NOT on exclusions, then the filters normalised
 * (`AND kind:quote AND after:2024-01-01`). "" for an empty query. For
 * --verbose and the JSON "understood" member. */
const char *brief_query_understood(const brief_query_t *q);

/* Warnings about input read as plain text ("unbalanced quote read as text"),
 * lowercase, no full stop. i counts from 0 to brief_query_warning_count()
 * - 1; each string is owned by the query (NULL for i out of range). */
int brief_query_warning_count(const brief_query_t *q);
const char *brief_query_warning(const brief_query_t *q, int i);

/* The stems (and expanded prefix words' stems) of every positive term, for
 * highlighting: NULL-terminated array owned by the query. */
const char *const *brief_query_highlight_stems(const brief_query_t *q);

/* The plain words of the query (positive words and phrase words, not
 * prefixes), as typed but folded, each once: for spelling suggestions.
 * NULL-terminated array owned by the query. */
const char *const *brief_query_words(const brief_query_t *q);

#endif
