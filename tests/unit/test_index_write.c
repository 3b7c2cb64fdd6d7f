/* test_index_write.c - unit tests of writing briefings into an index (lib/index_write.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "brief_doc.h"
#include "brief_index.h"
#include "brief_prep.h"
#include "brief_tokenizer.h"
#include "fixture.h"

/* --- fixture: a new index in a temporary folder ------------------------- */

static int setup(void **state)
{
    *state = brief_fixture_new_index("brief-write");
    return *state != NULL ? 0 : -1;
}

/* --- SQL helpers -------------------------------------------------------- */

/* The first column of the first row as a malloc'd string ("<null>" for
 * NULL, "<none>" when there is no row). */
static char *q_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *v;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) != SQLITE_ROW)
        v = strdup("<none>");
    else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        v = strdup("<null>");
    else
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static void assert_text(sqlite3 *db, const char *sql, const char *want)
{
    char *got = q_text(db, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n  got:  '%s'\n  want: '%s'", sql, got, want);
    free(got);
}

static long long matches(sqlite3 *db, const char *query)
{
    return brief_fixture_matches(db, "search", query);
}

static long long word_freq(sqlite3 *db, const char *word)
{
    char *sql = sqlite3_mprintf("SELECT coalesce((SELECT freq FROM words WHERE word = %Q), 0)",
                                word);
    long long n = brief_fixture_sql_int(db, sql);
    sqlite3_free(sql);
    return n;
}

#define COLS "title, heading, speaker, names, outlet, article, analysis, quote"

static void assert_integrity(sqlite3 *db)
{
    brief_fixture_exec(db, "INSERT INTO search(search) VALUES('integrity-check')");
}

/* Every term of the FTS5 index has its number of briefings in `stems`,
 * and `stems` has nothing else. */
static void assert_stems_are_fts5s(sqlite3 *db)
{
    brief_fixture_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vrow"
                           " USING fts5vocab(main, search, row)");
    assert_int_equal(brief_fixture_sql_int(db, "SELECT count(*) FROM (SELECT term, doc FROM"
                                               " temp.vrow EXCEPT SELECT * FROM main.stems)"),
                     0);
    assert_int_equal(brief_fixture_sql_int(db, "SELECT count(*) FROM (SELECT * FROM main.stems"
                                               " EXCEPT SELECT term, doc FROM temp.vrow)"),
                     0);
}

/* --- documents ---------------------------------------------------------- */

static char *S(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A full briefing whose overview's first bullet is first_bullet. */
static brief_doc_t *sample_doc(const char *id, const char *first_bullet)
{
    brief_doc_t *d = brief_doc_new();

    assert_non_null(d);
    d->id = S(id);
    d->title = S("Researcher Joins Lab");
    d->category = S("TECH");
    d->published = S("2026-05-19");
    d->updated = S("2026-05-20T08:30:00Z");
    d->lang = S("en");
    d->signals = 31;
    brief_fixture_add_string(&d->overview, &d->n_overview, first_bullet);
    brief_fixture_add_string(&d->overview, &d->n_overview, "Budgets for compute keep growing.");
    brief_fixture_add_section(d, "Why pretraining",
                              "Pretrained models dominate.\n\nA second paragraph follows.");
    brief_fixture_add_article(d, "Researcher leaves startup", "Example Times",
                              "https://example.org/a", "2026-05-18", "Body of the cited story.");
    brief_fixture_add_article(d, "Short note", "Wire", NULL, NULL, NULL);
    brief_fixture_add_quote(d, "Scaling is not over.", "Jane Doe", "Industry analyst",
                            "2026-05-19", BRIEF_GROUP_ANALYST);
    brief_fixture_add_quote(d, "Big news for everyone", "@someone", NULL, NULL,
                            BRIEF_GROUP_CROWD);
    brief_fixture_add_event(d, "2015", "Co-founded the lab.");
    brief_fixture_add_player(d, "Nick Joseph", "Team lead.");
    brief_fixture_add_string(&d->broadcasts, &d->n_broadcasts, "Weekly podcast episode");
    return d;
}

/* A briefing with only a title and a date. */
static brief_doc_t *small_doc(const char *id, const char *title)
{
    brief_doc_t *d = brief_doc_new();

    assert_non_null(d);
    d->id = S(id);
    d->title = S(title);
    d->published = S("2026-01-02");
    return d;
}

static long long put(brief_fixture_t *f, const brief_doc_t *doc, const char *hash)
{
    long long docid = -1;
    char *err = NULL;
    brief_status_t st = brief_index_put(f->idx, doc, "a/b.json", 0, hash, &docid, &err);

    if (st != BRIEF_OK)
        fail_msg("put: %s", err ? err : brief_status_str(st));
    assert_true(docid > 0);
    return docid;
}

/* Writes the transaction's waiting FTS5 entries, then commits. */
static void commit(brief_fixture_t *f)
{
    char *err = NULL;

    if (brief_index_flush(f->idx, &err) != BRIEF_OK)
        fail_msg("flush: %s", err ? err : "?");
    brief_fixture_exec(f->db, "COMMIT");
}

/* --- tests -------------------------------------------------------------- */

static void put_stores_the_metadata_in_briefings(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = sample_doc("researcher-joins", "The researcher moves to pretraining.");
    long long docid, day;
    char *err = NULL;
    char sql[300];

    assert_int_equal(brief_index_put(f->idx, d, "x/y.jsonl", 7, "abc123", &docid, &err),
                     BRIEF_OK);
    assert_null(err);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 1);
    snprintf(sql, sizeof sql,
             "SELECT id || '|' || path || '|' || line || '|' || hash || '|' || category || '|'"
             " || published || '|' || updated || '|' || signals || '|' || lang || '|' || title"
             " FROM briefings WHERE docid = %lld",
             docid);
    assert_text(f->db, sql,
                "researcher-joins|x/y.jsonl|7|abc123|TECH|2026-05-19|2026-05-20T08:30:00Z|31|en|"
                "Researcher Joins Lab");
    day = brief_doc_day(d);
    assert_true(day > 20000);
    snprintf(sql, sizeof sql, "SELECT day FROM briefings WHERE docid = %lld", docid);
    assert_int_equal(brief_fixture_sql_int(f->db, sql), day);
    brief_doc_free(d);
}

