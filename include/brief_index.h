/* brief_index.h - opening an index, its schema, and writing briefings into it. */
#ifndef BRIEF_INDEX_H
#define BRIEF_INDEX_H

#include <sqlite3.h>
#include "brief_doc.h"
#include "brief_status.h"

/* Version of the schema in lib/schema.c, kept in PRAGMA user_version. */
#define BRIEF_SCHEMA_VERSION 1

/* The application_id written into every index, so "not an index" is told
 * apart from "an index of another version". ('BrfS') */
#define BRIEF_APPLICATION_ID 0x42726653

/* FTS5 column weights for bm25(): title above headings and speakers, above
 * bodies. The order is the order of the columns of the "search" table. */
#define BRIEF_FTS_COLUMNS "title", "heading", "speaker", "names", "outlet", \
                          "article", "analysis", "quote"
#define BRIEF_BM25_WEIGHTS "10.0, 5.0, 5.0, 3.0, 2.0, 1.0, 1.0, 1.0"

typedef struct brief_index brief_index_t;

typedef enum {
    BRIEF_OPEN_READ = 0,  /* read-only, busy timeout set; for queries */
    BRIEF_OPEN_WRITE = 1, /* read-write on an existing index */
    BRIEF_OPEN_CREATE = 2 /* read-write; creates the schema when the file is new */
} brief_open_mode_t;

/* Opens the index at path. lang is the stemming language for a new index
 * (NULL: "english"); an existing index keeps the language it was made with.
 * Registers the snowball tokenizer on the connection.
 * Returns BRIEF_OK, BRIEF_ERR_NOT_INDEX (missing file when reading, or not an
 * SQLite database / not ours), BRIEF_ERR_VERSION, BRIEF_ERR_INVALID (unknown
 * language), BRIEF_ERR_IO, BRIEF_ERR_SQLITE. On failure *out is NULL and
 * *errmsg (when errmsg is non-NULL) is a message the caller frees, naming
 * the path: "'x.db' has schema version 7, this program reads version 1". */
brief_status_t brief_index_open(const char *path, brief_open_mode_t mode, const char *lang,
                                brief_index_t **out, char **errmsg);

/* Closes the index. brief_index_close(NULL) is harmless. */
void brief_index_close(brief_index_t *idx);

/* The connection, owned by the index. */
sqlite3 *brief_index_db(brief_index_t *idx);

/* The index's stemming language (owned by the index). */
const char *brief_index_lang(brief_index_t *idx);

/* The index's analyzer (owned by the index, made on first use), or NULL
 * when out of memory. */
struct brief_analyzer *brief_index_analyzer(brief_index_t *idx);

/* Generation: bumped by every reindex that changes something. *gen is 0
 * and *when is "" for a new index. *when is an ISO 8601 UTC time owned by
 * the caller (free()). */
brief_status_t brief_index_generation(brief_index_t *idx, long long *gen, char **when);

/* Creates the schema on an empty database connection (used by
 * brief_index_open and by tests). lang must be known. */
brief_status_t brief_schema_create(sqlite3 *db, const char *lang, char **errmsg);

/* Checks that db holds a briefing index of BRIEF_SCHEMA_VERSION. */
brief_status_t brief_schema_check(sqlite3 *db, const char *path, char **errmsg);

#endif
