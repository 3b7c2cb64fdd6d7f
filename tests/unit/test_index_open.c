/* test_index_open.c - unit tests of brief_index_open and the schema check (lib/index.c, lib/schema.c). */
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

#include "brief_index.h"
#include "brief_tokenizer.h"
#include "fixture.h"

/* Each test gets a fresh temporary folder; *state is a brief_fixture_t
 * whose path is "index.db" inside it (not created). */
static int setup_dir(void **state)
{
    *state = brief_fixture_new("brief-unit", "index.db");
    return *state != NULL ? 0 : -1;
}

static const char *path_of(void **state)
{
    return ((brief_fixture_t *)*state)->path;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static void exec_on_file(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    brief_fixture_exec(db, sql);
    sqlite3_close(db);
}

static void create_index(const char *path, const char *lang)
{
    brief_index_t *idx = NULL;
    char *msg = NULL;

    assert_int_equal(brief_index_open(path, BRIEF_OPEN_CREATE, lang, &idx, &msg), BRIEF_OK);
    assert_null(msg);
    brief_index_close(idx);
}

static void a_new_index_gets_the_schema_version_and_application_id(void **state)
{
    brief_index_t *idx = NULL;
    sqlite3 *db;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_CREATE, NULL, &idx, NULL),
                     BRIEF_OK);
    assert_non_null(idx);
    db = brief_index_db(idx);
    assert_int_equal(brief_fixture_sql_int(db, "PRAGMA user_version"), BRIEF_SCHEMA_VERSION);
    assert_int_equal(brief_fixture_sql_int(db, "PRAGMA application_id"), BRIEF_APPLICATION_ID);
    assert_int_equal(brief_fixture_sql_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                   " ('meta','files','briefings','passages','words','search')"),
                     6);
    /* Schema 4: the part is a code, kind and col are derived from it; rows
     * are numbered in arrival order (serial), docid is a unique key. */
    assert_int_equal(brief_fixture_sql_int(
                         db, "SELECT group_concat(name, ',') = 'serial,seq,part,off,len,heading,"
                             "speaker,role,outlet,url,date' FROM pragma_table_info('passages')"),
                     1);
    assert_int_equal(brief_fixture_sql_int(db, "SELECT pk = 1 FROM pragma_table_info('briefings')"
                                               " WHERE name = 'serial'"),
                     1);
    assert_int_equal(brief_fixture_sql_int(db, "SELECT type = 'INTEGER' FROM"
                                               " pragma_table_info('passages') WHERE name = 'part'"),
                     1);
    assert_string_equal(brief_index_lang(idx), "english");
    brief_index_close(idx);
}

static void a_new_index_keeps_the_language_it_was_made_with(void **state)
{
    brief_index_t *idx = NULL;

    create_index(path_of(state), "german");
    /* reopening with another language keeps the index's own */
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_WRITE, "french", &idx, NULL),
                     BRIEF_OK);
    assert_string_equal(brief_index_lang(idx), "german");
    brief_index_close(idx);
}

static void the_search_table_stems_with_the_index_language(void **state)
{
    brief_index_t *idx = NULL;
    sqlite3 *db;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_CREATE, "german", &idx, NULL),
                     BRIEF_OK);
    db = brief_index_db(idx);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO briefings(docid, id, path, hash, published, day,"
                                  " title) VALUES(1, 'a', 'a.json', 'h', '2026-01-01', 1,"
                                  " 'Häuser');"
                                  "INSERT INTO search(rowid, title) VALUES(1, 'Häuser');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(
        brief_fixture_sql_int(db, "SELECT count(*) FROM search WHERE search MATCH 'haus'"), 1);
    brief_index_close(idx);
}

static void a_new_index_reopens_read_only(void **state)
{
    brief_index_t *idx = NULL;
    char *msg = NULL;
    sqlite3 *db;

    create_index(path_of(state), "english");
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, &msg),
                     BRIEF_OK);
    assert_null(msg);
    db = brief_index_db(idx);
    assert_int_equal(sqlite3_db_readonly(db, "main"), 1);
    assert_int_equal(brief_fixture_sql_int(db, "SELECT count(*) FROM briefings"), 0);
    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO words VALUES('x', 1)", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_string_equal(brief_index_lang(idx), "english");
    brief_index_close(idx);
}

static void a_new_index_is_at_generation_zero(void **state)
{
    brief_index_t *idx = NULL;
    long long gen = -1;
    char *when = NULL;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_CREATE, NULL, &idx, NULL),
                     BRIEF_OK);
    assert_int_equal(brief_index_generation(idx, &gen, &when), BRIEF_OK);
    assert_int_equal(gen, 0);
    assert_string_equal(when, "");
    free(when);
    brief_index_close(idx);
}

/* Opening the index in mode fails with the message of another schema
 * version, and leaves *out NULL. */
