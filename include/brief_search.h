/* brief_search.h - running a query against an index: ranking, passages, snippets, facets. */
#ifndef BRIEF_SEARCH_H
#define BRIEF_SEARCH_H

#include <jansson.h>

#include "brief_index.h"
#include "brief_query.h"
#include "brief_status.h"

/* Default half-life of the recency factor, in days (see lib/rank.c). */
#define BRIEF_DEFAULT_HALF_LIFE 365.0
#define BRIEF_DEFAULT_LIMIT 10
#define BRIEF_MAX_LIMIT 1000

typedef enum {
    BRIEF_SORT_HYBRID = 0, /* relevance times a recency factor (default) */
    BRIEF_SORT_DATE,       /* newest first among matches */
    BRIEF_SORT_RELEVANCE   /* bm25 only */
} brief_sort_t;

typedef struct {
    const char *query;     /* the user's text (may be NULL or empty) */
    int all_required;      /* --all: every word required */
    brief_sort_t sort;
    double half_life_days; /* > 0 */
    long now_day;          /* "today" in days since 1970; -1: the clock's today */
    long after_day;        /* inclusive lower bound on the day, -1: none */
    long before_day;       /* exclusive upper bound, -1: none */
    const char *category;  /* NULL: any */
    const char *speaker;   /* NULL: any; matches quotes by that speaker */
    unsigned kinds;        /* BRIEF_KIND_* mask, 0: all */
    int passages;          /* list passages instead of briefings */
    int facets;            /* add counts by category, kind, year */
    int explain;           /* add each result's score breakdown */
    int limit;             /* results per page, 1..BRIEF_MAX_LIMIT */
    int offset;            /* >= 0 */
    int max_passages;      /* best passages shown per briefing */
    long long work_limit;  /* cap on work for the whole search: SQLite VM steps plus one
                              per 8 bytes of passage text marked; 0: none */
    int suggest;           /* suggest a corrected query when nothing matched (default 1) */
    long long count_limit; /* matches counted before total becomes a lower bound
                              ("total_exact": false); <= 0: BRIEF_COUNT_LIMIT */
    long long facet_limit; /* facets count the newest this many matches of each kind
                              (strict, partial); <= 0: BRIEF_FACET_LIMIT */
} brief_search_opts_t;

/* Counting every match of `the` in 100,000 briefings takes longer than
 * finding the page, and nobody pages that far: past BRIEF_COUNT_LIMIT a
 * search says "more than" (as web searches do), and pages end there.
 * Facets read each counted briefing's row: the newest BRIEF_FACET_LIMIT
 * matches are a sample of the rest ("facets_of" says how many). */
#define BRIEF_COUNT_LIMIT 10000
#define BRIEF_FACET_LIMIT 2000

/* Fills opts with the defaults (hybrid, BRIEF_DEFAULT_HALF_LIFE, limit 10, 3
 * passages, no filters, now_day -1, suggest on). */
void brief_search_opts_init(brief_search_opts_t *opts);

/* Runs a search and builds its answer as a JSON object (the shape
 * documented in README, "JSON output", version 1):
 *
 * {"version":1, "query":"...", "understood":"...", "warnings":[...],
 *  "mode":"briefings", "sort":"hybrid", "total":N, "total_exact":true, "matched_all":M,
 *  "offset":0, "limit":10,
 *  "results":[
 *    {"id":"...", "title":"...", "title_marks":[[s,e],...], "category":"TECH",
 *     "published":"2026-05-19", "score":12.3, "partial":false,
 *     "explain":{...},                                  (only with explain)
 *     "passages":[{"seq":4, "kind":"quote", "part":"analyst",
 *                  "heading":null, "heading_marks":[],
 *                  "speaker":"Jane Doe", "speaker_marks":[[0,4]],
 *                  "role":"Industry analyst", "role_marks":[],
 *                  "outlet":null, "url":null,
 *                  "date":null, "snippet":"... text ...", "marks":[[s,e],...]}]}],
 *  "suggestion":"anthropic pretraining",        (only when nothing matched, or
 *                                   nothing matched every word, and it does)
 *  "facets":{"category":{"TECH":3}, "kind":{"quote":2}, "year":{"2026":4}},
 *  "facets_of":4,                               (both only with facets)
 *  "took_ms":1.5}
 *
 * marks are [start, end) UTF-8 byte offsets of highlighted words within
 * snippet (or title, heading, speaker, role). total is exact ("total_exact":
 * true) up to count_limit, after which it is count_limit and "total_exact"
 * is false; "facets_of" (with facets) is the number of briefings the
 * facets counted. Below the limit total counts the briefings (or,
 * in passages mode, the passages) matching every word, plus, when fewer
 * than offset + limit briefings match every word, those matching some of
 * them ("partial": true, after the others); matched_all counts the first
 * kind (-1 in passages mode). In passages mode ("mode":"passages") each
 * result is one passage, its members beside the briefing's id, title,
 * title_marks, category, published, score and partial.
 * An empty query with no filter finds nothing; with filters only, the
 * briefings that pass them are listed newest first (score 0).
 * Returns BRIEF_OK (also when nothing matched: total is 0),
 * BRIEF_ERR_INVALID (bad option), BRIEF_ERR_LIMIT (work_limit hit),
 * BRIEF_ERR_CORRUPT (the index file is damaged), BRIEF_ERR_NOMEM,
 * BRIEF_ERR_SQLITE. On failure *out is NULL and *errmsg
 * (when non-NULL) says why; the caller frees it. */
brief_status_t brief_search_run(brief_index_t *idx, const brief_search_opts_t *opts,
                                json_t **out, char **errmsg);

#endif
