/* test_rank.c - unit tests of the ranking formula and of ranking on the fixture corpus tests/data/rank. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "brief_doc.h"
#include "brief_index.h"
#include "brief_pairs.h"
#include "brief_search.h"
#include "fixture.h"
#include "search_fixture.h"
#include "search_internal.h"

#define EPS 1e-9

/* --- the formula -------------------------------------------------------- */

static void recency_is_one_for_todays_briefings(void **state)
{
    (void)state;
    assert_true(brief_rank_recency(0, 365) == 1.0);
}

static void recency_of_one_half_life_is_three_quarters(void **state)
{
    (void)state;
    assert_float_equal(brief_rank_recency(365, 365), 0.75, EPS);
    assert_float_equal(brief_rank_recency(730, 365), 0.625, EPS);
    assert_float_equal(brief_rank_recency(30, 30), 0.75, EPS);
}

static void recency_never_falls_below_the_floor(void **state)
{
    (void)state;
    assert_true(brief_rank_recency(365.0 * 100, 365) >= BRIEF_RECENCY_FLOOR);
    assert_float_equal(brief_rank_recency(1e9, 365), BRIEF_RECENCY_FLOOR, 1e-6);
}

static void recency_counts_future_briefings_as_today(void **state)
{
    (void)state;
    assert_true(brief_rank_recency(-40, 365) == 1.0);
}

static void recency_decreases_with_age(void **state)
{
    double prev = 2.0;
    int age;
    (void)state;
    for (age = 0; age < 3000; age += 50) {
        double r = brief_rank_recency(age, 365);
        assert_true(r < prev);
        prev = r;
    }
}

static void proximity_rewards_neighbouring_items(void **state)
{
    (void)state;
    assert_true(brief_rank_proximity(0, 3) == 1.0);
    assert_true(brief_rank_proximity(1, 1) == 1.0);
    assert_float_equal(brief_rank_proximity(1, 2), 1.5, EPS);
    assert_float_equal(brief_rank_proximity(1, 3), 1.25, EPS);
    assert_float_equal(brief_rank_proximity(2, 3), 1.5, EPS);
    assert_float_equal(brief_rank_proximity(9, 3), 1.5, EPS);
}

/* A docs list (search.c to brief_rank): counts, "-" for unknown, and a
 * phrase's word counts "n1+n2", which give no count of their own. */
static void docs_list_entries_read_one_by_one(void **state)
{
    const char *p = "12 - 5+7 3";
    sqlite3_int64 n;
    (void)state;

    p = brief_rank_docs_next(p, &n);
    assert_int_equal(n, 12);
    p = brief_rank_docs_next(p, &n);
    assert_int_equal(n, -1);
    p = brief_rank_docs_next(p, &n);
    assert_int_equal(n, -1);
    assert_string_equal(p, " 3");
    p = brief_rank_docs_next(p, &n);
    assert_int_equal(n, 3);
    assert_string_equal(p, "");
    p = brief_rank_docs_next(p, &n);
    assert_int_equal(n, -1);
    assert_null(brief_rank_docs_next(NULL, &n));
}

static void score_uses_recency_only_under_hybrid(void **state)
{
    (void)state;
    assert_float_equal(brief_rank_score(2.0, 1.5, 0.5, BRIEF_SORT_HYBRID), 1.5, EPS);
    assert_float_equal(brief_rank_score(2.0, 1.5, 0.5, BRIEF_SORT_RELEVANCE), 3.0, EPS);
    assert_float_equal(brief_rank_score(2.0, 1.5, 0.5, BRIEF_SORT_DATE), 3.0, EPS);
}

/* --- the fixture corpus ------------------------------------------------- */

static int setup(void **state)
{
    *state = brief_fixture_new_corpus("brief-rank", "rank");
    return *state != NULL ? 0 : -1;
}