static void absent_metadata_is_stored_as_null(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = small_doc("bare", "Bare");

    put(f, d, "h");
    assert_text(f->db,
                "SELECT coalesce(category, 'N') || coalesce(updated, 'N') || coalesce(signals, 'N')"
                " || coalesce(lang, 'N') FROM briefings",
                "NNNN");
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM passages"), 0);
    assert_text(f->db, "SELECT article FROM briefings", "");
    brief_doc_free(d);
}

static void column_texts_join_their_parts_with_blank_lines(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = sample_doc("cols", "The researcher moves to pretraining.");

    put(f, d, "h");
    assert_text(f->db, "SELECT title FROM briefings", "Researcher Joins Lab");
    assert_text(f->db, "SELECT heading FROM briefings", "Why pretraining");
    assert_text(f->db, "SELECT speaker FROM briefings", "Jane Doe, Industry analyst\n\n@someone");
    assert_text(f->db, "SELECT names FROM briefings",
                "Nick Joseph\n\nResearcher leaves startup\n\nShort note\n\nWeekly podcast episode");
    assert_text(f->db, "SELECT outlet FROM briefings", "Example Times\n\nWire");
    assert_text(f->db, "SELECT article FROM briefings",
                "The researcher moves to pretraining.\n\nBudgets for compute keep growing.\n\n"
                "2015: Co-founded the lab.\n\nTeam lead.\n\nBody of the cited story.");
    assert_text(f->db, "SELECT analysis FROM briefings",
                "Pretrained models dominate.\n\nA second paragraph follows.");
    assert_text(f->db, "SELECT quote FROM briefings",
                "Scaling is not over.\n\nBig news for everyone");
    brief_doc_free(d);
}

static void passages_point_at_their_bodies_in_their_column(void **state)
{
    static const struct {
        int part;
        const char *kind, *body, *meta;
    } want[] = {
        {BRIEF_PART_OVERVIEW, "article", "Ünïcode bullet — first.", "|||||"},
        {BRIEF_PART_OVERVIEW, "article", "Budgets for compute keep growing.", "|||||"},
        {BRIEF_PART_TIMELINE, "article", "2015: Co-founded the lab.", "|||||2015"},
        {BRIEF_PART_PLAYER, "article", "Team lead.", "Nick Joseph|||||"},
        {BRIEF_PART_CITED, "article", "Body of the cited story.",
         "Researcher leaves startup|||Example Times|https://example.org/a|2026-05-18"},
        {BRIEF_PART_CITED, "article", "", "Short note|||Wire||"},
        {BRIEF_PART_BROADCAST, "article", "", "Weekly podcast episode|||||"},
        {BRIEF_PART_SECTION, "analysis",
         "Pretrained models dominate.\n\nA second paragraph follows.", "Why pretraining|||||"},
        {BRIEF_PART_ANALYST, "quote", "Scaling is not over.",
         "|Jane Doe|Industry analyst|||2026-05-19"},
        {BRIEF_PART_CROWD, "quote", "Big news for everyone", "|@someone||||"},
    };
    static const char *const cols[] = {"article", "analysis", "quote"};
    brief_fixture_t *f = *state;
    brief_doc_t *d = sample_doc("pass", "Ünïcode bullet — first.");
    long long docid = put(f, d, "h");
    sqlite3_stmt *st = NULL;
    size_t n = 0;

    /* The part is stored as its code, an integer; the body is cut in
     * bytes from the column named like the code's kind, as a reader would. */
    assert_int_equal(
        sqlite3_prepare_v2(
            f->db,
            "SELECT p.seq, p.part, typeof(p.part), p.off, p.len, b.article, b.analysis, b.quote,"
            " coalesce(p.heading,'') || '|' || coalesce(p.speaker,'') || '|' ||"
            " coalesce(p.role,'') || '|' || coalesce(p.outlet,'') || '|' ||"
            " coalesce(p.url,'') || '|' || coalesce(p.date,'')"
            " FROM passages p JOIN briefings b USING (serial) WHERE b.docid = ?1 ORDER BY seq",
            -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, docid);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int part = sqlite3_column_int(st, 1), c;
        long long off = sqlite3_column_int64(st, 3), len = sqlite3_column_int64(st, 4);
        const char *text;
        size_t text_len;

        assert_true(n < sizeof want / sizeof want[0]);
        assert_int_equal(sqlite3_column_int64(st, 0), (long long)n);
        assert_string_equal(sqlite3_column_text(st, 2), "integer");
        assert_int_equal(part, want[n].part);
        assert_non_null(brief_part_kind(part));
        assert_string_equal(brief_part_kind(part), want[n].kind);
        for (c = 0; c < 3 && strcmp(cols[c], want[n].kind) != 0; c++)
            ;
        assert_true(c < 3);
        text = (const char *)sqlite3_column_text(st, 5 + c);
        text_len = (size_t)sqlite3_column_bytes(st, 5 + c);
        assert_true(off >= 0 && len >= 0 && (size_t)(off + len) <= text_len);
        assert_int_equal(len, (long long)strlen(want[n].body));
        assert_memory_equal(text + off, want[n].body, (size_t)len);
        assert_string_equal(sqlite3_column_text(st, 8), want[n].meta);
        n++;
    }
    sqlite3_finalize(st);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    brief_doc_free(d);
}

