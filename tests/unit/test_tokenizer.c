/* test_tokenizer.c - unit tests of the snowball FTS5 tokenizer and the analyzer (lib/tokenizer.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "brief_tokenizer.h"
#include "fixture.h"

/* Each test gets a fresh in-memory database with the tokenizer registered. */
static int setup_db(void **state)
{
    sqlite3 *db = NULL;

    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return -1;
    if (brief_tokenizer_register(db) != BRIEF_OK) {
        sqlite3_close(db);
        return -1;
    }
    *state = db;
    return 0;
}

static int teardown_db(void **state)
{
    sqlite3_close(*state);
    return 0;
}

/* Makes table t with tokenize='snowball <args>' holding one row of text
 * (length n, may hold NULs or invalid UTF-8) and its fts5vocab table v. */
static void make_table(sqlite3 *db, const char *args, const char *text, int n)
{
    char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE t USING fts5(x, tokenize=%Q);"
                                "CREATE VIRTUAL TABLE v USING fts5vocab(t, row);",
                                args);
    sqlite3_stmt *st = NULL;

    brief_fixture_exec(db, sql);
    sqlite3_free(sql);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(x) VALUES(?1)", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, text, n, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* The terms of v in order, joined by single spaces (caller frees). */
static char *vocab(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char *out = sqlite3_mprintf("%s", "");

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT term FROM v ORDER BY term", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *next = sqlite3_mprintf("%s%s%s", out, *out ? " " : "", sqlite3_column_text(st, 0));
        sqlite3_free(out);
        out = next;
    }
    sqlite3_finalize(st);
    return out;
}

static void assert_vocab(sqlite3 *db, const char *lang, const char *text, const char *want)
{
    char *got;

    make_table(db, lang, text, -1);
    got = vocab(db);
    assert_string_equal(got, want);
    sqlite3_free(got);
}

static int count_matches(sqlite3 *db, const char *query)
{
    return (int)brief_fixture_matches(db, "t", query);
}

static void english_running_and_runs_stem_to_run(void **state)
{
    assert_vocab(*state, "snowball english", "Running runs RUN", "run");
}

static void the_default_language_is_english(void **state)
{
    assert_vocab(*state, "snowball", "running connections", "connect run");
}

static void an_iso_code_names_a_language(void **state)
{
    assert_vocab(*state, "snowball de", "Häuser", "haus");
}

static void german_words_are_stemmed(void **state)
{
    assert_vocab(*state, "snowball german", "Häuser Haus Katzen", "haus katz");
}

static void french_words_are_stemmed(void **state)
{
    assert_vocab(*state, "snowball french", "continuation continuellement",
                 "continu continuel");
}

static void spanish_words_are_stemmed(void **state)
{
    assert_vocab(*state, "snowball spanish", "corriendo corrieron", "corr");
}

static void russian_cyrillic_words_are_stemmed(void **state)
{
    /* книги, книгами (books) -> книг; Москве, Москвы (Moscow) -> москв */
    assert_vocab(*state, "snowball russian", "Книги книгами Москве Москвы", "книг москв");
}

static void every_listed_language_can_create_a_table(void **state)
{
    sqlite3 *db = *state;
    const char **lang;
    int n = 0;

    for (lang = brief_languages(); *lang != NULL; lang++) {
        char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE \"t_%w\" USING fts5(x,"
                                    " tokenize='snowball %q');"
                                    "INSERT INTO \"t_%w\" VALUES('words and more words');",
                                    *lang, *lang, *lang);
        brief_fixture_exec(db, sql);
        sqlite3_free(sql);
        assert_true(brief_language_known(*lang));
        n++;
    }
    /* libstemmer 2.x has 29 algorithms; a short list means a broken one. */
    assert_true(n >= 20);
}

static void language_codes_and_names_are_known_and_others_not(void **state)
{
    (void)state;
    assert_true(brief_language_known("english"));
    assert_true(brief_language_known("en"));
    assert_true(brief_language_known("eng"));
    assert_true(brief_language_known("ger"));
    assert_true(brief_language_known("ru"));
    assert_false(brief_language_known("klingon"));
    assert_false(brief_language_known(""));
    assert_false(brief_language_known("English"));
    assert_false(brief_language_known(NULL));
}

static void diacritics_are_removed(void **state)
{
    assert_vocab(*state, "snowball english", "café naïve", "cafe naiv");
}

static void chinese_and_japanese_text_is_kept_as_unicode61_splits_it(void **state)
{
    /* unicode61 has no CJK word breaking: a run of ideographs or kana is
     * one token, and a space or punctuation splits it. */
    assert_vocab(*state, "snowball english", "北京 東京タワー、ラーメン",
                 "ラーメン 北京 東京タワー");
}

