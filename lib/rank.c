/* rank.c - scoring: BM25 by column, proximity, recency, and the FTS5 auxiliary functions that compute them.
 *
 * The score of a briefing is
 *
 *     score = bm25 * proximity * recency            (--sort hybrid, default)
 *     score = bm25 * proximity                      (--sort relevance, date)
 *
 * bm25 is Okapi BM25 exactly as FTS5's built-in bm25() computes it (k1 1.2,
 * b 0.75, IDF log((N - n + 0.5) / (n + 0.5)) floored at 1e-6), over the one
 * row of the briefing, with the column weights BRIEF_BM25_WEIGHTS (title 10,
 * heading and speaker 5, names 3, outlet 2, bodies 1), but with its sign
 * turned so that larger is better, and a phrase of several words taking the
 * sum of its words' IDFs (see rank_ctx_get()). Because the row holds the
 * whole briefing, a term's frequency adds up over every passage: a briefing
 * that discusses a subject in its title, its analysis and its quotes scores
 * above one with a single passing mention. We compute it ourselves rather than calling bm25()
 * so that one pass over the row's hits also gives the per-column parts
 * (--explain) and the proximity factor, for the same per-row cost as bm25().
 *
 * The per-column parts split each phrase's term in proportion to the weighted
 * hits it had in each column; they add up to bm25.
 *
 * proximity = 1 + P * pairs / (items - 1), P = BRIEF_PROXIMITY_BOOST = 0.5,
 * where items is the number of optional items of the query (bare words and
 * groups, in the order typed) and pairs the number of neighbouring items
 * (i, i+1) that occur side by side somewhere in the briefing (a hit of item
 * i+1 starting right after a hit of item i ends, in the same column). So
 * `export controls` ranks a briefing that says "export controls" above one
 * whose two words are scattered, by up to half again; 0.5 is enough to beat
 * the small BM25 differences that document length causes, yet not enough to
 * lift a passing mention above a briefing about the subject.
 *
 * recency = F + (1 - F) * 2^(-age / H), F = BRIEF_RECENCY_FLOOR = 0.5,
 * age = max(0, now_day - day) in days (day is the later of published and
 * updated), H the half-life (--half-life, default 365 days). Today's news
 * keeps its full score, a briefing one half-life old keeps 0.75 of it, two
 * half-lives 0.625, and no briefing falls below half, however old.
 * Why a floor of 0.5: BM25 saturates (k1 = 1.2), so in a briefing of about
 * average length even the strongest match of a word scores at most
 * k1 + 1 = 2.2 times one passing mention in a body, and a title hit alone
 * (weight 10) about 2 times. A floor under 0.45 would let age alone bury a
 * briefing about the subject under any recent one that names it once; with
 * 0.5 a strongly relevant briefing two years old (factor 0.625) still beats
 * a barely relevant one from last week, while among briefings about equally
 * relevant the newer one wins. Briefings dated in the future (age < 0)
 * count as today's.
 *
 * --sort date orders by day, newest first, then by this score; --sort
 * relevance orders by bm25 * proximity alone.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "brief_heap.h"
#include "brief_query.h"
#include "internal.h"
#include "search_internal.h"


/* BM25 parameters: FTS5's. */
#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_MAX_COLS 16

double brief_rank_recency(double age_days, double half_life_days)
{
    if (!(age_days > 0.0))
        age_days = 0.0;
    if (!(half_life_days > 0.0))
        return 1.0;
    return BRIEF_RECENCY_FLOOR + (1.0 - BRIEF_RECENCY_FLOOR) * exp2(-age_days / half_life_days);
}

double brief_rank_proximity(int adjacent_pairs, int n_items)
{
    if (n_items < 2 || adjacent_pairs <= 0)
        return 1.0;
    if (adjacent_pairs > n_items - 1)
        adjacent_pairs = n_items - 1;
    return 1.0 + BRIEF_PROXIMITY_BOOST * (double)adjacent_pairs / (double)(n_items - 1);
}

double brief_rank_score(double bm25, double proximity, double recency, brief_sort_t sort)
{
    double s = bm25 * proximity;
    if (sort == BRIEF_SORT_HYBRID)
        s *= recency;
    return s;
}