static void search_finds_stemmed_words_in_the_right_columns(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = sample_doc("fts", "The researcher moves to pretraining.");

    put(f, d, "h");
    assert_int_equal(matches(f->db, "{speaker}: jane"), 1);
    assert_int_equal(matches(f->db, "{quote}: jane"), 0);
    assert_int_equal(matches(f->db, "{title}: joining"), 1);
    assert_int_equal(matches(f->db, "{analysis}: pretraining"), 1); /* "Pretrained" */
    assert_int_equal(matches(f->db, "{heading}: pretrained"), 1);
    assert_int_equal(matches(f->db, "{names}: podcasts"), 1);
    assert_int_equal(matches(f->db, "{outlet}: wire"), 1);
    assert_int_equal(matches(f->db, "{article}: wire"), 0);
    assert_int_equal(matches(f->db, "{quote}: scale"), 1);
    assert_int_equal(matches(f->db, "{article}: founded"), 1);
    assert_int_equal(matches(f->db, "zebra"), 0);
    assert_integrity(f->db);
    brief_doc_free(d);
}

static void words_counts_every_folded_occurrence(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = sample_doc("words", "The Researcher moves to pretraining, RESEARCHER.");

    put(f, d, "h");
    /* title, names (cited title) and twice in the overview */
    assert_int_equal(word_freq(f->db, "researcher"), 4);
    assert_int_equal(word_freq(f->db, "Researcher"), 0);
    assert_int_equal(word_freq(f->db, "pretraining"), 2); /* overview and heading */
    assert_int_equal(word_freq(f->db, "pretrained"), 1);  /* surface words, not stems */
    assert_int_equal(word_freq(f->db, "pretrain"), 0);
    assert_int_equal(word_freq(f->db, "jane"), 1);
    assert_int_equal(word_freq(f->db, "2015"), 1);
    brief_doc_free(d);
}

static void words_skips_long_words_and_long_numbers(void **state)
{
    brief_fixture_t *f = *state;
    /* 40 and 41 letters; 4 and 5 digits */
    brief_doc_t *d = small_doc("long",
                               "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd "
                               "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddx 2026 12345 12345th");

    put(f, d, "h");
    assert_int_equal(word_freq(f->db, "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd"), 1);
    assert_int_equal(word_freq(f->db, "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddx"), 0);
    assert_int_equal(word_freq(f->db, "2026"), 1);
    assert_int_equal(word_freq(f->db, "12345"), 0);
    assert_int_equal(word_freq(f->db, "12345th"), 1);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words"), 3);
    brief_doc_free(d);
}

static void upsert_replaces_the_text_and_the_counts(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *v1 = sample_doc("up", "A zebra crossed the researcher's path.");
    brief_doc_t *v2 = sample_doc("up", "A yak crossed the path.");
    long long first = put(f, v1, "h1"), second = 0, docid = 0;
    char *err = NULL, *hash = NULL;

    assert_true(first > 0);

    assert_int_equal(matches(f->db, "zebra"), 1);
    assert_int_equal(word_freq(f->db, "zebra"), 1);
    assert_int_equal(word_freq(f->db, "researcher"), 3);
    assert_int_equal(brief_index_upsert(f->idx, v2, "a/b.json", 0, "h2", &second, &err),
                     BRIEF_OK);
    assert_null(err);
    assert_true(second > 0);
    assert_int_equal(matches(f->db, "zebra"), 0);
    assert_int_equal(matches(f->db, "yak"), 1);
    assert_int_equal(matches(f->db, "{speaker}: jane"), 1);
    assert_int_equal(word_freq(f->db, "zebra"), 0);
    assert_int_equal(
        brief_fixture_sql_int(f->db, "SELECT count(*) FROM words WHERE word = 'zebra'"), 0);
    assert_int_equal(word_freq(f->db, "yak"), 1);
    assert_int_equal(word_freq(f->db, "researcher"), 2);
    assert_int_equal(word_freq(f->db, "jane"), 1);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 1);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM passages"), 10);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(DISTINCT serial) FROM passages"), 1);
    assert_int_equal(brief_index_lookup(f->idx, "up", &docid, &hash, &err), BRIEF_OK);
    assert_int_equal(docid, second);
    assert_string_equal(hash, "h2");
    /* The old row's passages went with it. */
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM passages"
                                                  " WHERE serial NOT IN (SELECT serial FROM briefings)"),
                     0);
    assert_integrity(f->db);
    free(hash);
    brief_doc_free(v1);
    brief_doc_free(v2);
}

static void upsert_of_a_new_id_inserts(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = small_doc("fresh", "Fresh start");
    long long docid = 0;

    assert_int_equal(brief_index_upsert(f->idx, d, "p", 0, "h", &docid, NULL), BRIEF_OK);
    assert_true(docid > 0);
    assert_int_equal(matches(f->db, "{title}: fresh"), 1);
    assert_int_equal(word_freq(f->db, "fresh"), 1);
    brief_doc_free(d);
}

