/* pairs.c - the Bloom filter of adjacent stem pairs (include/brief_pairs.h).
 *
 * A pair sets two bits of one 64-bit word (a blocked Bloom filter: one
 * cache line, one row of `pairs`, per test). The word is the low bits of
 * the pair's 64-bit key, the two bits its top twelve, so halving the
 * filter is OR-ing its two halves: a full build fills a large filter and
 * folds it to its size at the end, when the number of pairs is known.
 * A pair never added looks held with probability (1 - e^(-2/b))^2 at b
 * bits per pair, a little more for the blocking: 3.3% at 10 bits
 * (tests/unit/test_pairs.c measures 2-8%); a saved filter keeps 6 to 12
 * bits per pair, 8% to 2.4%. */
#include "sqlite_api.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "brief_pairs.h"

struct brief_pairs {
    uint64_t *w;
    size_t n;     /* a power of two */
    size_t added; /* pairs that set a bit: about the distinct pairs added */
    unsigned long notes; /* texts noted (brief_pairs_note()) */
    int mapped;          /* w is an anonymous mapping of its own */
    int loaded;          /* w was read from an index (added counts only what came after) */
};

/* A large filter is mapped rather than allocated: its pages cost memory
 * only once written. A build's writer keeps one of 8 MiB that it hardly
 * writes (the analyser notes the pairs, lib/feed.c); from malloc's heap,
 * calloc zeroed all of it (peak RSS 60 MB against 52 at 20,000 briefings). */
#define MAP_BYTES ((size_t)1 << 20)

