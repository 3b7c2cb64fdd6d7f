/* index_write.c - writing one briefing into an index: its row, FTS5 entry, passages, words and stems.
 *
 * A briefing becomes the eight column texts of lib/schema.c. Each part of
 * the briefing adds text to one or more columns, and the parts that are
 * passages get a `passages` row pointing at their body, in this order
 * (the part is stored as its BRIEF_PART_* code, include/brief_index.h;
 * the kind and the body's column follow from it):
 *
 *   part       kind      body (col)              other columns   metadata
 *   overview   article   the bullet (article)
 *   timeline   article   "DATE: EVENT" (article)                 date
 *   player     article   the role (article)      names: name     heading = name
 *   cited      article   the body (article)      names: title    heading = title,
 *                                                outlet: outlet  outlet, url,
 *                                                                date = published
 *   broadcast  article   none                    names: title    heading = title
 *   section    analysis  the body (analysis)     heading: heading heading
 *   analyst,   quote     the text (quote)        speaker:        speaker, role,
 *   crowd, quote                                 "Speaker, role" date
 *
 * Within a column, texts are joined by "\n\n"; an absent or empty text adds
 * nothing (not even the separator). `off` and `len` are the 0-based byte
 * offset and byte length of the body in its column; a passage without a
 * body (a cited article without text, a broadcast, a player without a role)
 * has len 0, off at the column's end at that point, and is shown by its
 * heading.
 *
 * The same texts go into `briefings` and, under the same docid, into the
 * external-content FTS5 table `search`. Removal reads them back from
 * `briefings` for FTS5's 'delete' command, which must see exactly the text
 * that was indexed.
 *
 * `words` counts surface words. Changes are gathered in a hash map (+1 per
 * occurrence on insert, -1 on removal, so an upsert of a barely changed
 * briefing touches few rows) and applied with one statement per distinct
 * word: at the end of the call in autocommit mode, else when the caller's
 * transaction commits or sets a savepoint (see "Joining the caller's
 * transaction"). Applied per briefing, the word list cost more than the
 * FTS5 insert itself (3,000 generated briefings: 4.5 s against 2.8 s for
 * the whole put); per transaction a common word costs one statement.
 *
 * `stems` counts, per FTS5 term (the stems our tokenizer emits), the
 * briefings holding it: the same way, in a second map (stem_map), +1 per
 * distinct stem of an inserted briefing and -1 per distinct stem of a
 * removed one (the old texts are analysed again for that, as for `words`).
 * The analyzer that counts words gives the stems in the same pass; a
 * briefing analysed ahead (brief_prep.h) brings its distinct stems along.
 *
 * Statements are prepared once per index (SQLITE_PREPARE_PERSISTENT) and
 * kept, with the buffers, in a writer hung on the index (lib/index.c frees
 * it on close). No statement here opens a transaction or a savepoint: the
 * caller's transaction covers a whole run, and in SQLite 3.40 a savepoint
 * makes FTS5 flush its pending terms to disk. That includes the statement
 * savepoint SQLite opens for a write that may touch several rows and abort
 * halfway, such as a multi-row INSERT: inserting passages eight at a time
 * made 5,000 puts take 6.3 s instead of 3.4 s. Hence one row per INSERT.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief_index.h"
#include "brief_pairs.h"
#include "brief_prep.h"
#include "brief_tokenizer.h"
#include "internal.h"

/* Words not worth a row in `words`: longer than WORD_MAX_BYTES (URLs,
 * hashes, glued tokens), or all digits and longer than NUMBER_MAX_DIGITS
 * (amounts, phone numbers, ids; a year such as 2026 is kept). Neither helps
 * a spelling suggestion or a prefix expansion, and together they are a
 * large share of distinct tokens. */
#define WORD_MAX_BYTES 40
#define NUMBER_MAX_DIGITS 4

/* Inside a transaction, word counts wait in memory until COMMIT (or a
 * savepoint), so a word common to many briefings costs one statement per
 * transaction instead of one per briefing. Past this many distinct pending
 * words (some 60 bytes each, so about 12 MB) they are written at once,
 * which keeps a 100,000-briefing build's memory flat; a generated corpus of
 * 20,000 briefings has some 45,000 distinct words. */
#define PENDING_MAX_WORDS 200000

/* FTS5 cuts longer tokens to this many bytes before indexing them
 * (FTS5_MAX_TOKEN_SIZE in SQLite's fts5Int.h); `stems` holds what FTS5
 * holds. */
#define FTS_MAX_TERM_BYTES 32768

/* The eponymous virtual table through which the writer joins the caller's
 * transaction (see "Joining the caller's transaction" below). */
#define PENDING_MODULE "brief_words_pending"

enum {
    COL_TITLE,
    COL_HEADING,
    COL_SPEAKER,
    COL_NAMES,
    COL_OUTLET,
    COL_ARTICLE,
    COL_ANALYSIS,
    COL_QUOTE,
    N_COLS
};

enum {
    ST_INSERT_BRIEFING,
    ST_INSERT_SEARCH,
    ST_INSERT_PASSAGE,
    ST_SELECT_OLD,
    ST_DELETE_SEARCH,
    ST_DELETE_PASSAGES,
    ST_DELETE_BRIEFING,
    ST_LOOKUP,
    ST_WORD_ADD,
    ST_WORD_SUB,
    ST_WORD_DELETE,
    ST_STEM_ADD,
    ST_STEM_SUB,
    ST_STEM_DELETE,
    ST_JOIN,
    ST_NEXT_DOCID,
    ST_FTS_ADD,
    ST_FTS_UNADD,
    ST_FTS_GONE,
    ST_FTS_GONE_ROWS,
    ST_FTS_ADD_ROWS,
    N_ST
};

#define COLS_LIST "title, heading, speaker, names, outlet, article, analysis, quote"

static const char *const st_sql[N_ST] = {
    [ST_INSERT_BRIEFING] =
        "INSERT INTO briefings(id, path, line, hash, category, published, updated, day,"
        " signals, lang, " COLS_LIST ", docid)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " ?19)",
    [ST_INSERT_SEARCH] = "INSERT INTO search(rowid, " COLS_LIST ")"
                         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_INSERT_PASSAGE] =
        "INSERT INTO passages(serial, seq, part, off, len, heading, speaker, role, outlet, url,"
        " date) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_SELECT_OLD] = "SELECT id, " COLS_LIST " FROM briefings WHERE docid = ?1",
    [ST_DELETE_SEARCH] = "INSERT INTO search(search, rowid, " COLS_LIST ")"
                         " VALUES('delete', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_DELETE_PASSAGES] =
        "DELETE FROM passages WHERE serial = (SELECT serial FROM briefings WHERE docid = ?1)",
    [ST_DELETE_BRIEFING] = "DELETE FROM briefings WHERE docid = ?1",
    [ST_LOOKUP] = "SELECT docid, hash FROM briefings WHERE id = ?1",
    [ST_WORD_ADD] = "INSERT INTO words(word, freq) VALUES(?1, ?2)"
                    " ON CONFLICT(word) DO UPDATE SET freq = freq + excluded.freq",
    [ST_WORD_SUB] = "UPDATE words SET freq = freq - ?2 WHERE word = ?1 RETURNING freq",
    [ST_WORD_DELETE] = "DELETE FROM words WHERE word = ?1",
    [ST_STEM_ADD] = "INSERT INTO stems(stem, docs) VALUES(?1, ?2)"
                    " ON CONFLICT(stem) DO UPDATE SET docs = docs + excluded.docs",
    [ST_STEM_SUB] = "UPDATE stems SET docs = docs - ?2 WHERE stem = ?1 RETURNING docs",
    [ST_STEM_DELETE] = "DELETE FROM stems WHERE stem = ?1",
    [ST_JOIN] = "INSERT INTO " PENDING_MODULE " VALUES(0)",
    [ST_NEXT_DOCID] = "SELECT coalesce(max(docid) + 1, ?1) FROM briefings"
                      " WHERE docid BETWEEN ?1 AND ?2",
    [ST_FTS_ADD] = "INSERT INTO temp.brief_fts_add(docid) VALUES(?1)",
    [ST_FTS_UNADD] = "DELETE FROM temp.brief_fts_add WHERE docid = ?1",
    [ST_FTS_GONE] = "INSERT INTO temp.brief_fts_gone(docid, " COLS_LIST ")"
                    " SELECT docid, " COLS_LIST " FROM briefings WHERE docid = ?1",
    [ST_FTS_GONE_ROWS] = "SELECT docid, " COLS_LIST " FROM temp.brief_fts_gone ORDER BY docid",
    [ST_FTS_ADD_ROWS] = "SELECT b.docid, " COLS_LIST " FROM temp.brief_fts_add a"
                        " CROSS JOIN briefings b ON b.docid = a.docid ORDER BY a.docid",
};

typedef struct {
    char *s;
    size_t len, cap;
} buf_t;

/* One passage; its strings are borrowed from the document being written. */
typedef struct {
    int part; /* BRIEF_PART_* */
    size_t off, len;
    const char *heading, *speaker, *role, *outlet, *url, *date;
} passage_t;

/* A word of the map: its key is keys.s[off .. off+len). In a briefing
 * analysed ahead, stem_at and stem_len say where the word's stem lies in
 * the prep's stems (stem_len 0: not known); in the stem map, last is the
 * number of the last briefing counted (see count_words()); in the
 * transaction's word map, stem_ix is where the word's stem is in the stem
 * map (-1: not known), valid while stem_gen is that map's generation. */
typedef struct {
    uint32_t hash;
    uint32_t slot;
    size_t off, len;
    long long count;
    int stem_at, stem_len;
    unsigned last;
    int stem_ix;
    unsigned stem_gen;
    uint32_t stem_hash;   /* in a briefing analysed ahead: its stem's brief_stem_hash() */
} word_t;

/* Word -> count change, open addressing over slots (index into words, or
 * -1), cleared between calls by resetting only the used slots. */
typedef struct {
    word_t *words;
    size_t n, cap;
    int32_t *slots;
    size_t n_slots; /* a power of two, or 0 */
    buf_t keys;
    unsigned gen;   /* bumped by each clear, so indexes kept elsewhere can tell */
} word_map_t;

