/* brief_pairs.h - which stems stand side by side somewhere in the index: a Bloom filter of adjacent stem pairs.
 *
 * brief_rank() boosts a briefing whose query words stand side by side
 * (lib/rank.c, proximity), so the best score a row still unread could
 * reach, which ends a scan early, must allow for that boost, unless the
 * pair is nowhere in the index. This filter says so: every two tokens
 * that follow each other in a text FTS5 indexes (a column of one
 * briefing) are added as the pair (left stem, right stem); a pair the
 * filter lacks stands side by side in no briefing. A pair it holds may
 * (with the 6 to 12 bits a pair of a saved filter, 2.4% to 8% of the
 * pairs it never saw look held). Briefings updated
 * or removed leave their pairs in: the filter only ever says too much.
 *
 * On disk (schema 5): the table `pairs`, rows of BRIEF_PAIRS_CHUNK_WORDS
 * 64-bit words (little-endian) numbered from 0, and meta('pairs', N), N
 * the number of words, a power of two. Without that meta row the filter
 * is unknown: every pair may touch. A writer removes the row before it
 * adds a briefing and writes the filter again in brief_index_flush(), so a
 * transaction that adds briefings without flushing leaves no filter behind
 * rather than a stale one. */
#ifndef BRIEF_PAIRS_H
#define BRIEF_PAIRS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "brief_status.h"

/* Words per row of the `pairs` table: 4,000 bytes, so that a row fills
 * one 4 KiB page (2 KiB rows took a page each). */
#define BRIEF_PAIRS_CHUNK_WORDS 500

/* The hash of a stem the filter keys pairs on: 32-bit FNV-1a of its first
 * BRIEF_STEM_HASH_MAX bytes (FTS5's longest term; lib/index_write.c cuts
 * stems there too). Part of the file format. */
#define BRIEF_STEM_HASH_MAX 32768
static inline uint32_t brief_stem_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    if (n > BRIEF_STEM_HASH_MAX)
        n = BRIEF_STEM_HASH_MAX;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

typedef struct brief_pairs brief_pairs_t;

/* A new empty filter of n_words 64-bit words (rounded up to a power of
 * two, at least 1), or NULL when out of memory. */
brief_pairs_t *brief_pairs_new(size_t n_words);
void brief_pairs_free(brief_pairs_t *p);

/* Notes that a token of stem hash `right` follows one of stem hash `left`. */
void brief_pairs_add(brief_pairs_t *p, uint32_t left, uint32_t right);

/* brief_pairs_add() of each two neighbours of the n stem hashes
 * hash[0], hash[stride], hash[2 * stride]... (a text's tokens in order). */
void brief_pairs_add_run(brief_pairs_t *p, const int *hash, size_t n, size_t stride);

/* 0 when no briefing added has a token of `right` right after one of
 * `left`; 1 when one may. */
int brief_pairs_may_touch(const brief_pairs_t *p, uint32_t left, uint32_t right);

/* Adds every pair `from` holds to into, whatever their sizes: a larger
 * filter is folded, a smaller one repeated, and neither loses a pair. */
void brief_pairs_merge(brief_pairs_t *into, const brief_pairs_t *from);

/* A new filter holding the pairs of a and b, of the size
 * brief_pairs_save() would fold them to together; NULL when out of memory. */
brief_pairs_t *brief_pairs_union(const brief_pairs_t *a, const brief_pairs_t *b);

/* Words of a full build's filter, before it is folded to size: 8 MiB, 6
 * bits for 11 M pairs. */
#define BRIEF_PAIRS_BUILD_WORDS ((size_t)1 << 20)

/* A count of the texts whose pairs went into p, for a caller that adds
 * them on one thread and hands p over on another (lib/index_write.c): note
 * returns the new count, the number of this text; notes the count. */
unsigned long brief_pairs_note(brief_pairs_t *p);
unsigned long brief_pairs_notes(const brief_pairs_t *p);

/* The index's filter in *out, or NULL when it has none (an index written
 * without a flush, or before schema 5). BRIEF_ERR_NOMEM, BRIEF_ERR_SQLITE. */
brief_status_t brief_pairs_load(sqlite3 *db, brief_pairs_t **out);

/* Writes p as the index's filter, replacing any. With shrink, p is first
 * folded to the smallest size that keeps at least 6 bits per pair it holds
 * (a full build's filter starts large: its size is not known ahead). p
 * itself is not changed. Returns an SQLite result code. */
int brief_pairs_save(sqlite3 *db, const brief_pairs_t *p, int shrink);

/* Removes the index's filter (see above). Returns an SQLite result code. */
int brief_pairs_forget(sqlite3 *db);

/* For a query: 1 when the index's filter says a token of stem hash
 * `right` may follow one of stem hash `left` (or there is no filter), 0
 * when it says no, -1 on an SQLite error. Reads one row of `pairs`. */
int brief_pairs_lookup(sqlite3 *db, uint32_t left, uint32_t right);

#endif
