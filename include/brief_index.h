/* brief_index.h - opening an index, its schema, and writing briefings into it. */
#ifndef BRIEF_INDEX_H
#define BRIEF_INDEX_H

#include <sqlite3.h>
#include "brief_doc.h"
#include "brief_status.h"

/* Version of the schema in lib/schema.c, kept in PRAGMA user_version.
 * 4: passages.part is a BRIEF_PART_* code; kind and col are gone.
 * 5: the `pairs` table, the filter of adjacent stems (brief_pairs.h). */
#define BRIEF_SCHEMA_VERSION 5

/* The parts of a briefing that are passages, as stored in passages.part
 * (the table at the top of lib/index_write.c says what each one is). Each
 * kind of passage is one contiguous range of codes, so a filter on the
 * kind is `part BETWEEN first AND last`. The codes are plain numbers, not
 * an enum, so SQL text can be made of them (#define S(x) #x). They are
 * part of the file format: changing one changes BRIEF_SCHEMA_VERSION. */
#define BRIEF_PART_OVERVIEW 0  /* kind article */
#define BRIEF_PART_TIMELINE 1  /* kind article */
#define BRIEF_PART_PLAYER 2    /* kind article */
#define BRIEF_PART_CITED 3     /* kind article */
#define BRIEF_PART_BROADCAST 4 /* kind article */
#define BRIEF_PART_SECTION 5   /* kind analysis */
#define BRIEF_PART_ANALYST 6   /* kind quote */
#define BRIEF_PART_CROWD 7     /* kind quote */
#define BRIEF_PART_QUOTE 8     /* kind quote */
#define BRIEF_PART_COUNT 9

#define BRIEF_PART_ARTICLE_FIRST 0
#define BRIEF_PART_ARTICLE_LAST 4
#define BRIEF_PART_ANALYSIS_FIRST 5
#define BRIEF_PART_ANALYSIS_LAST 5
#define BRIEF_PART_QUOTE_FIRST 6
#define BRIEF_PART_QUOTE_LAST 8

/* The name of a part code ("overview", "timeline", "player", "cited",
 * "broadcast", "section", "analyst", "crowd", "quote"), a static string;
 * NULL for a number that is no part code. */
const char *brief_part_name(int part);

/* The kind of a part code ("article", "analysis" or "quote"), a static
 * string, which is also the name of the `briefings` column holding the
 * passage's body; NULL for a number that is no part code. */
const char *brief_part_kind(int part);

/* The application_id written into every index, so "not an index" is told
 * apart from "an index of another version". ('BrfS') */
#define BRIEF_APPLICATION_ID 0x42726653

/* FTS5 column weights for bm25(): title above headings and speakers, above
 * bodies. The order is the order of the columns of the "search" table. */
#define BRIEF_FTS_COLUMNS "title", "heading", "speaker", "names", "outlet", \
                          "article", "analysis", "quote"
#define BRIEF_BM25_WEIGHTS "10.0, 5.0, 5.0, 3.0, 2.0, 1.0, 1.0, 1.0"

typedef struct brief_index brief_index_t;

/* Docids carry the briefing's day (days since 1970 of the later of
 * published and updated, brief_doc_day()) in their high bits: docid order
 * is date order, so a query can walk its matches newest first and stop as
 * soon as nothing older can reach the page (lib/rank.c), a date filter is a
 * rowid range FTS5 seeks to, and no reader has to load the days. A day
 * holds up to BRIEF_DOCIDS_PER_DAY (65,536) briefings; the bias keeps
 * every day the date parser accepts (years 0000 to 9999) positive. FTS5
 * stores each hit's docid as a varint delta from the one before, so the
 * fewer day bits the smaller the index: 20 bits made the FTS5 data of
 * 20,000 briefings 80.2 MB, 16 bits 76.5 MB, 12 bits 71.8 MB (sequential
 * docids: 61.8 MB); 16 keeps room for a bulk import on one date. */
#define BRIEF_DOCID_DAY_BITS 16
#define BRIEF_DOCIDS_PER_DAY (1LL << BRIEF_DOCID_DAY_BITS)
#define BRIEF_DAY_BIAS 1048576LL
#define brief_docid_first(day) (((long long)(day) + BRIEF_DAY_BIAS) << BRIEF_DOCID_DAY_BITS)
#define brief_docid_day(docid) ((long)(((long long)(docid) >> BRIEF_DOCID_DAY_BITS) - BRIEF_DAY_BIAS))

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