unsigned brief_rank_column_kinds(int col)
{
    switch (col) {
    case 1: /* heading */
    case 6: /* analysis */
        return BRIEF_KIND_ANALYSIS;
    case 2: /* speaker */
    case 7: /* quote */
        return BRIEF_KIND_QUOTE;
    case 3: /* names */
    case 4: /* outlet */
    case 5: /* article */
        return BRIEF_KIND_ARTICLE;
    default:
        return 0;
    }
}

/* One hit of a phrase in a row: column, token offset. */
typedef struct {
    int col;
    int off;
} inst_t;

/* The arguments of brief_rank() (see read_args()). */
typedef struct {
    double day;
    double now;
    double half_life;
    brief_sort_t sort;
    const char *map;
    int n_limit;
    int keep;
    int newest_first;
    const char *docs;
    sqlite3_int64 *n_first_out; /* where to tell phrase 0's row count, or NULL */
    int max_pairs; /* neighbouring items that may stand side by side; -1: all */
} rank_args_t;

/* Per query (per call site), kept with xSetAuxdata. */
typedef struct {
    int n_phrase;  /* phrases that count */
    int n_col;
    int n_items;   /* optional items in the map */
    int *item_of;  /* phrase -> item or -1 */
    int *size_of;  /* phrase -> tokens */
    double *idf;   /* phrase -> IDF (NULL until needed) */
    double avgdl;
    double weight[RANK_MAX_COLS];
    /* scratch, reused per row */
    double *freq;     /* phrase -> weighted hits */
    double *colfreq;  /* phrase x col -> weighted hits */
    unsigned char *item_hit;
    unsigned char *pair_hit;
    inst_t *insts;    /* the hits of the phrases of items, phrase by phrase */
    int cap_insts;
    int *first_of;    /* phrase -> its first hit in insts; [n_phrase]: the end */
    /* top-k pruning (fn_rank with a 7th argument, see "Pruning" below) */
    double *top;      /* min-heap of the best scores so far, n_top <= keep */
    int n_top, keep;
    double bound;     /* upper bound of bm25 * proximity over all rows */
    sqlite3_int64 n_first; /* rows holding phrase 0 (its IDF's n), once known */
    /* fn_rank's arguments but the day are the same for every row: read
     * once (reading all ten per row was 5.6 M of the 129 M instructions of
     * `vaccine trial` at 100,000 briefings, callgrind). */
    rank_args_t args;
    int have_args;
} rank_ctx_t;

static void rank_ctx_free(void *p)
{
    rank_ctx_t *c = p;
    if (c == NULL)
        return;
    free(c->item_of);
    free(c->size_of);
    free(c->idf);
    free(c->freq);
    free(c->colfreq);
    free(c->item_hit);
    free(c->pair_hit);
    free(c->insts);
    free(c->first_of);
    free(c->top);
    free(c);
}

static int count_cb(const Fts5ExtensionApi *pApi, Fts5Context *pFts, void *pUser)
{
    (void)pApi;
    (void)pFts;
    (*(sqlite3_int64 *)pUser)++;
    return SQLITE_OK;
}