static void assert_version_refused(void **state, brief_open_mode_t mode, int version)
{
    brief_index_t *idx = (brief_index_t *)state; /* any non-NULL value */
    char *msg = NULL;
    char *want = sqlite3_mprintf("'%s' has schema version %d, this program reads version 5",
                                 path_of(state), version);

    assert_int_equal(brief_index_open(path_of(state), mode, NULL, &idx, &msg),
                     BRIEF_ERR_VERSION);
    assert_null(idx);
    assert_string_equal(msg, want);
    sqlite3_free(want);
    free(msg);
}

static void another_schema_version_is_refused_with_its_number(void **state)
{
    create_index(path_of(state), "english");
    exec_on_file(path_of(state), "PRAGMA user_version = 7");
    assert_version_refused(state, BRIEF_OPEN_READ, 7);
}

static void another_schema_version_is_refused_for_writing_too(void **state)
{
    create_index(path_of(state), "english");
    exec_on_file(path_of(state), "PRAGMA user_version = 7");
    assert_version_refused(state, BRIEF_OPEN_CREATE, 7);
}

/* An index of schema 3, the one before: passages with kind, part and col
 * as words. It is refused like any other version, for reading and for
 * writing (the indexer then exits 2 and leaves it alone). */
static void a_schema_3_index_is_refused(void **state)
{
    create_index(path_of(state), "english");
    exec_on_file(path_of(state),
                 "DROP TABLE passages;"
                 "CREATE TABLE passages(docid INTEGER NOT NULL, seq INTEGER NOT NULL,"
                 " kind TEXT NOT NULL CHECK (kind IN ('article','analysis','quote')),"
                 " part TEXT NOT NULL, col TEXT NOT NULL, off INTEGER NOT NULL,"
                 " len INTEGER NOT NULL, heading TEXT, speaker TEXT, role TEXT, outlet TEXT,"
                 " url TEXT, date TEXT, PRIMARY KEY (docid, seq)) WITHOUT ROWID;"
                 "PRAGMA user_version = 3");
    assert_version_refused(state, BRIEF_OPEN_READ, 3);
    assert_version_refused(state, BRIEF_OPEN_WRITE, 3);
}

/* Every part code has its own name and the kind whose range holds it;
 * the ranges follow each other and cover the codes. */
static void part_codes_round_trip_and_kinds_are_ranges(void **state)
{
    static const struct {
        int code;
        const char *name, *kind;
    } want[] = {
        {BRIEF_PART_OVERVIEW, "overview", "article"}, {BRIEF_PART_TIMELINE, "timeline", "article"},
        {BRIEF_PART_PLAYER, "player", "article"},     {BRIEF_PART_CITED, "cited", "article"},
        {BRIEF_PART_BROADCAST, "broadcast", "article"}, {BRIEF_PART_SECTION, "section", "analysis"},
        {BRIEF_PART_ANALYST, "analyst", "quote"},     {BRIEF_PART_CROWD, "crowd", "quote"},
        {BRIEF_PART_QUOTE, "quote", "quote"},
    };
    size_t n = sizeof want / sizeof want[0];
    (void)state;

    assert_int_equal(n, BRIEF_PART_COUNT);
    for (size_t i = 0; i < n; i++) {
        int code = want[i].code, back = -1;
        const char *kind = brief_part_kind(code);

        assert_true(code >= 0 && code < BRIEF_PART_COUNT);
        assert_non_null(brief_part_name(code));
        assert_string_equal(brief_part_name(code), want[i].name);
        assert_non_null(kind);
        assert_string_equal(kind, want[i].kind);
        /* name -> code: the one code of that name */
        for (int c = 0; c < BRIEF_PART_COUNT; c++) {
            assert_non_null(brief_part_name(c));
            if (strcmp(brief_part_name(c), want[i].name) == 0) {
                assert_int_equal(back, -1);
                back = c;
            }
        }
        assert_int_equal(back, code);
        /* the kind is the range the code is in */
        assert_int_equal(strcmp(kind, "article") == 0,
                         code >= BRIEF_PART_ARTICLE_FIRST && code <= BRIEF_PART_ARTICLE_LAST);
        assert_int_equal(strcmp(kind, "analysis") == 0,
                         code >= BRIEF_PART_ANALYSIS_FIRST && code <= BRIEF_PART_ANALYSIS_LAST);
        assert_int_equal(strcmp(kind, "quote") == 0,
                         code >= BRIEF_PART_QUOTE_FIRST && code <= BRIEF_PART_QUOTE_LAST);
    }
    assert_int_equal(BRIEF_PART_ARTICLE_FIRST, 0);
    assert_int_equal(BRIEF_PART_ANALYSIS_FIRST, BRIEF_PART_ARTICLE_LAST + 1);
    assert_int_equal(BRIEF_PART_QUOTE_FIRST, BRIEF_PART_ANALYSIS_LAST + 1);
    assert_int_equal(BRIEF_PART_QUOTE_LAST, BRIEF_PART_COUNT - 1);
    assert_null(brief_part_name(-1));
    assert_null(brief_part_kind(-1));
    assert_null(brief_part_name(BRIEF_PART_COUNT));
    assert_null(brief_part_kind(BRIEF_PART_COUNT));
}

