/* indexer.c - one indexing run: full build or incremental refresh, applied to a copy and swapped in.
 *
 * A run goes like this (all under the writer lock, lib/lock.c):
 *
 * 1. Plan (incremental runs). The corpus roots are walked (lib/scan.c). A
 *    file whose size and mtime_ns equal its `files` row is unchanged and
 *    not even opened. Otherwise it is hashed: the same hash means it was
 *    only touched; another hash, or no row, means it must be read. `files`
 *    rows under this run's roots whose file was not met are removals. The
 *    plan goes into a private scratch database (an SQLite temporary file,
 *    so memory stays flat however many files there are).
 *
 * 2. Pass 1, read-only, on the live index: the planned files are parsed
 *    and every briefing is compared with the index (same id, same path,
 *    same hash and line: unchanged). This is --dry-run's answer, and it
 *    says whether anything will really change: when nothing does (only
 *    touched files, or only files that are still broken), the run stops
 *    here and writes nothing, not even a copy.
 *
 * 3. Pass 2, on FILE.tmp-PID, a byte copy of the live index (lib/swap.c):
 *    the same plan is applied for real in one transaction, `files` is
 *    brought up to date, FTS5 segments are merged, meta generation and
 *    generation_time are bumped, and the copy is flushed and renamed over
 *    FILE. A full build skips 1 and 2 and writes a fresh FILE.tmp-PID:
 *    a second thread walks the roots, reads, parses and analyses the files
 *    (lib/feed.c, brief_prep.h) while this one writes SQLite, and the
 *    items it hands over are applied in the walk's order, so events,
 *    rejects and exit codes are those of a walk done in place.
 *
 * A file that is rejected (unreadable, invalid, or any briefing or line of
 * it invalid or a duplicate id) keeps its `files` row as it was, so it is
 * read again next run, and none of its old briefings are removed: the last
 * good version stays searchable. Good lines of a .jsonl file are applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "brief_feed.h"
#include "brief_index.h"
#include "brief_indexer.h"
#include "brief_pairs.h"
#include "brief_prep.h"
#include "brief_segments.h"
#include "brief_tokenizer.h"
#include "internal.h"

/* Pages of FTS5 merge work after an incremental run. Each run adds one or
 * two level-0 segments (one per transaction, more when pending terms
 * overflow); FTS5's automerge folds groups of 4 as they appear. This extra
 * work, a few hundred 4 KiB pages (well under a second), keeps the segment
 * count from creeping up night after night without rewriting the whole
 * index, which 'optimize' would do. Measured: see README, "Nightly
 * reindex". */
#ifndef MERGE_PAGES
#define MERGE_PAGES 500
#endif
/* FTS5 merges a level's segments into one on the next level, a few pages
 * after each write, once the level holds 'automerge' (4 by default), or
 * all at once when it holds 'crisismerge' (16). Each merge rewrites every
 * entry of its segments, and merging was 40% of the writing thread at
 * 20,000 briefings (perf, groups of 8), the thread that bounds a build of
 * 100,000. So a full build merges 64 at a time (FTS5's largest
 * automerge): each entry is rewritten once until some 64 x 64 chunks
 * (lib/index_write.c), 400,000 briefings or so, where groups of 8 rewrote
 * entries 3 times at 100,000 and groups of 16 twice. Crises only at 128,
 * a safety net should merging fall behind.
 *
 * 100,000 briefings, side by side: groups of 8 took 39.1 and 33.2 s wall,
 * 64 at a time 30.4 and 23.8 s (a busy machine); the writing thread's CPU
 * was 23.4-24.3 s with groups of 16 and 20.3-20.5 s merging 64 (in one
 * go, the same work). It leaves 11 segments there (groups of 16: 14,
 * groups of 8: 23), which queries read for -4% to +9% instructions
 * against groups of 8. Merged in one go (crisismerge 64, automerge off), a
 * merge frees its input only at its end, and pages freed near the end of
 * a build stay free: at 20,000 briefings a tenth of the file, which then
 * cost a compaction (seal(), about 1 s); merged a few pages at a time,
 * what a step frees the next one writes again (20,000: 3.5% free, no
 * compaction). Crises of 128 left 6 segments, at the price of more pages
 * free. The build's end merges what it leaves on level 0
 * (tidy_segments()) and puts FTS5's defaults back before it commits, for
 * the nightly runs that follow. */
#define BUILD_AUTOMERGE 64
#define BUILD_CRISISMERGE 128
#define FTS5_CRISISMERGE 16
#define FTS5_AUTOMERGE 4
#define FTS5_USERMERGE 4
#define STR_(x) #x
#define STR(x) STR_(x)

/* How often, at most, a progress event is sent. */
#define PROGRESS_SECONDS 0.25

#define STMT_CACHE 32

enum { ACT_CHANGE = 1, ACT_TOUCH = 2, ACT_REMOVE = 3 };

typedef struct {
    char *abs;     /* absolute path of the root (realpath, or as remembered) */
    char *display; /* as the user wrote it */
    char *rel_base; /* when inside a remembered root: where ids start from there, or NULL */
    int gone;       /* a remembered file that no longer exists: its briefings go */
} root_t;

typedef struct {
    const brief_indexer_opts_t *opts;
    brief_indexer_stats_t *stats;
    char **errmsg;
    sqlite3 *scratch;      /* plan, seen, run_ids, unreadable */
    brief_index_t *live;   /* the live index, read-only (incremental runs) */
    brief_index_t *target; /* where briefings are looked up, and written when real */
    int real;              /* pass 2 or full build: write to target */
    int full;              /* a full build: target (when any) starts empty */
    int report_changes;    /* send ADD / UPDATE / REMOVE events */
    int report_rejects;    /* send REJECT events */
    root_t *roots;
    size_t n_roots;
    size_t cur_root; /* the root being walked */
    /* the file being read */
    const char *cur_path;
    const char *cur_display;
    long cur_rejects;
    struct brief_index_prep *cur_prep; /* the briefing being applied, analysed ahead, or NULL */
    brief_status_t fatal;
    double last_progress;
    long long n_briefings;
    /* prepared statements, kept for the run: the hot paths run once per
     * file or briefing, and preparing costs more than running them */
    struct {
        sqlite3 *db;
        const char *sql;
        sqlite3_stmt *st;
    } cache[STMT_CACHE];
} run_t;

/* ---------------------------------------------------------------- helpers */

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static brief_status_t status_of_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW: return BRIEF_OK;
    case SQLITE_FULL: return BRIEF_ERR_FULL;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY: return BRIEF_ERR_IO;
    case SQLITE_NOMEM: return BRIEF_ERR_NOMEM;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return BRIEF_ERR_CORRUPT;
    default: return BRIEF_ERR_SQLITE;
    }
}

static brief_status_t sql_fail(run_t *r, sqlite3 *db, int rc, const char *what)
{
    brief_set_error(r->errmsg, "%s: %s", what, sqlite3_errmsg(db));
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = SQLITE_ERROR;
    return status_of_rc(rc);
}

static void emit(run_t *r, brief_run_event_kind_t kind, const char *path, const char *id,
                 long line, int column, const char *reason)
{
    brief_run_event_t ev;

    if (r->opts->on_event == NULL)
        return;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.path = path;
    ev.id = id;
    ev.line = line;
    ev.column = column;
    ev.reason = reason;
    ev.files = r->stats->files;
    ev.briefings = r->n_briefings;
    r->opts->on_event(r->opts->ctx, &ev);
}

static void progress(run_t *r)
{
    double t = now_seconds();

    if (t - r->last_progress >= PROGRESS_SECONDS) {
        r->last_progress = t;
        emit(r, BRIEF_RUN_PROGRESS, NULL, NULL, 0, 0, NULL);
    }
}

static void reject(run_t *r, const char *path, long line, int column, const char *reason)
{
    r->stats->rejected++;
    r->cur_rejects++;
    if (r->report_rejects)
        emit(r, BRIEF_RUN_REJECT, path, NULL, line, column, reason);
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* A prepared statement for sql on db, from the run's cache (keyed by the
 * address of the SQL text, a string literal). Give it back with release(). */
static sqlite3_stmt *cprep(run_t *r, sqlite3 *db, const char *sql)
{
    size_t i;

    for (i = 0; i < STMT_CACHE && r->cache[i].st != NULL; i++)
        if (r->cache[i].db == db && r->cache[i].sql == sql)
            return r->cache[i].st;
    if (i == STMT_CACHE)
        return NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->cache[i].st, NULL) !=
        SQLITE_OK) {
        sqlite3_finalize(r->cache[i].st);
        r->cache[i].st = NULL;
        return NULL;
    }
    r->cache[i].db = db;
    r->cache[i].sql = sql;
    return r->cache[i].st;
}