static void parse_weights(double *w, int n)
{
    const char *p = BRIEF_BM25_WEIGHTS;
    int i;
    for (i = 0; i < n; i++) {
        char *end;
        double v = strtod(p, &end);
        if (end == p) {
            w[i] = 1.0;
            continue;
        }
        w[i] = v;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

const char *brief_rank_docs_next(const char *p, sqlite3_int64 *n)
{
    char *end;
    long long v;

    *n = -1;
    if (p == NULL)
        return NULL;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return p;
    v = strtoll(p, &end, 10);
    if (end != p && v >= 0 && (*end == ' ' || *end == '\0'))
        *n = (sqlite3_int64)v;
    while (*end && *end != ' ')
        end++;
    return end;
}

/* BM25's IDF of a term held by n of n_row rows, floored as FTS5 floors it. */
static double idf_of(sqlite3_int64 n_row, sqlite3_int64 n)
{
    double v = log((0.5 + (double)(n_row - n)) / (0.5 + (double)n));
    return v > 0.0 ? v : 1e-6;
}

/* The IDF of the docs entry at p (brief_rank_docs_next()), or -1 when the
 * entry is "-" or missing: FTS5 must count that phrase. An entry
 * "n1+n2+..." is a phrase of several words, whose IDF is the sum of its
 * words' (see rank_ctx_get()). */
static double docs_entry_idf(const char *p, sqlite3_int64 n_row)
{
    double sum = 0.0;
    int parts = 0;

    if (p == NULL)
        return -1.0;
    while (*p == ' ')
        p++;
    for (;;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0)
            return -1.0;
        sum += idf_of(n_row, (sqlite3_int64)v);
        parts++;
        if (*end != '+')
            break;
        p = end + 1;
    }
    return parts > 0 ? sum : -1.0;
}

/* Builds (or fetches) the per-query context. map and docs may be NULL.
 *
 * The IDF of a phrase needs n, the number of rows holding it. FTS5's
 * bm25() counts them with xQueryPhrase, a walk of the phrase's doclists
 * with a callback per row: for `vaccine trial` at 100,000 briefings, 37 M
 * of the query's 171 M instructions (callgrind). search.c hands us the
 * counts of one-token phrases from the `stems` table (lib/schema.c), kept
 * at index time, in docs; both give the same n, so the same IDF.
 *
 * A phrase of several words outside any column filter weighs as its words
 * together: its IDF is the sum of theirs, as Lucene's BM25 weighs a
 * phrase, from their counts in docs ("n1+n2"). Its own count would need
 * that walk, over every row with all its words, to check their positions:
 * 69 M of the 82 M instructions of `"export controls"` (38,058 matches) at
 * 100,000 briefings. The sum is never below the IDF of any of its words,
 * so a phrase still outweighs each word it is made of. Prefixes and
 * column-filtered phrases are still counted here. */
static int rank_ctx_get(const Fts5ExtensionApi *pApi, Fts5Context *pFts, const char *map,
                        int n_limit, int want_idf, const char *docs, rank_ctx_t **out)
{
    rank_ctx_t *c = pApi->xGetAuxdata(pFts, 0);
    int rc = SQLITE_OK, i;

    *out = NULL;
    if (c == NULL) {
        int n_phrase = pApi->xPhraseCount(pFts);
        c = calloc(1, sizeof *c);
        if (c == NULL)
            return SQLITE_NOMEM;
        if (n_limit >= 0 && n_limit < n_phrase)
            n_phrase = n_limit;
        c->n_phrase = n_phrase;
        c->n_col = pApi->xColumnCount(pFts);
        if (c->n_col > RANK_MAX_COLS)
            c->n_col = RANK_MAX_COLS;
        parse_weights(c->weight, c->n_col);
        c->item_of = malloc(sizeof(int) * (size_t)(n_phrase + 1));
        c->size_of = malloc(sizeof(int) * (size_t)(n_phrase + 1));
        c->freq = malloc(sizeof(double) * (size_t)(n_phrase + 1));
        c->colfreq = malloc(sizeof(double) * (size_t)(n_phrase + 1) * (size_t)c->n_col);
        c->first_of = malloc(sizeof(int) * (size_t)(n_phrase + 1));
        if (!c->item_of || !c->size_of || !c->freq || !c->colfreq || !c->first_of) {
            rank_ctx_free(c);
            return SQLITE_NOMEM;
        }
        for (i = 0; i < n_phrase; i++)
            c->size_of[i] = pApi->xPhraseSize(pFts, i);
        c->n_items = brief_rank_map_items(map, c->item_of, n_phrase);
        c->item_hit = calloc((size_t)c->n_items + 1, 1);
        c->pair_hit = calloc((size_t)c->n_items + 1, 1);
        if (!c->item_hit || !c->pair_hit) {
            rank_ctx_free(c);
            return SQLITE_NOMEM;
        }
        rc = pApi->xSetAuxdata(pFts, c, rank_ctx_free);
        if (rc != SQLITE_OK)
            return rc; /* xSetAuxdata freed c */
    }
    if (want_idf && c->idf == NULL) {
        sqlite3_int64 n_row = 0, n_tok = 0;
        double *idf = malloc(sizeof(double) * (size_t)(c->n_phrase + 1));
        if (idf == NULL)
            return SQLITE_NOMEM;
        rc = pApi->xRowCount(pFts, &n_row);
        if (rc == SQLITE_OK)
            rc = pApi->xColumnTotalSize(pFts, -1, &n_tok);
        c->avgdl = n_row > 0 ? (double)n_tok / (double)n_row : 1.0;
        if (c->avgdl <= 0.0)
            c->avgdl = 1.0;
        for (i = 0; rc == SQLITE_OK && i < c->n_phrase; i++) {
            sqlite3_int64 n_hit = 0, known;
            const char *entry = docs;
            double given;
            docs = brief_rank_docs_next(docs, &known);
            if (known >= 0) {
                n_hit = known;
            } else if ((given = docs_entry_idf(entry, n_row)) >= 0.0) {
                n_hit = -1; /* a phrase: its words' IDFs, no count */
                idf[i] = given;
            } else {
                rc = pApi->xQueryPhrase(pFts, i, &n_hit, count_cb);
            }
            if (i == 0)
                c->n_first = n_hit;
            if (rc == SQLITE_OK && n_hit >= 0)
                idf[i] = idf_of(n_row, n_hit);
        }
        if (rc != SQLITE_OK) {
            free(idf);
            return rc;
        }
        c->idf = idf;
    }
    *out = c;
    return SQLITE_OK;
}

typedef struct {
    double bm25;
    double col_part[RANK_MAX_COLS];
    int pairs;
    int items;
    unsigned kinds;
} rank_row_t;


int brief_rank_map_items(const char *map, int *item_of, int n)
{
    int i, items = 0;

    for (i = 0; i < n; i++)
        item_of[i] = -1;
    for (i = 0; map != NULL && i < n && *map; i++) {
        char *end;
        long v = strtol(map, &end, 10);
        if (end == map)
            break;
        item_of[i] = v >= 0 && v < 100000 ? (int)v : -1;
        if (item_of[i] + 1 > items)
            items = item_of[i] + 1;
        map = end;
    }
    return items;
}

/* Whether a hit of phrase p (hits pv[0..np), each in (column, offset)
 * order, of size_p tokens) ends right where a hit of phrase q (qv[0..nq))
 * starts, in the same column: one merge of the two sorted lists. */
static int lists_touch(const inst_t *pv, int np, int size_p, const inst_t *qv, int nq)
{
    int i = 0, j = 0;

    while (i < np && j < nq) {
        int pc = pv[i].col, pe = pv[i].off + size_p;
        if (pc < qv[j].col || (pc == qv[j].col && pe < qv[j].off))
            i++;
        else if (pc > qv[j].col || pe > qv[j].off)
            j++;
        else
            return 1;
    }
    return 0;
}

/* First half of scoring a row: its hits. Fills c->freq and c->colfreq
 * (weighted hits by phrase, and by phrase and column), r->kinds and, with
 * want_prox, r->pairs. Reads only the row's position lists.
 *
 * Each phrase's hits are read on their own (xPhraseFirst/xPhraseNext),
 * in (column, offset) order, and a pair of items is adjacent when the
 * lists of one phrase of each touch (lists_touch()). xInst would hand
 * every hit of every phrase merged in that order, but building that
 * merge (fts5CacheInstArray) and a call per hit cost more: `vaccine
 * trial` at 100,000 briefings, 29,006 rows all scored, took 136.0 M
 * instructions with xInst, 126.5 M this way (callgrind). */
static int rank_hits(const Fts5ExtensionApi *pApi, Fts5Context *pFts, rank_ctx_t *c,
                     int want_prox, rank_row_t *r)
{
    int rc = SQLITE_OK, i, j, n_keep = 0, n_col = c->n_col;
    int keep = want_prox && c->n_items >= 2;

    memset(r, 0, sizeof *r);
    memset(c->freq, 0, sizeof(double) * (size_t)c->n_phrase);
    memset(c->colfreq, 0, sizeof(double) * (size_t)c->n_phrase * (size_t)n_col);
    for (i = 0; i < c->n_phrase; i++) {
        Fts5PhraseIter it;
        int ic, io, mine = keep && c->item_of[i] >= 0;
        double *cf = c->colfreq + (size_t)i * (size_t)n_col;
        c->first_of[i] = n_keep;
        rc = pApi->xPhraseFirst(pFts, i, &it, &ic, &io);
        for (; rc == SQLITE_OK && ic >= 0; pApi->xPhraseNext(pFts, &it, &ic, &io)) {
            if (ic >= n_col)
                continue;
            c->freq[i] += c->weight[ic];
            cf[ic] += c->weight[ic];
            r->kinds |= brief_rank_column_kinds(ic);
            if (mine) {
                if (n_keep == c->cap_insts) {
                    int cap = c->cap_insts ? 2 * c->cap_insts : 64;
                    inst_t *g = realloc(c->insts, sizeof *g * (size_t)cap);
                    if (g == NULL)
                        return SQLITE_NOMEM;
                    c->insts = g;
                    c->cap_insts = cap;
                }
                c->insts[n_keep].col = ic;
                c->insts[n_keep].off = io;
                n_keep++;
            }
        }
        if (rc != SQLITE_OK)
            return rc;
    }
    c->first_of[c->n_phrase] = n_keep;
    if (!keep)
        return SQLITE_OK;
    /* item a and a + 1 are adjacent when a phrase of each touches */
    for (i = 0; i < c->n_phrase; i++) {
        int a = c->item_of[i], np = c->first_of[i + 1] - c->first_of[i];
        if (a < 0 || a + 1 >= c->n_items || np == 0 || c->pair_hit[a])
            continue;
        for (j = 0; j < c->n_phrase && !c->pair_hit[a]; j++) {
            int nq = c->first_of[j + 1] - c->first_of[j];
            if (c->item_of[j] != a + 1 || nq == 0)
                continue;
            if (lists_touch(c->insts + c->first_of[i], np, c->size_of[i],
                            c->insts + c->first_of[j], nq))
                c->pair_hit[a] = 1;
        }
    }
    for (i = 0; i + 1 < c->n_items; i++) {
        r->pairs += c->pair_hit[i];
        c->pair_hit[i] = 0;
    }
    return SQLITE_OK;
}

/* Phrase i's term of bm25, for its weighted hits rank_hits() found in a
 * document of D tokens. */
static double bm25_term(const rank_ctx_t *c, int i, double D)
{
    double f = c->freq[i];

    return c->idf[i] * f * (RANK_K1 + 1.0) /
           (f + RANK_K1 * (1.0 - RANK_B + RANK_B * D / c->avgdl));
}

/* bm25 of the hits rank_hits() found, for a document of D tokens. */
static double rank_bm25_of(const rank_ctx_t *c, double D)
{
    double sum = 0.0;
    int i;

    for (i = 0; i < c->n_phrase; i++)
        if (c->freq[i] > 0.0)
            sum += bm25_term(c, i, D);
    return sum;
}

/* Second half: bm25 and its parts by column, which need the row's length
 * (one lookup in FTS5's docsize table, the dearest part of a row). */
static int rank_bm25(const Fts5ExtensionApi *pApi, Fts5Context *pFts, rank_ctx_t *c,
                     rank_row_t *r)
{
    int n_col = c->n_col, rc, i, j, sz = 0;
    double D;

    if (c->idf == NULL)
        return SQLITE_OK;
    rc = pApi->xColumnSize(pFts, -1, &sz);
    if (rc != SQLITE_OK)
        return rc;
    D = (double)sz;
    for (i = 0; i < c->n_phrase; i++) {
        double f = c->freq[i], term;
        if (f <= 0.0)
            continue;
        term = bm25_term(c, i, D);
        r->bm25 += term;
        for (j = 0; j < n_col; j++) {
            double cf = c->colfreq[(size_t)i * (size_t)n_col + (size_t)j];
            if (cf > 0.0)
                r->col_part[j] += term * cf / f;
        }
    }
    return SQLITE_OK;
}

static int rank_row(const Fts5ExtensionApi *pApi, Fts5Context *pFts, rank_ctx_t *c,
                    int want_prox, rank_row_t *r)
{
    int rc = rank_hits(pApi, pFts, c, want_prox, r);
    return rc == SQLITE_OK ? rank_bm25(pApi, pFts, c, r) : rc;
}

/* Distinct optional items with at least one hit. */
static int rank_items(const Fts5ExtensionApi *pApi, Fts5Context *pFts, rank_ctx_t *c, int *n)
{
    int i, rc;
    *n = 0;
    if (c->n_items == 0)
        return SQLITE_OK;
    memset(c->item_hit, 0, (size_t)c->n_items);
    for (i = 0; i < c->n_phrase; i++) {
        Fts5PhraseIter iter;
        int ic = -1, io = -1, item = c->item_of[i];
        if (item < 0 || c->item_hit[item])
            continue;
        rc = pApi->xPhraseFirst(pFts, i, &iter, &ic, &io);
        if (rc != SQLITE_OK)
            return rc;
        if (ic >= 0) {
            c->item_hit[item] = 1;
            (*n)++;
        }
    }
    return SQLITE_OK;
}

/* The day of a row: from the argument when it is not NULL, else from the
 * docid, whose high bits hold it (include/brief_index.h). */
static double row_day(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_value *arg)
{
    if (arg != NULL && sqlite3_value_type(arg) != SQLITE_NULL)
        return sqlite3_value_double(arg);
    return (double)brief_docid_day(pApi->xRowid(pFts));
}

static void read_args(int nVal, sqlite3_value **apVal, rank_args_t *a)
{
    a->day = nVal > 0 ? sqlite3_value_double(apVal[0]) : 0.0;
    a->now = nVal > 1 ? sqlite3_value_double(apVal[1]) : a->day;
    a->half_life = nVal > 2 ? sqlite3_value_double(apVal[2]) : BRIEF_DEFAULT_HALF_LIFE;
    a->sort = nVal > 3 ? (brief_sort_t)sqlite3_value_int(apVal[3]) : BRIEF_SORT_RELEVANCE;
    a->map = nVal > 4 ? (const char *)sqlite3_value_text(apVal[4]) : NULL;
    a->n_limit = nVal > 5 && sqlite3_value_type(apVal[5]) != SQLITE_NULL
                     ? sqlite3_value_int(apVal[5])
                     : -1;
    a->keep = nVal > 6 ? sqlite3_value_int(apVal[6]) : 0;
    a->newest_first = nVal > 7 ? sqlite3_value_int(apVal[7]) : 0;
    a->docs = nVal > 8 ? (const char *)sqlite3_value_text(apVal[8]) : NULL;
    a->n_first_out = nVal > 9 ? sqlite3_value_pointer(apVal[9], BRIEF_RANK_COUNT_POINTER) : NULL;
    a->max_pairs = nVal > 10 && sqlite3_value_type(apVal[10]) != SQLITE_NULL
                       ? sqlite3_value_int(apVal[10])
                       : -1;
}

/* Pruning
 *
 * A query such as `the`, matching nearly every briefing, would cost one
 * pass over every hit of every matching row (rank_row), as FTS5's own
 * bm25() does: that is the long tail of plain FTS5 ORDER BY rank. But the
 * page only needs the best `keep` = offset + limit rows. Each term of bm25
 * is idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)) < idf * (k1 + 1)
 * whatever the row, so
 *
 *     bound = sum of idf * (k1 + 1) over the phrases * the largest proximity
 *
 * (the largest proximity counts only the neighbouring items that the
 * index's pair filter says may stand side by side: the 11th argument,
 * from lib/search.c's adjacent_pairs(); include/brief_pairs.h)
 * is above bm25 * proximity of every row, and bound * recency(row) above its
 * score. fn_rank keeps a min-heap of the `keep` best scores seen so far;
 * once it is full, a row whose bound * recency is below the smallest of
 * them cannot reach the page (at least `keep` rows score more), so it gets
 * BRIEF_RANK_PRUNED, below every real score, without its hits being read.
 * The page is exactly the one without pruning. Rows whose matches are
 * strong (titles weigh 10, so a title hit nearly reaches idf * (k1 + 1))
 * soon fill the heap near the bound, and then only rows recent enough to
 * beat it are scored: measured in tests/bench (make bench). Not used for
 * --sort date, whose order is by day first.
 *
 * Pruning still visits every matching row. Stopping does not: docids
 * follow dates (include/brief_index.h), so search.c reads the matches
 * newest first (ORDER BY rowid DESC, which FTS5 walks natively) and tells
 * brief_rank so. Recency only falls from row to row then, and the first
 * row that would be pruned proves every later one would be too: it gets
 * BRIEF_RANK_STOP and the scan ends there. For `the` at 100,000 briefings
 * this reads the newest few thousand rows instead of all of them (make
 * bench). */
static int prune_init(rank_ctx_t *c, int keep, int max_pairs)
{
    double sum = 0.0;
    int i, pairs = c->n_items - 1;

    c->top = malloc(sizeof(double) * (size_t)keep);
    if (c->top == NULL)
        return SQLITE_NOMEM;
    c->keep = keep;
    c->n_top = 0;
    for (i = 0; i < c->n_phrase; i++)
        sum += c->idf[i] * (RANK_K1 + 1.0);
    if (max_pairs >= 0 && max_pairs < pairs)
        pairs = max_pairs;
    c->bound = sum * brief_rank_proximity(pairs, c->n_items);
    return SQLITE_OK;
}

static void prune_push(rank_ctx_t *c, double score)
{
    double *h = c->top;
    int i, n = c->n_top;

    if (n < c->keep) { /* sift up */
        i = c->n_top++;
        while (i > 0 && h[(i - 1) / 2] > score) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i] = score;
        return;
    }
    if (score <= h[0])
        return;
    i = 0; /* replace the smallest, sift down */
    for (;;) {
        int l = 2 * i + 1, m = l;
        if (l >= n)
            break;
        if (l + 1 < n && h[l + 1] < h[l])
            m = l + 1;
        if (h[m] >= score)
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = score;
}

static void fn_rank(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx,
                    int nVal, sqlite3_value **apVal)
{
    rank_args_t a;
    rank_ctx_t *c;
    rank_row_t r;
    int rc;
    double recency, score, prox;

    c = pApi->xGetAuxdata(pFts, 0);
    if (c != NULL && c->have_args) {
        a = c->args;
        rc = SQLITE_OK;
    } else {
        read_args(nVal, apVal, &a);
        rc = rank_ctx_get(pApi, pFts, a.map, a.n_limit, 1, a.docs, &c);
        if (rc == SQLITE_OK) {
            if (a.n_first_out != NULL)
                *a.n_first_out = c->n_first;
            /* Later rows need neither the map, nor the counts, nor where
             * to tell the count: only the first row's values hold them. */
            c->args = a;
            c->args.map = c->args.docs = NULL;
            c->args.n_first_out = NULL;
            c->have_args = 1;
        }
    }
    a.day = row_day(pApi, pFts, nVal > 0 ? apVal[0] : NULL);
    if (rc == SQLITE_OK && a.keep > 0 && a.sort != BRIEF_SORT_DATE && c->top == NULL)
        rc = prune_init(c, a.keep, a.max_pairs);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(pCtx, rc);
        return;
    }
    recency = brief_rank_recency(a.now - a.day, a.half_life);
    if (c->top != NULL && c->n_top == c->keep &&
        brief_rank_score(c->bound, 1.0, recency, a.sort) < c->top[0]) {
        /* Rows coming newest first are only older from here on: their
         * recency, and so their bound, can only fall. */
        sqlite3_result_double(pCtx, a.newest_first ? BRIEF_RANK_STOP : BRIEF_RANK_PRUNED);
        return;
    }
    rc = rank_hits(pApi, pFts, c, 1, &r);
    prox = brief_rank_proximity(r.pairs, c->n_items);
    /* The row's own bound: its hits and proximity as they are, its length
     * taken as 0, where bm25 is largest. Below the k-th score, the row is
     * pruned without reading its length. */
    if (rc == SQLITE_OK && c->top != NULL && c->n_top == c->keep &&
        brief_rank_score(rank_bm25_of(c, 0.0), prox, recency, a.sort) < c->top[0]) {
        sqlite3_result_double(pCtx, BRIEF_RANK_PRUNED);
        return;
    }
    if (rc == SQLITE_OK)
        rc = rank_bm25(pApi, pFts, c, &r);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(pCtx, rc);
        return;
    }
    score = brief_rank_score(r.bm25, prox, recency, a.sort);
    if (c->top != NULL)
        prune_push(c, score);
    sqlite3_result_double(pCtx, score);
}

