/* index.c - opening and closing an index: connection set-up, schema check, language. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brief_index.h"
#include "brief_tokenizer.h"
#include "internal.h"

/* How long a reader waits on a lock before giving up. Readers never wait
 * on the indexer (it builds a copy and renames it into place), so this only
 * covers odd cases such as a hand-run sqlite3 shell holding a write lock. */
#define BRIEF_BUSY_TIMEOUT_MS 5000

struct brief_index {
    sqlite3 *db;
    char *path;
    char *lang;
    brief_analyzer_t *analyzer;
    void *writer;               /* lib/index_write.c's cached state, or NULL */
    void (*writer_free)(void *); /* frees writer; run before the connection closes */
};

/* A reader's page cache is kept small. On our VMs a page fault costs about
 * 12 us, and every page SQLite reads goes into a freshly malloc'd buffer
 * whose memory faults in: with the default cache (2 MB, some 500 pages) a
 * rare-word query at 100k briefings read 520 pages into 520 new buffers,
 * 906 page faults in all for the process. A cache of BRIEF_READ_CACHE_PAGES
 * recycles its buffers instead; what it drops and needs again is read
 * again from the kernel's page cache, a pread of a few microseconds. At
 * 100k briefings, default / 32 pages: rare word 906 / 358 faults and
 * 520 / 541 reads; `the` 933 / 387 faults and 5357 / 5357 reads. Caches of
 * 20, 64 and 128 pages read the same pages, so the pages used again
 * (B-tree interior pages) fit in 20. The indexer's read of the live index
 * (lookups in `files`) got faster too: 0.56 s against 0.65 s for an
 * unchanged 20k corpus. A --batch of 30 queries is no slower.
 *
 * PRAGMA mmap_size was tried and is slower here (40 ms against 26 ms for
 * the rare word): mapped pages fault too, each fault maps 16 pages around
 * it, and unmapping the scattered mapping cost 10% of the process alone. */
#define BRIEF_READ_CACHE_PAGES "32"

static void set_reader_cache(sqlite3 *db)
{
    /* A failure leaves the default cache, which is only slower. */
    sqlite3_exec(db, "PRAGMA cache_size=" BRIEF_READ_CACHE_PAGES, NULL, NULL, NULL);
}

static brief_status_t read_lang(brief_index_t *idx, char **errmsg)
{
    sqlite3_stmt *st = NULL;
    brief_status_t status = BRIEF_OK;

    if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key = 'lang'", -1, &st,
                           NULL) != SQLITE_OK) {
        brief_set_error(errmsg, "'%s' is not a briefing index: %s", idx->path,
                        sqlite3_errmsg(idx->db));
        return BRIEF_ERR_NOT_INDEX;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL) {
        idx->lang = brief_strdup((const char *)sqlite3_column_text(st, 0));
        if (idx->lang == NULL)
            status = BRIEF_ERR_NOMEM;
    } else {
        brief_set_error(errmsg, "'%s' is not a briefing index: no language recorded", idx->path);
        status = BRIEF_ERR_NOT_INDEX;
    }
    sqlite3_finalize(st);
    return status;
}