static void remove_leaves_nothing_of_the_briefing(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = sample_doc("a", "The researcher moves to pretraining.");
    brief_doc_t *b = small_doc("b", "Researcher stays");
    long long da;

    da = put(f, a, "ha");
    put(f, b, "hb");
    assert_int_equal(word_freq(f->db, "researcher"), 4);
    assert_int_equal(brief_index_remove_id(f->idx, "a", NULL), BRIEF_OK);
    assert_integrity(f->db);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings WHERE id = 'a'"),
                     0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM passages"), 0);
    assert_int_equal(matches(f->db, "jane OR pretraining OR podcast OR scaling OR wire"), 0);
    assert_int_equal(matches(f->db, "researcher"), 1);
    assert_int_equal(word_freq(f->db, "researcher"), 1);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words"),
                     2); /* researcher stays */
    (void)da;

    assert_int_equal(brief_index_remove_id(f->idx, "b", NULL), BRIEF_OK);
    assert_integrity(f->db);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words"), 0);
    assert_int_equal(matches(f->db, "researcher"), 0);
    /* FTS5 3.40's integrity-check does not compare an external-content
     * index with its content, so look at the index's terms directly. */
    brief_fixture_exec(f->db, "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search, row)");
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM temp.v"), 0);
    brief_doc_free(a);
    brief_doc_free(b);
}

static void remove_by_docid_and_of_absent_briefings_is_ok(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = sample_doc("r", "The researcher moves to pretraining.");
    long long docid = put(f, d, "h");

    assert_int_equal(brief_index_remove_docid(f->idx, docid + 100, NULL), BRIEF_OK);
    assert_int_equal(brief_index_remove_id(f->idx, "nope", NULL), BRIEF_OK);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 1);
    assert_int_equal(brief_index_remove_docid(f->idx, docid, NULL), BRIEF_OK);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM passages"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words"), 0);
    assert_integrity(f->db);
    /* the FTS5 index itself holds no term of it any more */
    brief_fixture_exec(f->db, "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search, row)");
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM temp.v"), 0);
    brief_doc_free(d);
}

static void lookup_gives_docid_and_hash_or_zero(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = small_doc("look", "Look here");
    long long docid = put(f, d, "cafe01"), got = -1;
    char *hash = NULL, *err = NULL;

    assert_int_equal(brief_index_lookup(f->idx, "look", &got, &hash, &err), BRIEF_OK);
    assert_int_equal(got, docid);
    assert_string_equal(hash, "cafe01");
    free(hash);
    hash = (char *)"unchanged";
    assert_int_equal(brief_index_lookup(f->idx, "other", &got, &hash, &err), BRIEF_OK);
    assert_int_equal(got, 0);
    assert_null(hash);
    assert_int_equal(brief_index_lookup(f->idx, "look", &got, NULL, NULL), BRIEF_OK);
    assert_int_equal(got, docid);
    assert_int_equal(brief_index_lookup(f->idx, NULL, &got, NULL, &err), BRIEF_ERR_INVALID);
    free(err);
    brief_doc_free(d);
}

static void put_of_a_duplicate_id_fails_and_changes_nothing(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = small_doc("dup", "First words");
    brief_doc_t *b = small_doc("dup", "Second words");
    long long docid = 99;
    char *err = NULL;

    put(f, a, "h");
    assert_int_equal(brief_index_put(f->idx, b, "c.json", 0, "h2", &docid, &err),
                     BRIEF_ERR_INVALID);
    assert_string_equal(err, "duplicate briefing id 'dup'");
    assert_int_equal(docid, 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 1);
    assert_int_equal(matches(f->db, "second"), 0);
    assert_int_equal(word_freq(f->db, "words"), 1);
    assert_int_equal(word_freq(f->db, "second"), 0);
    assert_integrity(f->db);
    free(err);
    brief_doc_free(a);
    brief_doc_free(b);
}

static void put_of_an_incomplete_briefing_is_invalid(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = small_doc(NULL, "No id");
    char *err = NULL;

    assert_int_equal(brief_index_put(f->idx, d, "p", 0, "h", NULL, &err), BRIEF_ERR_INVALID);
    assert_string_equal(err, "briefing has no id");
    d->id = S("x");
    free(d->published);
    d->published = S("someday");
    assert_int_equal(brief_index_put(f->idx, d, "p", 0, "h", NULL, &err), BRIEF_ERR_INVALID);
    assert_string_equal(err, "briefing 'x': published date 'someday' is not an ISO 8601 date");
    free(d->published);
    d->published = S("2026-02-03");
    assert_int_equal(brief_index_put(f->idx, d, "p", 0, NULL, NULL, &err), BRIEF_ERR_INVALID);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words"), 0);
    free(err);
    brief_doc_free(d);
}

static void a_full_disk_is_reported_as_full(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *d = small_doc("big", "Big");
    char *err = NULL, *title = malloc(400001);
    long long pages = brief_fixture_sql_int(f->db, "PRAGMA page_count");
    char sql[64];

    /* 400 kB of distinct words cannot fit in the pages the file has now. */
    assert_non_null(title);
    for (int i = 0; i < 40000; i++) {
        char word[32];
        snprintf(word, sizeof word, "word%05d ", i);
        memcpy(title + i * 10, word, 10);
    }
    title[400000] = '\0';
    free(d->title);
    d->title = title;
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
    brief_fixture_exec(f->db, sql);
    brief_fixture_exec(f->db, "BEGIN");
    assert_int_equal(brief_index_put(f->idx, d, "p", 0, "h", NULL, &err), BRIEF_ERR_FULL);
    assert_non_null(err);
    assert_non_null(strstr(err, "cannot index briefing 'big'"));
    /* SQLite may have rolled back already, as it may on SQLITE_FULL. */
    if (!sqlite3_get_autocommit(f->db))
        brief_fixture_exec(f->db, "ROLLBACK");
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 0);
    free(err);
    brief_doc_free(d);
}