typedef struct pending_vtab pending_vtab_t;

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st[N_ST];
    buf_t col[N_COLS];
    passage_t *pass;
    size_t n_pass, cap_pass;
    word_map_t map;        /* word count changes not yet in `words` */
    word_map_t doc_map;    /* one briefing's counts, then added to map */
    word_map_t stem_map;   /* document count changes not yet in `stems` */
    word_map_t doc_stems;  /* one briefing's stems, then +-1 each in stem_map */
    word_map_t held;       /* counts of briefings analysed ahead and not put, taken */
    word_map_t held_stems; /* back with their batch (see "Counting ahead") */
    int can_defer;         /* the pending-words module is registered */
    int joined;            /* the module's table is in the open transaction */
    int flushing;          /* flush_words() is running */
    int fts_defer;         /* this call leaves its FTS5 writes to brief_index_flush() */
    int fts_made;          /* the waiting-entries tables were made on this connection */
    int fts_chunked;       /* this call's FTS5 entry goes to the chunk, not the tables */
    struct chunk *chunk;   /* analysed briefings waiting for FTS5 (see "Chunks") */
    pending_vtab_t *vtab;  /* the module's table, while connected */
    struct brief_index_prep *counted; /* the briefing being inserted, analysed ahead */
    unsigned serial;       /* briefings counted, to count a stem once per briefing */
    brief_pairs_t *pairs;  /* the pair filter of every briefing (brief_pairs.h), or NULL:
                            * the index has none, so none is kept */
    int pairs_known;       /* pairs was set up (pairs_begin()) */
    int pairs_fresh;       /* the index was empty then: folded to size when saved */
    int pairs_gone;        /* the stored filter was removed in the open transaction */
    unsigned long pairs_owed;  /* the last note (brief_pairs_note()) of a prep put whose
                                * pairs are in another filter; not saved until taken */
    unsigned long pairs_taken; /* notes of the filter taken last (brief_index_take_pairs) */
} writer_t;

struct pending_vtab {
    sqlite3_vtab base;
    writer_t *w; /* NULL once the writer is freed */
};

/* A briefing analysed ahead (brief_prep.h). */
struct brief_index_prep {
    buf_t text[N_COLS];   /* the column texts, as build() makes them */
    int *tok;             /* BRIEF_TAPE_INTS ints per token (brief_tape_t) */
    size_t n_tok, cap_tok;
    buf_t stems;
    brief_tape_t tape[N_COLS];
    word_map_t words;     /* surface words and their counts */
    word_map_t stem_docs; /* its distinct stems that are not in words' stem_at */
    passage_t *pass;      /* its passages, as build() makes them: their strings are
                           * borrowed from the document, valid while it lives */
    size_t n_pass;
    int in_batch;         /* its counts are in a batch (words and stem_docs emptied),
                           * and it is not put (see "Counting ahead") */
    unsigned long noted;  /* its pairs went to a batch's filter, as this note; 0: not */
};

/* Word and stem counts of several briefings analysed ahead (see "Counting
 * ahead"): words as in the writer's map, stems as document counts. */
struct brief_index_batch {
    word_map_t words; /* stem_ix: the word's stem in stems; stem_at, stem_len: where
                       * it lies in the stems of the prep numbered last */
    word_map_t stems;
    unsigned serial;  /* briefings added, to count a stem once per briefing */
    int failed;       /* a briefing was counted in part: the batch is unusable */
    brief_pairs_t *pairs; /* where its preps' pairs go, or NULL: to the writer */
};

/* A briefing's texts and passages, as build() made them: in the writer, or
 * ahead in a prep (which saves the writer thread the building). */
typedef struct {
    const buf_t *col;
    const passage_t *pass;
    size_t n_pass;
} built_t;

/* Analysed briefings waiting for FTS5 (see "Chunks"). */
typedef struct {
    long long docid;
    brief_index_prep_t *prep;
} chunk_item_t;

struct chunk {
    chunk_item_t *v;
    size_t n, cap;
    size_t bytes;
};

static void chunk_clear(writer_t *w);

/* --- buffers ------------------------------------------------------------ */

