/* schema.c - the tables of a briefing index, and the check that a file is one.
 *
 * One briefing is one row of `briefings`, and that row is also the external
 * content of the FTS5 table `search`. The briefing's text is split by field
 * into eight columns (title, heading, speaker, names, outlet, article,
 * analysis, quote) that exist both as plain columns of `briefings` and as
 * columns of `search`:
 *
 *   title     the briefing's headline
 *   heading   analysis section headings                      (kind analysis)
 *   speaker   quote speakers and their roles                  (kind quote)
 *   names     cited article titles, key players' names,
 *             broadcast titles                                (kind article)
 *   outlet    cited articles' outlets                         (kind article)
 *   article   overview bullets, timeline entries, players'
 *             roles, cited article bodies                     (kind article)
 *   analysis  analysis section bodies                         (kind analysis)
 *   quote     quote texts, analysts' and the crowd's          (kind quote)
 *
 * Within a column, passages are joined by "\n\n". The `passages` table keeps
 * one row per passage (an overview bullet, an analysis section, a quote...)
 * with its part, its metadata (heading, speaker, role, outlet, url, date) and
 * the byte range of its body inside its column of `briefings`, so a result
 * can show "the quote by X" without the text being stored twice. The part
 * is a small integer, a BRIEF_PART_* code (include/brief_index.h), from
 * which the passage's kind and the column of its body follow: the kinds
 * are ranges of codes, and the column is named like the kind. Schema 3
 * stored the three as words (part, kind and col TEXT, with a CHECK on the
 * kind), 20 bytes of text a row; a code from 2 to 8 takes one byte and 0
 * or 1 none. At 20,000 briefings (330,000 rows) `passages` went from 30.8
 * to 22.1 MB and the index from 242.6 to 233.9 MB (compacted: 26.2 to
 * 19.0 MB, 234.7 to 227.4 MB).
 *
 * Why one FTS5 table, and why external content:
 * - The user asks for articles, analysis and quotes to be searchable apart
 *   (kind:, quote:, speaker: ...) and together. Column filters of one table
 *   do both, and one table means one set of BM25 statistics (document count,
 *   average lengths, IDF), so scores of a quote match and an analysis match
 *   are comparable. Three tables would each have their own IDF and their
 *   bm25() values could not be ranked against each other.
 * - Matching is per briefing: "karpathy pretraining" finds a briefing whose
 *   two words are in different quotes, which a table of passages would miss.
 * - External content (content='briefings') stores the text once; FTS5 keeps
 *   only its inverted index. A contentless table would also store it once
 *   but SQLite 3.40 cannot delete from one without the old text, which is
 *   what an incremental reindex must do; with external content the old text
 *   is still in `briefings` when its FTS5 'delete' runs.
 *
 * Ranking uses bm25(search, BRIEF_BM25_WEIGHTS) on that table and the
 * integer `day` (days since 1970 of the later of published and updated),
 * combined in lib/rank.c. The day is also the high bits of the docid
 * (include/brief_index.h): docid order is date order. A query reads its
 * matches newest first and stops when no older briefing can reach the page,
 * a date filter is a docid range, and no reader loads the days (schema 1
 * kept them in an index, `briefings_day`, which every query process read
 * whole: 100,000 rows before the first result). New briefings are written
 * to FTS5 in docid order (lib/index_write.c says why). `briefings_facets`
 * holds each docid's category, so facets (lib/search.c) read a small index
 * instead of a page of briefing text per match (and the joins of filtered
 * queries use it too: it holds docid, category and serial).
 *
 * Rows in arrival order: the rowid of `briefings` is `serial`, the order
 * in which briefings arrived, and docid is a unique key beside it;
 * `passages` are keyed by the serial. Briefings arrive in file order,
 * not date order, so with the docid as rowid (schema 3) a build inserted
 * rows all over both B-trees, and with a page cache far smaller than the
 * tables it read and wrote each of their pages again and again (20,000
 * briefings: 84,600 page writes and 64,600 reads for `briefings`' 30,000
 * pages, 38,800 and 34,500 for `passages`' 5,400). Appended, each page is
 * written about once: 267,000 page reads and writes fell to 109,000, and
 * the build of 100,000 briefings from 46.6 to 42.2 s (system CPU 17.6 to
 * 9.2 s). A lookup by docid costs one more index seek; queries look up a
 * page of ten. The serial is an explicit INTEGER PRIMARY KEY so that
 * VACUUM keeps it.
 *
 * `words` is the list of surface words (case-folded, diacritics removed,
 * not stemmed) with their number of occurrences, kept at index time: the
 * vocabulary of a stemmed FTS5 table only knows stems, but spelling
 * suggestions and prefix queries (`evasi*` -> evasion) need real words.
 * `stems` holds, for each term of the FTS5 index (the stem the tokenizer
 * emits, lib/tokenizer.c), the number of briefings holding it in any
 * column, kept at index time with `words`. That number is the n of the
 * term's IDF in BM25 (lib/rank.c); FTS5 would count it at every query by
 * walking the term's whole doclist (xQueryPhrase, one callback per
 * matching briefing): 37 M of the 171 M instructions of `vaccine trial`
 * at 100,000 briefings (callgrind), against one B-tree lookup per word
 * here. FTS5's own fts5vocab table counts it the same slow way.
 * `files` remembers each source file's size, mtime and content hash so a
 * nightly run can skip unchanged files. `meta` holds the language and the
 * generation (a counter and time bumped by each reindex that changes
 * something, used by the CGI's ETag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief_index.h"
#include "brief_tokenizer.h"
#include "internal.h"

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n"
    "CREATE TABLE files(\n"
    "  path TEXT PRIMARY KEY,\n"
    "  size INTEGER NOT NULL,\n"
    "  mtime_ns INTEGER NOT NULL,\n"
    "  hash TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE briefings(\n"
    "  serial INTEGER PRIMARY KEY,\n" /* arrival order: see "Rows in arrival order" */
    "  docid INTEGER NOT NULL UNIQUE,\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  path TEXT NOT NULL,\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  hash TEXT NOT NULL,\n"
    "  category TEXT,\n"
    "  published TEXT NOT NULL,\n"
    "  updated TEXT,\n"
    "  day INTEGER NOT NULL,\n"
    "  signals INTEGER,\n"
    "  lang TEXT,\n"
    "  title TEXT NOT NULL,\n"
    "  heading TEXT, speaker TEXT, names TEXT, outlet TEXT,\n"
    "  article TEXT, analysis TEXT, quote TEXT\n"
    ");\n"
    "CREATE INDEX briefings_path ON briefings(path);\n"
    "CREATE INDEX briefings_category ON briefings(category COLLATE NOCASE);\n"
    "CREATE INDEX briefings_facets ON briefings(docid, category);\n"
    "CREATE TABLE passages(\n"
    "  serial INTEGER NOT NULL,\n" /* the briefing's */
    "  seq INTEGER NOT NULL,\n"
    "  part INTEGER NOT NULL,\n" /* BRIEF_PART_*: its kind and its body's column follow */
    "  off INTEGER NOT NULL,\n"
    "  len INTEGER NOT NULL,\n"
    "  heading TEXT, speaker TEXT, role TEXT, outlet TEXT, url TEXT, date TEXT,\n"
    "  PRIMARY KEY (serial, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE words(word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE stems(stem TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;\n"
    /* the filter of adjacent stem pairs: include/brief_pairs.h */
    "CREATE TABLE pairs(chunk INTEGER PRIMARY KEY, bits BLOB NOT NULL);\n";