static void many_briefings_in_one_transaction_add_up(void **state)
{
    brief_fixture_t *f = *state;
    char id[32], title[64];

    brief_fixture_exec(f->db, "BEGIN");
    for (int i = 0; i < 300; i++) {
        brief_doc_t *d;
        snprintf(id, sizeof id, "doc-%d", i);
        snprintf(title, sizeof title, "Common title number w%d", i % 7);
        d = small_doc(id, title);
        put(f, d, "h");
        brief_doc_free(d);
    }
    commit(f);
    assert_int_equal(word_freq(f->db, "common"), 300);
    assert_int_equal(word_freq(f->db, "w3"), 300 / 7 + (3 < 300 % 7));
    assert_integrity(f->db);
    brief_fixture_exec(f->db, "BEGIN");
    for (int i = 0; i < 300; i += 2) {
        snprintf(id, sizeof id, "doc-%d", i);
        assert_int_equal(brief_index_remove_id(f->idx, id, NULL), BRIEF_OK);
    }
    commit(f);
    assert_int_equal(word_freq(f->db, "common"), 150);
    assert_int_equal(matches(f->db, "common"), 150);
    assert_integrity(f->db);
}

static void words_of_a_rolled_back_transaction_are_not_counted(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = small_doc("a", "Alpha apple");
    brief_doc_t *b = small_doc("b", "Beta apple");
    long long docid;

    brief_fixture_exec(f->db, "BEGIN");
    docid = put(f, a, "h");
    /* joining the transaction leaves last_insert_rowid alone */
    assert_int_equal(sqlite3_last_insert_rowid(f->db), docid);
    brief_fixture_exec(f->db, "ROLLBACK");
    put(f, b, "h"); /* autocommit */
    assert_int_equal(word_freq(f->db, "alpha"), 0);
    assert_int_equal(word_freq(f->db, "apple"), 1);
    assert_int_equal(word_freq(f->db, "beta"), 1);
    brief_fixture_exec(f->db, "BEGIN");
    put(f, a, "h");
    commit(f);
    assert_int_equal(word_freq(f->db, "alpha"), 1);
    assert_int_equal(word_freq(f->db, "apple"), 2);
    brief_doc_free(a);
    brief_doc_free(b);
}

static void rollback_to_a_savepoint_drops_only_later_words(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = small_doc("a", "Alpha apple");
    brief_doc_t *b = small_doc("b", "Beta apple");
    brief_doc_t *c = small_doc("c", "Gamma apple");

    brief_fixture_exec(f->db, "BEGIN");
    put(f, a, "h");
    brief_fixture_exec(f->db, "SAVEPOINT file");
    put(f, b, "h");
    brief_fixture_exec(f->db, "ROLLBACK TO file");
    brief_fixture_exec(f->db, "RELEASE file");
    put(f, c, "h");
    commit(f);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 2);
    assert_int_equal(word_freq(f->db, "alpha"), 1);
    assert_int_equal(word_freq(f->db, "beta"), 0);
    assert_int_equal(word_freq(f->db, "gamma"), 1);
    assert_int_equal(word_freq(f->db, "apple"), 2);
    brief_doc_free(a);
    brief_doc_free(b);
    brief_doc_free(c);
}

static void a_failed_put_inside_a_transaction_leaves_no_counts(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = small_doc("a", "Alpha apple");
    brief_doc_t *again = small_doc("a", "Duplicate delta");
    char *err = NULL;

    brief_fixture_exec(f->db, "BEGIN");
    assert_int_equal(brief_index_put(f->idx, again, "p", 0, "h", NULL, &err), BRIEF_OK);
    assert_int_equal(brief_index_upsert(f->idx, a, "p", 0, "h", NULL, &err), BRIEF_OK);
    assert_int_equal(brief_index_put(f->idx, again, "p", 0, "h", NULL, &err),
                     BRIEF_ERR_INVALID);
    commit(f);
    assert_int_equal(word_freq(f->db, "alpha"), 1);
    assert_int_equal(word_freq(f->db, "apple"), 1);
    assert_int_equal(word_freq(f->db, "duplicate"), 0);
    assert_int_equal(word_freq(f->db, "delta"), 0);
    free(err);
    brief_doc_free(a);
    brief_doc_free(again);
}

static void closing_inside_a_transaction_discards_it(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = small_doc("a", "Alpha apple");
    brief_index_t *idx = NULL;

    brief_fixture_exec(f->db, "BEGIN");
    put(f, a, "h");
    brief_index_close(f->idx);
    assert_int_equal(brief_index_open(f->path, BRIEF_OPEN_WRITE, NULL, &idx, NULL), BRIEF_OK);
    f->idx = idx;
    f->db = brief_index_db(idx);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words"), 0);
    put(f, a, "h");
    assert_int_equal(word_freq(f->db, "alpha"), 1);
    brief_doc_free(a);
}