static void empty_text_gives_no_terms(void **state)
{
    assert_vocab(*state, "snowball english", "", "");
}

static void a_token_over_the_stemming_cap_is_indexed_unstemmed(void **state)
{
    sqlite3 *db = *state;
    char text[BRIEF_STEM_MAX_BYTES + 8], *got;

    /* one byte over the cap, ending in "ing", which stemming would drop */
    memset(text, 'a', BRIEF_STEM_MAX_BYTES - 2);
    memcpy(text + BRIEF_STEM_MAX_BYTES - 2, "ing", 4);
    assert_int_equal((int)strlen(text), BRIEF_STEM_MAX_BYTES + 1);
    make_table(db, "snowball english", text, -1);
    got = vocab(db);
    assert_string_equal(got, text);
    sqlite3_free(got);
}

static void a_token_at_the_stemming_cap_is_stemmed(void **state)
{
    sqlite3 *db = *state;
    char text[BRIEF_STEM_MAX_BYTES + 8], *got;

    memset(text, 'a', BRIEF_STEM_MAX_BYTES - 3);
    memcpy(text + BRIEF_STEM_MAX_BYTES - 3, "ing", 4);
    make_table(db, "snowball english", text, -1);
    got = vocab(db);
    assert_int_equal((int)strlen(got), BRIEF_STEM_MAX_BYTES - 3);
    sqlite3_free(got);
}

static void a_100kb_token_is_indexed_as_fts5_truncates_it(void **state)
{
    sqlite3 *db = *state;
    int n = 100 * 1024;
    char *text = malloc((size_t)n + 1);
    sqlite3_stmt *st = NULL;

    assert_non_null(text);
    memset(text, 'a', (size_t)n - 3);
    memcpy(text + n - 3, "ing", 4);
    make_table(db, "snowball english", text, n);
    /* FTS5 keeps the first 32768 bytes of a term (FTS5_MAX_TOKEN_SIZE) */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT length(term), term GLOB 'a*' FROM v", -1,
                                        &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 32768);
    assert_int_equal(sqlite3_column_int(st, 1), 1);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    free(text);
}

static void invalid_utf8_does_not_crash(void **state)
{
    sqlite3 *db = *state;
    /* lone continuation bytes, a truncated sequence, an overlong form,
     * a surrogate, 0xff and an embedded NUL */
    static const char bad[] = "ok \x80\xbf word\xc3 \xc0\xaf \xed\xa0\x80 \xff\xfe end\0 tail";
    char *got;

    make_table(db, "snowball english", bad, (int)sizeof bad - 1);
    got = vocab(db);
    assert_non_null(strstr(got, "ok"));
    assert_non_null(strstr(got, "end"));
    sqlite3_free(got);
    brief_fixture_exec(db, "INSERT INTO t(t) VALUES('integrity-check')");
}

static void an_unknown_language_makes_create_virtual_table_fail(void **state)
{
    sqlite3 *db = *state;
    int rc = sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball klingon')",
                          NULL, NULL, NULL);
    assert_int_equal(rc, SQLITE_ERROR);
    assert_string_equal(sqlite3_errmsg(db), "error in tokenizer constructor");
}

static void two_language_arguments_are_refused(void **state)
{
    sqlite3 *db = *state;
    int rc = sqlite3_exec(
        db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball english german')", NULL,
        NULL, NULL);
    assert_int_equal(rc, SQLITE_ERROR);
    assert_string_equal(sqlite3_errmsg(db), "error in tokenizer constructor");
}

static void a_query_word_finds_other_forms_of_it(void **state)
{
    sqlite3 *db = *state;

    make_table(db, "snowball english", "new bank regulations of the year", -1);
    assert_int_equal(count_matches(db, "regulating"), 1);
    assert_int_equal(count_matches(db, "regulations bank"), 1);
    assert_int_equal(count_matches(db, "\"banking regulated\""), 1);
    assert_int_equal(count_matches(db, "\"regulated banking\""), 0);
    assert_int_equal(count_matches(db, "regal"), 0);
}

static void a_prefix_query_matches_stems_by_their_unstemmed_prefix(void **state)
{
    sqlite3 *db = *state;

    /* indexed as "unit" "state" "regul"; a prefix is not stemmed, so
     * regul* and "unite stat"* (unite -> unit, stat prefix) match */
    make_table(db, "snowball english", "United States regulation", -1);
    assert_int_equal(count_matches(db, "regul*"), 1);
    assert_int_equal(count_matches(db, "\"unite stat\"*"), 1);
    assert_int_equal(count_matches(db, "regulat*"), 0);
}

/* The analyzer: collects "word/stem@start-end" strings. */
struct collected {
    char buf[1024];
    size_t len;
    int calls;
    int stop_after;
};

