/* fixture.h - helpers shared by the unit test programs: temporary folders and indexes, whole files, SQL, parsed documents. */
#ifndef BRIEF_FIXTURE_H
#define BRIEF_FIXTURE_H

#include <stddef.h>

#include <sqlite3.h>

#include "brief_doc.h"
#include "brief_index.h"

/* A temporary folder, the path of one file in it, and the index open
 * there if any (db is its connection). */
typedef struct {
    char dir[256];
    char path[300];
    brief_index_t *idx;
    sqlite3 *db;
} brief_fixture_t;

/* Makes the folder "$TMPDIR/<prefix>.XXXXXX" (TMPDIR empty or unset: /tmp)
 * and sets path to "<folder>/<file>" (not created). NULL on failure. */
brief_fixture_t *brief_fixture_new(const char *prefix, const char *file);

/* brief_fixture_new(prefix, "index.db") with a new, empty index (english)
 * open there for writing. NULL on failure, with the reason on stderr. */
brief_fixture_t *brief_fixture_new_index(const char *prefix);

/* brief_fixture_new(prefix, "<data>.db") holding every briefing of
 * tests/data/<data> (see brief_fixture_index_dir), open for reading.
 * NULL on failure, with the reason on stderr. */
brief_fixture_t *brief_fixture_new_corpus(const char *prefix, const char *data);

/* Closes the index, removes the file (with any -journal, -wal, -shm beside
 * it) and the folder, and frees f. NULL is harmless. */
void brief_fixture_free(brief_fixture_t *f);

/* A cmocka teardown: brief_fixture_free(*state). */
int brief_fixture_teardown(void **state);

/* A whole file as a malloc'd NUL-terminated buffer, its size in *len;
 * NULL when it cannot be read. */
char *brief_fixture_read_file(const char *path, size_t *len);

/* The first column of the first row sql gives (-1 when it gives no row);
 * an SQL error fails the test. */
long long brief_fixture_sql_int(sqlite3 *db, const char *sql);

/* The number of rows of the FTS5 table that the expression expr matches;
 * any SQLite error (such as "fts5: syntax error") fails the test. */
long long brief_fixture_matches(sqlite3 *db, const char *table, const char *expr);

/* Runs sql; an error fails the test, with SQLite's message. */
void brief_fixture_exec(sqlite3 *db, const char *sql);

/* Parses the JSON text of a briefing, which must be accepted (a rejection
 * fails the test, with its place and reason). */
brief_doc_t *brief_fixture_doc_from_json(const char *json);

/* Appends to the arrays of a document built by hand, copying each string
 * (NULL stays NULL); running out of memory fails the test. */
void brief_fixture_add_string(char ***v, size_t *n, const char *s);
void brief_fixture_add_section(brief_doc_t *doc, const char *heading, const char *body);
void brief_fixture_add_article(brief_doc_t *doc, const char *title, const char *outlet,
                               const char *url, const char *published, const char *body);
void brief_fixture_add_quote(brief_doc_t *doc, const char *text, const char *speaker,
                             const char *role, const char *date, brief_group_t group);
void brief_fixture_add_event(brief_doc_t *doc, const char *date, const char *event);
void brief_fixture_add_player(brief_doc_t *doc, const char *name, const char *role);

#endif