/* Puts (or upserts) version v of briefing i: the sample with varying words. */
static void put_version(brief_index_t *idx, int i, int v, int upsert)
{
    char id[32], bullet[160];
    brief_doc_t *d;
    brief_status_t st;

    snprintf(id, sizeof id, "doc-%d", i);
    snprintf(bullet, sizeof bullet, "Version%d of w%d shares s%d and %s", v, i * 7 + v, (i + v) % 3,
             v ? "zebras crossing" : "the researcher");
    d = sample_doc(id, bullet);
    if ((i + v) % 4 == 0) { /* some versions lose their quotes */
        for (size_t q = 0; q < d->n_quotes; q++) {
            free(d->quotes[q].text);
            free(d->quotes[q].speaker);
            free(d->quotes[q].role);
            free(d->quotes[q].date);
        }
        d->n_quotes = 0;
    }
    st = upsert ? brief_index_upsert(idx, d, "p", 0, "h", NULL, NULL)
                : brief_index_put(idx, d, "p", 0, "h", NULL, NULL);
    assert_int_equal(st, BRIEF_OK);
    brief_doc_free(d);
}

static void updates_leave_the_index_a_fresh_build_would_make(void **state)
{
    brief_fixture_t *f = *state;
    char path[320];
    brief_index_t *fresh = NULL;
    static const char *const differ[] = {
        "SELECT count(*) FROM (SELECT * FROM main.words EXCEPT SELECT * FROM o.words)",
        "SELECT count(*) FROM (SELECT * FROM o.words EXCEPT SELECT * FROM main.words)",
        "SELECT count(*) FROM (SELECT * FROM main.stems EXCEPT SELECT * FROM o.stems)",
        "SELECT count(*) FROM (SELECT * FROM o.stems EXCEPT SELECT * FROM main.stems)",
        "SELECT count(*) FROM (SELECT * FROM temp.v EXCEPT SELECT * FROM temp.ov)",
        "SELECT count(*) FROM (SELECT * FROM temp.ov EXCEPT SELECT * FROM temp.v)",
        "SELECT count(*) FROM (SELECT id, " COLS " FROM main.briefings"
        " EXCEPT SELECT id, " COLS " FROM o.briefings)",
    };

    brief_fixture_exec(f->db, "BEGIN");
    for (int i = 0; i < 12; i++)
        put_version(f->idx, i, 0, 0);
    commit(f);
    brief_fixture_exec(f->db, "BEGIN");
    for (int i = 0; i < 12; i++)
        put_version(f->idx, i, 1, 1);
    assert_int_equal(brief_index_remove_id(f->idx, "doc-5", NULL), BRIEF_OK);
    commit(f);

    snprintf(path, sizeof path, "%s/fresh.db", f->dir);
    assert_int_equal(brief_index_open(path, BRIEF_OPEN_CREATE, "english", &fresh, NULL),
                     BRIEF_OK);
    for (int i = 0; i < 12; i++)
        if (i != 5)
            put_version(fresh, i, 1, 0);
    brief_index_close(fresh);

    {
        char *sql = sqlite3_mprintf("ATTACH %Q AS o", path);
        brief_fixture_exec(f->db, sql);
        sqlite3_free(sql);
    }
    brief_fixture_exec(f->db, "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search, col);"
                   "CREATE VIRTUAL TABLE temp.ov USING fts5vocab(o, search, col);");
    assert_true(brief_fixture_sql_int(f->db, "SELECT count(*) FROM main.words") > 50);
    assert_true(brief_fixture_sql_int(f->db, "SELECT count(*) FROM main.stems") > 50);
    assert_stems_are_fts5s(f->db);
    assert_true(brief_fixture_sql_int(f->db, "SELECT count(*) FROM temp.v") > 60);
    assert_int_equal(word_freq(f->db, "zebras"), 11);
    assert_int_equal(word_freq(f->db, "researcher"), 2 * 11);
    for (size_t i = 0; i < sizeof differ / sizeof differ[0]; i++)
        if (brief_fixture_sql_int(f->db, differ[i]) != 0)
            fail_msg("the updated and the fresh index differ: %s", differ[i]);
    assert_integrity(f->db);
    brief_fixture_exec(f->db, "DETACH o");
    unlink(path);
}

typedef struct {
    sqlite3 *db;
    int n, bad;
} expect_ctx_t;