static int buf_reserve(buf_t *b, size_t extra)
{
    size_t cap;
    char *s;

    if (b->len + extra + 1 <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    s = realloc(b->s, cap);
    if (s == NULL)
        return -1;
    b->s = s;
    b->cap = cap;
    return 0;
}

static int buf_add(buf_t *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

/* The buffer's text, never NULL (binding a NULL pointer would store NULL). */
static const char *buf_text(const buf_t *b)
{
    return b->s ? b->s : "";
}

/* The texts and lengths of the N_COLS column buffers cols, for binding. */
static void col_texts(const buf_t *cols, const char **texts, size_t *lens)
{
    for (int i = 0; i < N_COLS; i++) {
        texts[i] = buf_text(&cols[i]);
        lens[i] = cols[i].len;
    }
}

/* Appends to a column the text a, or b, or "a<sep>b" when both are
 * non-empty, preceded by "\n\n" when the column already has text; *off and
 * *len receive where the new text lies. Adds nothing when both are empty. */
static int col_add(buf_t *col, const char *a, const char *sep, const char *b, size_t *off,
                   size_t *len)
{
    int has_a = a != NULL && *a != '\0', has_b = b != NULL && *b != '\0';
    size_t start;

    if (!has_a && !has_b) {
        *off = col->len;
        *len = 0;
        return 0;
    }
    if (col->len > 0 && buf_add(col, "\n\n", 2) != 0)
        return -1;
    start = col->len;
    if (has_a && buf_add(col, a, strlen(a)) != 0)
        return -1;
    if (has_a && has_b && buf_add(col, sep, strlen(sep)) != 0)
        return -1;
    if (has_b && buf_add(col, b, strlen(b)) != 0)
        return -1;
    *off = start;
    *len = col->len - start;
    return 0;
}

/* --- the word map ------------------------------------------------------- */

/* FNV-1a; for a stem, the hash the pair filter keys on (brief_pairs.h),
 * so a stem hashed for the maps is hashed for the filter too. */
static uint32_t word_hash(const char *s, size_t n)
{
    return brief_stem_hash(s, n);
}

static void word_map_clear(word_map_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        m->slots[m->words[i].slot] = -1;
    m->n = 0;
    m->keys.len = 0;
    m->gen++;
}

static void word_map_release(word_map_t *m)
{
    free(m->words);
    free(m->slots);
    free(m->keys.s);
}

static int word_map_grow(word_map_t *m)
{
    size_t n_slots = m->n_slots ? m->n_slots * 2 : 1024;
    int32_t *slots;

    if (n_slots > (size_t)INT32_MAX)
        return -1;
    slots = malloc(n_slots * sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < n_slots; i++)
        slots[i] = -1;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = m->words[i].hash & (n_slots - 1);
        while (slots[j] != -1)
            j = (j + 1) & (n_slots - 1);
        slots[j] = (int32_t)i;
        m->words[i].slot = (uint32_t)j;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    return 0;
}

/* The entry of word s[0..n), whose word_hash() is h, made with a count of
 * 0 when new (*is_new then 1); NULL when out of memory. */
static word_t *word_map_get(word_map_t *m, const char *s, size_t n, uint32_t h, int *is_new)
{
    size_t j;
    word_t *w;

    *is_new = 0;
    /* Keep the table at most half full. */
    if ((m->n + 1) * 2 > m->n_slots && word_map_grow(m) != 0)
        return NULL;
    for (j = h & (m->n_slots - 1); m->slots[j] != -1; j = (j + 1) & (m->n_slots - 1)) {
        w = &m->words[m->slots[j]];
        if (w->hash == h && w->len == n && memcmp(m->keys.s + w->off, s, n) == 0)
            return w;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 512;
        word_t *words = realloc(m->words, cap * sizeof *words);
        if (words == NULL)
            return NULL;
        m->words = words;
        m->cap = cap;
    }
    w = &m->words[m->n];
    w->hash = h;
    w->slot = (uint32_t)j;
    w->off = m->keys.len;
    w->len = n;
    w->count = 0;
    w->stem_at = 0;
    w->stem_len = 0;
    w->last = 0;
    w->stem_ix = -1;
    w->stem_gen = 0;
    if (buf_add(&m->keys, s, n) != 0)
        return NULL;
    m->slots[j] = (int32_t)m->n++;
    *is_new = 1;
    return w;
}

/* Adds delta to the count of word s[0..n), whose word_hash() is h.
 * Returns 1 when the word is new to the map, 0 when it was there, -1 when
 * out of memory. */
static int word_map_add(word_map_t *m, const char *s, size_t n, uint32_t h, long long delta)
{
    int is_new;
    word_t *w = word_map_get(m, s, n, h, &is_new);

    if (w == NULL)
        return -1;
    w->count += delta;
    return is_new;
}

/* --- the writer --------------------------------------------------------- */

static void writer_free(void *p)
{
    writer_t *w = p;

    if (w == NULL)
        return;
    if (w->vtab != NULL)
        w->vtab->w = NULL; /* a rollback at close must not reach w */
    for (int i = 0; i < N_ST; i++)
        sqlite3_finalize(w->st[i]);
    for (int i = 0; i < N_COLS; i++)
        free(w->col[i].s);
    free(w->pass);
    chunk_clear(w);
    free(w->chunk);
    word_map_release(&w->map);
    word_map_release(&w->doc_map);
    word_map_release(&w->stem_map);
    word_map_release(&w->doc_stems);
    word_map_release(&w->held);
    word_map_release(&w->held_stems);
    if (w->pairs_known)
        sqlite3_rollback_hook(w->db, NULL, NULL);
    brief_tokenizer_collect_pairs(NULL);
    brief_pairs_free(w->pairs);
    free(w);
}

/* Maps a failed SQLite call to a status, with "cannot <what> briefing 'id':
 * <sqlite's message>" in *errmsg (id NULL: "cannot <what> briefings: ..."). */
static brief_status_t sql_fail(writer_t *w, int rc, const char *what, const char *id,
                               char **errmsg)
{
    if (id != NULL)
        brief_set_error(errmsg, "cannot %s briefing '%s': %s", what, id, sqlite3_errmsg(w->db));
    else
        brief_set_error(errmsg, "cannot %s briefings: %s", what, sqlite3_errmsg(w->db));
    switch (rc & 0xff) {
    case SQLITE_FULL: return BRIEF_ERR_FULL;
    case SQLITE_NOMEM: return BRIEF_ERR_NOMEM;
    default: return BRIEF_ERR_SQLITE;
    }
}

/* The prepared statement `which`, prepared on first use; NULL on failure. */
static sqlite3_stmt *stmt(writer_t *w, int which, int *rc)
{
    if (w->st[which] == NULL) {
        *rc = sqlite3_prepare_v3(w->db, st_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                 &w->st[which], NULL);
        if (*rc != SQLITE_OK) {
            sqlite3_finalize(w->st[which]);
            w->st[which] = NULL;
        }
    }
    return w->st[which];
}

/* Steps st once, then resets it and clears its bindings. Returns SQLITE_OK
 * or the error code; the message stays readable through sqlite3_errmsg(). */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Runs statement `which`, whose one parameter is a docid. */
static int run_docid(writer_t *w, int which, long long docid)
{
    int rc = SQLITE_OK;
    sqlite3_stmt *st = stmt(w, which, &rc);

    if (st == NULL)
        return rc;
    sqlite3_bind_int64(st, 1, docid);
    return run(st);
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC); /* NULL binds NULL */
}

/* --- words -------------------------------------------------------------- */

typedef struct {
    word_map_t *map;
    word_map_t *stems; /* the briefing's stems, or NULL */
    long long delta;
    int failed;
} count_ctx_t;

/* Whether `words` lists this word (see WORD_MAX_BYTES). */
static int word_listed(const char *word, int n_word)
{
    int digits = 1;

    if (n_word <= 0 || n_word > WORD_MAX_BYTES)
        return 0;
    for (int i = 0; i < n_word && digits; i++)
        digits = word[i] >= '0' && word[i] <= '9';
    return !digits || n_word <= NUMBER_MAX_DIGITS;
}

/* Adds the stem of a token to c->stems (when counting stems). */
static int count_stem(count_ctx_t *c, const char *stem, int n_stem)
{
    size_t n = n_stem > FTS_MAX_TERM_BYTES ? FTS_MAX_TERM_BYTES : (size_t)n_stem;

    if (c->stems == NULL || stem == NULL || n_stem <= 0)
        return 0;
    if (word_map_add(c->stems, stem, n, word_hash(stem, n), 1) < 0) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

/* Counts a token in c->map and, once per distinct stem, in c->stems. Both
 * maps hold one briefing, and a word's stem is the same at each of its
 * occurrences, so a stem is looked at only at the first occurrence of each
 * word. (A briefing analysed ahead is counted by prep_token() instead.) */
static int count_word(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                      int start, int end)
{
    count_ctx_t *c = ctx;
    int added;

    (void)start;
    (void)end;
    if (!word_listed(word, n_word))
        return count_stem(c, stem, n_stem);
    added = word_map_add(c->map, word, (size_t)n_word, word_hash(word, (size_t)n_word), c->delta);
    if (added < 0) {
        c->failed = 1;
        return 1;
    }
    if (!added)
        return 0;
    return count_stem(c, stem, n_stem);
}

/* Adds delta per word occurrence of the texts to w->doc_map, and their
 * stems to w->doc_stems. The analyzer is the index's: its stems are the
 * FTS5 terms. (Surface words alone came from FTS5's unicode61, without
 * stemming, which halved the cost of counting them; `stems` needs the
 * stems.) */
static brief_status_t tokenize_words(brief_index_t *idx, writer_t *w, const char *const *texts,
                                     const size_t *lens, long long delta, const char *id,
                                     char **errmsg)
{
    brief_analyzer_t *an;
    count_ctx_t c = {&w->doc_map, &w->doc_stems, delta, 0};

    an = brief_index_analyzer(idx);
    if (an == NULL) {
        brief_set_error(errmsg, "cannot index briefing '%s': no analyzer for language '%s'", id,
                        brief_index_lang(idx));
        return BRIEF_ERR_NOMEM;
    }
    for (int i = 0; i < N_COLS; i++) {
        brief_status_t status;

        if (lens[i] == 0)
            continue;
        status = brief_analyzer_run(an, texts[i], (int)lens[i], count_word, &c);
        if (c.failed)
            return BRIEF_ERR_NOMEM;
        if (status != BRIEF_OK) {
            brief_set_error(errmsg, "cannot analyse briefing '%s': %s", id,
                            brief_status_str(status));
            return status;
        }
    }
    return BRIEF_OK;
}

/* Adds delta to the document count of the stem at e, once per briefing
 * numbered serial. */
static void stem_bump(word_t *e, int is_new, unsigned serial, long long delta)
{
    if (is_new || e->last != serial) {
        e->count += delta;
        e->last = serial;
    }
}

/* Adds delta to the document count of stem s[0..n) in the stem map, once
 * per briefing numbered serial. Returns its index there, or -1 when out of
 * memory. */
static long stem_count(writer_t *w, const char *s, size_t n, uint32_t h, unsigned serial,
                       long long delta)
{
    int is_new;
    word_t *e = word_map_get(&w->stem_map, s, n, h, &is_new);

    if (e == NULL)
        return -1;
    stem_bump(e, is_new, serial, delta);
    return (long)(e - w->stem_map.words);
}

/* Adds delta per word occurrence of the texts to the map, and delta per
 * distinct stem to the stem map. One briefing's words are first counted
 * in a map of their own, which stays in the CPU cache, and then added to
 * the transaction's map once per distinct word: the large map's lookups
 * were cache misses and the largest cost of counting (8% of a
 * 20,000-briefing build's CPU, perf). Stems likewise; a word of a briefing
 * analysed ahead that the transaction's map knows finds its stem there by
 * index, without hashing the stem and looking it up (1,000 briefings: the
 * writer's lookups were 12% of its instructions, callgrind). */
static brief_status_t count_words(brief_index_t *idx, writer_t *w, const char *const *texts,
                                  const size_t *lens, long long delta, const char *id,
                                  char **errmsg)
{
    brief_index_prep_t *p = delta > 0 ? w->counted : NULL;
    word_map_t *d, *ds;
    brief_status_t status;
    unsigned serial;

    if (p != NULL && p->in_batch)
        return BRIEF_OK; /* counted with its batch */
    d = p != NULL ? &p->words : &w->doc_map;
    ds = p != NULL ? &p->stem_docs : &w->doc_stems;
    status = p != NULL ? BRIEF_OK : tokenize_words(idx, w, texts, lens, delta, id, errmsg);
    serial = ++w->serial;

    /* Stems are counted once per briefing: the words of a prep say where
     * their stems are (several words may share one), the other stems are
     * distinct already. */
    for (size_t i = 0; status == BRIEF_OK && i < d->n; i++) {
        const word_t *wd = &d->words[i];
        int is_new;
        word_t *e = word_map_get(&w->map, d->keys.s + wd->off, wd->len, wd->hash, &is_new);

        if (e == NULL) {
            status = BRIEF_ERR_NOMEM;
            break;
        }
        e->count += wd->count;
        if (wd->stem_len <= 0)
            continue;
        if (e->stem_ix >= 0 && e->stem_gen == w->stem_map.gen) {
            stem_bump(&w->stem_map.words[e->stem_ix], 0, serial, delta > 0 ? 1 : -1);
        } else {
            const char *stem = p->stems.s + wd->stem_at;
            size_t n = (size_t)wd->stem_len;
            long ix = stem_count(w, stem, n, word_hash(stem, n), serial, delta > 0 ? 1 : -1);
            if (ix < 0) {
                status = BRIEF_ERR_NOMEM;
                break;
            }
            e->stem_ix = (int)ix; /* a map holds at most INT32_MAX slots */
            e->stem_gen = w->stem_map.gen;
        }
    }
    for (size_t i = 0; status == BRIEF_OK && i < ds->n; i++) {
        const word_t *wd = &ds->words[i];
        if (stem_count(w, ds->keys.s + wd->off, wd->len, wd->hash, serial, delta > 0 ? 1 : -1) <
            0)
            status = BRIEF_ERR_NOMEM;
    }
    if (p != NULL) {
        /* The prep waits in a chunk for its FTS5 entry: free its maps now. */
        word_map_release(d);
        word_map_release(ds);
        memset(d, 0, sizeof *d);
        memset(ds, 0, sizeof *ds);
    } else {
        word_map_clear(d);
        word_map_clear(ds);
    }
    return status;
}

/* Applies the non-zero counts of m to its table through the statements
 * st_add, st_add + 1 (subtract) and st_add + 2 (delete): rows reaching 0
 * go. */
static int flush_map(writer_t *w, word_map_t *m, int st_add)
{
    sqlite3_stmt *add = NULL, *sub = NULL, *del = NULL;
    int rc = SQLITE_OK;

    for (size_t i = 0; i < m->n; i++) {
        const word_t *wd = &m->words[i];
        const char *key = m->keys.s + wd->off;

        if (wd->count > 0) {
            if (add == NULL && (add = stmt(w, st_add, &rc)) == NULL)
                break;
            sqlite3_bind_text(add, 1, key, (int)wd->len, SQLITE_STATIC);
            sqlite3_bind_int64(add, 2, wd->count);
            if ((rc = run(add)) != SQLITE_OK)
                break;
        } else if (wd->count < 0) {
            long long left = 1;

            if (sub == NULL && (sub = stmt(w, st_add + 1, &rc)) == NULL)
                break;
            sqlite3_bind_text(sub, 1, key, (int)wd->len, SQLITE_STATIC);
            sqlite3_bind_int64(sub, 2, -wd->count);
            rc = sqlite3_step(sub);
            if (rc == SQLITE_ROW)
                left = sqlite3_column_int64(sub, 0);
            rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
            sqlite3_reset(sub);
            sqlite3_clear_bindings(sub);
            if (rc != SQLITE_OK)
                break;
            if (left <= 0) {
                if (del == NULL && (del = stmt(w, st_add + 2, &rc)) == NULL)
                    break;
                sqlite3_bind_text(del, 1, key, (int)wd->len, SQLITE_STATIC);
                if ((rc = run(del)) != SQLITE_OK)
                    break;
            }
        }
    }
    word_map_clear(m);
    return rc;
}

/* Applies the maps' non-zero counts to `words` and `stems`. */
static brief_status_t flush_words(writer_t *w, const char *id, char **errmsg)
{
    int rc;

    w->flushing = 1;
    rc = flush_map(w, &w->map, ST_WORD_ADD);
    if (rc == SQLITE_OK)
        rc = flush_map(w, &w->stem_map, ST_STEM_ADD);
    else
        word_map_clear(&w->stem_map);
    w->flushing = 0;
    return rc == SQLITE_OK ? BRIEF_OK : sql_fail(w, rc, "count the words of", id, errmsg);
}

/* Drops the counts not yet written. */
static void counts_clear(writer_t *w)
{
    word_map_clear(&w->map);
    word_map_clear(&w->stem_map);
    word_map_clear(&w->held);
    word_map_clear(&w->held_stems);
}

/* --- joining the caller's transaction ------------------------------------
 *
 * Pending word counts must reach `words` before the caller's COMMIT, which
 * this file does not see. So the writer joins the transaction the way FTS5
 * does for its own pending terms: through a virtual table. A write to the
 * eponymous table brief_words_pending (a no-op) enrolls it in the open
 * transaction; SQLite then calls xSync before committing, where the counts
 * are written (a virtual table may write other tables in xSync, as FTS5's
 * does); xRollback drops them. A savepoint flushes them first, so a
 * ROLLBACK TO drops exactly the counts gathered after it. */

static int pending_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                           sqlite3_vtab **out, char **err)
{
    writer_t *w = aux;
    pending_vtab_t *vt;
    int rc;

    (void)argc;
    (void)argv;
    (void)err;
    rc = sqlite3_declare_vtab(db, "CREATE TABLE x(unused)");
    if (rc != SQLITE_OK)
        return rc;
    vt = sqlite3_malloc(sizeof *vt);
    if (vt == NULL)
        return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->w = w;
    w->vtab = vt;
    *out = &vt->base;
    return SQLITE_OK;
}

static int pending_disconnect(sqlite3_vtab *base)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;

    if (vt->w != NULL)
        vt->w->vtab = NULL;
    sqlite3_free(vt);
    return SQLITE_OK;
}

static int pending_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
    (void)base;
    info->estimatedCost = 1.0;
    info->estimatedRows = 0;
    return SQLITE_OK;
}