static json_t *search(brief_fixture_t *f, const char *q, brief_sort_t sort)
{
    brief_search_opts_t o;

    brief_search_opts_init(&o);
    o.query = q;
    o.sort = sort;
    o.now_day = brief_date_to_day("2026-06-01");
    return brief_fixture_search(f->idx, &o);
}

static const char *result_id(json_t *ans, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(ans, "results"), i),
                                             "id"));
}

static double result_score(json_t *ans, size_t i)
{
    return json_number_value(
        json_object_get(json_array_get(json_object_get(ans, "results"), i), "score"));
}

static long long total(json_t *ans)
{
    return json_integer_value(json_object_get(ans, "total"));
}

static void equal_text_comes_newest_first_under_hybrid(void **state)
{
    json_t *a = search(*state, "glacier telemetry", BRIEF_SORT_HYBRID);
    assert_int_equal(total(a), 2);
    assert_string_equal(result_id(a, 0), "same-text-new");
    assert_string_equal(result_id(a, 1), "same-text-old");
    assert_true(result_score(a, 0) > result_score(a, 1));
    json_decref(a);
}

static void equal_text_comes_newest_first_under_date(void **state)
{
    json_t *a = search(*state, "glacier telemetry", BRIEF_SORT_DATE);
    assert_string_equal(result_id(a, 0), "same-text-new");
    assert_string_equal(result_id(a, 1), "same-text-old");
    json_decref(a);
}

static void equal_text_ties_under_relevance(void **state)
{
    json_t *a = search(*state, "glacier telemetry", BRIEF_SORT_RELEVANCE);
    assert_int_equal(total(a), 2);
    assert_float_equal(result_score(a, 0), result_score(a, 1), 1e-9);
    json_decref(a);
}

static void title_match_beats_a_passing_mention_in_a_body(void **state)
{
    json_t *a = search(*state, "annealing", BRIEF_SORT_RELEVANCE);
    assert_int_equal(total(a), 2);
    assert_string_equal(result_id(a, 0), "title-match");
    assert_string_equal(result_id(a, 1), "body-mention");
    json_decref(a);
}

static void strong_old_briefing_beats_weak_new_one_by_default(void **state)
{
    json_t *a = search(*state, "desalination", BRIEF_SORT_HYBRID);
    assert_int_equal(total(a), 2);
    assert_string_equal(result_id(a, 0), "strong-old");
    assert_string_equal(result_id(a, 1), "weak-new");
    json_decref(a);
    /* ...and under --sort date the new one is first. */
    a = search(*state, "desalination", BRIEF_SORT_DATE);
    assert_string_equal(result_id(a, 0), "weak-new");
    json_decref(a);
}

static void phrase_outranks_scattered_words(void **state)
{
    json_t *a = search(*state, "cobalt smelting", BRIEF_SORT_HYBRID);
    assert_int_equal(total(a), 2);
    assert_string_equal(result_id(a, 0), "phrase-adjacent");
    assert_string_equal(result_id(a, 1), "phrase-scattered");
    assert_true(result_score(a, 0) > 1.2 * result_score(a, 1));
    json_decref(a);
}

/* The explained bm25 of the first result of query (--sort relevance). */
static double first_bm25(brief_fixture_t *f, const char *query, const char *want_id)
{
    brief_search_opts_t o;
    json_t *a;
    double v;

    brief_search_opts_init(&o);
    o.query = query;
    o.sort = BRIEF_SORT_RELEVANCE;
    o.explain = 1;
    o.now_day = brief_date_to_day("2026-06-01");
    a = brief_fixture_search(f->idx, &o);
    assert_string_equal(result_id(a, 0), want_id);
    v = json_number_value(json_object_get(
        json_object_get(json_array_get(json_object_get(a, "results"), 0), "explain"), "bm25"));
    json_decref(a);
    return v;
}

/* A phrase weighs as much as its words together (the sum of their IDFs,
 * from `stems`), not by its own document count: phrase-adjacent holds
 * "cobalt smelting" once and each word only there, so the phrase and the
 * two words score it alike. By the phrase's own count (one IDF, of 1
 * briefing, for two of 2 briefings each) it scored 2.44 against 3.67. */