/* Counts one analyzer word in the table temp.expect. */
static int expect_word(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                       int start, int end)
{
    expect_ctx_t *e = ctx;
    char *sql = sqlite3_mprintf("INSERT INTO temp.expect VALUES(%.*Q, 1)"
                                " ON CONFLICT(word) DO UPDATE SET freq = freq + 1",
                                n_word, word);

    (void)stem;
    (void)n_stem;
    (void)start;
    (void)end;
    if (sqlite3_exec(e->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        e->bad++;
    sqlite3_free(sql);
    e->n++;
    return 0;
}

static void words_are_the_analyzers_words(void **state)
{
    brief_fixture_t *f = *state;
    static const char title[] = "Café CAFÉ naïve l'été Straße ÉCOLE co-founded don't "
                                "北京 東京タワー、ラーメン Ωmega x2 2026 İstanbul";
    brief_doc_t *d = small_doc("u", title);
    expect_ctx_t e = {f->db, 0, 0};

    put(f, d, "h");
    brief_fixture_exec(f->db, "CREATE TABLE temp.expect(word TEXT PRIMARY KEY, freq INTEGER)");
    assert_int_equal(brief_analyzer_run(brief_index_analyzer(f->idx), title,
                                        (int)strlen(title), expect_word, &e),
                     BRIEF_OK);
    assert_int_equal(e.bad, 0);
    assert_true(e.n >= 15);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM (SELECT * FROM main.words"
                                  " EXCEPT SELECT * FROM temp.expect)"),
                     0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM (SELECT * FROM temp.expect"
                                  " EXCEPT SELECT * FROM main.words)"),
                     0);
    assert_int_equal(word_freq(f->db, "cafe"), 2);
    brief_doc_free(d);
}

/* The `stems` row of word's stem (the index's analyzer), 0 when absent;
 * and it must be the number of briefings FTS5 matches for word. */
static long long stem_docs_of(brief_fixture_t *f, const char *word)
{
    int n_stem = 0;
    const char *stem = brief_analyzer_stem(brief_index_analyzer(f->idx), word,
                                           (int)strlen(word), &n_stem);
    char *sql;
    long long n;

    assert_non_null(stem);
    sql = sqlite3_mprintf("SELECT coalesce((SELECT docs FROM stems WHERE stem = %.*Q), 0)",
                          n_stem, stem);
    n = brief_fixture_sql_int(f->db, sql);
    sqlite3_free(sql);
    assert_int_equal(n, matches(f->db, word));
    return n;
}

static void put_prepared(brief_fixture_t *f, const brief_doc_t *d)
{
    brief_index_prep_t *prep = NULL;
    char *err = NULL;

    assert_int_equal(brief_index_prepare(brief_index_analyzer(f->idx), d, &prep), BRIEF_OK);
    if (brief_index_put_prepared(f->idx, d, &prep, "p", 0, "h", NULL, &err) != BRIEF_OK)
        fail_msg("put_prepared: %s", err ? err : "?");
    brief_index_prep_free(prep);
}

static void stems_count_the_briefings_holding_each_term(void **state)
{
    brief_fixture_t *f = *state;
    brief_doc_t *a = sample_doc("a", "A zebra crossed the path of the researchers.");
    brief_doc_t *b = small_doc("b", "Zebras and yaks: researching zebra crossings");
    brief_doc_t *c = small_doc("c", "A yak alone");
    brief_doc_t *b2 = small_doc("b", "Yaks only, researched");

    /* adds: one at a time, in a transaction, and analysed ahead */
    put(f, a, "h");
    brief_fixture_exec(f->db, "BEGIN");
    put(f, b, "h");
    put_prepared(f, c);
    commit(f);
    assert_stems_are_fts5s(f->db);
    assert_int_equal(stem_docs_of(f, "zebra"), 2); /* twice in b: one briefing */
    assert_int_equal(stem_docs_of(f, "yak"), 2);
    assert_int_equal(stem_docs_of(f, "research"), 2); /* researchers, researching */
    assert_int_equal(stem_docs_of(f, "crossing"), 2); /* crossed, crossings */
    assert_int_equal(stem_docs_of(f, "jane"), 1);     /* a speaker */
    /* an update: b loses zebra and crossing, keeps yak and research */
    assert_int_equal(brief_index_upsert(f->idx, b2, "p", 0, "h2", NULL, NULL), BRIEF_OK);
    assert_stems_are_fts5s(f->db);
    assert_int_equal(stem_docs_of(f, "zebra"), 1);
    assert_int_equal(stem_docs_of(f, "crossing"), 1);
    assert_int_equal(stem_docs_of(f, "yak"), 2);
    assert_int_equal(stem_docs_of(f, "research"), 2);
    assert_int_equal(stem_docs_of(f, "only"), 1);
    /* a delete, in a transaction; the last briefing holding zebra goes */
    brief_fixture_exec(f->db, "BEGIN");
    assert_int_equal(brief_index_remove_id(f->idx, "a", NULL), BRIEF_OK);
    commit(f);
    assert_stems_are_fts5s(f->db);
    assert_int_equal(stem_docs_of(f, "zebra"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM stems"
                                                  " WHERE stem = 'zebra' OR docs <= 0"),
                     0);
    assert_int_equal(stem_docs_of(f, "yak"), 2);
    assert_int_equal(stem_docs_of(f, "research"), 1);
    /* a rolled back transaction counts nothing */
    brief_fixture_exec(f->db, "BEGIN");
    put(f, a, "h");
    brief_fixture_exec(f->db, "ROLLBACK");
    assert_stems_are_fts5s(f->db);
    assert_int_equal(stem_docs_of(f, "zebra"), 0);
    brief_doc_free(a);
    brief_doc_free(b);
    brief_doc_free(c);
    brief_doc_free(b2);
}

/* Counts made ahead in a batch (brief_prep.h) reach `words` and `stems`
 * as those of the briefings put, and not those of the briefings that were
 * not: one refused as a duplicate, one never put. */
static void batch_counts_only_the_briefings_put(void **state)
{
    brief_fixture_t *f = *state;
    brief_analyzer_t *an = brief_index_analyzer(f->idx);
    brief_doc_t *d[4];
    brief_index_prep_t *prep[4];
    brief_index_batch_t *batch = NULL;
    char *err = NULL;

    d[0] = small_doc("a", "Zebras and yaks crossing");
    d[1] = small_doc("b", "A zebra alone");
    d[2] = small_doc("a", "Quokkas, a duplicate id");   /* refused */
    d[3] = small_doc("c", "Wombats and a zebra");       /* never put */
    assert_int_equal(brief_index_batch_new(&batch), BRIEF_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(brief_index_prepare_batched(an, d[i], batch, &prep[i]), BRIEF_OK);
    assert_true(brief_index_batch_size(batch) > 0);
    brief_fixture_exec(f->db, "BEGIN");
    for (int i = 0; i < 3; i++) {
        brief_status_t status =
            brief_index_put_prepared(f->idx, d[i], &prep[i], "p", 0, "h", NULL, &err);
        assert_int_equal(status, i < 2 ? BRIEF_OK : BRIEF_ERR_INVALID);
        free(err);
        err = NULL;
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(brief_index_prep_discard(f->idx, prep[i], d[i]->id, NULL), BRIEF_OK);
    assert_int_equal(brief_index_batch_apply(f->idx, batch, NULL), BRIEF_OK);
    brief_index_batch_free(batch);
    commit(f);
    assert_stems_are_fts5s(f->db);
    assert_int_equal(word_freq(f->db, "zebra"), 1);
    assert_int_equal(word_freq(f->db, "zebras"), 1);
    assert_int_equal(word_freq(f->db, "quokkas"), 0);
    assert_int_equal(word_freq(f->db, "wombats"), 0);
    assert_int_equal(stem_docs_of(f, "zebra"), 2);
    assert_int_equal(stem_docs_of(f, "wombat"), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM words WHERE freq <= 0"),
                     0);
    for (int i = 0; i < 4; i++)
        brief_doc_free(d[i]);
}

/* A test run on a fixture of its own (setup above). */
#define WITH_INDEX(test) cmocka_unit_test_setup_teardown(test, setup, brief_fixture_teardown)

/* Docids follow dates whatever the order briefings come in, and a
 * transaction's FTS5 entries wait for brief_index_flush(): a COMMIT
 * without it fails rather than leave briefings no search finds. */
static void put_dated(brief_fixture_t *f, const char *id, const char *date, const char *text,
                      long long *docid)
{
    brief_doc_t *d = sample_doc(id, text);
    char *err = NULL;

    free(d->published);
    d->published = strdup(date);
    free(d->updated);
    d->updated = NULL;
    if (brief_index_put(f->idx, d, "p", 0, "h", docid, &err) != BRIEF_OK)
        fail_msg("put %s: %s", id, err ? err : "?");
    assert_int_equal(brief_docid_day(*docid), brief_date_to_day(date));
    brief_doc_free(d);
}

static void docids_follow_dates_and_entries_wait_for_the_flush(void **state)
{
    brief_fixture_t *f = *state;
    static const char *const dates[] = {"2024-03-01", "2019-07-15", "2026-01-02", "2024-03-01"};
    long long docid[4], again = 0;
    char id[32];
    int i, round;

    for (round = 0; round < 2; round++) {
        brief_fixture_exec(f->db, "BEGIN");
        for (i = 0; i < 4; i++) {
            snprintf(id, sizeof id, "dated-%d", i);
            put_dated(f, id, dates[i], "A harbour report.", &docid[i]);
        }
        assert_true(docid[1] < docid[0] && docid[0] < docid[2]);
        assert_int_equal(docid[3], docid[0] + 1); /* the next number of the same day */
        assert_int_equal(matches(f->db, "harbour"), 0); /* waiting */
        if (round == 1)
            break;
        /* Without the flush the COMMIT fails, and the transaction is gone. */
        assert_int_not_equal(sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        assert_non_null(strstr(sqlite3_errmsg(f->db), "brief_index_flush"));
        if (!sqlite3_get_autocommit(f->db))
            brief_fixture_exec(f->db, "ROLLBACK");
        assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM briefings"), 0);
    }
    commit(f);
    assert_int_equal(matches(f->db, "harbour"), 4);
    /* A removal, and another briefing of the same day taking its docid,
     * in one transaction: the old text goes before the new one comes. */
    brief_fixture_exec(f->db, "BEGIN");
    assert_int_equal(brief_index_remove_id(f->idx, "dated-3", NULL), BRIEF_OK);
    assert_int_equal(matches(f->db, "harbour"), 4); /* waiting too */
    put_dated(f, "dated-4", dates[3], "A market report.", &again);
    assert_int_equal(again, docid[3]);
    commit(f);
    assert_int_equal(matches(f->db, "harbour"), 3);
    assert_int_equal(matches(f->db, "market"), 1);
    brief_fixture_exec(f->db, "INSERT INTO search(search, rank) VALUES('integrity-check', 1)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WITH_INDEX(docids_follow_dates_and_entries_wait_for_the_flush),
        WITH_INDEX(put_stores_the_metadata_in_briefings),
        WITH_INDEX(absent_metadata_is_stored_as_null),
        WITH_INDEX(column_texts_join_their_parts_with_blank_lines),
        WITH_INDEX(passages_point_at_their_bodies_in_their_column),
        WITH_INDEX(search_finds_stemmed_words_in_the_right_columns),
        WITH_INDEX(words_counts_every_folded_occurrence),
        WITH_INDEX(words_skips_long_words_and_long_numbers),
        WITH_INDEX(words_are_the_analyzers_words),
        WITH_INDEX(upsert_replaces_the_text_and_the_counts),
        WITH_INDEX(upsert_of_a_new_id_inserts),
        WITH_INDEX(remove_leaves_nothing_of_the_briefing),
        WITH_INDEX(remove_by_docid_and_of_absent_briefings_is_ok),
        WITH_INDEX(lookup_gives_docid_and_hash_or_zero),
        WITH_INDEX(put_of_a_duplicate_id_fails_and_changes_nothing),
        WITH_INDEX(put_of_an_incomplete_briefing_is_invalid),
        WITH_INDEX(a_full_disk_is_reported_as_full),
        WITH_INDEX(many_briefings_in_one_transaction_add_up),
        WITH_INDEX(words_of_a_rolled_back_transaction_are_not_counted),
        WITH_INDEX(rollback_to_a_savepoint_drops_only_later_words),
        WITH_INDEX(a_failed_put_inside_a_transaction_leaves_no_counts),
        WITH_INDEX(closing_inside_a_transaction_discards_it),
        WITH_INDEX(updates_leave_the_index_a_fresh_build_would_make),
        WITH_INDEX(stems_count_the_briefings_holding_each_term),
        WITH_INDEX(batch_counts_only_the_briefings_put),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