/* The table is always empty. */
static int pending_open(sqlite3_vtab *base, sqlite3_vtab_cursor **out)
{
    sqlite3_vtab_cursor *cur = sqlite3_malloc(sizeof *cur);

    (void)base;
    if (cur == NULL)
        return SQLITE_NOMEM;
    memset(cur, 0, sizeof *cur);
    *out = cur;
    return SQLITE_OK;
}

static int pending_close(sqlite3_vtab_cursor *cur)
{
    sqlite3_free(cur);
    return SQLITE_OK;
}

static int pending_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                          sqlite3_value **argv)
{
    (void)cur;
    (void)idx_num;
    (void)idx_str;
    (void)argc;
    (void)argv;
    return SQLITE_OK;
}

static int pending_next(sqlite3_vtab_cursor *cur)
{
    (void)cur;
    return SQLITE_OK;
}

static int pending_eof(sqlite3_vtab_cursor *cur)
{
    (void)cur;
    return 1;
}

static int pending_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    (void)cur;
    (void)i;
    sqlite3_result_null(ctx);
    return SQLITE_OK;
}

static int pending_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    (void)cur;
    *rowid = 0;
    return SQLITE_OK;
}

static int pending_update(sqlite3_vtab *base, int argc, sqlite3_value **argv,
                          sqlite3_int64 *rowid)
{
    (void)base;
    (void)argc;
    (void)argv;
    (void)rowid;
    return SQLITE_OK;
}

static int pending_begin(sqlite3_vtab *base)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;

    if (vt->w != NULL)
        vt->w->joined = 1;
    return SQLITE_OK;
}

static int fts_waiting(writer_t *w);

/* Writes the pending counts; a failure fails the COMMIT (or SAVEPOINT)
 * with its message. */
static int pending_write(sqlite3_vtab *base)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;
    char *msg = NULL;
    brief_status_t status;

    if (vt->w == NULL || vt->w->flushing)
        return SQLITE_OK;
    status = flush_words(vt->w, NULL, &msg);
    if (status == BRIEF_OK)
        return SQLITE_OK;
    sqlite3_free(base->zErrMsg);
    base->zErrMsg = sqlite3_mprintf("%s", msg ? msg : brief_status_str(status));
    free(msg);
    return status == BRIEF_ERR_FULL ? SQLITE_FULL
           : status == BRIEF_ERR_NOMEM ? SQLITE_NOMEM
                                       : SQLITE_ERROR;
}

/* Before COMMIT. FTS5 entries still waiting fail it: they cannot be
 * written here (SQLite lets no virtual table join a transaction while it
 * syncs), and committing without them would leave briefings that no
 * search finds. */
static int pending_sync(sqlite3_vtab *base)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;

    if (vt->w != NULL && !vt->w->flushing && fts_waiting(vt->w) != 0) {
        sqlite3_free(base->zErrMsg);
        base->zErrMsg = sqlite3_mprintf("search entries wait: brief_index_flush() was not called"
                                        " before COMMIT");
        return SQLITE_ERROR;
    }
    return pending_write(base);
}

static int pending_end(sqlite3_vtab *base)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;

    if (vt->w != NULL)
        vt->w->joined = 0;
    return SQLITE_OK;
}

static int pending_rollback(sqlite3_vtab *base)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;

    if (vt->w != NULL) {
        counts_clear(vt->w);
        chunk_clear(vt->w);
        vt->w->joined = 0;
    }
    return SQLITE_OK;
}

static int pending_savepoint(sqlite3_vtab *base, int i)
{
    (void)i;
    return pending_write(base);
}

static int pending_release(sqlite3_vtab *base, int i)
{
    (void)base;
    (void)i;
    return SQLITE_OK;
}

static int pending_rollback_to(sqlite3_vtab *base, int i)
{
    pending_vtab_t *vt = (pending_vtab_t *)base;

    (void)i;
    if (vt->w != NULL && !vt->w->flushing)
        counts_clear(vt->w);
    return SQLITE_OK;
}

static const sqlite3_module pending_module = {
    .iVersion = 2,
    .xCreate = NULL, /* eponymous only: it exists on every connection it is registered on */
    .xConnect = pending_connect,
    .xBestIndex = pending_best_index,
    .xDisconnect = pending_disconnect,
    .xDestroy = pending_disconnect,
    .xOpen = pending_open,
    .xClose = pending_close,
    .xFilter = pending_filter,
    .xNext = pending_next,
    .xEof = pending_eof,
    .xColumn = pending_column,
    .xRowid = pending_rowid,
    .xUpdate = pending_update,
    .xBegin = pending_begin,
    .xSync = pending_sync,
    .xCommit = pending_end,
    .xRollback = pending_rollback,
    .xSavepoint = pending_savepoint,
    .xRelease = pending_release,
    .xRollbackTo = pending_rollback_to,
};

/* Ends a write call whose counts are in the map: inside a transaction they
 * wait for its end (joining it first), else they are written now. */
static brief_status_t words_done(writer_t *w, const char *id, char **errmsg)
{
    if (w->can_defer && !sqlite3_get_autocommit(w->db) && w->map.n < PENDING_MAX_WORDS &&
        w->stem_map.n < PENDING_MAX_WORDS) {
        sqlite3_int64 rowid;
        sqlite3_stmt *st;
        int rc = SQLITE_OK;

        if (w->joined)
            return BRIEF_OK;
        rowid = sqlite3_last_insert_rowid(w->db);
        if ((st = stmt(w, ST_JOIN, &rc)) != NULL)
            rc = run(st);
        sqlite3_set_last_insert_rowid(w->db, rowid); /* joining inserts nothing */
        if (rc != SQLITE_OK)
            return sql_fail(w, rc, "index", id, errmsg);
        if (w->joined)
            return BRIEF_OK;
    }
    return flush_words(w, id, errmsg);
}

/* Ends a write call that failed: its counts are dropped unless the
 * transaction they wait in has them (its rollback then drops them). */
static void words_failed(writer_t *w)
{
    if (!w->joined)
        counts_clear(w);
}

static brief_status_t writer_get(brief_index_t *idx, writer_t **out)
{
    writer_t *w = brief_index_writer(idx);

    if (w == NULL) {
        w = calloc(1, sizeof *w);
        if (w == NULL)
            return BRIEF_ERR_NOMEM;
        w->db = brief_index_db(idx);
        /* Without the module (out of memory), counts are written per call. */
        w->can_defer = sqlite3_create_module_v2(w->db, PENDING_MODULE, &pending_module, w,
                                                NULL) == SQLITE_OK;
        brief_index_set_writer(idx, w, writer_free);
    }
    *out = w;
    return BRIEF_OK;
}

/* --- docids and FTS5 entries in date order --------------------------------
 *
 * A briefing's docid is brief_docid_first(its day) plus the next number
 * free on that day (include/brief_index.h), so docid order is date order.
 * But FTS5 flushes its pending terms to a new segment whenever a write's
 * rowid is below the one before (sqlite3Fts5IndexBeginWrite in SQLite's
 * fts5_index.c), and briefings come in file order, not date order: written
 * as they came, a build would make a segment for nearly every briefing.
 * So inside a transaction the FTS5 writes wait: an added briefing's docid
 * goes into temp.brief_fts_add, a removed one's texts (FTS5's 'delete'
 * needs exactly the indexed text) into temp.brief_fts_gone, and
 * brief_index_flush() applies both in docid order before the caller
 * commits. Temporary tables rather than memory, so a large update does not
 * grow the process, and so that SQLite rolls them back (also to a
 * savepoint) with everything else. */

static const char fts_tables_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS brief_fts_add(docid INTEGER PRIMARY KEY);"
    "CREATE TEMP TABLE IF NOT EXISTS brief_fts_gone(docid INTEGER PRIMARY KEY, " COLS_LIST ")";

/* Sets *docid to the next free docid of day; SQLITE_RANGE when the day is
 * full or outside what a docid holds. */
static int next_docid(writer_t *w, long day, long long *docid)
{
    long long lo, hi;
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    if (day < -BRIEF_DAY_BIAS || day >= (1LL << (62 - BRIEF_DOCID_DAY_BITS)) - BRIEF_DAY_BIAS)
        return SQLITE_RANGE;
    lo = brief_docid_first(day);
    hi = lo + BRIEF_DOCIDS_PER_DAY - 1;
    if ((st = stmt(w, ST_NEXT_DOCID, &rc)) == NULL)
        return rc;
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    rc = sqlite3_step(st);
    *docid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW)
        return rc;
    return *docid > hi ? SQLITE_RANGE : SQLITE_OK;
}

/* Runs the FTS5 insert or 'delete' statement `which` for docid's texts. */
static int fts_write(writer_t *w, int which, long long docid, const char *const *texts,
                     const size_t *lens)
{
    int rc = SQLITE_OK;
    sqlite3_stmt *st = stmt(w, which, &rc);

    if (st == NULL)
        return rc;
    sqlite3_bind_int64(st, 1, docid);
    for (int i = 0; i < N_COLS; i++)
        sqlite3_bind_text(st, 2 + i, texts[i], (int)lens[i], SQLITE_STATIC);
    return run(st);
}

/* Starts a write call: inside a transaction its FTS5 writes wait, in
 * tables made at the first call of each transaction (a rollback may have
 * dropped them; w->joined is cleared at every transaction's end). */