static int collect(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                   int start, int end)
{
    struct collected *c = ctx;
    int n = snprintf(c->buf + c->len, sizeof c->buf - c->len, "%s%.*s/%.*s@%d-%d",
                     c->len ? " " : "", n_word, word, n_stem, stem, start, end);
    if (n > 0)
        c->len += (size_t)n;
    c->calls++;
    return c->stop_after > 0 && c->calls >= c->stop_after;
}

static void the_analyzer_gives_words_stems_and_byte_offsets(void **state)
{
    brief_analyzer_t *an = NULL;
    struct collected c = {.len = 0};
    static const char text[] = "Café Running, naïve runs";

    assert_int_equal(brief_analyzer_new(*state, "english", &an, NULL), BRIEF_OK);
    assert_int_equal(brief_analyzer_run(an, text, (int)strlen(text), collect, &c), BRIEF_OK);
    /* "Café" is 5 bytes (é is two), "naïve" 6 */
    assert_string_equal(c.buf, "cafe/cafe@0-5 running/run@6-13 naive/naiv@15-21 runs/run@22-26");
    brief_analyzer_free(an);
}

/* Adds stem to the set " a b c " (sqlite3_malloc'd) unless it is there. */
static char *set_add(char *set, const char *stem, int n)
{
    char *pat = sqlite3_mprintf(" %.*s ", n, stem);
    char *out = set;

    if (strstr(set, pat) == NULL) {
        out = sqlite3_mprintf("%s%.*s ", set, n, stem);
        sqlite3_free(set);
    }
    sqlite3_free(pat);
    return out;
}

static int collect_stems(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                         int start, int end)
{
    char **set = ctx;

    (void)word, (void)n_word, (void)start, (void)end;
    *set = set_add(*set, stem, n_stem);
    return 0;
}

static void the_analyzer_gives_the_stems_the_index_holds(void **state)
{
    sqlite3 *db = *state;
    static const char text[] = "Die Häuser der Stadtverwaltung wurden verkauft; Straßen, Öl, "
                               "Ärzte und Übersetzungen";
    brief_analyzer_t *an = NULL;
    char *stems = sqlite3_mprintf(" ");
    char *indexed, *want;

    make_table(db, "snowball german", text, -1);
    indexed = vocab(db);
    want = sqlite3_mprintf(" %s ", indexed);
    assert_int_equal(brief_analyzer_new(db, "german", &an, NULL), BRIEF_OK);
    assert_int_equal(brief_analyzer_run(an, text, (int)strlen(text), collect_stems, &stems),
                     BRIEF_OK);
    /* vocab() is sorted; so is the analyzer's set once sorted the same way:
     * compare as sets by checking each side's size and membership */
    {
        char *copy = sqlite3_mprintf("%s", stems), *tok, *save = NULL, *p;
        int n_an = 0, n_idx = 0;
        for (p = copy; (tok = strtok_r(p, " ", &save)) != NULL; p = NULL) {
            char *pat = sqlite3_mprintf(" %s ", tok);
            if (strstr(want, pat) == NULL)
                fail_msg("analyzer stem '%s' is not in the index: %s", tok, indexed);
            sqlite3_free(pat);
            n_an++;
        }
        for (p = indexed; *p; p++)
            n_idx += *p == ' ';
        assert_int_equal(n_an, n_idx + 1);
        sqlite3_free(copy);
    }
    assert_non_null(strstr(stems, " haus "));
    assert_non_null(strstr(stems, " strass "));
    brief_analyzer_free(an);
    sqlite3_free(indexed);
    sqlite3_free(want);
    sqlite3_free(stems);
}