static void fn_explain(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx,
                       int nVal, sqlite3_value **apVal)
{
    static const char *const names[] = {BRIEF_FTS_COLUMNS};
    rank_args_t a;
    rank_ctx_t *c;
    rank_row_t r;
    int rc, i, items = 0;
    double prox, rec;
    json_t *o, *cols;
    char *text;

    read_args(nVal, apVal, &a);
    rc = rank_ctx_get(pApi, pFts, a.map, a.n_limit, 1, a.docs, &c);
    a.day = row_day(pApi, pFts, nVal > 0 ? apVal[0] : NULL);
    if (rc == SQLITE_OK)
        rc = rank_row(pApi, pFts, c, 1, &r);
    if (rc == SQLITE_OK)
        rc = rank_items(pApi, pFts, c, &items);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(pCtx, rc);
        return;
    }
    prox = brief_rank_proximity(r.pairs, c->n_items);
    rec = brief_rank_recency(a.now - a.day, a.half_life);
    o = json_object();
    cols = json_object();
    if (o == NULL || cols == NULL) {
        json_decref(o);
        json_decref(cols);
        sqlite3_result_error_nomem(pCtx);
        return;
    }
    for (i = 0; i < c->n_col && i < (int)(sizeof names / sizeof names[0]); i++)
        if (r.col_part[i] > 0.0)
            json_object_set_new(cols, names[i], json_real(r.col_part[i]));
    json_object_set_new(o, "bm25", json_real(r.bm25));
    json_object_set_new(o, "columns", cols);
    json_object_set_new(o, "items_matched", json_integer(items));
    json_object_set_new(o, "items", json_integer(c->n_items));
    json_object_set_new(o, "adjacent_pairs", json_integer(r.pairs));
    json_object_set_new(o, "proximity", json_real(prox));
    json_object_set_new(o, "age_days", json_integer((json_int_t)(a.now - a.day > 0 ? a.now - a.day : 0)));
    json_object_set_new(o, "recency", json_real(a.sort == BRIEF_SORT_HYBRID ? rec : 1.0));
    json_object_set_new(o, "score", json_real(brief_rank_score(r.bm25, prox, rec, a.sort)));
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (text == NULL) {
        sqlite3_result_error_nomem(pCtx);
        return;
    }
    sqlite3_result_text(pCtx, text, -1, brief_json_free);
}

