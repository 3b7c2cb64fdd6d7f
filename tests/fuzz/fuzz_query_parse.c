/* fuzz_query_parse.c - libFuzzer target: brief_query_parse on a small real index.
 * fuzz-requires: brief_query_parse brief_query_free brief_index_open
 *
 * LLVMFuzzerInitialize makes an index in a temporary folder holding two
 * briefings and a list of words (so word* expands). Any text must parse
 * (the parser never fails on odd input), and every FTS5 expression it
 * gives must be accepted by FTS5: an "fts5: syntax error" would mean user
 * text reached FTS5 unquoted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "brief_index.h"
#include "brief_query.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static brief_index_t *idx;
static sqlite3_stmt *match;
static char dir[256], path[300];

static void cleanup(void)
{
    brief_index_close(idx);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    char *msg = NULL;
    sqlite3 *db;

    (void)argc, (void)argv;
    snprintf(dir, sizeof dir, "%s/brief-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof path, "%s/index.db", dir);
    if (brief_index_open(path, BRIEF_OPEN_CREATE, "english", &idx, &msg) != BRIEF_OK) {
        fprintf(stderr, "fuzz_query_parse: %s\n", msg ? msg : "cannot make an index");
        abort();
    }
    atexit(cleanup);
    db = brief_index_db(idx);
    if (sqlite3_exec(db,
                     "INSERT INTO briefings(docid, id, path, hash, category, published, day,"
                     " title, speaker, quote, article) VALUES"
                     " (1, 'a', 'a.json', 'h', 'TECH', '2026-05-19', 20592,"
                     "  'Export controls tighten', 'Jane Doe analyst',"
                     "  'Regulating chips is hard', 'Evasion of rules'),"
                     " (2, 'b', 'b.json', 'h', 'POLITICS', '2023-10-17', 19647,"
                     "  'Chips act funds fabs', NULL, NULL, 'The law regulates exports');"
                     "INSERT INTO search(rowid, title, speaker, quote, article)"
                     " SELECT docid, title, speaker, quote, article FROM briefings;"
                     "INSERT INTO words VALUES ('evasion', 2), ('evasive', 1), ('export', 5),"
                     " ('exports', 3), ('regulating', 2), ('regulates', 1), ('chips', 4),"
                     " ('ai', 9), ('a', 3);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_query_parse: %s\n", sqlite3_errmsg(db));
        abort();
    }
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM search WHERE search MATCH ?1", -1, &match,
                           NULL) != SQLITE_OK)
        abort();
    return 0;
}

/* Runs expr (may be NULL) as a MATCH; any error but a missing one aborts. */
static void check_fts(const char *what, const char *expr, const char *input)
{
    int rc;

    if (expr == NULL)
        return;
    sqlite3_bind_text(match, 1, expr, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(match)) == SQLITE_ROW)
        ;
    sqlite3_reset(match);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "fuzz_query_parse: %s refused by FTS5: %s\n  input: %s\n  expr: %s\n",
                what, sqlite3_errmsg(brief_index_db(idx)), input, expr);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    brief_query_t *q = NULL;
    char *text;
    brief_status_t st;
    const char *const *list;
    int i, n;

    if (size > 2 * BRIEF_QUERY_MAX_BYTES)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    st = brief_query_parse(idx, text, size > 0 && data[0] == '+', &q);
    if (st != BRIEF_OK || q == NULL) {
        fprintf(stderr, "fuzz_query_parse: parse failed (%d) on: %s\n", st, text);
        abort();
    }
    check_fts("fts", brief_query_fts(q), text);
    check_fts("fts_any", brief_query_fts_any(q), text);
    check_fts("fts_exclude", brief_query_fts_exclude(q), text);
    /* touch every accessor so ASan sees bad strings */
    (void)strlen(brief_query_understood(q) ? brief_query_understood(q) : "");
    (void)strlen(brief_query_phrase_items(q) ? brief_query_phrase_items(q) : "");
    (void)strlen(brief_query_category(q) ? brief_query_category(q) : "");
    (void)brief_query_kinds(q);
    (void)brief_query_after_day(q);
    (void)brief_query_before_day(q);
    (void)brief_query_item_count(q);
    n = brief_query_warning_count(q);
    for (i = 0; i < n; i++)
        (void)strlen(brief_query_warning(q, i));
    for (list = brief_query_highlight_stems(q); list != NULL && *list != NULL; list++)
        (void)strlen(*list);
    for (list = brief_query_words(q); list != NULL && *list != NULL; list++)
        (void)strlen(*list);
    brief_query_free(q);
    free(text);
    return 0;
}