brief_pairs_t *brief_pairs_new(size_t n_words)
{
    brief_pairs_t *p = malloc(sizeof *p);
    size_t n = 1;

    while (n < n_words && n < ((size_t)1 << 40))
        n <<= 1;
    if (p == NULL)
        return NULL;
    p->mapped = n * sizeof *p->w >= MAP_BYTES;
    if (p->mapped) {
        void *m = mmap(NULL, n * sizeof *p->w, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p->w = m != MAP_FAILED ? m : NULL;
    } else {
        p->w = calloc(n, sizeof *p->w);
    }
    if (p->w == NULL) {
        free(p);
        return NULL;
    }
    p->n = n;
    p->added = 0;
    p->notes = 0;
    p->loaded = 0;
    return p;
}

void brief_pairs_free(brief_pairs_t *p)
{
    if (p == NULL)
        return;
    if (p->mapped)
        munmap(p->w, p->n * sizeof *p->w);
    else
        free(p->w);
    free(p);
}

unsigned long brief_pairs_note(brief_pairs_t *p)
{
    return ++p->notes;
}

unsigned long brief_pairs_notes(const brief_pairs_t *p)
{
    return p->notes;
}

void brief_pairs_merge(brief_pairs_t *into, const brief_pairs_t *from)
{
    if (from->added == 0 && !from->loaded)
        return; /* empty: not read at all (reading a mapping's pages cost memory) */
    if (from->n >= into->n) { /* folded: word i goes to i mod into->n */
        for (size_t i = 0; i < from->n; i++)
            into->w[i & (into->n - 1)] |= from->w[i];
    } else { /* repeated: each word of into takes the word of its low bits */
        for (size_t i = 0; i < into->n; i++)
            into->w[i] |= from->w[i & (from->n - 1)];
    }
    into->added += from->added;
}

/* splitmix64's finaliser: every bit of the pair moves every bit of the key. */
static uint64_t pair_key(uint32_t left, uint32_t right)
{
    uint64_t z = ((uint64_t)left << 32 | right) + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t key_bits(uint64_t k)
{
    return (1ULL << ((k >> 52) & 63)) | (1ULL << (k >> 58));
}

/* Sets key's bits (a new pair: added). */
static void add_key(brief_pairs_t *p, uint64_t k)
{
    uint64_t b = key_bits(k), *w = &p->w[k & (p->n - 1)];
    if ((*w & b) != b) {
        *w |= b;
        p->added++;
    }
}

void brief_pairs_add(brief_pairs_t *p, uint32_t left, uint32_t right)
{
    add_key(p, pair_key(left, right));
}

void brief_pairs_add_run(brief_pairs_t *p, const int *hash, size_t n, size_t stride)
{
    /* Each add writes a random word: a cache miss in a filter of
     * megabytes. The word of the pair AHEAD on is asked for first, so
     * the misses overlap: on a build's analyser thread at 20,000
     * briefings, the adds took 432 perf samples one by one, about 165 so. */
    enum { AHEAD = 16 };
    uint64_t ring[AHEAD];

#define KEY_AT(i) pair_key((uint32_t)hash[((i) - 1) * stride], (uint32_t)hash[(i) * stride])
    for (size_t i = 1; i < n && i <= AHEAD; i++) {
        ring[i % AHEAD] = KEY_AT(i);
        __builtin_prefetch(&p->w[ring[i % AHEAD] & (p->n - 1)], 1);
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t k = ring[i % AHEAD];
        if (i + AHEAD < n) {
            ring[i % AHEAD] = KEY_AT(i + AHEAD);
            __builtin_prefetch(&p->w[ring[i % AHEAD] & (p->n - 1)], 1);
        }
        add_key(p, k);
    }
#undef KEY_AT
}

int brief_pairs_may_touch(const brief_pairs_t *p, uint32_t left, uint32_t right)
{
    uint64_t k = pair_key(left, right), b = key_bits(k);
    return (p->w[k & (p->n - 1)] & b) == b;
}

/* --- on disk ------------------------------------------------------------ */

static void put_words(unsigned char *out, const uint64_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 8; j++)
            out[8 * i + (size_t)j] = (unsigned char)(w[i] >> (8 * j));
}

static uint64_t get_word(const unsigned char *in)
{
    uint64_t v = 0;
    for (int j = 7; j >= 0; j--)
        v = v << 8 | in[j];
    return v;
}

/* The number of words of the index's filter, 0 when it has none, -1 on
 * an error. */
static long long stored_words(sqlite3 *db)
{
    sqlite3_stmt *st;
    long long n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'pairs'", -1, &st, NULL);

    if (rc != SQLITE_OK)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        n = -1;
    sqlite3_finalize(st);
    if (n > 0 && ((n & (n - 1)) != 0 || n > (long long)BRIEF_PAIRS_BUILD_WORDS))
        n = 0; /* not one of ours (no filter is larger than a build's): none */
    return n;
}

brief_status_t brief_pairs_load(sqlite3 *db, brief_pairs_t **out)
{
    long long n = stored_words(db);
    sqlite3_stmt *st = NULL;
    brief_pairs_t *p;
    size_t found = 0;
    int rc;

    *out = NULL;
    if (n < 0)
        return BRIEF_ERR_SQLITE;
    if (n == 0)
        return BRIEF_OK;
    if ((p = brief_pairs_new((size_t)n)) == NULL)
        return BRIEF_ERR_NOMEM;
    rc = sqlite3_prepare_v2(db, "SELECT chunk, bits FROM pairs", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long c = sqlite3_column_int64(st, 0);
        const unsigned char *b = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1) / 8;
        if (c < 0 || (size_t)c >= p->n / BRIEF_PAIRS_CHUNK_WORDS + 1 || b == NULL) {
            rc = SQLITE_OK;
            continue;
        }
        for (size_t i = 0; i < len && (size_t)c * BRIEF_PAIRS_CHUNK_WORDS + i < p->n; i++, found++)
            p->w[(size_t)c * BRIEF_PAIRS_CHUNK_WORDS + i] = get_word(b + 8 * i);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        brief_pairs_free(p);
        return BRIEF_ERR_SQLITE;
    }
    if (found < p->n) { /* rows missing: whatever they held is unknown */
        brief_pairs_free(p);
        return BRIEF_OK;
    }
    p->loaded = 1;
    *out = p;
    return BRIEF_OK;
}