static void fn_items(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx,
                     int nVal, sqlite3_value **apVal)
{
    rank_ctx_t *c;
    int n = 0, rc;
    const char *map = nVal > 0 ? (const char *)sqlite3_value_text(apVal[0]) : NULL;
    int n_limit = nVal > 1 && sqlite3_value_type(apVal[1]) != SQLITE_NULL
                      ? sqlite3_value_int(apVal[1])
                      : -1;

    rc = rank_ctx_get(pApi, pFts, map, n_limit, 0, NULL, &c);
    if (rc == SQLITE_OK)
        rc = rank_items(pApi, pFts, c, &n);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(pCtx, rc);
        return;
    }
    sqlite3_result_int(pCtx, n);
}

static void fn_kinds(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx,
                     int nVal, sqlite3_value **apVal)
{
    int n_phrase, i, rc = SQLITE_OK;
    unsigned kinds = 0;
    int n_limit = nVal > 0 && sqlite3_value_type(apVal[0]) != SQLITE_NULL
                      ? sqlite3_value_int(apVal[0])
                      : -1;

    /* Only the columns of each phrase's hits, not the hits themselves:
     * walking columns skips xInstCount's merge of every phrase's positions
     * (facets run this on up to BRIEF_FACET_LIMIT rows of every page). */
    n_phrase = pApi->xPhraseCount(pFts);
    if (n_limit >= 0 && n_limit < n_phrase)
        n_phrase = n_limit;
    for (i = 0; rc == SQLITE_OK && i < n_phrase && kinds != 7u; i++) {
        Fts5PhraseIter it;
        int ic = -1;
        rc = pApi->xPhraseFirstColumn(pFts, i, &it, &ic);
        while (rc == SQLITE_OK && ic >= 0) {
            kinds |= brief_rank_column_kinds(ic);
            pApi->xPhraseNextColumn(pFts, &it, &ic);
        }
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(pCtx, rc);
        return;
    }
    sqlite3_result_int(pCtx, (int)kinds);
}

static fts5_api *get_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

brief_status_t brief_rank_register(sqlite3 *db, char **errmsg)
{
    sqlite3_stmt *st = NULL;
    fts5_api *api;
    int rc;

    /* Already there? FTS5 overloads an SQL function of the same name, so a
     * statement naming it prepares once it is registered. */
    if (sqlite3_prepare_v2(db, "SELECT brief_kinds()", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_finalize(st);
        return BRIEF_OK;
    }
    api = get_fts5_api(db);
    if (api == NULL) {
        brief_set_error(errmsg, "fts5 is not available");
        return BRIEF_ERR_SQLITE;
    }
    rc = api->xCreateFunction(api, "brief_rank", NULL, fn_rank, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "brief_explain", NULL, fn_explain, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "brief_items", NULL, fn_items, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "brief_kinds", NULL, fn_kinds, NULL);
    if (rc != SQLITE_OK) {
        brief_set_error(errmsg, "cannot register ranking functions: %s", sqlite3_errstr(rc));
        return BRIEF_ERR_SQLITE;
    }
    return BRIEF_OK;
}