static void release(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

/* Finalizes the cached statements of db, before db is closed. */
static void cache_drop(run_t *r, sqlite3 *db)
{
    size_t i, j = 0;

    for (i = 0; i < STMT_CACHE; i++) {
        if (r->cache[i].st != NULL && r->cache[i].db == db)
            sqlite3_finalize(r->cache[i].st);
        else
            r->cache[j++] = r->cache[i];
    }
    for (; j < STMT_CACHE; j++)
        r->cache[j].st = NULL;
}

static void close_index(run_t *r, brief_index_t *idx)
{
    if (idx != NULL) {
        cache_drop(r, brief_index_db(idx));
        brief_index_close(idx);
    }
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return brief_strdup(t ? (const char *)t : "");
}

/* ------------------------------------------------------------- languages */

/* ISO 639-1 codes of libstemmer's languages, so "en" and "english" are one. */
static const char *const lang_codes[][2] = {
    {"ar", "arabic"},     {"hy", "armenian"},   {"eu", "basque"},     {"ca", "catalan"},
    {"da", "danish"},     {"nl", "dutch"},      {"en", "english"},    {"fi", "finnish"},
    {"fr", "french"},     {"de", "german"},     {"el", "greek"},      {"hi", "hindi"},
    {"hu", "hungarian"},  {"id", "indonesian"}, {"ga", "irish"},      {"it", "italian"},
    {"lt", "lithuanian"}, {"ne", "nepali"},     {"no", "norwegian"},  {"pt", "portuguese"},
    {"ro", "romanian"},   {"ru", "russian"},    {"sr", "serbian"},    {"es", "spanish"},
    {"sv", "swedish"},    {"ta", "tamil"},      {"tr", "turkish"},    {"yi", "yiddish"},
};

static const char *lang_name(const char *lang)
{
    size_t i;

    for (i = 0; i < sizeof lang_codes / sizeof lang_codes[0]; i++)
        if (strcasecmp(lang, lang_codes[i][0]) == 0)
            return lang_codes[i][1];
    return lang;
}

static int same_language(const char *a, const char *b)
{
    return strcasecmp(lang_name(a), lang_name(b)) == 0;
}

/* ----------------------------------------------------------------- roots */

static void roots_free(root_t *roots, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(roots[i].abs);
        free(roots[i].display);
        free(roots[i].rel_base);
    }
    free(roots);
}

/* The remembered roots of the live index (meta 'roots', a JSON array). */
static brief_status_t roots_remembered(brief_index_t *live, root_t **out, size_t *n)
{
    sqlite3_stmt *st = prep(brief_index_db(live), "SELECT value FROM meta WHERE key = 'roots'");
    json_t *arr = NULL;
    size_t i;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return BRIEF_ERR_SQLITE;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        arr = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    sqlite3_finalize(st);
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        json_decref(arr);
        return BRIEF_OK;
    }
    *out = calloc(json_array_size(arr), sizeof **out);
    if (*out == NULL) {
        json_decref(arr);
        return BRIEF_ERR_NOMEM;
    }
    for (i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s == NULL)
            continue;
        (*out)[*n].abs = brief_strdup(s);
        (*out)[*n].display = brief_strdup(s);
        if ((*out)[*n].abs == NULL || (*out)[*n].display == NULL) {
            (*n)++;
            json_decref(arr);
            return BRIEF_ERR_NOMEM;
        }
        (*n)++;
    }
    json_decref(arr);
    return BRIEF_OK;
}

/* The roots named on the command line, resolved to absolute paths. */
static brief_status_t roots_given(const brief_indexer_opts_t *opts, root_t **out, size_t *n,
                                  char **errmsg)
{
    size_t i;

    *n = 0;
    *out = calloc(opts->n_roots, sizeof **out);
    if (*out == NULL)
        return BRIEF_ERR_NOMEM;
    for (i = 0; i < opts->n_roots; i++) {
        const char *arg = opts->roots[i];
        size_t len = strlen(arg);
        char *abs = realpath(arg, NULL);
        if (abs == NULL) {
            int e = errno;
            brief_set_error(errmsg, "cannot read '%s': %s", arg, strerror(e));
            return e == ENOMEM ? BRIEF_ERR_NOMEM : BRIEF_ERR_INVALID;
        }
        (*out)[*n].abs = abs;
        while (len > 1 && arg[len - 1] == '/')
            len--;
        (*out)[*n].display = malloc(len + 1);
        (*n)++;
        if ((*out)[*n - 1].display == NULL)
            return BRIEF_ERR_NOMEM;
        memcpy((*out)[*n - 1].display, arg, len);
        (*out)[*n - 1].display[len] = '\0';
    }
    return BRIEF_OK;
}

/* JSON array of the roots to remember: this run's, plus (incremental runs)
 * the ones remembered before; a root inside a remembered one is not added. */