static brief_status_t fts_begin(writer_t *w, char **errmsg)
{
    int rc;

    w->fts_defer = w->can_defer && !sqlite3_get_autocommit(w->db);
    if (!w->fts_defer || w->joined)
        return BRIEF_OK;
    rc = sqlite3_exec(w->db, fts_tables_sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(w, rc, "write", NULL, errmsg);
    w->fts_made = 1;
    return BRIEF_OK;
}

/* Applies the waiting rows of `rows` with the FTS5 statement `which`. */
static int fts_apply(writer_t *w, int rows, int which)
{
    const char *texts[N_COLS];
    size_t lens[N_COLS];
    sqlite3_stmt *src;
    int rc = SQLITE_OK;

    if ((src = stmt(w, rows, &rc)) == NULL)
        return rc;
    while ((rc = sqlite3_step(src)) == SQLITE_ROW) {
        for (int i = 0; i < N_COLS; i++) {
            const unsigned char *t = sqlite3_column_text(src, 1 + i);
            texts[i] = t ? (const char *)t : "";
            lens[i] = (size_t)sqlite3_column_bytes(src, 1 + i);
        }
        rc = fts_write(w, which, sqlite3_column_int64(src, 0), texts, lens);
        if (rc != SQLITE_OK)
            break;
    }
    sqlite3_reset(src);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Whether FTS5 entries wait (1), none do (0), or the check failed (-1). */
static int fts_waiting(writer_t *w)
{
    sqlite3_stmt *st;
    int n = -1;

    if (w->chunk != NULL && w->chunk->n > 0)
        return 1;
    if (!w->fts_made)
        return 0;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT EXISTS (SELECT 1 FROM temp.brief_fts_add)"
                           " OR EXISTS (SELECT 1 FROM temp.brief_fts_gone)",
                           -1, &st, NULL) != SQLITE_OK)
        return sqlite3_errcode(w->db) == SQLITE_ERROR ? 0 : -1; /* no tables: none */
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Notes that prep's pairs, if they went to a batch's filter, must be taken
 * (brief_index_take_pairs()) before the writer's filter is saved. */
static void pairs_owe(writer_t *w, const brief_index_prep_t *p)
{
    if (p->noted > w->pairs_owed)
        w->pairs_owed = p->noted;
}

/* Chunks
 *
 * A full build's briefings come analysed ahead (brief_prep.h): their stems
 * are ready to be replayed into FTS5 (brief_tokenizer_replay), which saves
 * the writer the tokenizing, but only while the analysis is at hand. So
 * instead of the tables above, such a briefing's FTS5 entry waits in
 * memory with its analysis, in a chunk of up to CHUNK_BYTES, and a full
 * chunk is written sorted by docid. FTS5 flushes its pending terms at each
 * chunk's start (its rowids go down there), about as often as its own
 * 1 MiB of pending data would make it, so a build makes no more segments
 * than plain FTS5's; memory stays bounded. 3 MB and 6 MB chunks built
 * 16,000 briefings in the same time; the smaller leaves the reader thread
 * room to run ahead (lib/feed.c). 3.5 MB since tokens carry their stem's
 * hash (20 bytes, not 16): 3 MB then held fewer briefings, and the more
 * segments cost the writer merges (perf, 20,000 briefings). At 100,000,
 * 6 MB chunks took 42-43 s against 35-36 s (side by side). */
#define CHUNK_BYTES (3584 * 1024)

static int chunk_cmp(const void *a, const void *b)
{
    const chunk_item_t *x = a, *y = b;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

static void chunk_clear(writer_t *w)
{
    if (w->chunk == NULL)
        return;
    for (size_t i = 0; i < w->chunk->n; i++)
        brief_index_prep_free(w->chunk->v[i].prep);
    free(w->chunk->v);
    w->chunk->v = NULL;
    w->chunk->n = w->chunk->cap = w->chunk->bytes = 0;
}

/* Writes the chunk's FTS5 entries in docid order, their stems replayed. */
static int chunk_flush(writer_t *w)
{
    struct chunk *c = w->chunk;
    int rc = SQLITE_OK;

    if (c == NULL || c->n == 0)
        return SQLITE_OK;
    qsort(c->v, c->n, sizeof *c->v, chunk_cmp);
    for (size_t i = 0; i < c->n && rc == SQLITE_OK; i++) {
        brief_index_prep_t *p = c->v[i].prep;
        const char *texts[N_COLS];
        size_t lens[N_COLS];
        col_texts(p->text, texts, lens);
        pairs_owe(w, p);
        brief_tokenizer_replay(p->tape, N_COLS);
        rc = fts_write(w, ST_INSERT_SEARCH, c->v[i].docid, texts, lens);
        brief_tokenizer_replay(NULL, 0);
    }
    if (rc == SQLITE_OK)
        chunk_clear(w);
    return rc;
}

size_t brief_index_prep_bytes(const brief_index_prep_t *prep)
{
    size_t size;

    if (prep == NULL)
        return 0;
    size = prep->stems.len + prep->n_tok * BRIEF_TAPE_INTS * sizeof(int);
    for (int k = 0; k < N_COLS; k++)
        size += prep->text[k].len;
    return size;
}

/* Keeps prep (taken: freed here when it cannot be kept) for docid's FTS5
 * entry; writes the chunk when full. */
static int chunk_add(writer_t *w, long long docid, brief_index_prep_t *prep)
{
    struct chunk *c = w->chunk;
    size_t size = brief_index_prep_bytes(prep);

    if (c == NULL && (c = w->chunk = calloc(1, sizeof *c)) == NULL) {
        brief_index_prep_free(prep);
        return SQLITE_NOMEM;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        chunk_item_t *v = realloc(c->v, cap * sizeof *v);
        if (v == NULL) {
            brief_index_prep_free(prep);
            return SQLITE_NOMEM;
        }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n].docid = docid;
    c->v[c->n].prep = prep;
    c->n++;
    c->bytes += size;
    return c->bytes > CHUNK_BYTES ? chunk_flush(w) : SQLITE_OK;
}

brief_status_t brief_index_flush(brief_index_t *idx, char **errmsg)
{
    writer_t *w = idx ? brief_index_writer(idx) : NULL;
    int rc;

    if (w == NULL || sqlite3_get_autocommit(w->db))
        return BRIEF_OK;
    brief_tokenizer_collect_pairs(w->pairs);
    rc = chunk_flush(w);
    if (rc == SQLITE_OK && w->fts_made) {
        rc = sqlite3_exec(w->db, fts_tables_sql, NULL, NULL, NULL);
        /* Removals first: a docid freed and taken again in this transaction
         * is deleted with its old texts before its new ones go in. */
        if (rc == SQLITE_OK)
            rc = fts_apply(w, ST_FTS_GONE_ROWS, ST_DELETE_SEARCH);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(w->db, "DELETE FROM temp.brief_fts_gone", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = fts_apply(w, ST_FTS_ADD_ROWS, ST_INSERT_SEARCH);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(w->db, "DELETE FROM temp.brief_fts_add", NULL, NULL, NULL);
    }
    brief_tokenizer_collect_pairs(NULL);
    /* With pairs owed, the filter stays removed (brief_index_take_pairs()). */
    if (rc == SQLITE_OK && w->pairs != NULL && w->pairs_gone && w->pairs_owed <= w->pairs_taken) {
        rc = brief_pairs_save(w->db, w->pairs, w->pairs_fresh);
        if (rc == SQLITE_OK)
            w->pairs_gone = 0; /* saved: the next write removes it again */
    }
    return rc == SQLITE_OK ? BRIEF_OK : sql_fail(w, rc, "write", NULL, errmsg);
}

/* --- building a briefing's texts ---------------------------------------- */

static passage_t *passage_new(writer_t *w, int part, size_t off, size_t len)
{
    passage_t *p;

    if (w->n_pass == w->cap_pass) {
        size_t cap = w->cap_pass ? w->cap_pass * 2 : 64;
        passage_t *pass = realloc(w->pass, cap * sizeof *pass);
        if (pass == NULL)
            return NULL;
        w->pass = pass;
        w->cap_pass = cap;
    }
    p = &w->pass[w->n_pass++];
    memset(p, 0, sizeof *p);
    p->part = part;
    p->off = off;
    p->len = len;
    return p;
}

/* Fills w->col and w->pass from doc (layout at the top of this file). */
static int build(writer_t *w, const brief_doc_t *doc)
{
    buf_t *c = w->col;
    size_t off, len, o2, l2;
    passage_t *p;

    for (int i = 0; i < N_COLS; i++) {
        c[i].len = 0;
        if (c[i].s)
            c[i].s[0] = '\0';
    }
    w->n_pass = 0;
    if (col_add(&c[COL_TITLE], doc->title, NULL, NULL, &off, &len) != 0)
        return -1;
    for (size_t i = 0; i < doc->n_overview; i++) {
        if (col_add(&c[COL_ARTICLE], doc->overview[i], NULL, NULL, &off, &len) != 0 ||
            passage_new(w, BRIEF_PART_OVERVIEW, off, len) == NULL)
            return -1;
    }
    for (size_t i = 0; i < doc->n_timeline; i++) {
        const brief_event_t *e = &doc->timeline[i];
        if (col_add(&c[COL_ARTICLE], e->date, ": ", e->event, &off, &len) != 0 ||
            (p = passage_new(w, BRIEF_PART_TIMELINE, off, len)) == NULL)
            return -1;
        p->date = e->date;
    }
    for (size_t i = 0; i < doc->n_players; i++) {
        const brief_player_t *pl = &doc->players[i];
        if (col_add(&c[COL_NAMES], pl->name, NULL, NULL, &o2, &l2) != 0 ||
            col_add(&c[COL_ARTICLE], pl->role, NULL, NULL, &off, &len) != 0 ||
            (p = passage_new(w, BRIEF_PART_PLAYER, off, len)) == NULL)
            return -1;
        p->heading = pl->name;
    }
    for (size_t i = 0; i < doc->n_articles; i++) {
        const brief_article_t *a = &doc->articles[i];
        if (col_add(&c[COL_NAMES], a->title, NULL, NULL, &o2, &l2) != 0 ||
            col_add(&c[COL_OUTLET], a->outlet, NULL, NULL, &o2, &l2) != 0 ||
            col_add(&c[COL_ARTICLE], a->body, NULL, NULL, &off, &len) != 0 ||
            (p = passage_new(w, BRIEF_PART_CITED, off, len)) == NULL)
            return -1;
        p->heading = a->title;
        p->outlet = a->outlet;
        p->url = a->url;
        p->date = a->published;
    }
    for (size_t i = 0; i < doc->n_broadcasts; i++) {
        if (col_add(&c[COL_NAMES], doc->broadcasts[i], NULL, NULL, &o2, &l2) != 0 ||
            (p = passage_new(w, BRIEF_PART_BROADCAST, c[COL_ARTICLE].len, 0)) == NULL)
            return -1;
        p->heading = doc->broadcasts[i];
    }
    for (size_t i = 0; i < doc->n_analysis; i++) {
        const brief_section_t *s = &doc->analysis[i];
        if (col_add(&c[COL_HEADING], s->heading, NULL, NULL, &o2, &l2) != 0 ||
            col_add(&c[COL_ANALYSIS], s->body, NULL, NULL, &off, &len) != 0 ||
            (p = passage_new(w, BRIEF_PART_SECTION, off, len)) == NULL)
            return -1;
        p->heading = s->heading;
    }
    for (size_t i = 0; i < doc->n_quotes; i++) {
        const brief_quote_t *q = &doc->quotes[i];
        int part = q->group == BRIEF_GROUP_ANALYST ? BRIEF_PART_ANALYST
                   : q->group == BRIEF_GROUP_CROWD ? BRIEF_PART_CROWD
                                                   : BRIEF_PART_QUOTE;
        if (col_add(&c[COL_SPEAKER], q->speaker, ", ", q->role, &o2, &l2) != 0 ||
            col_add(&c[COL_QUOTE], q->text, NULL, NULL, &off, &len) != 0 ||
            (p = passage_new(w, part, off, len)) == NULL)
            return -1;
        p->speaker = q->speaker;
        p->role = q->role;
        p->date = q->date;
    }
    return 0;
}

/* --- insert and remove -------------------------------------------------- */

static int empty(const char *s)
{
    return s == NULL || *s == '\0';
}

static brief_status_t check_doc(const brief_doc_t *doc, const char *source_path,
                                const char *hash, char **errmsg)
{
    const char *id = doc && doc->id ? doc->id : "";

    if (doc == NULL || empty(doc->id)) {
        brief_set_error(errmsg, "briefing has no id");
        return BRIEF_ERR_INVALID;
    }
    if (empty(doc->title)) {
        brief_set_error(errmsg, "briefing '%s' has no title", id);
        return BRIEF_ERR_INVALID;
    }
    if (empty(doc->published)) {
        brief_set_error(errmsg, "briefing '%s' has no published date", id);
        return BRIEF_ERR_INVALID;
    }
    if (brief_date_to_day(doc->published) < 0) {
        brief_set_error(errmsg, "briefing '%s': published date '%s' is not an ISO 8601 date", id,
                        doc->published);
        return BRIEF_ERR_INVALID;
    }
    if (empty(source_path) || empty(hash)) {
        brief_set_error(errmsg, "briefing '%s' has no source path or hash", id);
        return BRIEF_ERR_INVALID;
    }
    return BRIEF_OK;
}

/* Builds doc's texts and passages in w, before anything is written. */
static brief_status_t build_doc(writer_t *w, const brief_doc_t *doc, char **errmsg)
{
    if (build(w, doc) != 0) {
        brief_set_error(errmsg, "cannot index briefing '%s': out of memory", doc->id);
        return BRIEF_ERR_NOMEM;
    }
    for (int i = 0; i < N_COLS; i++) {
        if (w->col[i].len > INT_MAX) {
            brief_set_error(errmsg, "briefing '%s' is too large", doc->id);
            return BRIEF_ERR_INVALID;
        }
    }
    return BRIEF_OK;
}

/* The texts and passages build_doc() made in w. */
static built_t built_here(const writer_t *w)
{
    built_t b = {w->col, w->pass, w->n_pass};
    return b;
}

/* Writes the rows of doc, built as b says, and adds its words to the map
 * (not yet to `words`). */
static brief_status_t insert_rows(brief_index_t *idx, writer_t *w, const brief_doc_t *doc,
                                  built_t b, const char *source_path, long source_line,
                                  const char *hash, long long *docid_out, char **errmsg)
{
    const char *texts[N_COLS];
    size_t lens[N_COLS];
    sqlite3_stmt *st;
    long long docid = 0, serial;
    int rc = SQLITE_OK;

    col_texts(b.col, texts, lens);
    if ((st = stmt(w, ST_INSERT_BRIEFING, &rc)) == NULL)
        return sql_fail(w, rc, "index", doc->id, errmsg);
    bind_str(st, 1, doc->id);
    bind_str(st, 2, source_path);
    sqlite3_bind_int64(st, 3, source_line);
    bind_str(st, 4, hash);
    bind_str(st, 5, doc->category);
    bind_str(st, 6, doc->published);
    bind_str(st, 7, doc->updated);
    sqlite3_bind_int64(st, 8, brief_doc_day(doc));
    if (doc->signals >= 0)
        sqlite3_bind_int64(st, 9, doc->signals);
    bind_str(st, 10, doc->lang);
    for (int i = 0; i < N_COLS; i++)
        sqlite3_bind_text(st, 11 + i, texts[i], (int)lens[i], SQLITE_STATIC);
    if ((rc = next_docid(w, brief_doc_day(doc), &docid)) != SQLITE_OK) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (rc == SQLITE_RANGE) {
            brief_set_error(errmsg, "briefing '%s': more than %lld briefings dated %s", doc->id,
                            BRIEF_DOCIDS_PER_DAY - 1, doc->published);
            return BRIEF_ERR_INVALID;
        }
        return sql_fail(w, rc, "index", doc->id, errmsg);
    }
    sqlite3_bind_int64(st, 19, docid);
    rc = run(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT &&
        sqlite3_extended_errcode(w->db) == SQLITE_CONSTRAINT_UNIQUE) {
        brief_set_error(errmsg, "duplicate briefing id '%s'", doc->id);
        return BRIEF_ERR_INVALID;
    }
    if (rc != SQLITE_OK)
        return sql_fail(w, rc, "index", doc->id, errmsg);
    serial = sqlite3_last_insert_rowid(w->db);

    rc = w->fts_chunked ? SQLITE_OK
         : w->fts_defer ? run_docid(w, ST_FTS_ADD, docid)
                        : fts_write(w, ST_INSERT_SEARCH, docid, texts, lens);
    if (rc != SQLITE_OK)
        return sql_fail(w, rc, "index", doc->id, errmsg);

    if (b.n_pass > 0 && (st = stmt(w, ST_INSERT_PASSAGE, &rc)) == NULL)
        return sql_fail(w, rc, "index", doc->id, errmsg);
    for (size_t i = 0; i < b.n_pass; i++) {
        const passage_t *p = &b.pass[i];
        sqlite3_bind_int64(st, 1, serial);
        sqlite3_bind_int64(st, 2, (long long)i);
        sqlite3_bind_int(st, 3, p->part);
        sqlite3_bind_int64(st, 4, (long long)p->off);
        sqlite3_bind_int64(st, 5, (long long)p->len);
        bind_str(st, 6, p->heading);
        bind_str(st, 7, p->speaker);
        bind_str(st, 8, p->role);
        bind_str(st, 9, p->outlet);
        bind_str(st, 10, p->url);
        bind_str(st, 11, p->date);
        if ((rc = run(st)) != SQLITE_OK)
            return sql_fail(w, rc, "index", doc->id, errmsg);
    }
    if (docid_out != NULL)
        *docid_out = docid;
    return count_words(idx, w, texts, lens, +1, doc->id, errmsg);
}

/* Deletes docid's rows and subtracts its words in the map (not yet from
 * `words`). Nothing happens when there is no such docid. */
static brief_status_t remove_rows(brief_index_t *idx, writer_t *w, long long docid,
                                  char **errmsg)
{
    sqlite3_stmt *old;
    const char *texts[N_COLS];
    size_t lens[N_COLS];
    char *id = NULL, label[32];
    brief_status_t status = BRIEF_OK;
    int rc = SQLITE_OK;

    snprintf(label, sizeof label, "#%lld", docid);
    if ((old = stmt(w, ST_SELECT_OLD, &rc)) == NULL)
        return sql_fail(w, rc, "remove", label, errmsg);
    sqlite3_bind_int64(old, 1, docid);
    rc = sqlite3_step(old);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(old);
        sqlite3_clear_bindings(old);
        return rc == SQLITE_DONE ? BRIEF_OK : sql_fail(w, rc, "remove", label, errmsg);
    }
    id = brief_strdup((const char *)sqlite3_column_text(old, 0));
    if (id == NULL) {
        brief_set_error(errmsg, "cannot remove briefing %s: out of memory", label);
        status = BRIEF_ERR_NOMEM;
        goto done;
    }
    /* The old row's texts stay valid until `old` is reset. */
    for (int i = 0; i < N_COLS; i++) {
        const unsigned char *t = sqlite3_column_text(old, 1 + i);
        texts[i] = t ? (const char *)t : "";
        lens[i] = (size_t)sqlite3_column_bytes(old, 1 + i);
    }
    if (w->fts_defer) {
        /* Added in this transaction: FTS5 never saw it, so it is only
         * taken off the list; else its texts wait for the 'delete'. */
        rc = run_docid(w, ST_FTS_UNADD, docid);
        if (rc == SQLITE_OK && sqlite3_changes(w->db) == 0)
            rc = run_docid(w, ST_FTS_GONE, docid);
    } else {
        rc = fts_write(w, ST_DELETE_SEARCH, docid, texts, lens);
    }
    if (rc != SQLITE_OK) {
        status = sql_fail(w, rc, "remove", id, errmsg);
        goto done;
    }
    status = count_words(idx, w, texts, lens, -1, id, errmsg);
    if (status != BRIEF_OK)
        goto done;
    sqlite3_reset(old); /* before its row goes */
    sqlite3_clear_bindings(old);
    if ((rc = run_docid(w, ST_DELETE_PASSAGES, docid)) != SQLITE_OK ||
        (rc = run_docid(w, ST_DELETE_BRIEFING, docid)) != SQLITE_OK)
        status = sql_fail(w, rc, "remove", id, errmsg);
done:
    sqlite3_reset(old);
    sqlite3_clear_bindings(old);
    free(id);
    return status;
}

/* The pair filter (brief_pairs.h)
 *
 * The writer keeps the filter of every briefing in the index: a new one
 * when the index is empty at its first write (a full build; large, folded
 * to size when saved), else the stored one, which grows no larger. Its
 * FTS5 writes add their pairs through the tokenizer
 * (brief_tokenizer_collect_pairs()), which sees every token indexed,
 * replayed or not, but for briefings analysed ahead whose pairs went to
 * the analyser's filter (brief_index_batch_note_pairs()): those are owed
 * (pairs_owe()) until brief_index_take_pairs() adds that filter, and no
 * filter is saved while any is. The stored filter is removed in each
 * transaction that writes, before its first write, and saved again by
 * brief_index_flush():
 * a transaction committed without a flush leaves the index with no filter
 * (every pair may touch), never a stale one. An index that had none gets
 * none until a full build. */

static void pairs_rolled_back(void *p)
{
    ((writer_t *)p)->pairs_gone = 0; /* the removal is undone */
}

/* Sets up w->pairs at the writer's first write (see above). */
static int pairs_setup(writer_t *w)
{
    int rc = SQLITE_OK;

    if (!w->pairs_known) {
        sqlite3_stmt *st;
        int empty = 0;
        rc = sqlite3_prepare_v2(w->db, "SELECT NOT EXISTS (SELECT 1 FROM briefings)", -1, &st,
                                NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            empty = sqlite3_column_int(st, 0);
            rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_OK)
            return rc;
        if (empty) {
            if ((w->pairs = brief_pairs_new(BRIEF_PAIRS_BUILD_WORDS)) == NULL)
                return SQLITE_NOMEM;
            w->pairs_fresh = 1;
        } else {
            brief_status_t status = brief_pairs_load(w->db, &w->pairs);
            if (status != BRIEF_OK)
                return status == BRIEF_ERR_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
        }
        sqlite3_rollback_hook(w->db, pairs_rolled_back, w);
        w->pairs_known = 1;
    }
    return SQLITE_OK;
}

static int pairs_begin(writer_t *w)
{
    int rc = pairs_setup(w);

    if (rc != SQLITE_OK)
        return rc;
    if (w->pairs != NULL && !w->pairs_gone) {
        if ((rc = brief_pairs_forget(w->db)) != SQLITE_OK)
            return rc;
        w->pairs_gone = !sqlite3_get_autocommit(w->db);
    }
    brief_tokenizer_collect_pairs(w->pairs);
    return SQLITE_OK;
}

/* Starts put, upsert and put_prepared alike: the briefing checked and
 * built in the writer (unless built ahead: prebuilt), its FTS5 writes set
 * to wait or not (fts_begin), its pairs noted (pairs_begin()). */
static brief_status_t write_begin(brief_index_t *idx, const brief_doc_t *doc, int prebuilt,
                                  const char *source_path, const char *hash, writer_t **w,
                                  long long *docid, char **errmsg)
{
    brief_status_t status;
    int rc;

    if (docid != NULL)
        *docid = 0;
    if ((status = check_doc(doc, source_path, hash, errmsg)) != BRIEF_OK ||
        (status = writer_get(idx, w)) != BRIEF_OK ||
        (!prebuilt && (status = build_doc(*w, doc, errmsg)) != BRIEF_OK))
        return status;
    if ((rc = pairs_begin(*w)) != SQLITE_OK)
        return sql_fail(*w, rc, "write", NULL, errmsg);
    return fts_begin(*w, errmsg);
}

/* Ends them: the word counts go (or wait for the commit), and a failure
 * drops them and reports no docid. */
static brief_status_t write_end(writer_t *w, const brief_doc_t *doc, brief_status_t status,
                                long long *docid, char **errmsg)
{
    brief_tokenizer_collect_pairs(NULL);
    if (status == BRIEF_OK)
        status = words_done(w, doc->id, errmsg);
    if (status != BRIEF_OK) {
        words_failed(w);
        if (docid != NULL)
            *docid = 0;
    }
    return status;
}

/* --- the API ------------------------------------------------------------ */

brief_status_t brief_index_lookup(brief_index_t *idx, const char *id, long long *docid,
                                  char **hash, char **errmsg)
{
    writer_t *w;
    sqlite3_stmt *st;
    brief_status_t status;
    int rc = SQLITE_OK;

    if (docid != NULL)
        *docid = 0;
    if (hash != NULL)
        *hash = NULL;
    if (id == NULL) {
        brief_set_error(errmsg, "no briefing id to look up");
        return BRIEF_ERR_INVALID;
    }
    if ((status = writer_get(idx, &w)) != BRIEF_OK)
        return status;
    if ((st = stmt(w, ST_LOOKUP, &rc)) == NULL)
        return sql_fail(w, rc, "look up", id, errmsg);
    bind_str(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (docid != NULL)
            *docid = sqlite3_column_int64(st, 0);
        if (hash != NULL && sqlite3_column_text(st, 1) != NULL &&
            (*hash = brief_strdup((const char *)sqlite3_column_text(st, 1))) == NULL)
            status = BRIEF_ERR_NOMEM;
    } else if (rc != SQLITE_DONE) {
        status = sql_fail(w, rc, "look up", id, errmsg);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (status != BRIEF_OK && docid != NULL)
        *docid = 0;
    return status;
}

brief_status_t brief_index_put(brief_index_t *idx, const brief_doc_t *doc, const char *source_path,
                               long source_line, const char *hash, long long *docid,
                               char **errmsg)
{
    writer_t *w;
    brief_status_t status = write_begin(idx, doc, 0, source_path, hash, &w, docid, errmsg);

    if (status != BRIEF_OK)
        return status;
    status = insert_rows(idx, w, doc, built_here(w), source_path, source_line, hash, docid,
                         errmsg);
    return write_end(w, doc, status, docid, errmsg);
}

brief_status_t brief_index_upsert(brief_index_t *idx, const brief_doc_t *doc,
                                  const char *source_path, long source_line, const char *hash,
                                  long long *docid, char **errmsg)
{
    writer_t *w;
    long long old = 0;
    brief_status_t status = write_begin(idx, doc, 0, source_path, hash, &w, docid, errmsg);

    if (status == BRIEF_OK)
        status = brief_index_lookup(idx, doc->id, &old, NULL, errmsg);
    if (status != BRIEF_OK) {
        brief_tokenizer_collect_pairs(NULL);
        return status;
    }
    if (old != 0)
        status = remove_rows(idx, w, old, errmsg);
    if (status == BRIEF_OK)
        status = insert_rows(idx, w, doc, built_here(w), source_path, source_line, hash, docid,
                             errmsg);
    return write_end(w, doc, status, docid, errmsg);
}

brief_status_t brief_index_remove_docid(brief_index_t *idx, long long docid, char **errmsg)
{
    writer_t *w;
    brief_status_t status;

    if ((status = writer_get(idx, &w)) != BRIEF_OK || (status = fts_begin(w, errmsg)) != BRIEF_OK)
        return status;
    status = remove_rows(idx, w, docid, errmsg);
    if (status == BRIEF_OK)
        status = words_done(w, NULL, errmsg);
    if (status != BRIEF_OK)
        words_failed(w);
    return status;
}

brief_status_t brief_index_remove_id(brief_index_t *idx, const char *id, char **errmsg)
{
    long long docid = 0;
    brief_status_t status = brief_index_lookup(idx, id, &docid, NULL, errmsg);

    if (status != BRIEF_OK || docid == 0)
        return status;
    return brief_index_remove_docid(idx, docid, errmsg);
}

/* --- work done ahead (brief_prep.h) ------------------------------------- */


typedef struct {
    brief_index_prep_t *prep;
    brief_analyzer_t *an;
    count_ctx_t count;
    brief_index_batch_t *batch; /* counting into a batch (see prep_token_batched()) */
    int failed;
} prep_ctx_t;

/* Appends stem to the prep's stems and notes where in token k; -1 when out
 * of memory. */
static int prep_stem(brief_index_prep_t *p, int *k, const char *stem, int n_stem, uint32_t hash)
{
    if (p->stems.len + (size_t)n_stem > INT_MAX) /* the texts are under 2 GB: never */
        return -1;
    k[2] = (int)p->stems.len;
    k[3] = n_stem;
    k[4] = (int)hash;
    return buf_add(&p->stems, stem, (size_t)n_stem);
}

/* prep_token() for a briefing counted straight into a batch: the batch's
 * word map stands for the briefing's own, its `last` saying whether the
 * word occurred in this briefing already (and stem_at where its stem is),
 * and a word the batch knows takes its stem from there, so neither the
 * briefing's maps nor most stemming (a lookup in the 4 MiB stem cache, 8%
 * of a 20,000-briefing build's samples, perf) are needed. */
static int prep_token_batched(prep_ctx_t *c, int *k, const char *word, int n_word,
                              const char *stem, int n_stem)
{
    brief_index_batch_t *b = c->batch;
    brief_index_prep_t *p = c->prep;
    word_t *e, *se;
    int is_new;
    size_t n;

    if (!word_listed(word, n_word)) {
        /* stemmed at each occurrence, its stem counted once per briefing */
        uint32_t h;
        if (stem == NULL && (stem = brief_analyzer_stem(c->an, word, n_word, &n_stem)) == NULL)
            return -1;
        n = n_stem > FTS_MAX_TERM_BYTES ? FTS_MAX_TERM_BYTES : n_stem > 0 ? (size_t)n_stem : 0;
        h = word_hash(stem, n);
        if (prep_stem(p, k, stem, n_stem, h) != 0)
            return -1;
        p->n_tok++;
        if (n_stem <= 0)
            return 0;
        if ((se = word_map_get(&b->stems, stem, n, h, &is_new)) == NULL)
            return -1;
        stem_bump(se, is_new, b->serial, 1);
        return 0;
    }
    e = word_map_get(&b->words, word, (size_t)n_word, word_hash(word, (size_t)n_word), &is_new);
    if (e == NULL)
        return -1;
    e->count++;
    if (!is_new && e->last == b->serial) { /* again in this briefing */
        k[2] = e->stem_at;
        k[3] = e->stem_len;
        k[4] = (int)e->stem_hash;
        p->n_tok++;
        return 0;
    }
    e->last = b->serial;
    if (e->stem_ix >= 0) {
        se = &b->stems.words[e->stem_ix];
        stem = b->stems.keys.s + se->off;
        n_stem = (int)se->len; /* a listed word's stem is far below FTS_MAX_TERM_BYTES */
        is_new = 0;
    } else {
        if (stem == NULL && (stem = brief_analyzer_stem(c->an, word, n_word, &n_stem)) == NULL)
            return -1;
        n = n_stem > FTS_MAX_TERM_BYTES ? FTS_MAX_TERM_BYTES : (size_t)n_stem;
        if ((se = word_map_get(&b->stems, stem, n, word_hash(stem, n), &is_new)) == NULL)
            return -1;
        e->stem_ix = (int)(se - b->stems.words);
    }
    stem_bump(se, is_new, b->serial, 1);
    /* stem may lie in b->stems' keys: copied before anything grows them */
    if (prep_stem(p, k, stem, n_stem, se->hash) != 0)
        return -1;
    e->stem_at = k[2];
    e->stem_len = k[3];
    e->stem_hash = se->hash;
    p->n_tok++;
    return 0;
}

/* Records one token of a briefing analysed ahead: its offsets, where its
 * stem lies in the prep's stems (the tape brief_tokenizer_replay() plays
 * to FTS5), and its count (as count_word() does). The analyzer passes
 * tokens unstemmed: a word already in the briefing's word map takes the
 * stem noted at its first occurrence, so only the first occurrence of a
 * word is stemmed and its stem kept once. Stemming every token, with its
 * lookup in the stem cache (4 MiB, so mostly a cache miss), was 9% of a
 * 20,000-briefing build's CPU on the reading thread that bounds it
 * (perf). Words `words` leaves out are stemmed at each occurrence and
 * their stems counted here, as count_word() does. */
static int prep_token(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                      int start, int end)
{
    prep_ctx_t *c = ctx;
    brief_index_prep_t *p = c->prep;
    word_t *e = NULL;
    int *k;

    if (p->n_tok == p->cap_tok) {
        size_t cap = p->cap_tok ? p->cap_tok * 2 : 1024;
        int *tok = realloc(p->tok, cap * BRIEF_TAPE_INTS * sizeof *tok);
        if (tok == NULL) {
            c->failed = 1;
            return 1;
        }
        p->tok = tok;
        p->cap_tok = cap;
    }
    k = &p->tok[BRIEF_TAPE_INTS * p->n_tok];
    k[0] = start;
    k[1] = end;
    if (c->batch != NULL) {
        if (prep_token_batched(c, k, word, n_word, stem, n_stem) != 0) {
            c->failed = 1;
            return 1;
        }
        return 0;
    }
    if (word_listed(word, n_word)) {
        int is_new;
        e = word_map_get(c->count.map, word, (size_t)n_word, word_hash(word, (size_t)n_word),
                         &is_new);
        if (e == NULL) {
            c->failed = 1;
            return 1;
        }
        e->count += c->count.delta;
        if (!is_new) {
            k[2] = e->stem_at;
            k[3] = e->stem_len;
            k[4] = (int)e->stem_hash;
            p->n_tok++;
            return 0;
        }
    }
    if (stem == NULL && (stem = brief_analyzer_stem(c->an, word, n_word, &n_stem)) == NULL) {
        c->failed = 1;
        return 1;
    }
    if (p->stems.len + (size_t)n_stem > INT_MAX) { /* the texts are under 2 GB: never */
        c->failed = 1;
        return 1;
    }
    k[2] = (int)p->stems.len;
    k[3] = n_stem;
    k[4] = (int)brief_stem_hash(stem, n_stem > 0 ? (size_t)n_stem : 0);
    if (buf_add(&p->stems, stem, (size_t)n_stem) != 0) {
        c->failed = 1;
        return 1;
    }
    p->n_tok++;
    if (e != NULL) {
        e->stem_at = k[2];
        e->stem_len = n_stem > FTS_MAX_TERM_BYTES ? FTS_MAX_TERM_BYTES : n_stem;
        e->stem_hash = (uint32_t)k[4];
        return 0;
    }
    return count_stem(&c->count, stem, n_stem);
}

void brief_index_prep_free(brief_index_prep_t *prep)
{
    if (prep == NULL)
        return;
    for (int i = 0; i < N_COLS; i++)
        free(prep->text[i].s);
    free(prep->tok);
    free(prep->pass);
    free(prep->stems.s);
    word_map_release(&prep->words);
    word_map_release(&prep->stem_docs);
    free(prep);
}

/* brief_index_prepare(), counting into batch (NULL: into the prep). */
static brief_status_t prepare(brief_analyzer_t *an, const brief_doc_t *doc,
                              brief_index_batch_t *batch, brief_index_prep_t **out)
{
    brief_index_prep_t *p = calloc(1, sizeof *p);
    writer_t tmp;
    size_t first[N_COLS];
    brief_status_t status = BRIEF_OK;
    prep_ctx_t c;

    *out = NULL;
    if (p == NULL)
        return BRIEF_ERR_NOMEM;
    /* build() uses only the writer's column and passage buffers */
    memset(&tmp, 0, sizeof tmp);
    if (build(&tmp, doc) != 0)
        status = BRIEF_ERR_NOMEM;
    for (int i = 0; i < N_COLS; i++)
        p->text[i] = tmp.col[i];
    p->pass = tmp.pass;
    p->n_pass = tmp.n_pass;
    memset(&c, 0, sizeof c);
    c.prep = p;
    c.an = an;
    c.count.map = &p->words;
    c.count.stems = &p->stem_docs;
    c.count.delta = 1;
    /* Every length is checked before any counting, so that a briefing
     * refused for one has put nothing into a batch. */
    for (int i = 0; i < N_COLS && status == BRIEF_OK; i++) {
        if (p->text[i].len > INT_MAX)
            status = BRIEF_ERR_INVALID; /* brief_index_put refuses it */
    }
    if (batch != NULL && status == BRIEF_OK) {
        if (batch->failed) {
            status = BRIEF_ERR_NOMEM;
        } else {
            c.batch = batch;
            batch->serial++;
        }
    }
    for (int i = 0; i < N_COLS && status == BRIEF_OK; i++) {
        first[i] = p->n_tok;
        status = brief_analyzer_run_unstemmed(an, buf_text(&p->text[i]), (int)p->text[i].len,
                                              prep_token, &c);
        if (c.failed || c.count.failed)
            status = BRIEF_ERR_NOMEM;
    }
    if (status != BRIEF_OK) {
        if (c.batch != NULL)
            batch->failed = 1; /* some of the briefing's counts are in it */
        brief_index_prep_free(p);
        return status;
    }
    p->in_batch = c.batch != NULL;
    for (int i = 0; i < N_COLS; i++) {
        size_t end = i + 1 < N_COLS ? first[i + 1] : p->n_tok;
        p->tape[i].text = buf_text(&p->text[i]);
        p->tape[i].n_text = (int)p->text[i].len;
        p->tape[i].tokens = p->tok + BRIEF_TAPE_INTS * first[i];
        p->tape[i].n_tokens = (int)(end - first[i]);
        p->tape[i].stems = buf_text(&p->stems);
    }
    if (c.batch != NULL && batch->pairs != NULL) {
        /* the pairs the writer would note replaying the tapes */
        for (int i = 0; i < N_COLS; i++) {
            brief_pairs_add_run(batch->pairs, p->tape[i].tokens + 4,
                                (size_t)p->tape[i].n_tokens, BRIEF_TAPE_INTS);
            p->tape[i].pairs_noted = 1;
        }
        p->noted = brief_pairs_note(batch->pairs);
    }
    *out = p;
    return BRIEF_OK;
}

brief_status_t brief_index_prepare(brief_analyzer_t *an, const brief_doc_t *doc,
                                   brief_index_prep_t **out)
{
    return prepare(an, doc, NULL, out);
}

brief_status_t brief_index_prepare_batched(brief_analyzer_t *an, const brief_doc_t *doc,
                                           brief_index_batch_t *batch, brief_index_prep_t **out)
{
    return prepare(an, doc, batch, out);
}

brief_status_t brief_index_put_prepared(brief_index_t *idx, const brief_doc_t *doc,
                                        brief_index_prep_t **prep, const char *source_path,
                                        long source_line, const char *hash, long long *docid,
                                        char **errmsg)
{
    writer_t *w;
    brief_status_t status;
    brief_index_prep_t *p = *prep;
    built_t b;
    long long id = 0;
    int rc;

    if (p == NULL)
        return brief_index_put(idx, doc, source_path, source_line, hash, docid, errmsg);
    if ((status = write_begin(idx, doc, 1, source_path, hash, &w, docid, errmsg)) != BRIEF_OK)
        return status;
    b.col = p->text;
    b.pass = p->pass;
    b.n_pass = p->n_pass;
    w->counted = p;
    w->fts_chunked = w->fts_defer;
    if (!w->fts_chunked) {
        pairs_owe(w, p);
        brief_tokenizer_replay(p->tape, N_COLS);
    }
    status = insert_rows(idx, w, doc, b, source_path, source_line, hash, &id, errmsg);
    brief_tokenizer_replay(NULL, 0);
    w->counted = NULL;
    if (status == BRIEF_OK)
        p->in_batch = 0; /* its batch's counts are the briefing's now */
    if (status == BRIEF_OK && w->fts_chunked) {
        *prep = NULL; /* chunk_add() has it now, also when it fails */
        if ((rc = chunk_add(w, id, p)) != SQLITE_OK)
            status = sql_fail(w, rc, "index", doc->id, errmsg);
    }
    w->fts_chunked = 0;
    if (docid != NULL)
        *docid = id;
    return write_end(w, doc, status, docid, errmsg);
}

/* --- counting ahead (brief_prep.h) ---------------------------------------
 *
 * Adding each briefing's words and stems to the transaction's maps
 * (count_words()) was the largest cost of the writer thread after FTS5's
 * own: a briefing has some 530 distinct words, each looked up in a map of
 * up to 200,000, mostly a cache miss (perf, 100,000 briefings: 11% of the
 * writer). So the analyser thread adds the counts of many briefings to a
 * batch (brief_index_prepare_batched), and the writer adds the batch to its maps
 * once per distinct word of the batch, after it has put the batch's
 * briefings: 512 generated briefings have some 9,500 distinct words, not
 * 512 x 530. A briefing of the batch that is not put (rejected: a
 * duplicate id, no title...) has its counts taken back by
 * brief_index_prep_discard(), which analyses its texts again as a removal
 * does; those negative counts are held apart until the batch comes
 * (w->held), because written before it (a flush of the maps in between)
 * they would find no row to subtract from. So `words` and `stems` get the
 * counts of the briefings put, as if each had counted its own. */

void brief_index_batch_note_pairs(brief_index_batch_t *batch, brief_pairs_t *pairs)
{
    batch->pairs = pairs;
}

brief_status_t brief_index_take_pairs(brief_index_t *idx, const brief_pairs_t *pairs)
{
    writer_t *w;
    brief_status_t status = writer_get(idx, &w);
    int rc;

    if (status != BRIEF_OK)
        return status;
    if ((rc = pairs_setup(w)) != SQLITE_OK)
        return rc == SQLITE_NOMEM ? BRIEF_ERR_NOMEM : BRIEF_ERR_SQLITE;
    if (w->pairs != NULL && w->pairs_fresh) {
        /* folded to size now: the writer's own large filter, mostly never
         * written, is not copied into (nor kept in memory) */
        brief_pairs_t *u = brief_pairs_union(w->pairs, pairs);
        if (u == NULL)
            return BRIEF_ERR_NOMEM;
        brief_pairs_free(w->pairs);
        w->pairs = u;
    } else if (w->pairs != NULL) {
        brief_pairs_merge(w->pairs, pairs);
    }
    w->pairs_taken = brief_pairs_notes(pairs);
    return BRIEF_OK;
}

brief_status_t brief_index_batch_new(brief_index_batch_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? BRIEF_OK : BRIEF_ERR_NOMEM;
}

void brief_index_batch_free(brief_index_batch_t *batch)
{
    if (batch == NULL)
        return;
    word_map_release(&batch->words);
    word_map_release(&batch->stems);
    free(batch);
}

size_t brief_index_batch_size(const brief_index_batch_t *batch)
{
    return batch != NULL ? batch->words.n + batch->stems.n : 0;
}

/* Adds the counts of m to the map to. */
static int map_merge(word_map_t *to, const word_map_t *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const word_t *wd = &m->words[i];
        int is_new;
        word_t *e = word_map_get(to, m->keys.s + wd->off, wd->len, wd->hash, &is_new);

        if (e == NULL)
            return -1;
        e->count += wd->count;
    }
    return 0;
}

brief_status_t brief_index_batch_apply(brief_index_t *idx, brief_index_batch_t *batch,
                                       char **errmsg)
{
    writer_t *w;
    brief_status_t status;

    if ((status = writer_get(idx, &w)) != BRIEF_OK)
        return status;
    if (batch != NULL && batch->failed) {
        brief_set_error(errmsg, "cannot count the words of briefings: out of memory");
        status = BRIEF_ERR_NOMEM;
    } else if ((batch != NULL && (map_merge(&w->map, &batch->words) != 0 ||
                           map_merge(&w->stem_map, &batch->stems) != 0)) ||
        map_merge(&w->map, &w->held) != 0 || map_merge(&w->stem_map, &w->held_stems) != 0) {
        brief_set_error(errmsg, "cannot count the words of briefings: out of memory");
        status = BRIEF_ERR_NOMEM;
    } else {
        status = words_done(w, NULL, errmsg);
    }
    word_map_clear(&w->held);
    word_map_clear(&w->held_stems);
    if (status != BRIEF_OK)
        words_failed(w);
    return status;
}

brief_status_t brief_index_prep_discard(brief_index_t *idx, brief_index_prep_t *prep,
                                        const char *id, char **errmsg)
{
    brief_status_t status = BRIEF_OK;

    if (prep != NULL && prep->in_batch && idx != NULL) {
        const char *texts[N_COLS];
        size_t lens[N_COLS];
        writer_t *w;

        col_texts(prep->text, texts, lens);
        if ((status = writer_get(idx, &w)) == BRIEF_OK) {
            /* count_words() counts into w->map and w->stem_map: lend it the
             * held maps instead. */
            word_map_t map = w->map, stems = w->stem_map;
            w->map = w->held;
            w->stem_map = w->held_stems;
            status = count_words(idx, w, texts, lens, -1, id ? id : "", errmsg);
            w->held = w->map;
            w->held_stems = w->stem_map;
            w->map = map;
            w->stem_map = stems;
        }
    }
    brief_index_prep_free(prep);
    return status;
}
