/* search_internal.h - private interface of the search modules, grouped by the file that defines it. */
#ifndef BRIEF_SEARCH_INTERNAL_H
#define BRIEF_SEARCH_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>

#include "brief_index.h"
#include "brief_search.h"
#include "brief_status.h"
#include "brief_tokenizer.h"

/* rank.c */

/* The floor of the recency factor and the proximity boost: see the essay
 * at the top of lib/rank.c. */
#define BRIEF_RECENCY_FLOOR 0.5
#define BRIEF_PROXIMITY_BOOST 0.5

/* factor = F + (1 - F) * 2^(-age / half_life), age clamped at 0. */
double brief_rank_recency(double age_days, double half_life_days);

/* proximity = 1 + BRIEF_PROXIMITY_BOOST * adjacent_pairs / (n_items - 1)
 * (1 when n_items < 2). */
double brief_rank_proximity(int adjacent_pairs, int n_items);

/* Scores brief_rank() gives instead of a real one (which is >= 0). */
#define BRIEF_RANK_PRUNED (-1.0)
#define BRIEF_RANK_STOP (-2.0)

/* The final score of a briefing: bm25 (positive, larger is better) times
 * proximity, times recency under BRIEF_SORT_HYBRID. */
double brief_rank_score(double bm25, double proximity, double recency, brief_sort_t sort);

/* The kinds (BRIEF_KIND_* mask) whose text lives in FTS column col (title: 0). */
unsigned brief_rank_column_kinds(int col);

/* Registers the FTS5 auxiliary functions on db, once per connection:
 *   brief_rank(search, day, now_day, half_life, sort, map, n_phrases, keep,
 *              newest_first, docs, n_first, max_pairs) -> score
 *     day NULL: the docid's day. keep > 0: the page needs the best keep rows,
 *     others may score BRIEF_RANK_PRUNED; newest_first: rows come in
 *     descending docid order, and BRIEF_RANK_STOP says no row from this
 *     one on can reach the page (see "Pruning" in lib/rank.c)
 *   brief_explain(search, day, now_day, half_life, sort, map, n_phrases, 0, 0,
 *                 docs) -> JSON text
 *   brief_items(search, map) -> distinct optional items with a hit
 *   brief_kinds(search) -> BRIEF_KIND_* mask of the columns with a hit
 * map is brief_query_phrase_items(); n_phrases < 0 means every phrase
 * counts, otherwise phrases numbered n_phrases and above are ignored (the
 * NOT part of a relaxed expression). docs (NULL: none) lists, per phrase
 * in FTS5's order, the number of rows holding it, or "n1+n2+..." for a
 * phrase of several words (their counts: its IDF is the sum of theirs), or
 * "-" when unknown ("1203 - 87 340+21"); brief_rank counts the unknown
 * ones (and those past the list) through FTS5, for their IDF. n_first (NULL, or a pointer bound
 * with sqlite3_bind_pointer() as BRIEF_RANK_COUNT_POINTER) is a
 * sqlite3_int64 where brief_rank writes the number of rows holding phrase
 * 0, once it has scored a row. max_pairs (NULL: all) is how many
 * neighbouring optional items may stand side by side in some row: pruning
 * bounds the proximity boost by it (include/brief_pairs.h). */
brief_status_t brief_rank_register(sqlite3 *db, char **errmsg);

/* The next entry of a docs list (brief_rank_register()): *n the number,
 * or -1 for "-", a phrase's "n1+n2" or a missing entry. Returns where the next entry starts
 * (NULL for NULL). */
const char *brief_rank_docs_next(const char *p, sqlite3_int64 *n);

/* Reads a phrase map (brief_query_phrase_items(), "0 0 1 -1") into
 * item_of[0..n): each phrase's optional item, -1 for none, for an entry out
 * of range and for phrases past the map's end. Returns the number of items
 * (the largest + 1), as brief_rank() counts them. */
int brief_rank_map_items(const char *map, int *item_of, int n);

/* The pointer type of brief_rank()'s n_first. */
#define BRIEF_RANK_COUNT_POINTER "brief_rank_n_first"

/* snippet.c */

typedef struct {
    int start; /* byte offsets, [start, end) */
    int end;
} brief_span_t;

typedef struct {
    brief_span_t *v;
    int n;
    int cap;
} brief_spans_t;

void brief_spans_release(brief_spans_t *s);

/* A sorted set of stems to highlight. */
typedef struct brief_stemset brief_stemset_t;
brief_stemset_t *brief_stemset_new(const char *const *stems);
void brief_stemset_free(brief_stemset_t *set);
int brief_stemset_count(const brief_stemset_t *set);

/* Runs the analyzer over text and appends to marks (when non-NULL) the
 * spans of tokens whose stem is in set; sets hit[i] for each stem i of the
 * set found (hit has brief_stemset_count entries, may be NULL). Returns
 * BRIEF_OK or BRIEF_ERR_NOMEM / BRIEF_ERR_SQLITE. */
brief_status_t brief_mark_text(brief_analyzer_t *an, const brief_stemset_t *set,
                               const char *text, int n_text, brief_spans_t *marks,
                               unsigned char *hit);

/* Default width of a snippet in bytes, and how much context is kept
 * before the first mark of the window. */
#define BRIEF_SNIPPET_WIDTH 240
#define BRIEF_SNIPPET_LEAD 60

/* Cuts a window of about width bytes of text that holds as many marks as
 * can fit, at UTF-8 and (where one is near) word boundaries; newlines and
 * other control characters become spaces; "…" stands for cut text at
 * either end. *out is NUL-terminated (caller frees); *out_marks (caller
 * frees, may be NULL when *n_out is 0) are the marks inside the window,
 * shifted to offsets of *out. Marks must be sorted and not overlap.
 * Returns BRIEF_OK or BRIEF_ERR_NOMEM. */
brief_status_t brief_snippet_cut(const char *text, int n_text, const brief_span_t *marks,
                                 int n_marks, int width, char **out, brief_span_t **out_marks,
                                 int *n_out);

/* suggest.c */

/* Damerau-Levenshtein distance (optimal string alignment) between two
 * UTF-8 strings, counted in code points; returns max + 1 as soon as the
 * distance is known to exceed max. */
int brief_edit_distance(const char *a, const char *b, int max);

/* The corrected form of query text, or NULL (no correction found). Words
 * of the query (brief_query_words) that are not in the index's words table
 * are replaced by the nearest frequent word within distance 2. The caller
 * checks that the suggestion finds something and frees it. */
brief_status_t brief_suggest_text(brief_index_t *idx, const char *text,
                                  const char *const *words, char **out);

/* facets.c */

/* Adds the facet counts of the rows of st, a statement whose rows are
 * (category TEXT, day INTEGER since 1970-01-01, kinds INTEGER BRIEF_KIND_*
 * mask), into
 * *facets: {"category":{...}, "kind":{...}, "year":{...}} (created when
 * NULL). Steps st to its end. Returns BRIEF_OK, BRIEF_ERR_NOMEM,
 * BRIEF_ERR_LIMIT (interrupted by the work cap) or BRIEF_ERR_SQLITE. */
brief_status_t brief_facets_add(sqlite3_stmt *st, json_t **facets);

/* Sorts each facet's counts: largest first, then by name (years: newest
 * first). Returns a new object; facets keeps its reference. */
json_t *brief_facets_sorted(json_t *facets);

#endif