static void a_phrase_weighs_as_its_words_together(void **state)
{
    double phrase = first_bm25(*state, "\"cobalt smelting\"", "phrase-adjacent");
    double words = first_bm25(*state, "cobalt smelting", "phrase-adjacent");

    assert_true(phrase > 0.0);
    assert_float_equal(phrase, words, 1e-5 * words);
}

static void matches_in_several_places_beat_a_single_mention(void **state)
{
    json_t *a = search(*state, "geothermal", BRIEF_SORT_RELEVANCE);
    assert_int_equal(total(a), 2);
    assert_string_equal(result_id(a, 0), "multi-place");
    assert_string_equal(result_id(a, 1), "single-place");
    json_decref(a);
}

static void partial_matches_follow_ordered_by_items_matched(void **state)
{
    /* No briefing has all three words; weak-new has two of them (its title
     * says budget), strong-old only one but scores higher on it. */
    json_t *a = search(*state, "desalination budget xylophone", BRIEF_SORT_HYBRID);
    json_t *first = json_array_get(json_object_get(a, "results"), 0);
    assert_int_equal(total(a), 2);
    assert_int_equal(json_integer_value(json_object_get(a, "matched_all")), 0);
    assert_string_equal(result_id(a, 0), "weak-new");
    assert_string_equal(result_id(a, 1), "strong-old");
    assert_true(json_is_true(json_object_get(first, "partial")));
    json_decref(a);
}

static void full_matches_come_before_partial_ones(void **state)
{
    json_t *a = search(*state, "geothermal town wells", BRIEF_SORT_HYBRID);
    json_t *r = json_object_get(a, "results");
    size_t i;
    int seen_partial = 0;
    assert_true(total(a) >= 2);
    assert_int_equal(json_integer_value(json_object_get(a, "matched_all")), 1);
    assert_string_equal(result_id(a, 0), "multi-place");
    assert_string_equal(result_id(a, 1), "single-place");
    for (i = 0; i < json_array_size(r); i++) {
        int p = json_is_true(json_object_get(json_array_get(r, i), "partial"));
        if (p)
            seen_partial = 1;
        else
            assert_false(seen_partial);
    }
    json_decref(a);
}

static void pagination_keeps_the_exact_total(void **state)
{
    brief_fixture_t *f = *state;
    brief_search_opts_t o;
    json_t *a;

    brief_search_opts_init(&o);
    o.query = "glacier telemetry";
    o.now_day = brief_date_to_day("2026-06-01");
    o.limit = 1;
    o.offset = 1;
    a = brief_fixture_search(f->idx, &o);
    assert_int_equal(total(a), 2);
    assert_int_equal(json_array_size(json_object_get(a, "results")), 1);
    assert_string_equal(result_id(a, 0), "same-text-old");
    json_decref(a);
}

static void explain_columns_add_up_to_bm25(void **state)
{
    brief_fixture_t *f = *state;
    brief_search_opts_t o;
    json_t *a, *ex, *v;
    const char *key;
    double sum = 0.0;

    brief_search_opts_init(&o);
    o.query = "desalination";
    o.now_day = brief_date_to_day("2026-06-01");
    o.explain = 1;
    a = brief_fixture_search(f->idx, &o);
    ex = json_object_get(json_array_get(json_object_get(a, "results"), 0), "explain");
    assert_non_null(ex);
    json_object_foreach(json_object_get(ex, "columns"), key, v)
        sum += json_number_value(v);
    assert_non_null(json_object_get(json_object_get(ex, "columns"), "title"));
    assert_float_equal(sum, json_number_value(json_object_get(ex, "bm25")), 1e-4);
    assert_float_equal(json_number_value(json_object_get(ex, "recency")), 0.625, 1e-3);
    assert_float_equal(json_number_value(json_object_get(ex, "score")), result_score(a, 0), 1e-4);
    json_decref(a);
}