static void a_garbage_file_is_not_an_index(void **state)
{
    static const char garbage[] = "this is not an SQLite database, only some words in a "
                                  "file that is long enough to hold a header......"
                                  "................................................";
    brief_index_t *idx = NULL;
    char *msg = NULL;

    write_file(path_of(state), garbage, sizeof garbage);
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, &msg),
                     BRIEF_ERR_NOT_INDEX);
    assert_null(idx);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "is not a briefing index"));
    free(msg);
    msg = NULL;
    /* creating over it must not overwrite it either */
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_CREATE, NULL, &idx, &msg),
                     BRIEF_ERR_NOT_INDEX);
    free(msg);
}

static void a_tiny_text_file_is_not_an_index(void **state)
{
    brief_index_t *idx = NULL;

    write_file(path_of(state), "hello\n", 6);
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, NULL),
                     BRIEF_ERR_NOT_INDEX);
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_WRITE, NULL, &idx, NULL),
                     BRIEF_ERR_NOT_INDEX);
    assert_null(idx);
}

static void a_plain_sqlite_database_is_not_an_index(void **state)
{
    brief_index_t *idx = NULL;
    char *msg = NULL, *want;

    exec_on_file(path_of(state), "CREATE TABLE notes(x); PRAGMA user_version = 1");
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, &msg),
                     BRIEF_ERR_NOT_INDEX);
    assert_null(idx);
    want = sqlite3_mprintf("'%s' is not a briefing index", path_of(state));
    assert_string_equal(msg, want);
    sqlite3_free(want);
    free(msg);
}

static void an_empty_file_is_not_an_index_when_reading(void **state)
{
    brief_index_t *idx = NULL;

    write_file(path_of(state), "", 0);
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, NULL),
                     BRIEF_ERR_NOT_INDEX);
    assert_null(idx);
}

static void a_missing_file_is_not_an_index_when_reading(void **state)
{
    brief_index_t *idx = (brief_index_t *)state;
    char *msg = NULL;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, &msg),
                     BRIEF_ERR_NOT_INDEX);
    assert_null(idx);
    assert_non_null(msg);
    assert_non_null(strstr(msg, path_of(state)));
    assert_non_null(strstr(msg, "No such file or directory"));
    free(msg);
    /* and reading did not create it */
    assert_int_not_equal(access(path_of(state), F_OK), 0);
}

static void a_missing_file_is_not_an_index_for_writing(void **state)
{
    brief_index_t *idx = NULL;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_WRITE, NULL, &idx, NULL),
                     BRIEF_ERR_NOT_INDEX);
    assert_int_not_equal(access(path_of(state), F_OK), 0);
}

static void an_unknown_language_is_invalid(void **state)
{
    brief_index_t *idx = (brief_index_t *)state;
    char *msg = NULL;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_CREATE, "klingon", &idx, &msg),
                     BRIEF_ERR_INVALID);
    assert_null(idx);
    assert_string_equal(msg, "unknown stemming language 'klingon'");
    free(msg);
    assert_int_not_equal(access(path_of(state), F_OK), 0);
}

static void a_language_code_makes_an_index(void **state)
{
    brief_index_t *idx = NULL;

    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_CREATE, "ru", &idx, NULL),
                     BRIEF_OK);
    assert_string_equal(brief_index_lang(idx), "ru");
    brief_index_close(idx);
}

static void the_index_analyzer_uses_the_index_language(void **state)
{
    brief_index_t *idx = NULL;
    brief_analyzer_t *an;
    const char *stem;
    int n = 0;

    create_index(path_of(state), "german");
    assert_int_equal(brief_index_open(path_of(state), BRIEF_OPEN_READ, NULL, &idx, NULL),
                     BRIEF_OK);
    an = brief_index_analyzer(idx);
    assert_non_null(an);
    assert_ptr_equal(brief_index_analyzer(idx), an);
    stem = brief_analyzer_stem(an, "katzen", 6, &n);
    assert_int_equal(n, 4);
    assert_memory_equal(stem, "katz", 4);
    brief_index_close(idx);
}

static void closing_null_is_harmless(void **state)
{
    (void)state;
    brief_index_close(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, brief_fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_new_index_gets_the_schema_version_and_application_id),
        T(a_new_index_keeps_the_language_it_was_made_with),
        T(the_search_table_stems_with_the_index_language),
        T(a_new_index_reopens_read_only),
        T(a_new_index_is_at_generation_zero),
        T(another_schema_version_is_refused_with_its_number),
        T(another_schema_version_is_refused_for_writing_too),
        T(a_schema_3_index_is_refused),
        T(part_codes_round_trip_and_kinds_are_ranges),
        T(a_garbage_file_is_not_an_index),
        T(a_tiny_text_file_is_not_an_index),
        T(a_plain_sqlite_database_is_not_an_index),
        T(an_empty_file_is_not_an_index_when_reading),
        T(a_missing_file_is_not_an_index_when_reading),
        T(a_missing_file_is_not_an_index_for_writing),
        T(an_unknown_language_is_invalid),
        T(a_language_code_makes_an_index),
        T(the_index_analyzer_uses_the_index_language),
        T(closing_null_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