brief_status_t brief_index_open(const char *path, brief_open_mode_t mode, const char *lang,
                                brief_index_t **out, char **errmsg)
{
    brief_index_t *idx;
    brief_status_t status = BRIEF_OK;
    struct stat sb;
    int flags, is_new = 0, rc;

    *out = NULL;
    if (lang != NULL && !brief_language_known(lang)) {
        brief_set_error(errmsg, "unknown stemming language '%s'", lang);
        return BRIEF_ERR_INVALID;
    }
    if (stat(path, &sb) != 0) {
        int err = errno; /* brief_set_error may change errno */
        if (err != ENOENT || mode != BRIEF_OPEN_CREATE) {
            brief_set_error(errmsg, "cannot open index '%s': %s", path, strerror(err));
            return err == ENOENT ? BRIEF_ERR_NOT_INDEX : BRIEF_ERR_IO;
        }
        is_new = 1;
    } else if (!S_ISREG(sb.st_mode)) {
        brief_set_error(errmsg, "'%s' is not a briefing index: not a regular file", path);
        return BRIEF_ERR_NOT_INDEX;
    } else if (sb.st_size == 0 && mode == BRIEF_OPEN_CREATE) {
        is_new = 1;
    }

    idx = calloc(1, sizeof *idx);
    if (idx == NULL || (idx->path = brief_strdup(path)) == NULL) {
        free(idx);
        return BRIEF_ERR_NOMEM;
    }
    flags = mode == BRIEF_OPEN_READ ? SQLITE_OPEN_READONLY
                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    rc = sqlite3_open_v2(path, &idx->db, flags, NULL);
    if (rc != SQLITE_OK) {
        brief_set_error(errmsg, "cannot open index '%s': %s", path,
                        idx->db ? sqlite3_errmsg(idx->db) : sqlite3_errstr(rc));
        status = rc == SQLITE_NOMEM ? BRIEF_ERR_NOMEM : BRIEF_ERR_IO;
        goto fail;
    }
    sqlite3_extended_result_codes(idx->db, 1);
    sqlite3_busy_timeout(idx->db, BRIEF_BUSY_TIMEOUT_MS);
    if (mode == BRIEF_OPEN_READ)
        set_reader_cache(idx->db);
    if (brief_tokenizer_register(idx->db) != BRIEF_OK) {
        brief_set_error(errmsg, "cannot register the snowball tokenizer: %s",
                        sqlite3_errmsg(idx->db));
        status = BRIEF_ERR_SQLITE;
        goto fail;
    }
    if (is_new)
        status = brief_schema_create(idx->db, lang, errmsg);
    else
        status = brief_schema_check(idx->db, path, errmsg);
    if (status == BRIEF_OK)
        status = read_lang(idx, errmsg);
    if (status != BRIEF_OK)
        goto fail;
    *out = idx;
    return BRIEF_OK;

fail:
    brief_index_close(idx);
    return status;
}

void brief_index_close(brief_index_t *idx)
{
    if (idx == NULL)
        return;
    if (idx->writer_free != NULL)
        idx->writer_free(idx->writer);
    brief_analyzer_free(idx->analyzer);
    sqlite3_close_v2(idx->db);
    free(idx->path);
    free(idx->lang);
    free(idx);
}

sqlite3 *brief_index_db(brief_index_t *idx)
{
    return idx->db;
}

void *brief_index_writer(brief_index_t *idx)
{
    return idx->writer;
}

void brief_index_set_writer(brief_index_t *idx, void *writer, void (*writer_free)(void *))
{
    idx->writer = writer;
    idx->writer_free = writer_free;
}

const char *brief_index_lang(brief_index_t *idx)
{
    return idx->lang;
}

struct brief_analyzer *brief_index_analyzer(brief_index_t *idx)
{
    if (idx->analyzer == NULL)
        brief_analyzer_new(idx->db, idx->lang, &idx->analyzer, NULL);
    return idx->analyzer;
}

brief_status_t brief_index_generation(brief_index_t *idx, long long *gen, char **when)
{
    sqlite3_stmt *st = NULL;
    brief_status_t status = BRIEF_OK;

    *gen = 0;
    *when = NULL;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT (SELECT value FROM meta WHERE key = 'generation'),"
                           " (SELECT value FROM meta WHERE key = 'generation_time')",
                           -1, &st, NULL) != SQLITE_OK)
        return BRIEF_ERR_SQLITE;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 1);
        *gen = sqlite3_column_int64(st, 0);
        *when = brief_strdup(t ? (const char *)t : "");
        if (*when == NULL)
            status = BRIEF_ERR_NOMEM;
    } else {
        status = BRIEF_ERR_SQLITE;
    }
    sqlite3_finalize(st);
    return status;
}