static void work_limit_stops_the_search(void **state)
{
    brief_fixture_t *f = *state;
    brief_search_opts_t o;
    json_t *a = NULL;
    char *err = NULL;

    brief_search_opts_init(&o);
    o.query = "geothermal OR glacier OR cobalt";
    o.work_limit = 10;
    assert_int_equal(brief_search_run(f->idx, &o, &a, &err), BRIEF_ERR_LIMIT);
    assert_null(a);
    assert_non_null(err);
    assert_string_equal(err, "the search exceeded its work limit");
    free(err);
    /* The connection is usable afterwards, without the cap. */
    o.work_limit = 0;
    err = NULL;
    assert_int_equal(brief_search_run(f->idx, &o, &a, &err), BRIEF_OK);
    assert_true(total(a) > 0);
    json_decref(a);
}

/* Counts the statements a connection runs that begin a transaction, and
 * all statements. */
typedef struct {
    int begins, statements;
} stmt_count_t;

static int count_stmt(unsigned type, void *ctx, void *p, void *x)
{
    stmt_count_t *c = ctx;
    const char *sql = sqlite3_sql((sqlite3_stmt *)p);

    (void)x;
    if (type == SQLITE_TRACE_STMT && sql != NULL) {
        c->statements++;
        c->begins += strncmp(sql, "BEGIN", 5) == 0;
    }
    return 0;
}

/* Each statement outside a transaction is a transaction of its own, which
 * costs locks and checks of the file (lib/search.c): a search runs in one,
 * and leaves none open behind it. */
static void a_search_runs_in_one_read_transaction(void **state)
{
    brief_fixture_t *f = *state;
    sqlite3 *db = brief_index_db(f->idx);
    brief_search_opts_t o;
    stmt_count_t c = {0, 0};
    json_t *a = NULL;
    char *err = NULL;

    brief_search_opts_init(&o);
    o.query = "geothermal OR glacier";
    o.facets = 1;
    o.passages = 1;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, count_stmt, &c);
    assert_int_equal(brief_search_run(f->idx, &o, &a, &err), BRIEF_OK);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    assert_true(total(a) > 0);
    assert_int_equal(c.begins, 1);
    assert_true(c.statements > 3);
    assert_int_equal(sqlite3_get_autocommit(db), 1);
    json_decref(a);
}

static void bad_options_are_refused(void **state)
{
    brief_fixture_t *f = *state;
    brief_search_opts_t o;
    json_t *a = NULL;
    char *err = NULL;

    brief_search_opts_init(&o);
    o.query = "glacier";
    o.limit = 0;
    assert_int_equal(brief_search_run(f->idx, &o, &a, &err), BRIEF_ERR_INVALID);
    assert_null(a);
    assert_string_equal(err, "limit must be between 1 and 1000");
    free(err);
}

/* --- newest-first scans, date ranges and capped counts ------------------ */

static brief_status_t put_generated(brief_index_t *idx, int from, int count, int year0)
{
    int i;
    brief_status_t st = BRIEF_OK;
    for (i = from; st == BRIEF_OK && i < from + count; i++) {
        brief_doc_t *d = brief_doc_new();
        char buf[256];
        snprintf(buf, sizeof buf, "gen-%d", i);
        d->id = strdup(buf);
        /* The first 300 mention the harbour (enough rows for the cache,
         * few enough of the 900 for a positive IDF). */
        snprintf(buf, sizeof buf, "%s report number %d", i < 300 || i >= 900 ? "Harbour" : "Market", i);
        d->title = strdup(buf);
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", year0 + i % 8, 1 + i % 12, 1 + i % 28);
        d->published = strdup(buf);
        snprintf(buf, sizeof buf, "%s crane %d of the %s%s.",
                 i % 3 == 0 ? "A long note on the" : "The", i,
                 i < 300 || i >= 900 ? "harbour" : "market", i % 5 == 0 ? " harbour" : "");
        brief_fixture_add_string(&d->overview, &d->n_overview, buf);
        st = brief_index_put(idx, d, "gen.json", i, "0", NULL, NULL);
        brief_doc_free(d);
    }
    return st;
}

