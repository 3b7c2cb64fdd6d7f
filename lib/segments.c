/* segments.c - the segments and levels of an FTS5 index, read from its
 * structure record (include/brief_segments.h).
 *
 * The record, as fts5_index.c writes it (fts5StructureWrite):
 *
 *   4-byte cookie
 *   [the 4 bytes ff 00 00 01, from SQLite 3.43: "structure v2"]
 *   varint levels, varint segments, varint write counter
 *   per level: varint segments being merged, varint segments, then
 *     per segment: varint id, varint first leaf, varint last leaf
 *     [v2: varint origin 1, varint origin 2, varint tombstone pages,
 *          varint tombstone entries, varint entries]
 *
 * Varints are SQLite's: big-endian groups of 7 bits, a 9th byte of 8. */
#include "brief_segments.h"

#include <string.h>

typedef struct {
    const unsigned char *a;
    int n, at;
    int bad;
} reader_t;

static unsigned long long get_varint(reader_t *r)
{
    unsigned long long v = 0;

    for (int i = 0; i < 9; i++) {
        unsigned char c;
        if (r->at >= r->n) {
            r->bad = 1;
            return 0;
        }
        c = r->a[r->at++];
        if (i == 8)
            return (v << 8) | c;
        v = (v << 7) | (c & 0x7f);
        if (!(c & 0x80))
            return v;
    }
    return v; /* not reached */
}

/* A count that must fit an int and be at most max. */
static int get_count(reader_t *r, int max)
{
    unsigned long long v = get_varint(r);
    if (v > (unsigned long long)max)
        r->bad = 1;
    return r->bad ? 0 : (int)v;
}

int brief_segments_decode(const unsigned char *a, int n, brief_segments_t *out)
{
    static const unsigned char v2_mark[4] = {0xff, 0x00, 0x00, 0x01};
    reader_t r = {a, n, 4, 0};
    int v2 = 0, total = 0;

    memset(out, 0, sizeof *out);
    if (a == NULL || n < 4)
        return SQLITE_CORRUPT;
    if (n >= 8 && memcmp(a + 4, v2_mark, 4) == 0) {
        v2 = 1;
        r.at = 8;
    }
    /* FTS5 allows at most 2,000 segments */
    out->n_levels = get_count(&r, 2000);
    out->n_segments = get_count(&r, 2000);
    (void)get_varint(&r); /* the write counter */
    for (int lvl = 0; lvl < out->n_levels && !r.bad; lvl++) {
        int segs, merging;
        long long pages = 0;
        merging = get_count(&r, 2000);
        segs = get_count(&r, 2000);
        if (merging > segs)
            r.bad = 1;
        for (int s = 0; s < segs && !r.bad; s++) {
            unsigned long long first, last;
            (void)get_varint(&r); /* id */
            first = get_varint(&r);
            last = get_varint(&r);
            if (last + 1 < first || last > 0x7fffffffULL)
                r.bad = 1;
            else
                pages += (long long)(last + 1 - first);
            for (int k = 0; v2 && k < 5; k++)
                (void)get_varint(&r);
        }
        total += segs;
        if (lvl < BRIEF_SEGMENT_LEVELS) {
            out->segments[lvl] = segs;
            out->merging[lvl] = merging;
            out->pages[lvl] = pages;
        }
    }
    if (r.bad || total != out->n_segments || r.at != r.n) {
        memset(out, 0, sizeof *out);
        return SQLITE_CORRUPT;
    }
    return SQLITE_OK;
}

int brief_segments_read(sqlite3 *db, const char *table, brief_segments_t *out)
{
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_mprintf("SELECT block FROM \"%w_data\" WHERE id = 10", table);
    int rc;

    memset(out, 0, sizeof *out);
    if (sql == NULL)
        return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = brief_segments_decode(sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0), out);
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK; /* never written: no levels */
    }
    sqlite3_finalize(st);
    return rc;
}