/* Writing
 *
 * These functions turn one parsed briefing into rows of the index: its
 * `briefings` row (metadata and the eight column texts), its FTS5 row in
 * `search`, its `passages` rows and its words' counts in `words` (see
 * lib/schema.c; the table at the top of lib/index_write.c says which part
 * of a briefing goes to which column and passage). passages.off and
 * passages.len are the 0-based BYTE offset and length of a passage's body
 * in its column of `briefings` (substr() counts characters: cut the text
 * as a blob); a passage without a body has len 0 and is shown by its
 * heading.
 *
 * They run statements on the index's connection and open no transaction:
 * the caller wraps them in one (BEGIN ... COMMIT). When a call fails with
 * BRIEF_ERR_FULL, BRIEF_ERR_NOMEM or BRIEF_ERR_SQLITE it may have written
 * part of a briefing, so the caller rolls back (after SQLITE_FULL or
 * SQLITE_NOMEM SQLite may already have done so: check
 * sqlite3_get_autocommit() before a ROLLBACK). A failure with
 * BRIEF_ERR_INVALID writes nothing. The index must be open for writing.
 *
 * Statements are prepared on first use and kept until brief_index_close().
 * Inside a transaction, FTS5 entries wait (in temporary tables) for
 * brief_index_flush(), which writes them in docid order; the caller calls
 * it before COMMIT, and a COMMIT with entries still waiting fails. Outside
 * one, each call writes its FTS5 entries at once.
 * Inside a transaction, changes to `words` are kept in memory and written
 * when the transaction commits (or at a SAVEPOINT; ROLLBACK and ROLLBACK TO
 * drop them), through the no-op virtual table brief_words_pending that the
 * first write call registers on the connection; outside one, at the end of
 * each call. A COMMIT can therefore fail as a write would (disk full).
 *
 * Every call sets *errmsg (when errmsg is non-NULL) to a message the caller
 * frees on failure, naming the briefing: "duplicate briefing id 'x'". */

/* Inserts doc as a new briefing. doc->id, doc->title and doc->published
 * must be set, published must be a date brief_date_to_day() reads, and
 * doc->id must not be in the index yet. source_path (required) and
 * source_line (0 for .json/.txt, the line for .jsonl) say where it came
 * from; hash (required) is the hex content hash the caller computed; both
 * are stored as given. *docid (docid may be NULL) receives the new docid.
 * Returns BRIEF_OK; BRIEF_ERR_INVALID for a missing id, title, published,
 * path or hash, an unreadable published date, a column text over 2 GB, or
 * "duplicate briefing id 'x'"; BRIEF_ERR_FULL (disk full), BRIEF_ERR_NOMEM, BRIEF_ERR_SQLITE (any
 * other SQLite failure, with sqlite3_errmsg() in the message). */
brief_status_t brief_index_put(brief_index_t *idx, const brief_doc_t *doc, const char *source_path,
                               long source_line, const char *hash, long long *docid,
                               char **errmsg);

/* Replaces the briefing whose id is doc->id when there is one (its rows are
 * removed, then doc is inserted under a new docid), else inserts doc.
 * Arguments and statuses as for brief_index_put(), but an id already
 * present is no error. */
brief_status_t brief_index_upsert(brief_index_t *idx, const brief_doc_t *doc,
                                  const char *source_path, long source_line, const char *hash,
                                  long long *docid, char **errmsg);

/* Removes one briefing, by id or by docid: its FTS5 entries (through the
 * 'delete' command with the stored texts), its passages, its words' counts
 * and its briefings row. Returns BRIEF_OK (also when there is no such
 * briefing), BRIEF_ERR_INVALID (id NULL), BRIEF_ERR_FULL, BRIEF_ERR_NOMEM,
 * BRIEF_ERR_SQLITE. */
brief_status_t brief_index_remove_id(brief_index_t *idx, const char *id, char **errmsg);
brief_status_t brief_index_remove_docid(brief_index_t *idx, long long docid, char **errmsg);

/* Writes the FTS5 entries waiting in the open transaction, removals first,
 * each in docid order. Returns BRIEF_OK (also when nothing waits),
 * BRIEF_ERR_FULL, BRIEF_ERR_NOMEM, BRIEF_ERR_SQLITE. */
brief_status_t brief_index_flush(brief_index_t *idx, char **errmsg);

/* Looks up the briefing with this id. On BRIEF_OK, *docid is its docid, or
 * 0 when there is none; *hash (when hash is non-NULL) is its stored hash as
 * a string the caller frees, or NULL when there is none. docid may be NULL.
 * Returns BRIEF_OK, BRIEF_ERR_INVALID (id NULL), BRIEF_ERR_NOMEM,
 * BRIEF_ERR_SQLITE. */
brief_status_t brief_index_lookup(brief_index_t *idx, const char *id, long long *docid,
                                  char **hash, char **errmsg);

#endif