static json_t *run_opts(brief_index_t *idx, const char *q, brief_sort_t sort, long after, int limit)
{
    brief_search_opts_t o;
    brief_search_opts_init(&o);
    o.query = q;
    o.sort = sort;
    o.after_day = after;
    o.limit = limit;
    o.max_passages = 0;
    o.now_day = brief_date_to_day("2026-06-01");
    return brief_fixture_search(idx, &o);
}

static char *ids_scores(json_t *a)
{
    json_t *r, *out = json_array();
    size_t i;
    char *s;
    json_array_foreach(json_object_get(a, "results"), i, r)
        json_array_append_new(out, json_pack("[OO]", json_object_get(r, "id"),
                                             json_object_get(r, "score")));
    s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return s;
}

/* Binds ?1 now, ?2 half-life, ?3 sort (brief_rank's) and ?4 the limit of o. */
static void bind_rank_args(sqlite3_stmt *st, const brief_search_opts_t *o)
{
    sqlite3_bind_int64(st, 1, o->now_day);
    sqlite3_bind_double(st, 2, o->half_life_days);
    sqlite3_bind_int(st, 3, (int)o->sort);
    sqlite3_bind_int(st, 4, o->limit);
}

/* The results of answer a are the limit rows of st (id, score), which is
 * stepped and finalized here. */
static void assert_page_matches(json_t *a, sqlite3_stmt *st, int limit)
{
    int i = 0;

    while (sqlite3_step(st) == SQLITE_ROW) {
        assert_string_equal(result_id(a, (size_t)i), (const char *)sqlite3_column_text(st, 0));
        assert_true(fabs(result_score(a, (size_t)i) - sqlite3_column_double(st, 1)) < 1e-9);
        i++;
    }
    sqlite3_finalize(st);
    assert_int_equal(i, limit);
}

/* The page a search reads newest first and stops early (lib/rank.c,
 * "Pruning"), as plain SQL ranks it over every match with no pruning. */