/* Part codes, in BRIEF_PART_* order. */
static const struct {
    const char *name, *kind;
} parts[BRIEF_PART_COUNT] = {
    [BRIEF_PART_OVERVIEW] = {"overview", "article"},
    [BRIEF_PART_TIMELINE] = {"timeline", "article"},
    [BRIEF_PART_PLAYER] = {"player", "article"},
    [BRIEF_PART_CITED] = {"cited", "article"},
    [BRIEF_PART_BROADCAST] = {"broadcast", "article"},
    [BRIEF_PART_SECTION] = {"section", "analysis"},
    [BRIEF_PART_ANALYST] = {"analyst", "quote"},
    [BRIEF_PART_CROWD] = {"crowd", "quote"},
    [BRIEF_PART_QUOTE] = {"quote", "quote"},
};

const char *brief_part_name(int part)
{
    return part >= 0 && part < BRIEF_PART_COUNT ? parts[part].name : NULL;
}

const char *brief_part_kind(int part)
{
    return part >= 0 && part < BRIEF_PART_COUNT ? parts[part].kind : NULL;
}

brief_status_t brief_schema_create(sqlite3 *db, const char *lang, char **errmsg)
{
    char *sql = NULL;
    int rc;

    if (lang == NULL)
        lang = "english";
    if (!brief_language_known(lang)) {
        brief_set_error(errmsg, "unknown stemming language '%s'", lang);
        return BRIEF_ERR_INVALID;
    }
    sql = sqlite3_mprintf(
        "BEGIN;\n%s"
        "CREATE VIRTUAL TABLE search USING fts5(title, heading, speaker, names, outlet,"
        " article, analysis, quote, content='briefings', content_rowid='docid',"
        " tokenize='" BRIEF_TOKENIZER_NAME " %q');\n"
        "INSERT INTO meta VALUES('lang', %Q), ('generation', 0), ('generation_time', ''),"
        " ('created', strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now'));\n"
        "PRAGMA application_id = %d;\n"
        "PRAGMA user_version = %d;\n"
        "COMMIT;",
        schema_sql, lang, lang, BRIEF_APPLICATION_ID, BRIEF_SCHEMA_VERSION);
    if (sql == NULL)
        return BRIEF_ERR_NOMEM;
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        brief_set_error(errmsg, "cannot create index schema: %s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc == SQLITE_FULL ? BRIEF_ERR_FULL : BRIEF_ERR_SQLITE;
    }
    return BRIEF_OK;
}

brief_status_t brief_schema_check(sqlite3 *db, const char *path, char **errmsg)
{
    sqlite3_int64 app_id = 0, version = 0;

    /* Reading the header is the first access: a file that is not SQLite at
     * all fails here with SQLITE_NOTADB. */
    if (brief_sql_int64(db, "PRAGMA application_id", &app_id) != SQLITE_OK) {
        brief_set_error(errmsg, "'%s' is not a briefing index: %s", path, sqlite3_errmsg(db));
        return BRIEF_ERR_NOT_INDEX;
    }
    if (brief_sql_int64(db, "PRAGMA user_version", &version) != SQLITE_OK) {
        brief_set_error(errmsg, "'%s' is not a briefing index: %s", path, sqlite3_errmsg(db));
        return BRIEF_ERR_NOT_INDEX;
    }
    if (app_id != BRIEF_APPLICATION_ID) {
        brief_set_error(errmsg, "'%s' is not a briefing index", path);
        return BRIEF_ERR_NOT_INDEX;
    }
    if (version != BRIEF_SCHEMA_VERSION) {
        brief_set_error(errmsg, "'%s' has schema version %lld, this program reads version %d",
                        path, (long long)version, BRIEF_SCHEMA_VERSION);
        return BRIEF_ERR_VERSION;
    }
    return BRIEF_OK;
}
