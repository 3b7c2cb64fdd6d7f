/* fixture.c - helpers shared by the unit test programs: temporary folders and indexes, whole files, SQL, parsed documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "brief_parse.h"
#include "fixture.h"
#include "search_fixture.h"

brief_fixture_t *brief_fixture_new(const char *prefix, const char *file)
{
    brief_fixture_t *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");

    if (f == NULL)
        return NULL;
    snprintf(f->dir, sizeof f->dir, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return NULL;
    }
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, file);
    return f;
}

/* Prints why a fixture could not be made and frees it; returns NULL. */
static brief_fixture_t *fixture_failed(brief_fixture_t *f, char *err)
{
    fprintf(stderr, "fixture: %s\n", err ? err : "?");
    free(err);
    brief_fixture_free(f);
    return NULL;
}

brief_fixture_t *brief_fixture_new_index(const char *prefix)
{
    brief_fixture_t *f = brief_fixture_new(prefix, "index.db");
    char *err = NULL;

    if (f == NULL)
        return NULL;
    if (brief_index_open(f->path, BRIEF_OPEN_CREATE, "english", &f->idx, &err) != BRIEF_OK)
        return fixture_failed(f, err);
    f->db = brief_index_db(f->idx);
    return f;
}

brief_fixture_t *brief_fixture_new_corpus(const char *prefix, const char *data)
{
    char file[128];
    brief_fixture_t *f;
    char *err = NULL;

    snprintf(file, sizeof file, "%s.db", data);
    f = brief_fixture_new(prefix, file);
    if (f == NULL)
        return NULL;
    if (brief_fixture_index_dir(f->path, brief_fixture_data_dir(data), &err) != BRIEF_OK ||
        brief_index_open(f->path, BRIEF_OPEN_READ, NULL, &f->idx, &err) != BRIEF_OK)
        return fixture_failed(f, err);
    f->db = brief_index_db(f->idx);
    return f;
}

void brief_fixture_free(brief_fixture_t *f)
{
    static const char *const beside[] = {"", "-journal", "-wal", "-shm"};
    char path[sizeof f->path + 16];

    if (f == NULL)
        return;
    brief_index_close(f->idx);
    for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
        snprintf(path, sizeof path, "%s%s", f->path, beside[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
}

int brief_fixture_teardown(void **state)
{
    brief_fixture_free(*state);
    return 0;
}

char *brief_fixture_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

long long brief_fixture_sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

long long brief_fixture_matches(sqlite3 *db, const char *table, const char *expr)
{
    char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE \"%w\" MATCH ?1", table, table);
    sqlite3_stmt *st = NULL;
    long long n;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_free(sql);
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("'%s': %s", expr, sqlite3_errmsg(db));
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

void brief_fixture_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
}

brief_doc_t *brief_fixture_doc_from_json(const char *json)
{
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;
    brief_status_t rc = brief_parse_json(json, strlen(json), &doc, &err);

    if (rc != BRIEF_OK)
        print_error("unexpected rejection %d:%d: %s\n", err.line, err.column, err.reason);
    assert_int_equal(rc, BRIEF_OK);
    assert_non_null(doc);
    return doc;
}

static char *dup_or_null(const char *s)
{
    char *copy;

    if (s == NULL)
        return NULL;
    copy = strdup(s);
    assert_non_null(copy);
    return copy;
}

/* array grown by one zeroed element of size bytes at index n. */
static void *grow(void *array, size_t n, size_t size)
{
    char *bigger = realloc(array, (n + 1) * size);

    assert_non_null(bigger);
    memset(bigger + n * size, 0, size);
    return bigger;
}

void brief_fixture_add_string(char ***v, size_t *n, const char *s)
{
    *v = grow(*v, *n, sizeof **v);
    (*v)[(*n)++] = dup_or_null(s);
}

void brief_fixture_add_section(brief_doc_t *doc, const char *heading, const char *body)
{
    doc->analysis = grow(doc->analysis, doc->n_analysis, sizeof *doc->analysis);
    doc->analysis[doc->n_analysis++] = (brief_section_t){dup_or_null(heading), dup_or_null(body)};
}

void brief_fixture_add_article(brief_doc_t *doc, const char *title, const char *outlet,
                               const char *url, const char *published, const char *body)
{
    doc->articles = grow(doc->articles, doc->n_articles, sizeof *doc->articles);
    doc->articles[doc->n_articles++] =
        (brief_article_t){dup_or_null(title), dup_or_null(outlet), dup_or_null(url),
                          dup_or_null(published), dup_or_null(body)};
}

void brief_fixture_add_quote(brief_doc_t *doc, const char *text, const char *speaker,
                             const char *role, const char *date, brief_group_t group)
{
    doc->quotes = grow(doc->quotes, doc->n_quotes, sizeof *doc->quotes);
    doc->quotes[doc->n_quotes++] = (brief_quote_t){dup_or_null(text), dup_or_null(speaker),
                                                   dup_or_null(role), dup_or_null(date), group};
}

void brief_fixture_add_event(brief_doc_t *doc, const char *date, const char *event)
{
    doc->timeline = grow(doc->timeline, doc->n_timeline, sizeof *doc->timeline);
    doc->timeline[doc->n_timeline++] = (brief_event_t){dup_or_null(date), dup_or_null(event)};
}

void brief_fixture_add_player(brief_doc_t *doc, const char *name, const char *role)
{
    doc->players = grow(doc->players, doc->n_players, sizeof *doc->players);
    doc->players[doc->n_players++] = (brief_player_t){dup_or_null(name), dup_or_null(role)};
}