static void check_against_full_sort(brief_index_t *r, int limit, int offset)
{
    brief_search_opts_t o;
    sqlite3_stmt *st;
    json_t *a;

    brief_search_opts_init(&o);
    o.query = "harbour";
    o.limit = limit;
    o.offset = offset;
    o.max_passages = 0;
    o.now_day = brief_date_to_day("2026-06-01");
    a = brief_fixture_search(r, &o);
    assert_int_equal(sqlite3_prepare_v2(brief_index_db(r),
                                        "SELECT b.id, brief_rank(search, NULL, ?1, ?2, ?3) AS s"
                                        " FROM search JOIN briefings b ON b.docid = search.rowid"
                                        " WHERE search MATCH 'harbour'"
                                        " ORDER BY s DESC, search.rowid DESC LIMIT ?4 OFFSET ?5",
                                        -1, &st, NULL),
                     SQLITE_OK);
    bind_rank_args(st, &o);
    sqlite3_bind_int(st, 5, offset);
    assert_page_matches(a, st, limit);
    assert_int_equal((int)json_array_size(json_object_get(a, "results")), limit);
    /* The total of a one-word query comes from `stems` when the scan
     * stops early (search.c, counted_ahead()): FTS5's own count. */
    assert_int_equal(sqlite3_prepare_v2(brief_index_db(r),
                                        "SELECT count(*) FROM search WHERE search MATCH 'harbour'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), sqlite3_column_int64(st, 0));
    assert_true(json_is_true(json_object_get(a, "total_exact")));
    sqlite3_finalize(st);
    json_decref(a);
}

/* An older briefing whose two query words stand side by side reaches the
 * page above newer ones with the words apart: the scan, newest first, may
 * stop only once the boost could not lift an older row above the page,
 * and the pair filter says these two words do touch somewhere. */
static void an_older_phrase_is_not_cut_off_by_the_scan(void **state)
{
    brief_fixture_t *t = brief_fixture_new("brief-pairscan", "pairs.db");
    brief_index_t *w = NULL;
    brief_search_opts_t o;
    json_t *a;
    char buf[64];
    int i;
    (void)state;

    assert_non_null(t);
    assert_int_equal(brief_index_open(t->path, BRIEF_OPEN_CREATE, "english", &w, NULL), BRIEF_OK);
    sqlite3_exec(brief_index_db(w), "BEGIN", NULL, NULL, NULL);
    for (i = 0; i < 60; i++) {
        brief_doc_t *d = brief_doc_new();
        snprintf(buf, sizeof buf, "%s-%d", i == 0 ? "old" : i <= 20 ? "new" : "other", i);
        d->id = strdup(buf);
        /* 20 of this week with both words apart in the title, one a year
         * old saying "cobalt tariffs", 39 without them (positive IDFs) */
        d->title = strdup(i == 0 ? "Cobalt tariffs" : i <= 20 ? "Cobalt and new tariffs"
                                                              : "Harbour news");
        snprintf(buf, sizeof buf, i == 0 ? "2025-06-01" : "2026-05-%02d", 20 + i % 10);
        d->published = strdup(buf);
        assert_int_equal(brief_index_put(w, d, "p.json", i, "0", NULL, NULL), BRIEF_OK);
        brief_doc_free(d);
    }
    assert_int_equal(brief_index_flush(w, NULL), BRIEF_OK);
    sqlite3_exec(brief_index_db(w), "COMMIT", NULL, NULL, NULL);
    brief_search_opts_init(&o);
    o.query = "cobalt tariffs";
    o.limit = 5;
    o.max_passages = 0;
    o.now_day = brief_date_to_day("2026-06-01");
    a = brief_fixture_search(w, &o);
    assert_string_equal(result_id(a, 0), "old-0");
    assert_true(result_score(a, 0) > result_score(a, 1));
    json_decref(a);
    brief_index_close(w);
    brief_fixture_free(t);
}

/* The page of the two-word query `left right`, as plain SQL ranks every
 * match with the proximity boost and no pruning. The index's pair filter
 * (include/brief_pairs.h) says whether the words may stand side by side
 * (touch); when they cannot, the scan's bound leaves the boost out. */
static void check_pair_bound_against_full_sort(brief_index_t *r, const char *left,
                                               const char *right, int touch, int limit)
{
    char query[64], match[64];
    brief_search_opts_t o;
    sqlite3_stmt *st;
    json_t *a;

    assert_int_equal(brief_pairs_lookup(brief_index_db(r), brief_stem_hash(left, strlen(left)),
                                        brief_stem_hash(right, strlen(right))),
                     touch);
    snprintf(query, sizeof query, "%s %s", left, right);
    snprintf(match, sizeof match, "%s AND %s", left, right);
    brief_search_opts_init(&o);
    o.query = query;
    o.limit = limit;
    o.max_passages = 0;
    o.now_day = brief_date_to_day("2026-06-01");
    a = brief_fixture_search(r, &o);
    assert_int_equal(sqlite3_prepare_v2(brief_index_db(r),
                                        "SELECT b.id, brief_rank(search, NULL, ?1, ?2, ?3, '0 1')"
                                        " AS s FROM search JOIN briefings b"
                                        " ON b.docid = search.rowid"
                                        " WHERE search MATCH ?5"
                                        " ORDER BY s DESC, search.rowid DESC LIMIT ?4",
                                        -1, &st, NULL),
                     SQLITE_OK);
    bind_rank_args(st, &o);
    sqlite3_bind_text(st, 5, match, -1, SQLITE_STATIC);
    assert_page_matches(a, st, limit);
    json_decref(a);
}

/* The total of query is FTS5's count of match, also when it is known
 * without a second walk (search.c, counted_ahead(): from `stems`, or from
 * brief_rank()'s count of the phrase for its IDF), or counted on from
 * where the page's scan stopped (count_matches()). */
static void check_total(brief_index_t *r, const char *query, const char *match)
{
    brief_search_opts_t o;
    sqlite3_stmt *st;
    json_t *a;

    brief_search_opts_init(&o);
    o.query = query;
    o.limit = 3;
    o.max_passages = 0;
    o.now_day = brief_date_to_day("2026-06-01");
    a = brief_fixture_search(r, &o);
    assert_int_equal(sqlite3_prepare_v2(brief_index_db(r),
                                        "SELECT count(*) FROM search WHERE search MATCH ?1", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int64(st, 0) > 3);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), sqlite3_column_int64(st, 0));
    assert_true(json_is_true(json_object_get(a, "total_exact")));
    sqlite3_finalize(st);
    json_decref(a);
}

static void newest_first_scan_finds_the_page_a_full_sort_finds(void **state)
{
    brief_fixture_t *t = brief_fixture_new("brief-newest", "gen.db");
    brief_index_t *w = NULL, *r = NULL;
    brief_sort_t sorts[] = {BRIEF_SORT_HYBRID, BRIEF_SORT_DATE};
    size_t k;
    json_t *a;
    (void)state;

    assert_non_null(t);
    assert_int_equal(brief_index_open(t->path, BRIEF_OPEN_CREATE, "english", &w, NULL), BRIEF_OK);
    sqlite3_exec(brief_index_db(w), "BEGIN", NULL, NULL, NULL);
    assert_int_equal(put_generated(w, 0, 900, 2018), BRIEF_OK);
    assert_int_equal(brief_index_flush(w, NULL), BRIEF_OK);
    sqlite3_exec(brief_index_db(w), "COMMIT", NULL, NULL, NULL);
    assert_int_equal(brief_index_open(t->path, BRIEF_OPEN_READ, NULL, &r, NULL), BRIEF_OK);

    check_against_full_sort(r, 1, 0);
    check_against_full_sort(r, 5, 0);
    check_against_full_sort(r, 10, 7);
    check_total(r, "title:harbour", "{title} : harbour");
    check_total(r, "\"harbour report\"", "\"harbour report\"");
    check_total(r, "harb*", "harb*");
    /* Two words: counted on from where the page's scan stopped. */
    check_total(r, "harbour report", "harbour report");
    check_against_full_sort(r, 60, 0);
    check_against_full_sort(r, 50, 200);
    /* "A long note on the crane 12 of the market harbour." */
    check_pair_bound_against_full_sort(r, "crane", "harbour", 0, 1);
    check_pair_bound_against_full_sort(r, "crane", "harbour", 0, 10);
    check_pair_bound_against_full_sort(r, "crane", "harbour", 0, 40);
    check_pair_bound_against_full_sort(r, "market", "harbour", 1, 10);
    check_pair_bound_against_full_sort(r, "market", "harbour", 1, 40);

    for (k = 0; k < sizeof sorts / sizeof sorts[0]; k++) {
        /* A date filter that keeps everything (a docid range): same page,
         * same scores as no filter. */
        json_t *c = run_opts(r, "harbour", sorts[k], -1, 60);
        json_t *j = run_opts(r, "harbour", sorts[k], 0, 60);
        char *cs = ids_scores(c), *js = ids_scores(j);
        assert_int_equal(json_integer_value(json_object_get(c, "total")), 420);
        assert_int_equal(json_array_size(json_object_get(c, "results")), 60);
        assert_string_equal(cs, js);
        free(cs);
        free(js);
        json_decref(c);
        json_decref(j);
    }

    /* Past count_limit the total is a lower bound; the page is the same. */
    {
        brief_search_opts_t o;
        json_t *capped, *full = run_opts(r, "harbour", BRIEF_SORT_HYBRID, -1, 10);
        char *cs, *fs = ids_scores(full);
        json_t *years, *v;
        const char *key;
        long long sum = 0;

        brief_search_opts_init(&o);
        o.query = "harbour";
        o.max_passages = 0;
        o.now_day = brief_date_to_day("2026-06-01");
        o.count_limit = 100;
        o.facets = 1;
        o.facet_limit = 50;
        capped = brief_fixture_search(r, &o);
        cs = ids_scores(capped);
        assert_string_equal(cs, fs);
        assert_int_equal(json_integer_value(json_object_get(capped, "total")), 100);
        assert_true(json_is_false(json_object_get(capped, "total_exact")));
        assert_true(json_is_true(json_object_get(full, "total_exact")));
        assert_int_equal(json_integer_value(json_object_get(capped, "facets_of")), 50);
        years = json_object_get(json_object_get(capped, "facets"), "year");
        json_object_foreach(years, key, v)
            sum += json_integer_value(v);
        assert_int_equal(sum, 50); /* the newest 50 matches */
        free(cs);
        free(fs);
        json_decref(capped);
        json_decref(full);
    }

    /* Another connection adds the newest briefing: it comes first by date. */
    sqlite3_exec(brief_index_db(w), "BEGIN", NULL, NULL, NULL);
    assert_int_equal(put_generated(w, 900, 1, 2026), BRIEF_OK);
    assert_int_equal(brief_index_flush(w, NULL), BRIEF_OK);
    sqlite3_exec(brief_index_db(w), "COMMIT", NULL, NULL, NULL);
    a = run_opts(r, "harbour", BRIEF_SORT_DATE, -1, 1);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), 421);
    assert_string_equal(result_id(a, 0), "gen-900");
    json_decref(a);

    brief_index_close(r);
    brief_index_close(w);
    brief_fixture_free(t);
}