/* The words a filter of up to cap words holding `added` pairs folds to: a
 * power of two, at least 6 bits per pair (with 8, the filter was 1% of the
 * index of 1,000 bench briefings, which then was 1.301x plain FTS5's,
 * past 1.3x). The pairs are those that set a bit when added: a pair
 * already held by chance is missed, a few in a hundred at most in a filter
 * that large. (Counting the bits set instead took 22 M instructions for
 * 8 MiB.) */
static size_t fit_words(size_t added, size_t cap)
{
    size_t n = 1;

    while (n < cap && 64.0 * (double)n < 6.0 * (double)added)
        n <<= 1;
    return n;
}

brief_pairs_t *brief_pairs_union(const brief_pairs_t *a, const brief_pairs_t *b)
{
    brief_pairs_t *u = brief_pairs_new(fit_words(a->added + b->added, a->n > b->n ? a->n : b->n));

    if (u != NULL) {
        brief_pairs_merge(u, a); /* merge counts their pairs in u->added */
        brief_pairs_merge(u, b);
    }
    return u;
}

int brief_pairs_forget(sqlite3 *db)
{
    return sqlite3_exec(db, "DELETE FROM meta WHERE key = 'pairs'", NULL, NULL, NULL);
}

int brief_pairs_save(sqlite3 *db, const brief_pairs_t *p, int shrink)
{
    size_t n = shrink ? fit_words(p->added, p->n) : p->n;
    brief_pairs_t *folded = NULL;
    const uint64_t *w = p->w;
    unsigned char *buf = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    if (n < p->n) {
        if ((folded = brief_pairs_new(n)) == NULL)
            return SQLITE_NOMEM;
        brief_pairs_merge(folded, p);
        w = folded->w;
    }
    rc = sqlite3_exec(db, "DELETE FROM pairs", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO pairs(chunk, bits) VALUES (?1, ?2)", -1, &st,
                                NULL);
    if (rc == SQLITE_OK && (buf = malloc(8 * BRIEF_PAIRS_CHUNK_WORDS)) == NULL)
        rc = SQLITE_NOMEM;
    for (size_t c = 0; rc == SQLITE_OK && c * BRIEF_PAIRS_CHUNK_WORDS < n; c++) {
        size_t k = n - c * BRIEF_PAIRS_CHUNK_WORDS;
        if (k > BRIEF_PAIRS_CHUNK_WORDS)
            k = BRIEF_PAIRS_CHUNK_WORDS;
        put_words(buf, w + c * BRIEF_PAIRS_CHUNK_WORDS, k);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)c);
        sqlite3_bind_blob(st, 2, buf, (int)(8 * k), SQLITE_STATIC);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
    }
    sqlite3_finalize(st);
    free(buf);
    brief_pairs_free(folded);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES ('pairs', ?1)", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)n);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_finalize(st);
    }
    return rc;
}

int brief_pairs_lookup(sqlite3 *db, uint32_t left, uint32_t right)
{
    long long n = stored_words(db);
    uint64_t k, b;
    size_t w;
    sqlite3_stmt *st;
    int rc, may = 1;

    if (n <= 0)
        return n < 0 ? -1 : 1;
    k = pair_key(left, right);
    b = key_bits(k);
    w = (size_t)(k & (uint64_t)(n - 1));
    if (sqlite3_prepare_v2(db, "SELECT bits FROM pairs WHERE chunk = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)(w / BRIEF_PAIRS_CHUNK_WORDS));
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        size_t at = 8 * (w % BRIEF_PAIRS_CHUNK_WORDS);
        const unsigned char *bits = sqlite3_column_blob(st, 0);
        if (bits != NULL && (size_t)sqlite3_column_bytes(st, 0) >= at + 8)
            may = (get_word(bits + at) & b) == b;
    } else if (rc != SQLITE_DONE) {
        may = -1;
    }
    sqlite3_finalize(st);
    return may;
}