static void the_analyzer_stems_one_word_like_the_index(void **state)
{
    brief_analyzer_t *an = NULL;
    const char *stem;
    int n = 0;
    char longword[BRIEF_STEM_MAX_BYTES + 1];

    assert_int_equal(brief_analyzer_new(*state, "en", &an, NULL), BRIEF_OK);
    stem = brief_analyzer_stem(an, "regulating", 10, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(stem, "regul", 5);
    memset(longword, 's', sizeof longword);
    stem = brief_analyzer_stem(an, longword, (int)sizeof longword, &n);
    assert_int_equal(n, (int)sizeof longword);
    assert_ptr_equal(stem, longword);
    brief_analyzer_free(an);
}

static void the_analyzer_stops_when_the_callback_says_so(void **state)
{
    brief_analyzer_t *an = NULL;
    struct collected c = {.len = 0, .stop_after = 2};

    assert_int_equal(brief_analyzer_new(*state, "english", &an, NULL), BRIEF_OK);
    assert_int_equal(brief_analyzer_run(an, "one two three four", 18, collect, &c),
                     BRIEF_ERR_LIMIT);
    assert_int_equal(c.calls, 2);
    brief_analyzer_free(an);
}

static void the_analyzer_refuses_an_unknown_language(void **state)
{
    brief_analyzer_t *an = (brief_analyzer_t *)state; /* any non-NULL value */
    char *msg = NULL;

    assert_int_equal(brief_analyzer_new(*state, "klingon", &an, &msg), BRIEF_ERR_INVALID);
    assert_null(an);
    assert_string_equal(msg, "unknown stemming language 'klingon'");
    free(msg);
    brief_analyzer_free(NULL);
}

static void the_analyzer_on_empty_text_calls_nothing(void **state)
{
    brief_analyzer_t *an = NULL;
    struct collected c = {.len = 0};

    assert_int_equal(brief_analyzer_new(*state, "english", &an, NULL), BRIEF_OK);
    assert_int_equal(brief_analyzer_run(an, "", 0, collect, &c), BRIEF_OK);
    assert_int_equal(brief_analyzer_run(an, " ,;- ", 5, collect, &c), BRIEF_OK);
    assert_int_equal(c.calls, 0);
    brief_analyzer_free(an);
}

/* Highlighting asks only for tokens whose stems start with given bytes:
 * in English it gets exactly those (the rest are not even stemmed), with
 * the stems and offsets a full run gives; the English exceptions (dying ->
 * die, skies -> sky, early -> earli) keep their first letter. In another
 * language every token still comes. */
static void a_run_for_some_first_bytes_gives_exactly_those_tokens(void **state)
{
    brief_analyzer_t *an = NULL, *de = NULL;
    struct collected all = {.len = 0}, some = {.len = 0}, want = {.len = 0}, g = {.len = 0};
    static const char text[] = "Dying skies, early Über dying lies; Sky 42 d";
    unsigned char first[256] = {0};
    char *p, *tok;

    first['d'] = first['s'] = 1;
    assert_int_equal(brief_analyzer_new(*state, "english", &an, NULL), BRIEF_OK);
    assert_int_equal(brief_analyzer_run(an, text, (int)strlen(text), collect, &all), BRIEF_OK);
    assert_int_equal(brief_analyzer_run_some(an, text, (int)strlen(text), first, collect, &some),
                     BRIEF_OK);
    /* want: the tokens of the full run whose stem starts with d or s */
    for (tok = strtok_r(all.buf, " ", &p); tok != NULL; tok = strtok_r(NULL, " ", &p)) {
        const char *stem = strchr(tok, '/') + 1;
        if (first[(unsigned char)stem[0]])
            want.len += (size_t)snprintf(want.buf + want.len, sizeof want.buf - want.len, "%s%s",
                                         want.len ? " " : "", tok);
    }
    assert_string_equal(some.buf, want.buf);
    assert_string_equal(some.buf, "dying/die@0-5 skies/sky@6-11 dying/die@25-30 sky/sky@37-40 "
                                  "d/d@44-45");
    assert_int_equal(brief_analyzer_new(*state, "german", &de, NULL), BRIEF_OK);
    assert_int_equal(brief_analyzer_run_some(de, text, (int)strlen(text), first, collect, &g),
                     BRIEF_OK);
    assert_int_equal(g.calls, 9); /* every token */
    brief_analyzer_free(an);
    brief_analyzer_free(de);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_db, teardown_db)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(english_running_and_runs_stem_to_run),
        T(the_default_language_is_english),
        T(an_iso_code_names_a_language),
        T(german_words_are_stemmed),
        T(french_words_are_stemmed),
        T(spanish_words_are_stemmed),
        T(russian_cyrillic_words_are_stemmed),
        T(every_listed_language_can_create_a_table),
        T(language_codes_and_names_are_known_and_others_not),
        T(diacritics_are_removed),
        T(chinese_and_japanese_text_is_kept_as_unicode61_splits_it),
        T(empty_text_gives_no_terms),
        T(a_token_over_the_stemming_cap_is_indexed_unstemmed),
        T(a_token_at_the_stemming_cap_is_stemmed),
        T(a_100kb_token_is_indexed_as_fts5_truncates_it),
        T(invalid_utf8_does_not_crash),
        T(an_unknown_language_makes_create_virtual_table_fail),
        T(two_language_arguments_are_refused),
        T(a_query_word_finds_other_forms_of_it),
        T(a_prefix_query_matches_stems_by_their_unstemmed_prefix),
        T(the_analyzer_gives_words_stems_and_byte_offsets),
        T(the_analyzer_gives_the_stems_the_index_holds),
        T(the_analyzer_stems_one_word_like_the_index),
        T(the_analyzer_stops_when_the_callback_says_so),
        T(the_analyzer_refuses_an_unknown_language),
        T(a_run_for_some_first_bytes_gives_exactly_those_tokens),
        T(the_analyzer_on_empty_text_calls_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