static char *roots_json(const root_t *now, size_t n_now, const root_t *old, size_t n_old)
{
    json_t *arr = json_array();
    size_t i, j;
    char *s;

    if (arr == NULL)
        return NULL;
    for (i = 0; i < n_old; i++)
        if (!old[i].gone)
            json_array_append_new(arr, json_string(old[i].abs));
    for (i = 0; i < n_now; i++) {
        int dup = now[i].rel_base != NULL || now[i].gone; /* inside a remembered root already */
        for (j = 0; j < n_old; j++)
            dup |= strcmp(now[i].abs, old[j].abs) == 0;
        if (!dup)
            json_array_append_new(arr, json_string(now[i].abs));
    }
    s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

/* "root/" (or "/" for the root of the file system): the prefix of paths under it. */
static char *under_prefix(const char *root)
{
    size_t n = strlen(root);
    char *p = malloc(n + 2);

    if (p == NULL)
        return NULL;
    memcpy(p, root, n);
    if (n == 0 || root[n - 1] != '/')
        p[n++] = '/';
    p[n] = '\0';
    return p;
}

/* A path given on the command line that lies inside a remembered root keeps
 * the ids it has under that root: rel_base is the folder of the path
 * (itself for a folder) relative to that root. */
static brief_status_t roots_inside(root_t *given, size_t n_given, const root_t *old, size_t n_old)
{
    size_t i, j;

    for (i = 0; i < n_given; i++) {
        struct stat st;
        for (j = 0; j < n_old; j++) {
            size_t n = strlen(old[j].abs);
            const char *rest;
            size_t len;
            if (strncmp(given[i].abs, old[j].abs, n) != 0 || given[i].abs[n] != '/' || n == 1)
                continue;
            rest = given[i].abs + n + 1;
            len = strlen(rest);
            if (stat(given[i].abs, &st) == 0 && !S_ISDIR(st.st_mode)) {
                const char *slash = strrchr(rest, '/');
                len = slash ? (size_t)(slash - rest) : 0;
            }
            given[i].rel_base = malloc(len + 1); /* "" for a file right in the root */
            if (given[i].rel_base == NULL)
                return BRIEF_ERR_NOMEM;
            memcpy(given[i].rel_base, rest, len);
            given[i].rel_base[len] = '\0';
            break;
        }
    }
    return BRIEF_OK;
}

/* The entry's path relative to where its ids start (malloc'd). */
static char *entry_rel(run_t *r, const brief_scan_entry_t *e)
{
    const char *base = r->roots[r->cur_root].rel_base;
    char *rel;

    if (base == NULL || base[0] == '\0')
        return brief_strdup(e->rel);
    rel = malloc(strlen(base) + strlen(e->rel) + 2);
    if (rel != NULL)
        sprintf(rel, "%s/%s", base, e->rel);
    return rel;
}

/* -------------------------------------------------------------- scratch db */

static brief_status_t scratch_open(run_t *r)
{
    /* "" is a private on-disk temporary database: pages spill to a file
     * that disappears on close, so the plan never has to fit in memory. */
    if (sqlite3_open_v2("", &r->scratch, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        return BRIEF_ERR_NOMEM;
    if (exec(r->scratch,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
             "CREATE TABLE seen(path TEXT PRIMARY KEY) WITHOUT ROWID;"
             "CREATE TABLE unreadable(prefix TEXT PRIMARY KEY) WITHOUT ROWID;"
             "CREATE TABLE plan(seq INTEGER PRIMARY KEY, action INTEGER NOT NULL,"
             " known INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
             " path TEXT NOT NULL UNIQUE, display TEXT NOT NULL, rel TEXT NOT NULL,"
             " size INTEGER, mtime_ns INTEGER, hash TEXT);"
             "CREATE TABLE run_ids(id TEXT PRIMARY KEY, path TEXT NOT NULL,"
             " display TEXT NOT NULL, line INTEGER NOT NULL) WITHOUT ROWID;"
             "CREATE INDEX run_ids_path ON run_ids(path);"
             "BEGIN;") != SQLITE_OK)
        return sql_fail(r, r->scratch, SQLITE_ERROR, "cannot make the scratch database");
    return BRIEF_OK;
}

/* Whether sql, with ?1 bound to a, finds a row in db. */
static int row_exists(run_t *r, sqlite3 *db, const char *sql, const char *a)
{
    sqlite3_stmt *st = cprep(r, db, sql);
    int found;

    if (st == NULL)
        return 0;
    bind_text(st, 1, a);
    found = sqlite3_step(st) == SQLITE_ROW;
    release(st);
    return found;
}

static int scratch_has(run_t *r, const char *sql, const char *a)
{
    return row_exists(r, r->scratch, sql, a);
}

/* --------------------------------------------------------- one briefing */

typedef struct {
    long long docid;
    char *path;
    long line;
    char *hash;
} stored_t;

static void stored_clear(stored_t *s)
{
    free(s->path);
    free(s->hash);
    memset(s, 0, sizeof *s);
}

/* The briefing of this id in the target index; docid 0 when none. */
static brief_status_t stored_get(run_t *r, const char *id, stored_t *out)
{
    sqlite3_stmt *st;
    int rc;

    memset(out, 0, sizeof *out);
    /* In a full build every id already written is in run_ids, which
     * on_doc asks first. */
    if (r->target == NULL || r->full)
        return BRIEF_OK;
    st = cprep(r, brief_index_db(r->target),
              "SELECT docid, path, line, hash FROM briefings WHERE id = ?1");
    if (st == NULL)
        return sql_fail(r, brief_index_db(r->target), SQLITE_ERROR, "cannot read the index");
    bind_text(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->docid = sqlite3_column_int64(st, 0);
        out->path = col_dup(st, 1);
        out->line = (long)sqlite3_column_int64(st, 2);
        out->hash = col_dup(st, 3);
        rc = out->path && out->hash ? SQLITE_DONE : SQLITE_NOMEM;
    }
    release(st);
    if (rc != SQLITE_DONE) {
        stored_clear(out);
        return sql_fail(r, brief_index_db(r->target), rc, "cannot read the index");
    }
    return BRIEF_OK;
}

static brief_status_t set_line(run_t *r, long long docid, long line)
{
    sqlite3 *db = brief_index_db(r->target);
    sqlite3_stmt *st = cprep(r, db, "UPDATE briefings SET line = ?1 WHERE docid = ?2");
    int rc;

    if (st == NULL)
        return sql_fail(r, db, SQLITE_ERROR, "cannot write the index");
    sqlite3_bind_int64(st, 1, line);
    sqlite3_bind_int64(st, 2, docid);
    rc = sqlite3_step(st);
    release(st);
    return rc == SQLITE_DONE ? BRIEF_OK : sql_fail(r, db, rc, "cannot write the index");
}

static brief_status_t on_doc(void *ctx, brief_doc_t *doc, long line, const char *hash)
{
    run_t *r = ctx;
    sqlite3_stmt *st;
    stored_t old;
    brief_status_t status;
    char *msg = NULL, reason[1024];
    int is_update = 0;

    r->n_briefings++;
    progress(r);
    if (doc->id[0] == '\0') {
        reject(r, r->cur_display, line, 0, "empty id");
        return BRIEF_OK;
    }
    /* Seen earlier in this run? */
    st = cprep(r, r->scratch, "SELECT path, display, line FROM run_ids WHERE id = ?1");
    if (st == NULL)
        return sql_fail(r, r->scratch, SQLITE_ERROR, "scratch database");
    bind_text(st, 1, doc->id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *other = (const char *)sqlite3_column_text(st, 0);
        /* the id and path come from the corpus: quoted (lib/quote.c) */
        char *qid = brief_quote(doc->id);
        char *qother = brief_quote((const char *)sqlite3_column_text(st, 1));
        if (strcmp(other, r->cur_path) == 0)
            snprintf(reason, sizeof reason, "duplicate id %s (also on line %lld)",
                     qid ? qid : "", sqlite3_column_int64(st, 2));
        else
            snprintf(reason, sizeof reason, "duplicate id %s (also in %s)", qid ? qid : "",
                     qother ? qother : "");
        free(qid);
        free(qother);
        release(st);
        reject(r, r->cur_display, line, 0, reason);
        return BRIEF_OK;
    }
    release(st);

    status = stored_get(r, doc->id, &old);
    if (status != BRIEF_OK)
        return status;
    if (old.docid != 0 && strcmp(old.path, r->cur_path) != 0) {
        /* Another file has this id. When that file goes away in this run,
         * or was read already in this run without it (its stale ids are
         * then removed), the id has moved; in pass 2 it is already gone. */
        if (scratch_has(r, "SELECT 1 FROM plan WHERE path = ?1 AND (action = 3 OR"
                           " (action = 1 AND done = 1))", old.path)) {
            stored_clear(&old);
        } else {
            snprintf(reason, sizeof reason, "duplicate id '%s' (also in '%s')", doc->id,
                     old.path);
            stored_clear(&old);
            reject(r, r->cur_display, line, 0, reason);
            return BRIEF_OK;
        }
    }
    if (old.docid != 0) {
        if (strcmp(old.hash, hash) == 0 && old.line == line) {
            stored_clear(&old);
            goto remember; /* unchanged */
        }
        if (strcmp(old.hash, hash) == 0) {
            /* Same text on another line (lines inserted above it): only
             * the line number changes. FTS5 reads no such column, so a
             * plain UPDATE is safe and nothing is reindexed. */
            status = r->real ? set_line(r, old.docid, line) : BRIEF_OK;
            stored_clear(&old);
            if (status != BRIEF_OK)
                return status;
            r->stats->updated++;
            if (r->report_changes)
                emit(r, BRIEF_RUN_UPDATE, r->cur_display, doc->id, line, 0, NULL);
            goto remember;
        }
        is_update = 1;
    }
    stored_clear(&old);
    if (r->real) {
        status = is_update ? brief_index_upsert(r->target, doc, r->cur_path, line, hash, NULL, &msg)
                 : r->cur_prep
                     ? brief_index_put_prepared(r->target, doc, &r->cur_prep, r->cur_path,
                                                line, hash, NULL, &msg)
                     : brief_index_put(r->target, doc, r->cur_path, line, hash, NULL, &msg);
        if (status == BRIEF_ERR_INVALID) {
            reject(r, r->cur_display, line, 0, msg ? msg : "invalid briefing");
            free(msg);
            return BRIEF_OK;
        }
        if (status != BRIEF_OK) {
            brief_set_error(r->errmsg, "cannot index '%s': %s", r->cur_display,
                            msg ? msg : brief_status_str(status));
            free(msg);
            return status;
        }
    }
    if (is_update)
        r->stats->updated++;
    else
        r->stats->added++;
    if (r->report_changes)
        emit(r, is_update ? BRIEF_RUN_UPDATE : BRIEF_RUN_ADD, r->cur_display, doc->id, line, 0,
             NULL);
remember:
    st = cprep(r, r->scratch, "INSERT INTO run_ids VALUES (?1, ?2, ?3, ?4)");
    if (st == NULL)
        return sql_fail(r, r->scratch, SQLITE_ERROR, "scratch database");
    bind_text(st, 1, doc->id);
    bind_text(st, 2, r->cur_path);
    bind_text(st, 3, r->cur_display);
    sqlite3_bind_int64(st, 4, line);
    status = sqlite3_step(st) == SQLITE_DONE ? BRIEF_OK : BRIEF_ERR_SQLITE;
    release(st);
    return status;
}

static void on_reject(void *ctx, const brief_parse_error_t *err)
{
    run_t *r = ctx;

    reject(r, r->cur_display, err->line, err->column, err->reason);
}

/* ------------------------------------------------------------- one file */

/* Removes (or, in pass 1, counts) the briefings stored from path; with
 * keep_seen, only those whose id was not read from it in this run. */
static brief_status_t remove_from_path(run_t *r, const char *path, const char *display,
                                       int keep_seen)
{
    sqlite3_stmt *st;
    long long *victims = NULL;
    size_t n = 0, cap = 0, i;
    brief_status_t status = BRIEF_OK;
    int rc;

    if (r->target == NULL)
        return BRIEF_OK;
    st = cprep(r, brief_index_db(r->target), "SELECT docid, id FROM briefings WHERE path = ?1");
    if (st == NULL)
        return sql_fail(r, brief_index_db(r->target), SQLITE_ERROR, "cannot read the index");
    bind_text(st, 1, path);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 1);
        if (keep_seen) {
            sqlite3_stmt *q = cprep(r, r->scratch, "SELECT path FROM run_ids WHERE id = ?1");
            int mine = 0;
            if (q != NULL) {
                bind_text(q, 1, id);
                mine = sqlite3_step(q) == SQLITE_ROW &&
                       strcmp((const char *)sqlite3_column_text(q, 0), path) == 0;
                release(q);
            }
            if (mine)
                continue;
        }
        r->stats->removed++;
        if (r->report_changes)
            emit(r, BRIEF_RUN_REMOVE, display, id, 0, 0, NULL);
        if (!r->real)
            continue;
        if (n == cap) {
            long long *grown = realloc(victims, (cap ? cap * 2 : 16) * sizeof *victims);
            if (grown == NULL) {
                status = BRIEF_ERR_NOMEM;
                break;
            }
            victims = grown;
            cap = cap ? cap * 2 : 16;
        }
        victims[n++] = sqlite3_column_int64(st, 0);
    }
    if (status == BRIEF_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        status = sql_fail(r, brief_index_db(r->target), rc, "cannot read the index");
    release(st);
    for (i = 0; i < n && status == BRIEF_OK; i++) {
        char *msg = NULL;
        status = brief_index_remove_docid(r->target, victims[i], &msg);
        if (status != BRIEF_OK)
            brief_set_error(r->errmsg, "cannot remove a briefing of '%s': %s", display,
                            msg ? msg : brief_status_str(status));
        free(msg);
    }
    free(victims);
    return status;
}

static brief_status_t files_put(run_t *r, const char *path, long long size, long long mtime_ns,
                                const char *hash)
{
    sqlite3 *db = brief_index_db(r->target);
    sqlite3_stmt *st = cprep(r, db, "INSERT OR REPLACE INTO files VALUES (?1, ?2, ?3, ?4)");
    int rc;

    if (st == NULL)
        return sql_fail(r, db, SQLITE_ERROR, "cannot write the index");
    bind_text(st, 1, path);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_int64(st, 3, mtime_ns);
    bind_text(st, 4, hash);
    rc = sqlite3_step(st);
    release(st);
    return rc == SQLITE_DONE ? BRIEF_OK : sql_fail(r, db, rc, "cannot write the index");
}

static brief_status_t files_delete(run_t *r, const char *path)
{
    sqlite3 *db = brief_index_db(r->target);
    sqlite3_stmt *st = cprep(r, db, "DELETE FROM files WHERE path = ?1");
    int rc;

    if (st == NULL)
        return sql_fail(r, db, SQLITE_ERROR, "cannot write the index");
    bind_text(st, 1, path);
    rc = sqlite3_step(st);
    release(st);
    return rc == SQLITE_DONE ? BRIEF_OK : sql_fail(r, db, rc, "cannot write the index");
}

static int files_has(run_t *r, const char *path)
{
    return row_exists(r, brief_index_db(r->target), "SELECT 1 FROM files WHERE path = ?1", path);
}

/* Starts reading a file: its briefings and rejects are told under display. */
static void file_begin(run_t *r, const char *path, const char *display)
{
    r->cur_path = path;
    r->cur_display = display;
    r->cur_rejects = 0;
    r->stats->files++;
}

/* Ends a file that brief_source_read() read with status (msg: its message,
 * freed here) and info. */
static brief_status_t file_end(run_t *r, const char *path, const char *display,
                               brief_status_t status, char *msg, const brief_source_info_t *info)
{
    if (status == BRIEF_ERR_IO) {
        reject(r, display, 0, 0, msg ? msg : "cannot read");
        free(msg);
        return BRIEF_OK;
    }
    free(msg);
    if (status != BRIEF_OK)
        return status;
    if (r->cur_rejects > 0) {
        /* Keep its old briefings and its old `files` row. A file new to
         * the index gets a row that matches no file (size -1), so that it
         * is read again next run and its good briefings are removed with
         * it if it goes away. */
        if (r->real && !files_has(r, path))
            status = files_put(r, path, -1, -1, "");
        return status;
    }
    /* A full build writes a fresh index and reads each file once: nothing
     * of this file was there before, and there is no plan. */
    if (!r->full)
        status = remove_from_path(r, path, display, 1);
    if (status == BRIEF_OK && r->real)
        status = files_put(r, path, (long long)info->size, info->mtime_ns, info->hash);
    if (status == BRIEF_OK && !r->full) {
        sqlite3_stmt *st = cprep(r, r->scratch, "UPDATE plan SET done = 1 WHERE path = ?1");
        if (st == NULL)
            return sql_fail(r, r->scratch, SQLITE_ERROR, "scratch database");
        bind_text(st, 1, path);
        sqlite3_step(st);
        release(st);
    }
    progress(r);
    return status;
}

/* Reads one file and applies (or, in pass 1, weighs) its briefings. */
static brief_status_t process_file(run_t *r, const char *path, const char *display,
                                   const char *rel)
{
    brief_source_info_t info;
    char *default_id = brief_source_default_id(rel);
    char *msg = NULL;
    brief_status_t status;

    if (default_id == NULL)
        return BRIEF_ERR_NOMEM;
    file_begin(r, path, display);
    memset(&info, 0, sizeof info);
    status = brief_source_read(path, BRIEF_FORMAT_UNKNOWN, default_id, r->opts->text_date, on_doc,
                               on_reject, r, &info, &msg);
    free(default_id);
    return file_end(r, path, display, status, msg, &info);
}

/* ------------------------------------------------------------ full build */

/* Does with one item of the reader (lib/feed.c) what the walk's callbacks
 * would have done in place; *path and *display hold the file being read
 * (taken from its FILE item, freed at the next). */
static brief_status_t full_item(run_t *r, brief_feed_item_t *it, char **path, char **display)
{
    switch (it->kind) {
    case BRIEF_FEED_SKIP:
        r->stats->skipped++;
        emit(r, BRIEF_RUN_SKIP, it->display, NULL, 0, 0, it->reason);
        return BRIEF_OK;
    case BRIEF_FEED_SCAN_ERROR:
        reject(r, it->display, 0, 0, it->reason);
        return BRIEF_OK;
    case BRIEF_FEED_FILE:
        free(*path);
        free(*display);
        *path = it->path;
        *display = it->display;
        it->path = it->display = NULL;
        file_begin(r, *path, *display);
        return BRIEF_OK;
    case BRIEF_FEED_DOC: {
        brief_status_t status, dropped;
        char *msg = NULL;
        r->cur_prep = it->prep;
        it->prep = NULL;
        status = on_doc(r, it->doc, it->line, it->hash);
        /* Unless the writer took it; counted ahead and not put, its counts
         * are taken back with its batch (brief_prep.h). */
        dropped = brief_index_prep_discard(r->target, r->cur_prep, it->doc->id, &msg);
        r->cur_prep = NULL;
        if (dropped != BRIEF_OK && status == BRIEF_OK) {
            brief_set_error(r->errmsg, "cannot index '%s': %s", r->cur_display,
                            msg ? msg : brief_status_str(dropped));
            status = dropped;
        }
        free(msg);
        return status;
    }
    case BRIEF_FEED_COUNTS: {
        /* The counts of the briefings before it, made ahead (brief_prep.h). */
        brief_status_t status;
        char *msg = NULL;
        if (r->target == NULL)
            return BRIEF_OK;
        status = brief_index_batch_apply(r->target, it->batch, &msg);
        if (status != BRIEF_OK)
            brief_set_error(r->errmsg, "cannot count the words of briefings: %s",
                            msg ? msg : brief_status_str(status));
        free(msg);
        return status;
    }
    case BRIEF_FEED_REJECT:
        reject(r, r->cur_display, it->line, it->column, it->reason);
        return BRIEF_OK;
    case BRIEF_FEED_FILE_END: {
        char *msg = it->reason;
        it->reason = NULL;
        return file_end(r, *path, *display, it->status, msg, &it->info);
    }
    case BRIEF_FEED_ROOT_END:
        if (it->status != BRIEF_OK && it->reason != NULL)
            brief_set_error(r->errmsg, "%s", it->reason);
        return it->status;
    }
    return BRIEF_OK;
}

/* Walks the roots and applies every file: the reading on a second thread
 * (lib/feed.c), the writing here, in the walk's order. */
static brief_status_t full_scan(run_t *r)
{
    brief_feed_root_t *roots = calloc(r->n_roots ? r->n_roots : 1, sizeof *roots);
    brief_feed_t *feed = NULL;
    brief_feed_item_t *it = NULL;
    char *path = NULL, *display = NULL;
    size_t i, n = 0;
    brief_status_t status;

    if (roots == NULL)
        return BRIEF_ERR_NOMEM;
    for (i = 0; i < r->n_roots; i++) {
        if (r->roots[i].gone)
            continue;
        roots[n].path = r->roots[i].abs;
        roots[n].display = r->roots[i].display;
        n++;
    }
    status = brief_feed_start(roots, n, r->opts->text_date,
                              r->real ? brief_index_lang(r->target) : NULL, &feed);
    free(roots);
    if (status != BRIEF_OK) {
        brief_set_error(r->errmsg, "cannot start reading: %s", brief_status_str(status));
        return status;
    }
    while ((status = brief_feed_next(feed, &it)) == BRIEF_OK && it != NULL) {
        status = full_item(r, it, &path, &display);
        if (status != BRIEF_OK)
            break;
    }
    /* Every briefing is analysed: the analyser's pairs go to the index. */
    if (status == BRIEF_OK && r->real && brief_feed_pairs(feed) != NULL)
        status = brief_index_take_pairs(r->target, brief_feed_pairs(feed));
    brief_feed_free(feed);
    free(path);
    free(display);
    return status;
}

/* ---------------------------------------------------------------- plan */

static int plan_scan_fn(void *ctx, const brief_scan_entry_t *e)
{
    run_t *r = ctx;
    sqlite3_stmt *st;
    brief_source_info_t info;
    long long mtime_ns;
    int action = ACT_CHANGE, known = 0;
    char *msg = NULL, *rel;

    if (e->kind == BRIEF_SCAN_SKIP) {
        r->stats->skipped++;
        emit(r, BRIEF_RUN_SKIP, e->display, NULL, 0, 0, e->reason);
        return 0;
    }
    if (e->kind == BRIEF_SCAN_ERROR) {
        /* An unreadable folder: what was indexed from it stays. It is
         * told now: the passes over the plan only see files. */
        char *prefix = under_prefix(e->path);
        int told = r->report_rejects;
        r->report_rejects = 1;
        reject(r, e->display, 0, 0, e->reason);
        r->report_rejects = told;
        st = prefix ? cprep(r, r->scratch, "INSERT OR IGNORE INTO unreadable VALUES (?1)") : NULL;
        if (st != NULL) {
            bind_text(st, 1, prefix);
            sqlite3_step(st);
            release(st);
        }
        st = cprep(r, r->scratch, "INSERT OR IGNORE INTO seen VALUES (?1)");
        if (st != NULL) {
            bind_text(st, 1, e->path);
            sqlite3_step(st);
            release(st);
        }
        free(prefix);
        return 0;
    }
    st = cprep(r, r->scratch, "INSERT OR IGNORE INTO seen VALUES (?1)");
    if (st == NULL)
        goto fail;
    bind_text(st, 1, e->path);
    sqlite3_step(st);
    release(st);
    if (sqlite3_changes(r->scratch) == 0)
        return 0; /* met already under another root */
    r->stats->files++;
    progress(r);

    mtime_ns = (long long)e->st->st_mtim.tv_sec * 1000000000LL + e->st->st_mtim.tv_nsec;
    st = cprep(r, brief_index_db(r->live), "SELECT size, mtime_ns, hash FROM files WHERE path = ?1");
    if (st == NULL)
        goto fail;
    bind_text(st, 1, e->path);
    memset(&info, 0, sizeof info);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *old_hash = (const char *)sqlite3_column_text(st, 2);
        known = 1;
        if (sqlite3_column_int64(st, 0) == (long long)e->st->st_size &&
            sqlite3_column_int64(st, 1) == mtime_ns) {
            release(st);
            return 0; /* unchanged: not even opened */
        }
        if (brief_source_hash(e->path, &info, &msg) != BRIEF_OK) {
            release(st);
            reject(r, e->display, 0, 0, msg ? msg : "cannot read");
            free(msg);
            return 0;
        }
        if (old_hash != NULL && strcmp(old_hash, info.hash) == 0)
            action = ACT_TOUCH;
    }
    release(st);
    st = cprep(r, r->scratch, "INSERT INTO plan(action, path, display, rel, size, mtime_ns, hash,"
                              " known) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (st == NULL)
        goto fail;
    sqlite3_bind_int(st, 1, action);
    bind_text(st, 2, e->path);
    bind_text(st, 3, e->display);
    rel = entry_rel(r, e);
    if (rel == NULL) {
        r->fatal = BRIEF_ERR_NOMEM;
        return 1;
    }
    sqlite3_bind_text(st, 4, rel, -1, free);
    sqlite3_bind_int64(st, 5, action == ACT_TOUCH ? (long long)info.size : 0);
    sqlite3_bind_int64(st, 6, action == ACT_TOUCH ? info.mtime_ns : 0);
    bind_text(st, 7, action == ACT_TOUCH ? info.hash : "");
    sqlite3_bind_int(st, 8, known);
    sqlite3_step(st);
    release(st);
    return 0;
fail:
    r->fatal = sql_fail(r, r->scratch, SQLITE_ERROR, "cannot plan the run");
    return 1;
}

/* Plans the removal of every `files` row under the roots whose file was not met. */
static brief_status_t plan_removals(run_t *r)
{
    size_t i;
    brief_status_t status = BRIEF_OK;

    for (i = 0; i < r->n_roots && status == BRIEF_OK; i++) {
        char *prefix = under_prefix(r->roots[i].abs);
        sqlite3_stmt *st;
        int rc;

        if (prefix == NULL)
            return BRIEF_ERR_NOMEM;
        st = cprep(r, brief_index_db(r->live),
                  "SELECT path FROM files WHERE path = ?1 OR substr(path, 1, length(?2)) = ?2");
        if (st == NULL) {
            free(prefix);
            return sql_fail(r, brief_index_db(r->live), SQLITE_ERROR, "cannot read the index");
        }
        bind_text(st, 1, r->roots[i].abs);
        bind_text(st, 2, prefix);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *path = (const char *)sqlite3_column_text(st, 0);
            sqlite3_stmt *ins;
            if (scratch_has(r, "SELECT 1 FROM seen WHERE path = ?1", path) ||
                scratch_has(r, "SELECT 1 FROM unreadable WHERE substr(?1, 1, length(prefix)) ="
                               " prefix", path))
                continue;
            ins = cprep(r, r->scratch, "INSERT OR IGNORE INTO plan(action, path, display, rel)"
                                   " VALUES (3, ?1, ?1, '')");
            if (ins == NULL)
                break;
            bind_text(ins, 1, path);
            sqlite3_step(ins);
            release(ins);
        }
        if (rc != SQLITE_DONE)
            status = sql_fail(r, brief_index_db(r->live), rc, "cannot read the index");
        release(st);
        free(prefix);
    }
    return status;
}

/* Applies the plan to r->target: removals, then the new sizes and mtimes
 * of touched files (when real), then changed files: those already in the
 * index first, so that an id moving from one of them to a new file is
 * freed before the new file claims it. */
static brief_status_t apply_plan(run_t *r)
{
    sqlite3_stmt *st;
    brief_status_t status = BRIEF_OK;
    int rc, pass;

    exec(r->scratch, "UPDATE plan SET done = 0");
    for (pass = ACT_REMOVE; pass >= ACT_CHANGE && status == BRIEF_OK; pass--) {
        if (pass == ACT_TOUCH && !r->real)
            continue;
        st = cprep(r, r->scratch, "SELECT path, display, rel, size, mtime_ns, hash FROM plan"
                              " WHERE action = ?1 ORDER BY known DESC, seq");
        if (st == NULL)
            return sql_fail(r, r->scratch, SQLITE_ERROR, "scratch database");
        sqlite3_bind_int(st, 1, pass);
        while (status == BRIEF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *path = (const char *)sqlite3_column_text(st, 0);
            const char *display = (const char *)sqlite3_column_text(st, 1);
            if (pass == ACT_REMOVE) {
                status = remove_from_path(r, path, display, 0);
                if (status == BRIEF_OK && r->real)
                    status = files_delete(r, path);
            } else if (pass == ACT_TOUCH) {
                status = files_put(r, path, sqlite3_column_int64(st, 3),
                                   sqlite3_column_int64(st, 4),
                                   (const char *)sqlite3_column_text(st, 5));
            } else {
                status = process_file(r, path, display, (const char *)sqlite3_column_text(st, 2));
            }
        }
        release(st);
    }
    return status;
}

/* ------------------------------------------------------------ finishing */

/* Non-zero when path has a row in the files table of idx (NULL: none). */
static int file_indexed(brief_index_t *idx, const char *path)
{
    sqlite3_stmt *st;
    int found;

    if (idx == NULL || (st = prep(brief_index_db(idx), "SELECT 1 FROM files WHERE path = ?1")) == NULL)
        return 0;
    bind_text(st, 1, path);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static long long count_briefings(brief_index_t *idx)
{
    sqlite3_stmt *st = prep(brief_index_db(idx), "SELECT count(*) FROM briefings");
    long long n = 0;

    if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Sets the FTS5 option name (such as 'usermerge') to value. */
static int set_fts_option(sqlite3 *db, const char *name, int value)
{
    sqlite3_stmt *st = prep(db, "INSERT INTO search(search, rank) VALUES(?1, ?2)");
    int rc = SQLITE_ERROR;

    if (st != NULL) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, value);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

typedef struct {
    const char *name;
    int value;
} fts_option_t;

/* FTS5's merge options while a full build writes, and as FTS5 has them
 * (for the nightly runs), which finish() puts back. */
static const fts_option_t build_merging[] = {{"automerge", BUILD_AUTOMERGE},
                                             {"crisismerge", BUILD_CRISISMERGE}};
static const fts_option_t fts5_merging[] = {{"automerge", FTS5_AUTOMERGE},
                                            {"crisismerge", FTS5_CRISISMERGE},
                                            {"usermerge", FTS5_USERMERGE}};

/* Sets the n FTS5 options of o, in order; stops at the first failure. */
static int set_fts_options(sqlite3 *db, const fts_option_t *o, size_t n)
{
    int rc = SQLITE_OK;

    for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
        rc = set_fts_option(db, o[i].name, o[i].value);
    return rc;
}

/* FTS5's largest 'usermerge': a 'merge' command starts merging a level
 * only when it holds at least that many segments. */
#define FTS5_MAX_USERMERGE 16
/* Pages of merge work per 'merge' command in tidy_segments(). */
#define TIDY_MERGE_PAGES 256

/* Runs FTS5 'merge' commands, with 'usermerge' at least, while level 0 is
 * being merged or holds at least that many segments; no more steps than
 * pages of level 0 allow for, whatever FTS5 does. */
static int merge_level0(sqlite3 *db, int least, long long pages)
{
    brief_segments_t seg;
    long long steps = pages / TIDY_MERGE_PAGES + 16;
    int rc = set_fts_option(db, "usermerge", least);

    while (rc == SQLITE_OK && steps-- > 0 && brief_segments_read(db, "search", &seg) == SQLITE_OK &&
           (seg.merging[0] > 0 || seg.segments[0] >= least))
        rc = exec(db, "INSERT INTO search(search, rank) VALUES('merge', " STR(TIDY_MERGE_PAGES) ")");
    return rc;
}

/* The most segments a level above level 0 holds; with levels past
 * BRIEF_SEGMENT_LEVELS, too many for tidy_segments() to go on. */
static int most_above_level0(const brief_segments_t *seg)
{
    int most = 0;

    if (seg->n_levels > BRIEF_SEGMENT_LEVELS)
        return FTS5_MAX_USERMERGE;
    for (int lvl = 1; lvl < seg->n_levels; lvl++)
        most = seg->segments[lvl] > most ? seg->segments[lvl] : most;
    return most;
}

/* Merges what a full build leaves on FTS5's level 0: the merge of 64
 * segments it may be in the middle of (BUILD_AUTOMERGE), and those that
 * came after, up to 63 of a chunk each, so that queries read fewer
 * segments (100,000 briefings left 18 beside 10 on level 1, which cost
 * queries 2-18% more instructions than one more segment there).
 *
 * A savepoint first makes FTS5 write out its pending entries (the last
 * chunk), not the commit after FTS5's defaults are back, whose automerge
 * would begin merging a level. Then FTS5's 'merge' command merges level 0
 * 256 pages at a time: each step frees the pages of its input it has
 * read, which the next step writes again. (Merged in one go, as a crisis
 * merge does, they stayed free at the end of the file: a tenth of it at
 * 20,000 briefings, which then cost the build a compaction in seal().)
 * 'usermerge' keeps the command off the other levels: one above the most
 * segments any of them holds, at most 16, or the segments stay as they
 * are, as when FTS5's layout cannot be read: queries read a few more. */
static brief_status_t tidy_segments(run_t *r, sqlite3 *db)
{
    brief_segments_t seg;
    int rc = exec(db, "SAVEPOINT tidy; RELEASE tidy");

    if (rc != SQLITE_OK)
        return sql_fail(r, db, rc, "cannot merge the index");
    /* level 1 gets one more segment from each merge of level 0 */
    if (brief_segments_read(db, "search", &seg) != SQLITE_OK || seg.n_levels < 1 ||
        most_above_level0(&seg) + 2 > FTS5_MAX_USERMERGE)
        return BRIEF_OK;
    /* the merge under way first: it takes what level 0 held when it began */
    if (seg.merging[0] > 0)
        rc = merge_level0(db, FTS5_MAX_USERMERGE, seg.pages[0]);
    if (rc == SQLITE_OK && brief_segments_read(db, "search", &seg) == SQLITE_OK) {
        int least = most_above_level0(&seg) + 2;
        if (least <= FTS5_MAX_USERMERGE)
            rc = merge_level0(db, least, seg.pages[0]);
    }
    /* 'usermerge' goes back with FTS5's other defaults, in finish() */
    return rc == SQLITE_OK ? BRIEF_OK : sql_fail(r, db, rc, "cannot merge the index");
}

/* Merges FTS5 segments, bumps the generation, records the roots, commits. */
static brief_status_t finish(run_t *r, int full, long long generation, const char *roots)
{
    sqlite3 *db = brief_index_db(r->target);
    brief_segments_t seg;
    sqlite3_stmt *st;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    brief_status_t status;
    int rc;

    /* The FTS5 entries of this run, waiting to go in docid order. */
    status = brief_index_flush(r->target, r->errmsg);
    if (status != BRIEF_OK)
        return status;
    /* A full build leaves its segments as its merges of 64 left them, level
     * 0 merged (tidy_segments()). 'optimize' (one segment) followed by the
     * VACUUM that gave back the pages it freed cost 2.6 s of a 14.6 s build
     * of 20,000 briefings, to make the file 1.16x the size of a plain FTS5
     * database of the same text instead of 1.19x. */
    if (full) {
        status = tidy_segments(r, db);
        if (status != BRIEF_OK)
            return status;
    }
    rc = full ? set_fts_options(db, fts5_merging, sizeof fts5_merging / sizeof *fts5_merging)
              : exec(db, "INSERT INTO search(search, rank) VALUES('merge', " STR(MERGE_PAGES) ")");
    if (rc != SQLITE_OK)
        return sql_fail(r, db, rc, "cannot merge the index");
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    st = cprep(r, db, "INSERT OR REPLACE INTO meta VALUES ('generation', ?1),"
                  " ('generation_time', ?2), ('roots', ?3)");
    if (st == NULL)
        return sql_fail(r, db, SQLITE_ERROR, "cannot write the index");
    sqlite3_bind_int64(st, 1, generation);
    bind_text(st, 2, when);
    bind_text(st, 3, roots);
    rc = sqlite3_step(st);
    release(st);
    if (rc != SQLITE_DONE)
        return sql_fail(r, db, rc, "cannot write the index");
    rc = exec(db, "COMMIT");
    if (rc != SQLITE_OK)
        return sql_fail(r, db, rc, "cannot commit the index");
    r->stats->segments = brief_segments_read(db, "search", &seg) == SQLITE_OK ? seg.n_segments : -1;
    return BRIEF_OK;
}

/* The file a full build's copy is compacted into: tmp + COMPACT_SUFFIX,
 * which brief_swap_clean_stale() also removes (it starts like tmp). */
#define COMPACT_SUFFIX "-compact"

static void remove_tmp(const char *tmp)
{
    static const char *const suffixes[] = {"-journal", COMPACT_SUFFIX};
    size_t n = strlen(tmp) + sizeof "-journal" + sizeof COMPACT_SUFFIX;
    char *j = malloc(n);

    unlink(tmp);
    for (size_t i = 0; j != NULL && i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(j, n, "%s%s", tmp, suffixes[i]);
        unlink(j);
    }
    free(j);
}

/* Compacts the copy tmp and closes it. VACUUM INTO writes the compacted
 * copy to a file of its own, which then replaces tmp: plain VACUUM wrote
 * it to a temporary file and copied it back page by page, which took
 * twice the CPU (20,000 briefings, 234 MB: 1.1 s against 0.6 s; wall 1.4
 * s against 1.1 s). The copy is nobody's yet, so it needs no rollback
 * journal; VACUUM's temporary database gets the main one's cache size,
 * so that is cut first (with the build's 32 MiB, VACUUM doubled the
 * indexer's peak memory). */
static brief_status_t compact(run_t *r, const char *tmp)
{
    sqlite3 *db = brief_index_db(r->target);
    size_t n = strlen(tmp) + sizeof COMPACT_SUFFIX;
    char *into = malloc(n);
    char *sql = NULL;
    brief_status_t status = BRIEF_OK;
    struct stat st;
    int rc;

    if (into != NULL) {
        snprintf(into, n, "%s" COMPACT_SUFFIX, tmp);
        sql = sqlite3_mprintf("VACUUM INTO %Q", into);
    }
    if (sql == NULL) {
        free(into);
        return BRIEF_ERR_NOMEM;
    }
    unlink(into); /* VACUUM INTO refuses a file that is not empty */
    rc = exec(db, "PRAGMA journal_mode=OFF; PRAGMA cache_size=-2048");
    if (rc == SQLITE_OK)
        rc = exec(db, sql);
    if (rc != SQLITE_OK)
        status = sql_fail(r, db, rc, "cannot compact the index");
    close_index(r, r->target);
    r->target = NULL;
    /* The compacted file keeps the mode the copy got from the live index. */
    if (status == BRIEF_OK && stat(tmp, &st) == 0)
        chmod(into, st.st_mode & 0777);
    if (status == BRIEF_OK && rename(into, tmp) != 0) {
        brief_set_error(r->errmsg, "cannot rename '%s' to '%s': %s", into, tmp, strerror(errno));
        status = BRIEF_ERR_IO;
    }
    sqlite3_free(sql);
    free(into);
    return status;
}

/* Whether a copy is worth compacting: when at least 1/COMPACT_FREE_SHARE
 * of its pages are free, or when the file is under COMPACT_SMALL_BYTES.
 *
 * Replaced briefings and merged FTS5 segments leave free pages that SQLite
 * reuses but never gives back; on a small index they add up fast (1,000
 * briefings, three nights of 1% changes: 569 of 3,601 pages free, the file
 * 1.55x a plain FTS5 database of the same text instead of 1.33x), while on
 * a large one they stay a few percent (20,000 briefings: 2%), where
 * compacting would cost as much as the run itself.
 *
 * Under COMPACT_SMALL_BYTES the copy costs little, and the pages that
 * out-of-order inserts (`words`, `stems`, the indexes on docid) leave
 * part-filled weigh most (1,000 briefings: 12.7 MB, 3% more than
 * compacted, for 0.04 s). A larger full build is not compacted: it was,
 * always, but the copy of the whole file cost (100,000 briefings, 1.13 GB)
 * a quarter of the build's wall time and half its system time (58 s
 * against 42 s, 20.7 s against 10.7 s of system CPU) for 2% of its size,
 * and since briefings and passages are appended in arrival order (lib/
 * schema.c) 20,000 briefings would gain 1.9% for 0.8 s. */
#define COMPACT_FREE_SHARE 10
#define COMPACT_SMALL_BYTES (32 * 1024 * 1024)

static int worth_compacting(sqlite3 *db)
{
    sqlite3_int64 pages = 0, free_pages = 0, page_size = 0;

    if (brief_sql_int64(db, "PRAGMA page_count", &pages) != SQLITE_OK ||
        brief_sql_int64(db, "PRAGMA freelist_count", &free_pages) != SQLITE_OK ||
        brief_sql_int64(db, "PRAGMA page_size", &page_size) != SQLITE_OK || pages <= 0)
        return 0;
    return free_pages * COMPACT_FREE_SHARE >= pages || pages * page_size < COMPACT_SMALL_BYTES;
}

/* Closes the copy tmp, written and committed, compacted first when that
 * pays (worth_compacting()). */
static brief_status_t seal(run_t *r, const char *tmp)
{
    if (worth_compacting(brief_index_db(r->target)))
        return compact(r, tmp); /* closes r->target */
    close_index(r, r->target);
    r->target = NULL;
    return BRIEF_OK;
}

static brief_status_t open_tmp(run_t *r, const char *tmp, int fresh, const char *lang,
                               const struct stat *live_st)
{
    brief_status_t status;
    sqlite3 *db;

    status = brief_index_open(tmp, fresh ? BRIEF_OPEN_CREATE : BRIEF_OPEN_WRITE, lang, &r->target,
                              r->errmsg);
    if (status != BRIEF_OK)
        return status;
    if (fresh && live_st != NULL)
        chmod(tmp, live_st->st_mode & 0777);
    db = brief_index_db(r->target);
    /* The copy is nobody's until it is renamed: no fsync per commit (the
     * whole file is flushed once before the rename), a rollback journal
     * (no -wal file to carry along), a larger page cache: 16 MiB for an
     * incremental run, which updates rows all over the index, 8 MiB for a
     * full build: it appends its rows (lib/schema.c), so 16 MiB is no
     * faster there (100,000 briefings: 37.6 s either way) and costs 10 MB
     * more of peak memory (62.3 MB against 52.6 MB). (Schema 3's
     * CHECK on passages.kind, which SQLite 3.40 evaluated by building a
     * temporary B-tree of its list for every row, a quarter of the writing
     * thread's instructions, was skipped here; schema 4 has no CHECK.) */
    if (exec(db, fresh ? "PRAGMA synchronous=OFF; PRAGMA journal_mode=DELETE;"
                         " PRAGMA cache_size=-8192; BEGIN"
                       : "PRAGMA synchronous=OFF; PRAGMA journal_mode=DELETE;"
                         " PRAGMA cache_size=-16384; BEGIN") != SQLITE_OK)
        return sql_fail(r, db, SQLITE_ERROR, "cannot write the new index");
    if (fresh && set_fts_options(db, build_merging, sizeof build_merging / sizeof *build_merging) !=
                     SQLITE_OK)
        return sql_fail(r, db, SQLITE_ERROR, "cannot write the new index");
    return BRIEF_OK;
}

/* ------------------------------------------------------------------ run */

brief_status_t brief_indexer_run(const brief_indexer_opts_t *opts, brief_indexer_stats_t *stats,
                                 char **errmsg)
{
    run_t r;
    brief_lock_t *lock = NULL;
    brief_status_t status = BRIEF_OK;
    root_t *old_roots = NULL, *given = NULL;
    size_t n_old = 0, n_given = 0, i;
    struct stat live_st;
    int live_exists, full = 0;
    long long generation = 0, before = 0, scanned = 0;
    char *tmp = NULL, *roots = NULL, *gen_when = NULL;
    const char *lang = opts->lang;
    brief_writeback_t *wb = NULL;

    memset(stats, 0, sizeof *stats);
    stats->segments = -1;
    memset(&r, 0, sizeof r);
    r.opts = opts;
    r.stats = stats;
    r.errmsg = errmsg;
    r.last_progress = now_seconds();

    if (opts->n_roots > 0) {
        status = roots_given(opts, &given, &n_given, errmsg);
        if (status != BRIEF_OK)
            goto done;
    }
    if (!opts->dry_run) {
        status = brief_lock_acquire(opts->db_path, opts->wait_lock, &lock, &stats->holder_pid,
                                    errmsg);
        if (status != BRIEF_OK)
            goto done;
        if (brief_swap_clean_stale(opts->db_path) > 0)
            emit(&r, BRIEF_RUN_NOTE, opts->db_path, NULL, 0, 0,
                 "removed files left by an interrupted run");
    }

    live_exists = stat(opts->db_path, &live_st) == 0;
    if (live_exists) {
        status = brief_index_open(opts->db_path, BRIEF_OPEN_READ, NULL, &r.live, errmsg);
        if (status != BRIEF_OK)
            goto done;
        /* One read transaction while the live index is open: each of its
         * statements in autocommit mode took and dropped SQLite's shared
         * lock, 4 system calls per file of a rescan (fcntl twice, a stat
         * for a hot journal, a read of the header): a rescan of 20,000
         * unchanged briefings (16,000 files) took 0.4 s, now 0.2 s. */
        if (exec(brief_index_db(r.live), "BEGIN") != SQLITE_OK) {
            status = sql_fail(&r, brief_index_db(r.live), SQLITE_ERROR, "cannot read the index");
            goto done;
        }
        if (brief_index_generation(r.live, &generation, &gen_when) != BRIEF_OK) {
            status = sql_fail(&r, brief_index_db(r.live), SQLITE_ERROR, "cannot read the index");
            goto done;
        }
        status = roots_remembered(r.live, &old_roots, &n_old);
        if (status != BRIEF_OK)
            goto done;
        if (lang != NULL && !same_language(lang, brief_index_lang(r.live)) && !opts->full) {
            brief_set_error(errmsg,
                            "'%s' stems with '%s', not '%s' (the language is fixed when the "
                            "index is made; rebuild it with --full)",
                            opts->db_path, brief_index_lang(r.live), lang);
            status = BRIEF_ERR_INVALID;
            goto done;
        }
        if (lang == NULL)
            lang = brief_index_lang(r.live);
        before = count_briefings(r.live);
    }
    full = opts->full || !live_exists;
    r.full = full;
    if (!full && n_given > 0) {
        status = roots_inside(given, n_given, old_roots, n_old);
        if (status != BRIEF_OK)
            goto done;
    }

    /* This run's roots: the ones given, else the remembered ones. */
    if (n_given > 0) {
        r.roots = given;
        r.n_roots = n_given;
    } else {
        r.roots = old_roots;
        r.n_roots = n_old;
    }
    if (r.n_roots == 0) {
        brief_set_error(errmsg, live_exists ? "no corpus given, and '%s' remembers none"
                                            : "no corpus given to index into '%s'",
                        opts->db_path);
        status = BRIEF_ERR_INVALID;
        goto done;
    }
    for (i = 0; i < r.n_roots; i++) {
        struct stat st;
        if (stat(r.roots[i].abs, &st) != 0) {
            int e = errno;
            /* A remembered root that was a single file, now deleted: its
             * briefings are removed like those of any deleted file. */
            if (e == ENOENT && r.roots == old_roots && file_indexed(r.live, r.roots[i].abs)) {
                r.roots[i].gone = 1;
                emit(&r, BRIEF_RUN_NOTE, r.roots[i].display, NULL, 0, 0,
                     "deleted; no longer a root");
                continue;
            }
            /* A vanished folder (an unmounted disk...) must not empty the index. */
            brief_set_error(errmsg, "cannot read '%s': %s", r.roots[i].display, strerror(e));
            status = BRIEF_ERR_INVALID;
            goto done;
        }
    }
    roots = full ? roots_json(r.roots, r.n_roots, NULL, 0)
                 : roots_json(r.roots, r.n_roots, old_roots, n_old);
    if (roots == NULL) {
        status = BRIEF_ERR_NOMEM;
        goto done;
    }
    status = scratch_open(&r);
    if (status != BRIEF_OK)
        goto done;

    if (full) {
        stats->generation = generation;
        r.report_changes = r.report_rejects = 1;
        if (!opts->dry_run) {
            tmp = brief_swap_tmp_path(opts->db_path);
            if (tmp == NULL) {
                status = BRIEF_ERR_NOMEM;
                goto done;
            }
            remove_tmp(tmp);
            status = open_tmp(&r, tmp, 1, lang, live_exists ? &live_st : NULL);
            if (status != BRIEF_OK)
                goto done;
            r.real = 1;
        }
        status = full_scan(&r);
        if (status != BRIEF_OK || opts->dry_run)
            goto done;
        emit(&r, BRIEF_RUN_NOTE, opts->db_path, NULL, 0, 0, "committing");
        /* The reader threads are done and a core is free: the pages the
         * build wrote go to disk on it while finish() merges what is left
         * of level 0, instead of in the fsync() after, on the writer's
         * time. Every page is still dirty here (a build writes some 12 MB
         * per 1,000 briefings, far under the kernel's writeback
         * thresholds), and on our VMs submitting the writes costs CPU:
         * the fsync() of a 20,000-briefing build took 0.26-0.29 s, and
         * 0.05-0.13 s after this (strace). A compaction in seal() writes
         * another file; the pages sent early are then wasted, not wrong. */
        wb = brief_swap_writeback_start(tmp);
        status = finish(&r, 1, generation + 1, roots);
        if (status == BRIEF_OK)
            status = seal(&r, tmp);
        brief_swap_writeback_wait(wb);
        wb = NULL;
        if (status != BRIEF_OK)
            goto done;
        status = brief_swap_commit(tmp, opts->db_path, errmsg);
        if (status == BRIEF_OK) {
            stats->wrote = 1;
            stats->generation = generation + 1;
        }
        goto done;
    }

    /* Incremental: plan, weigh (pass 1), then apply to a copy (pass 2). */
    stats->generation = generation;
    for (i = 0; i < r.n_roots && status == BRIEF_OK; i++) {
        if (r.roots[i].gone)
            continue;
        r.cur_root = i;
        status = brief_scan(r.roots[i].abs, r.roots[i].display, plan_scan_fn, &r, errmsg);
        if (status == BRIEF_ERR_LIMIT)
            status = r.fatal;
    }
    if (status == BRIEF_OK)
        status = plan_removals(&r);
    if (status != BRIEF_OK)
        goto done;

    r.target = r.live;
    r.real = 0;
    r.report_rejects = 1;
    r.report_changes = opts->dry_run;
    scanned = stats->files;
    status = apply_plan(&r);
    stats->files = scanned;
    r.target = NULL;
    if (status != BRIEF_OK)
        goto done;
    stats->unchanged = before - stats->updated - stats->removed;
    if (opts->dry_run || stats->added + stats->updated + stats->removed == 0)
        goto done;

    {
        long long rejected = stats->rejected, skipped = stats->skipped;
        stats->added = stats->updated = stats->removed = 0;
        exec(r.scratch, "DELETE FROM run_ids");
        close_index(&r, r.live);
        r.live = NULL;
        tmp = brief_swap_tmp_path(opts->db_path);
        if (tmp == NULL) {
            status = BRIEF_ERR_NOMEM;
            goto done;
        }
        remove_tmp(tmp);
        emit(&r, BRIEF_RUN_NOTE, opts->db_path, NULL, 0, 0, "copying the index");
        status = brief_swap_copy(opts->db_path, tmp, errmsg);
        if (status != BRIEF_OK)
            goto done;
        /* The copy is all dirty pages: they go to disk while the run
         * applies its changes (as in a full build's end, above). A nightly
         * run with 1% of 20,000 briefings changed spent 0.15-0.2 s of its
         * 0.8-0.9 s in the fsync() of the copy; 0.11 s after this. */
        wb = brief_swap_writeback_start(tmp);
        status = open_tmp(&r, tmp, 0, NULL, NULL);
        if (status != BRIEF_OK)
            goto done;
        r.real = 1;
        r.report_rejects = 0; /* pass 1 told them */
        r.report_changes = 1;
        status = apply_plan(&r);
        stats->files = scanned;
        stats->rejected = rejected;
        stats->skipped = skipped;
        if (status != BRIEF_OK)
            goto done;
        stats->unchanged = before - stats->updated - stats->removed;
        if (stats->added + stats->updated + stats->removed == 0)
            goto done; /* the files changed back under us: nothing to do */
        status = finish(&r, 0, generation + 1, roots);
        if (status == BRIEF_OK)
            status = seal(&r, tmp);
        brief_swap_writeback_wait(wb);
        wb = NULL;
        if (status != BRIEF_OK)
            goto done;
        status = brief_swap_commit(tmp, opts->db_path, errmsg);
        if (status == BRIEF_OK) {
            stats->wrote = 1;
            stats->generation = generation + 1;
        }
    }

done:
    brief_swap_writeback_wait(wb); /* a run that failed before its commit */
    if (r.target != NULL && r.target != r.live)
        close_index(&r, r.target);
    close_index(&r, r.live);
    if (tmp != NULL && !stats->wrote)
        remove_tmp(tmp);
    if (r.scratch != NULL) {
        cache_drop(&r, r.scratch);
        sqlite3_close(r.scratch);
    }
    if (status == BRIEF_OK && full)
        stats->unchanged = 0;
    free(tmp);
    free(roots);
    free(gen_when);
    roots_free(old_roots, n_old);
    roots_free(given, n_given);
    brief_lock_release(lock);
    return status;
}

/* ---------------------------------------------------------------- check */

static int collect(void *ctx, int n, char **values, char **names)
{
    char **acc = ctx;
    size_t old = *acc ? strlen(*acc) : 0, add;
    char *grown;

    (void)names;
    if (n < 1 || values[0] == NULL || strcmp(values[0], "ok") == 0)
        return 0;
    add = strlen(values[0]);
    grown = realloc(*acc, old + add + 2);
    if (grown == NULL)
        return 1;
    if (old > 0)
        grown[old++] = '\n';
    memcpy(grown + old, values[0], add + 1);
    *acc = grown;
    return 0;
}

/* check_pairs(): a column's tokens, each checked with the one before. */
typedef struct {
    const brief_pairs_t *held;
    uint32_t prev;
    int n;     /* tokens so far in the column */
    int lacks; /* a pair the filter lacks */
} pair_check_t;

static int pair_check_token(void *ctx, const char *word, int n_word, const char *stem,
                            int n_stem, int start, int end)
{
    pair_check_t *c = ctx;
    uint32_t h = brief_stem_hash(stem, n_stem > 0 ? (size_t)n_stem : 0);
    (void)word;
    (void)n_word;
    (void)start;
    (void)end;
    if (c->n++ > 0 && !brief_pairs_may_touch(c->held, c->prev, h))
        c->lacks = 1;
    c->prev = h;
    return c->lacks; /* one is enough */
}

/* Analyses every briefing's column texts again, as the index did, and
 * adds a problem when the stored pair filter (brief_pairs.h) lacks a pair
 * of neighbouring stems of some briefing: its queries would stop their
 * scans too early. An index without a filter has nothing to check. */
static int check_pairs(brief_index_t *idx, char **problems)
{
    sqlite3 *db = brief_index_db(idx);
    brief_pairs_t *held = NULL;
    sqlite3_stmt *st = NULL;
    long long lacking = 0;
    int rc;

    if (brief_pairs_load(db, &held) != BRIEF_OK)
        return sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errcode(db) : SQLITE_NOMEM;
    if (held == NULL)
        return SQLITE_OK;
    rc = sqlite3_prepare_v2(db,
                            "SELECT title, heading, speaker, names, outlet, article, analysis,"
                            " quote FROM briefings",
                            -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        pair_check_t c = {held, 0, 0, 0};
        rc = SQLITE_OK;
        for (int i = 0; i < sqlite3_column_count(st) && !c.lacks; i++) {
            const char *text = (const char *)sqlite3_column_text(st, i);
            c.n = 0;
            if (text != NULL)
                (void)brief_analyzer_run(brief_index_analyzer(idx), text,
                                         sqlite3_column_bytes(st, i), pair_check_token, &c);
        }
        lacking += c.lacks;
    }
    sqlite3_finalize(st);
    brief_pairs_free(held);
    if (rc != SQLITE_DONE)
        return rc;
    if (lacking > 0)
        brief_set_error(problems,
                        "%s%sthe pair filter lacks neighbouring words of %lld briefings"
                        " (rebuild the index with --full)",
                        *problems ? *problems : "", *problems ? "\n" : "", lacking);
    return SQLITE_OK;
}

brief_status_t brief_indexer_check(const char *db_path, char **errmsg)
{
    brief_index_t *idx = NULL;
    brief_status_t status;
    char *problems = NULL;
    sqlite3 *db;
    int rc;

    /* FTS5's integrity-check is an INSERT, refused on a read-only
     * connection, so the file is opened for writing but only inside a
     * transaction that is rolled back: nothing is ever written to it. */
    status = brief_index_open(db_path, BRIEF_OPEN_WRITE, NULL, &idx, errmsg);
    if (status != BRIEF_OK)
        return status;
    db = brief_index_db(idx);
    rc = exec(db, "BEGIN");
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA integrity_check", collect, &problems, NULL);
    if (rc == SQLITE_OK)
        rc = check_pairs(idx, &problems);
    if (rc == SQLITE_OK) {
        rc = exec(db, "INSERT INTO search(search) VALUES('integrity-check')");
        if (rc != SQLITE_OK) {
            brief_set_error(&problems, "%s%sfts5 integrity-check: %s", problems ? problems : "",
                            problems ? "\n" : "", sqlite3_errmsg(db));
            rc = SQLITE_OK;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "SELECT 'briefings and the fts5 index disagree: ' ||"
                          " (SELECT count(*) FROM briefings) || ' briefings, ' ||"
                          " (SELECT count(*) FROM search_docsize) || ' indexed'"
                          " WHERE (SELECT count(*) FROM briefings) !="
                          " (SELECT count(*) FROM search_docsize);"
                          "SELECT count(*) || ' passages of missing briefings' FROM passages"
                          " WHERE serial NOT IN (SELECT serial FROM briefings) HAVING count(*) > 0;"
                          "SELECT count(*) || ' briefings of files not in the files table'"
                          " FROM briefings WHERE path NOT IN (SELECT path FROM files)"
                          " HAVING count(*) > 0",
                          collect, &problems, NULL);
    if (rc != SQLITE_OK && problems == NULL) {
        status = status_of_rc(sqlite3_errcode(db));
        brief_set_error(errmsg, "cannot check '%s': %s", db_path, sqlite3_errmsg(db));
        if (status == BRIEF_OK || status == BRIEF_ERR_CORRUPT)
            status = BRIEF_ERR_CORRUPT;
    }
    exec(db, "ROLLBACK");
    brief_index_close(idx);
    if (problems != NULL) {
        brief_set_error(errmsg, "'%s' failed its integrity check:\n%s", db_path, problems);
        free(problems);
        return BRIEF_ERR_CORRUPT;
    }
    return status;
}