int main(void)
{
    const struct CMUnitTest formula[] = {
        cmocka_unit_test(recency_is_one_for_todays_briefings),
        cmocka_unit_test(recency_of_one_half_life_is_three_quarters),
        cmocka_unit_test(recency_never_falls_below_the_floor),
        cmocka_unit_test(recency_counts_future_briefings_as_today),
        cmocka_unit_test(recency_decreases_with_age),
        cmocka_unit_test(proximity_rewards_neighbouring_items),
        cmocka_unit_test(score_uses_recency_only_under_hybrid),
    };
    const struct CMUnitTest corpus[] = {
        cmocka_unit_test(equal_text_comes_newest_first_under_hybrid),
        cmocka_unit_test(equal_text_comes_newest_first_under_date),
        cmocka_unit_test(equal_text_ties_under_relevance),
        cmocka_unit_test(title_match_beats_a_passing_mention_in_a_body),
        cmocka_unit_test(strong_old_briefing_beats_weak_new_one_by_default),
        cmocka_unit_test(phrase_outranks_scattered_words),
        cmocka_unit_test(a_phrase_weighs_as_its_words_together),
        cmocka_unit_test(docs_list_entries_read_one_by_one),
        cmocka_unit_test(matches_in_several_places_beat_a_single_mention),
        cmocka_unit_test(partial_matches_follow_ordered_by_items_matched),
        cmocka_unit_test(full_matches_come_before_partial_ones),
        cmocka_unit_test(pagination_keeps_the_exact_total),
        cmocka_unit_test(explain_columns_add_up_to_bm25),
        cmocka_unit_test(work_limit_stops_the_search),
        cmocka_unit_test(a_search_runs_in_one_read_transaction),
        cmocka_unit_test(bad_options_are_refused),
        cmocka_unit_test(newest_first_scan_finds_the_page_a_full_sort_finds),
        cmocka_unit_test(an_older_phrase_is_not_cut_off_by_the_scan),
    };
    int failed = cmocka_run_group_tests_name("rank formula", formula, NULL, NULL);
    failed += cmocka_run_group_tests_name("rank fixture corpus", corpus, setup,
                                          brief_fixture_teardown);
    return failed ? 1 : 0;
}
