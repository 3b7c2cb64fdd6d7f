/* search.c - running a query: the SQL, partial matches, pagination, passages, snippets and the JSON answer.
 *
 * A search runs in steps, each one statement:
 *
 * 1. count: how many briefings match the strict expression (every item of
 *    the query) and the filters, up to the count limit (BRIEF_COUNT_LIMIT).
 *    FTS5 only walks its doclists here; no score is computed and briefings
 *    is only joined when a filter needs it (dates need no join: they are
 *    docid ranges, include/brief_index.h). Under --sort hybrid the page
 *    (step 2) is read first, and when its scan read every match, the
 *    number of rows it read is the count and this step is skipped
 *    (page_first()).
 * 2. page: under --sort hybrid, the matches newest first (docid order),
 *    scored by brief_rank() (lib/rank.c), which prunes rows that cannot
 *    reach the page and ends the scan once no older row can; the best
 *    offset + limit are kept here (page_newest()). Other orders let SQLite
 *    sort every match with LIMIT/OFFSET (a top-N sorter of offset + limit
 *    rows).
 * 3. partial matches: when fewer than offset + limit briefings match every
 *    item, the relaxed expression (required parts AND any item) minus the
 *    strict one, "(ANY) NOT (STRICT)", is counted and paged after them,
 *    ordered by brief_items() (how many items a briefing matches) and then
 *    by score. The total is the sum of both counts.
 * 4. only for the rows of the page: the briefing's row and its passages are
 *    read, the query's stems marked with the index analyzer, the best
 *    passages chosen and their snippets cut (lib/snippet.c).
 *
 * Filters (category, kind, dates, speaker) come both from the query text
 * and from the options; both apply. A kind restricts where the words may
 * match, as an FTS5 column filter around the whole expression; a speaker
 * adds a {speaker} phrase to it and keeps only that speaker's quotes.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "brief_pairs.h"
#include "brief_query.h"
#include "brief_search.h"
#include "internal.h"
#include "search_internal.h"

#define PROGRESS_STEP 1000
#define MAX_MAX_PASSAGES 50
/* The biggest offset accepted: deeper pages cost a sorter of that size. */
#define MAX_OFFSET 100000
/* Parentheses phrase_docs() follows: the parser's 32 levels
 * (include/brief_query.h), wrap_expr()'s one, and room. */
#define EXPR_MAX_DEPTH 40

/* SQL tests of a passages row `p` for each kind: the kinds are ranges of
 * part codes (include/brief_index.h). String literals only, so that SQL
 * made with them is still made of literals (tests/e2e/t530 audits it). */
#define SQL_NUM_(x) #x
#define SQL_NUM(x) SQL_NUM_(x)
#define PART_IS_ARTICLE                                                                       \
    "p.part BETWEEN " SQL_NUM(BRIEF_PART_ARTICLE_FIRST) " AND " SQL_NUM(BRIEF_PART_ARTICLE_LAST)
#define PART_IS_ANALYSIS                                                                      \
    "p.part BETWEEN " SQL_NUM(BRIEF_PART_ANALYSIS_FIRST) " AND " SQL_NUM(                     \
        BRIEF_PART_ANALYSIS_LAST)
#define PART_IS_QUOTE                                                                         \
    "p.part BETWEEN " SQL_NUM(BRIEF_PART_QUOTE_FIRST) " AND " SQL_NUM(BRIEF_PART_QUOTE_LAST)

void brief_search_opts_init(brief_search_opts_t *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->sort = BRIEF_SORT_HYBRID;
    opts->half_life_days = BRIEF_DEFAULT_HALF_LIFE;
    opts->now_day = -1;
    opts->after_day = -1;
    opts->before_day = -1;
    opts->limit = BRIEF_DEFAULT_LIMIT;
    opts->max_passages = 3;
    opts->suggest = 1;
    opts->count_limit = BRIEF_COUNT_LIMIT;
    opts->facet_limit = BRIEF_FACET_LIMIT;
}

static const char *sort_name(brief_sort_t s)
{
    switch (s) {
    case BRIEF_SORT_DATE: return "date";
    case BRIEF_SORT_RELEVANCE: return "relevance";
    default: return "hybrid";
    }
}

/* ------------------------------------------------------------------ */
/* Small growable string. */

typedef struct {
    char *s;
    size_t n, cap;
    int nomem;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s)
{
    size_t n = strlen(s);
    if (b->nomem)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2 + 64;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->nomem = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n + 1);
    b->n += n;
}

/* ------------------------------------------------------------------ */
/* The state of one search. */

typedef struct {
    brief_index_t *idx;
    sqlite3 *db;
    const brief_search_opts_t *o;
    brief_query_t *q;
    brief_analyzer_t *an;
    long now_day, after, before;
    const char *cat_q, *cat_o;
    unsigned kinds;   /* effective mask, 0: all */
    int impossible;   /* filters that cannot all hold */
    char *strict;     /* FTS5 expression, or NULL: no text */
    char *partial;    /* "(ANY) NOT (STRICT)", or NULL */
    const char *exclude;
    const char *map;
    int n_map;        /* entries of the phrase map */
    char *docs_strict;  /* phrase_docs() of strict and partial, or NULL */
    sqlite3_int64 n_first; /* brief_rank()'s row count of strict's phrase 0; -1: none yet */
    char *docs_partial;
    int pairs_strict;   /* item pairs of strict that may stand side by side; -1: all */
    struct hit *page;    /* the strict page, found before the count (page_first()) */
    size_t n_page;
    long long read_rows, read_stop; /* page_first(): rows read, newest first, down
                                       to docid read_stop (exclusive); -1: none */
    long long count_below; /* count_matches() counts docids up to this one; -1: all */
    char *where;      /* " AND ..." over briefings b */
    char *where_fts;  /* the same as docid ranges of search, when only dates filter; or NULL */
    int need_join;    /* filters read briefings b: the page must join it */
    int capped;          /* a count stopped at count_limit */
    long long count_limit, facet_limit; /* the options', or the defaults */
    brief_stemset_t *stems;
    char **speaker_stems; /* the --speaker option's stems, NULL-terminated */
    int n_speaker_stems;
    json_t *warnings;
    long long steps;
    int interrupted;
    char *err;
} search_t;

static int progress_step(long long work_limit)
{
    if (work_limit >= 10LL * PROGRESS_STEP)
        return PROGRESS_STEP;
    return work_limit >= 20 ? (int)(work_limit / 10) : 1;
}

static int progress_cb(void *ctx)
{
    search_t *s = ctx;
    s->steps += progress_step(s->o->work_limit);
    if (s->o->work_limit > 0 && s->steps > s->o->work_limit) {
        s->interrupted = 1;
        return 1;
    }
    return 0;
}

static brief_status_t sql_status(search_t *s, int rc)
{
    if (s->interrupted || (rc & 0xff) == SQLITE_INTERRUPT) {
        brief_set_error(&s->err, "the search exceeded its work limit");
        return BRIEF_ERR_LIMIT;
    }
    if ((rc & 0xff) == SQLITE_NOMEM)
        return BRIEF_ERR_NOMEM;
    brief_set_error(&s->err, "search failed: %s", sqlite3_errmsg(s->db));
    /* a damaged index file: the CGI answers 503, not 500 */
    if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        return BRIEF_ERR_CORRUPT;
    return BRIEF_ERR_SQLITE;
}

static const char *kind_cols(unsigned kinds)
{
    static char buf[64];
    buf[0] = '\0';
    /* As the query's kind: (lib/query_lex.c): articles own the title. */
    if (kinds & BRIEF_KIND_ARTICLE)
        strcat(buf, " title names outlet article");
    if (kinds & BRIEF_KIND_ANALYSIS)
        strcat(buf, " heading analysis");
    if (kinds & BRIEF_KIND_QUOTE)
        strcat(buf, " speaker quote");
    return buf;
}

static void add_fts_string(sbuf_t *b, const char *s)
{
    char one[2] = {0, 0};
    sb_add(b, "\"");
    for (; *s; s++) {
        one[0] = *s;
        sb_add(b, *s == '"' ? "\"\"" : one);
    }
    sb_add(b, "\"");
}

/* Wraps a query expression with the kind's column filter and the speaker
 * phrase. Returns NULL for a NULL expr without speaker. */
static char *wrap_expr(search_t *s, const char *expr, int *nomem)
{
    sbuf_t b = {NULL, 0, 0, 0};
    int any = 0;
    if (expr != NULL && *expr) {
        if (s->kinds != 0 && s->kinds != 7) {
            sb_add(&b, "{");
            sb_add(&b, kind_cols(s->kinds) + 1);
            sb_add(&b, "} : ");
        }
        sb_add(&b, "(");
        sb_add(&b, expr);
        sb_add(&b, ")");
        any = 1;
    }
    if (s->o->speaker != NULL && *s->o->speaker) {
        if (any)
            sb_add(&b, " AND ");
        sb_add(&b, "{speaker} : ");
        add_fts_string(&b, s->o->speaker);
        any = 1;
    }
    if (b.nomem)
        *nomem = 1;
    if (!any) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

static int count_map(const char *map)
{
    int n = 0;
    const char *p = map;
    if (map == NULL)
        return 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        n++;
        while (*p && *p != ' ')
            p++;
    }
    return n;
}

static void bind_all(search_t *s, sqlite3_stmt *st, const char *fts, long long lim,
                     long long off)
{
    int i;
#define BIND_IDX(name) ((i = sqlite3_bind_parameter_index(st, name)) > 0)
    if (BIND_IDX(":fts"))
        sqlite3_bind_text(st, i, fts, -1, SQLITE_STATIC);
    if (BIND_IDX(":after"))
        sqlite3_bind_int64(st, i, brief_docid_first(s->after));
    if (BIND_IDX(":before"))
        sqlite3_bind_int64(st, i, brief_docid_first(s->before));
    if (BIND_IDX(":daybits"))
        sqlite3_bind_int(st, i, BRIEF_DOCID_DAY_BITS);
    if (BIND_IDX(":daybias"))
        sqlite3_bind_int64(st, i, BRIEF_DAY_BIAS);
    if (BIND_IDX(":cap"))
        sqlite3_bind_int64(st, i, lim);
    if (BIND_IDX(":catq"))
        sqlite3_bind_text(st, i, s->cat_q, -1, SQLITE_STATIC);
    if (BIND_IDX(":cato"))
        sqlite3_bind_text(st, i, s->cat_o, -1, SQLITE_STATIC);
    if (BIND_IDX(":excl"))
        sqlite3_bind_text(st, i, s->exclude, -1, SQLITE_STATIC);
    if (BIND_IDX(":now"))
        sqlite3_bind_int64(st, i, s->now_day);
    if (BIND_IDX(":hl"))
        sqlite3_bind_double(st, i, s->o->half_life_days);
    if (BIND_IDX(":sort"))
        sqlite3_bind_int(st, i, (int)s->o->sort);
    if (BIND_IDX(":map"))
        sqlite3_bind_text(st, i, s->map ? s->map : "", -1, SQLITE_STATIC);
    if (BIND_IDX(":docs")) {
        const char *d = fts == NULL ? NULL : fts == s->partial ? s->docs_partial
                                             : fts == s->strict ? s->docs_strict
                                                                : NULL;
        sqlite3_bind_text(st, i, d, -1, SQLITE_STATIC); /* NULL binds NULL */
    }
    if (BIND_IDX(":nfirst") && fts != NULL && fts == s->strict)
        sqlite3_bind_pointer(st, i, &s->n_first, BRIEF_RANK_COUNT_POINTER, NULL);
    if (BIND_IDX(":pairs") && fts != NULL && fts == s->strict && s->pairs_strict >= 0)
        sqlite3_bind_int(st, i, s->pairs_strict);
    if (BIND_IDX(":nphr")) {
        if (fts != NULL && fts == s->partial)
            sqlite3_bind_int(st, i, s->n_map);
        else
            sqlite3_bind_null(st, i);
    }
    if (BIND_IDX(":below"))
        sqlite3_bind_int64(st, i, s->count_below);
    if (BIND_IDX(":keep"))
        sqlite3_bind_int64(st, i,
                           fts != NULL && fts != s->partial && lim > 0 && off >= 0 &&
                                   lim + off <= INT_MAX / 2
                               ? lim + off
                               : 0);
    if (BIND_IDX(":lim"))
        sqlite3_bind_int64(st, i, lim);
    if (BIND_IDX(":off"))
        sqlite3_bind_int64(st, i, off);
#undef BIND_IDX
}

static brief_status_t prepare(search_t *s, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        *st = NULL;
        return sql_status(s, rc);
    }
    return BRIEF_OK;
}

/* Prepares the SQL built in b (freeing it) and binds the search's
 * parameters: the one way every built statement is made. */
static brief_status_t prepare_built(search_t *s, sbuf_t *b, const char *fts, long long lim,
                                    long long off, sqlite3_stmt **st)
{
    brief_status_t status;

    *st = NULL;
    if (b->nomem) {
        free(b->s);
        return BRIEF_ERR_NOMEM;
    }
    status = prepare(s, b->s, st);
    free(b->s);
    b->s = NULL;
    if (status == BRIEF_OK)
        bind_all(s, *st, fts, lim, off);
    return status;
}

static brief_status_t build_where(search_t *s)
{
    sbuf_t b = {NULL, 0, 0, 0};
    sb_add(&b, "");
    if (s->after >= 0)
        sb_add(&b, " AND b.docid >= :after");
    if (s->before >= 0)
        sb_add(&b, " AND b.docid < :before");
    if (s->cat_q != NULL)
        sb_add(&b, " AND b.category = :catq COLLATE NOCASE");
    if (s->cat_o != NULL)
        sb_add(&b, " AND b.category = :cato COLLATE NOCASE");
    if (s->strict == NULL && s->kinds != 0 && s->kinds != 7) {
        sb_add(&b, " AND EXISTS (SELECT 1 FROM passages p WHERE p.serial = b.serial AND (0");
        sb_add(&b, (s->kinds & BRIEF_KIND_ARTICLE) ? " OR " PART_IS_ARTICLE : "");
        sb_add(&b, (s->kinds & BRIEF_KIND_ANALYSIS) ? " OR " PART_IS_ANALYSIS : "");
        sb_add(&b, (s->kinds & BRIEF_KIND_QUOTE) ? " OR " PART_IS_QUOTE : "");
        sb_add(&b, "))");
    }
    if (s->strict == NULL && s->exclude != NULL)
        sb_add(&b, " AND b.docid NOT IN (SELECT rowid FROM search WHERE search MATCH :excl)");
    if (b.nomem)
        return BRIEF_ERR_NOMEM;
    s->where = b.s;
    s->need_join = b.n > 0;
    /* Dates alone need no join: docids follow dates, so a date range is
     * a docid range, which FTS5 seeks to. Joining briefings reads about a
     * page per matching row: `vaccine after:2022-01` took 6.8x plain
     * FTS5's time at 100,000 briefings that way (make bench). */
    if ((s->after >= 0 || s->before >= 0) && s->cat_q == NULL && s->cat_o == NULL &&
        !(s->strict == NULL && s->kinds != 0 && s->kinds != 7) &&
        !(s->strict == NULL && s->exclude != NULL)) {
        sbuf_t d = {NULL, 0, 0, 0};
        sb_add(&d, "");
        if (s->after >= 0)
            sb_add(&d, " AND search.rowid >= :after");
        if (s->before >= 0)
            sb_add(&d, " AND search.rowid < :before");
        if (d.nomem)
            return BRIEF_ERR_NOMEM;
        s->where_fts = d.s;
    }
    return BRIEF_OK;
}

/* n, or the count limit when n is above it (the total is then a lower
 * bound: s->capped, "total_exact": false). */
static long long cap_count(search_t *s, long long n)
{
    if (n <= s->count_limit)
        return n;
    s->capped = 1;
    return s->count_limit;
}

/* Counts the briefings matching fts (or, with fts NULL, the filters
 * alone), up to the count limit (include/brief_search.h). For strict, the
 * rows page_first() read newest first are not walked again: the count
 * goes on from the docid its scan stopped at, with the rows it read (at
 * 100,000 briefings, callgrind: `export controls chips` 66.3 M -> 53.1 M
 * instructions, `regulat*` 35.8 M -> 30.0 M). */
static brief_status_t count_matches(search_t *s, const char *fts, long long *n)
{
    sbuf_t b = {NULL, 0, 0, 0};
    sqlite3_stmt *st = NULL;
    brief_status_t status;
    long long done = 0;
    int rc;

    *n = 0;
    s->count_below = -1;
    if (fts != NULL && fts == s->strict && s->read_stop >= 0) {
        done = s->read_rows;
        if (done > s->count_limit) {
            *n = cap_count(s, done);
            return BRIEF_OK;
        }
        s->count_below = s->read_stop;
    }
    sb_add(&b, "SELECT count(*) FROM (");
    if (fts != NULL && s->where_fts != NULL) {
        sb_add(&b, "SELECT 1 FROM search WHERE search MATCH :fts");
        sb_add(&b, s->where_fts);
    } else {
        if (fts != NULL) {
            sb_add(&b, "SELECT 1 FROM search");
            if (*s->where)
                sb_add(&b, " CROSS JOIN briefings b INDEXED BY briefings_facets ON b.docid = search.rowid");
            sb_add(&b, " WHERE search MATCH :fts");
        } else {
            sb_add(&b, "SELECT 1 FROM briefings b WHERE 1");
        }
        sb_add(&b, s->where);
    }
    if (s->count_below >= 0)
        sb_add(&b, " AND search.rowid <= :below");
    sb_add(&b, " LIMIT :cap)");
    status = prepare_built(s, &b, fts, s->count_limit + 1 - done, 0, &st);
    s->count_below = -1;
    if (status != BRIEF_OK)
        return status;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *n = cap_count(s, done + sqlite3_column_int64(st, 0));
        status = BRIEF_OK;
    } else {
        status = sql_status(s, rc);
    }
    sqlite3_finalize(st);
    return status;
}

/* The count of a query that is one phrase and nothing else, known without
 * walking its matches again: the number of briefings holding it, which
 * count_matches() would count with FTS5 walking its doclists up to the
 * count limit. A one-word phrase outside any column filter has it in the
 * `stems` table (phrase_docs()); for a prefix or a column filter such as
 * title:, brief_rank() counted it through FTS5 for its IDF, with the same
 * column filter, while the page was read, and tells it in s->n_first. At
 * 100,000 briefings, in CGI requests: `rules` 6 M of 33 M instructions,
 * `title:tax` 30 M of 90 M. Capped as the count is; -1 when the query has
 * more than one phrase, a filter on briefings or dates, or no known count
 * (a phrase of several words: its IDF is its words', lib/rank.c). */
static long long counted_ahead(search_t *s)
{
    const char *d = s->docs_strict, *rest;
    sqlite3_int64 n;

    if (d == NULL || (s->where != NULL && *s->where) || s->where_fts != NULL)
        return -1;
    rest = brief_rank_docs_next(d, &n);
    while (*rest == ' ')
        rest++;
    if (rest == d || *rest != '\0')
        return -1; /* no phrase, or several */
    if (n < 0)
        n = s->n_first; /* "-": brief_rank() counted it, or -1 */
    return n < 0 ? -1 : cap_count(s, n);
}

/* The page query for fts (NULL: filters only), partial: order by items
 * first; newest_first: no ORDER BY score or LIMIT, rows come newest first
 * and brief_rank() may end the scan (page_newest()). The day is the
 * docid's (include/brief_index.h), so ties in score go to the newer
 * briefing by ordering on the docid. */
static brief_status_t page_stmt(search_t *s, const char *fts, int partial, int newest_first,
                                long long lim, long long off, sqlite3_stmt **out)
{
    sbuf_t b = {NULL, 0, 0, 0};

    if (fts != NULL) {
        sb_add(&b, "SELECT search.rowid, brief_rank(search, NULL");
        /* :keep lets brief_rank skip rows that cannot reach the page (see
         * "Pruning" in lib/rank.c); 0 when the order is not by score. */
        sb_add(&b, ", :now, :hl, :sort, :map, :nphr, :keep, ");
        sb_add(&b, newest_first ? "1" : "0");
        sb_add(&b, ", :docs, :nfirst, :pairs) AS rk_score, ");
        sb_add(&b, partial ? "brief_items(search, :map, :nphr)" : "-1");
        sb_add(&b, " AS rk_items FROM search");
        if (s->need_join && s->where_fts == NULL)
            sb_add(&b, " CROSS JOIN briefings b INDEXED BY briefings_facets ON b.docid = search.rowid");
        sb_add(&b, " WHERE search MATCH :fts");
        sb_add(&b, s->where_fts != NULL ? s->where_fts : s->where);
        sb_add(&b, " ORDER BY ");
        if (newest_first) {
            sb_add(&b, "search.rowid DESC");
        } else {
            if (partial)
                sb_add(&b, "rk_items DESC, ");
            sb_add(&b, s->o->sort == BRIEF_SORT_DATE ? "search.rowid >> :daybits DESC, rk_score DESC"
                                                     : "rk_score DESC");
            sb_add(&b, ", search.rowid DESC LIMIT :lim OFFSET :off");
        }
    } else {
        sb_add(&b, "SELECT b.docid, 0.0, -1 FROM briefings b WHERE 1");
        sb_add(&b, s->where);
        sb_add(&b, " ORDER BY b.docid DESC LIMIT :lim OFFSET :off");
    }
    return prepare_built(s, &b, fts, lim, off, out);
}

/* ------------------------------------------------------------------ */
/* One result briefing: its row, its passages, marks and snippets. */

enum { COL_TITLE, COL_HEADING, COL_SPEAKER, COL_NAMES, COL_OUTLET, COL_ARTICLE, COL_ANALYSIS,
       COL_QUOTE, N_COLS };
static const char *const col_names[N_COLS] = {BRIEF_FTS_COLUMNS};

typedef struct {
    long long docid;
    char *id, *title, *category, *published;
    char *col[N_COLS];
    int col_len[N_COLS];
} doc_row_t;

static void doc_row_release(doc_row_t *d)
{
    int i;
    free(d->id);
    free(d->title);
    free(d->category);
    free(d->published);
    for (i = 0; i < N_COLS; i++)
        free(d->col[i]);
    memset(d, 0, sizeof *d);
}

static char *col_dup(sqlite3_stmt *st, int i, int *len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    int n = sqlite3_column_bytes(st, i);
    char *c;
    if (len)
        *len = 0;
    if (t == NULL)
        return NULL;
    c = malloc((size_t)n + 1);
    if (c == NULL)
        return NULL;
    memcpy(c, t, (size_t)n);
    c[n] = '\0';
    if (len)
        *len = n;
    return c;
}

static brief_status_t load_doc(search_t *s, long long docid, doc_row_t *d)
{
    sqlite3_stmt *st = NULL;
    brief_status_t status;
    int rc, i;

    memset(d, 0, sizeof *d);
    status = prepare(s,
                     "SELECT id, title, category, published, heading, speaker, names,"
                     " outlet, article, analysis, quote FROM briefings WHERE docid = ?1",
                     &st);
    if (status != BRIEF_OK)
        return status;
    sqlite3_bind_int64(st, 1, docid);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        d->docid = docid;
        d->id = col_dup(st, 0, NULL);
        d->title = col_dup(st, 1, &d->col_len[COL_TITLE]);
        d->category = col_dup(st, 2, NULL);
        d->published = col_dup(st, 3, NULL);
        for (i = 1; i < N_COLS; i++)
            d->col[i] = col_dup(st, 3 + i, &d->col_len[i]);
        if (d->id == NULL || d->title == NULL || d->published == NULL)
            status = BRIEF_ERR_NOMEM;
    } else if (rc == SQLITE_DONE) {
        brief_set_error(&s->err, "briefing %lld vanished from the index", docid);
        status = BRIEF_ERR_SQLITE;
    } else {
        status = sql_status(s, rc);
    }
    sqlite3_finalize(st);
    return status;
}

typedef struct {
    int seq;
    const char *kind, *part; /* static, from the part code; NULL for an unknown code */
    char *heading, *speaker, *role, *outlet, *url, *date;
    const char *body; /* into the doc row */
    int body_len;
    int distinct; /* stems hit */
    brief_spans_t body_marks, heading_marks, speaker_marks, role_marks;
} passage_t;

static void passage_release(passage_t *p)
{
    free(p->heading);
    free(p->speaker);
    free(p->role);
    free(p->outlet);
    free(p->url);
    free(p->date);
    brief_spans_release(&p->body_marks);
    brief_spans_release(&p->heading_marks);
    brief_spans_release(&p->speaker_marks);
    brief_spans_release(&p->role_marks);
}

static unsigned kind_bit(const char *kind)
{
    if (kind == NULL)
        return 0;
    if (strcmp(kind, "article") == 0)
        return BRIEF_KIND_ARTICLE;
    if (strcmp(kind, "analysis") == 0)
        return BRIEF_KIND_ANALYSIS;
    if (strcmp(kind, "quote") == 0)
        return BRIEF_KIND_QUOTE;
    return 0;
}

/* Kind order among passages with as many stems hit: analysis, quote, article. */
static int kind_rank(const char *kind)
{
    unsigned k = kind_bit(kind);
    return k == BRIEF_KIND_ANALYSIS ? 0 : k == BRIEF_KIND_QUOTE ? 1 : 2;
}

static int passage_cmp(const void *a, const void *b)
{
    const passage_t *x = a, *y = b;
    if (x->distinct != y->distinct)
        return x->distinct > y->distinct ? -1 : 1;
    if (kind_rank(x->kind) != kind_rank(y->kind))
        return kind_rank(x->kind) < kind_rank(y->kind) ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct {
    char **v;
    int n, cap;
    int nomem;
} stems_t;

static int collect_stem(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                        int start, int end)
{
    stems_t *l = ctx;
    char *c;
    (void)word;
    (void)n_word;
    (void)start;
    (void)end;
    if (l->n + 2 > l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, sizeof *v * (size_t)cap);
        if (v == NULL) {
            l->nomem = 1;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    c = malloc((size_t)n_stem + 1);
    if (c == NULL) {
        l->nomem = 1;
        return 1;
    }
    memcpy(c, stem, (size_t)n_stem);
    c[n_stem] = '\0';
    l->v[l->n++] = c;
    l->v[l->n] = NULL;
    return 0;
}

static void stems_release(stems_t *l)
{
    int i;
    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Does the passage's speaker contain the --speaker option's stems in order? */
static int speaker_matches(search_t *s, const char *speaker)
{
    stems_t l = {NULL, 0, 0, 0};
    int i, j, ok = 0;
    if (s->n_speaker_stems == 0)
        return 1;
    if (speaker == NULL || s->an == NULL)
        return 0;
    brief_analyzer_run(s->an, speaker, (int)strlen(speaker), collect_stem, &l);
    for (i = 0; !ok && i + s->n_speaker_stems <= l.n; i++) {
        for (j = 0; j < s->n_speaker_stems; j++)
            if (strcmp(l.v[i + j], s->speaker_stems[j]) != 0)
                break;
        if (j == s->n_speaker_stems)
            ok = 1;
    }
    stems_release(&l);
    return ok;
}

/* Reads the passages of d that pass the kind and speaker filters, marked. */
static brief_status_t load_passages(search_t *s, doc_row_t *d, passage_t **out, int *n_out)
{
    sqlite3_stmt *st = NULL;
    brief_status_t status;
    passage_t *v = NULL;
    int n = 0, cap = 0, rc, n_stems = brief_stemset_count(s->stems);
    unsigned char *hit = calloc((size_t)n_stems + 1, 1);

    *out = NULL;
    *n_out = 0;
    if (hit == NULL)
        return BRIEF_ERR_NOMEM;
    status = prepare(s,
                     "SELECT seq, part, off, len, heading, speaker, role, outlet, url, date"
                     " FROM passages WHERE serial = (SELECT serial FROM briefings WHERE docid = ?1)"
                     " ORDER BY seq",
                     &st);
    if (status != BRIEF_OK) {
        free(hit);
        return status;
    }
    sqlite3_bind_int64(st, 1, d->docid);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        passage_t *p;
        /* A part that is not an integer (a damaged or hand-edited index)
         * is no part code, as one out of range: no kind, no body. */
        sqlite3_int64 code = sqlite3_column_int64(st, 1);
        int part = sqlite3_column_type(st, 1) == SQLITE_INTEGER && code >= 0 &&
                           code < BRIEF_PART_COUNT ? (int)code : -1;
        const char *kind = brief_part_kind(part), *col = kind;
        const char *speaker = (const char *)sqlite3_column_text(st, 5);
        long long off = sqlite3_column_int64(st, 2), len = sqlite3_column_int64(st, 3);
        int c, k;

        if (s->kinds != 0 && (kind_bit(kind) & s->kinds) == 0)
            continue;
        if (s->n_speaker_stems > 0 && !speaker_matches(s, speaker))
            continue;
        if (n == cap) {
            int ncap = cap ? cap * 2 : 16;
            passage_t *nv = realloc(v, sizeof *nv * (size_t)ncap);
            if (nv == NULL) {
                status = BRIEF_ERR_NOMEM;
                break;
            }
            v = nv;
            cap = ncap;
        }
        p = &v[n++];
        memset(p, 0, sizeof *p);
        p->seq = sqlite3_column_int(st, 0);
        p->kind = kind;
        p->part = brief_part_name(part);
        p->heading = col_dup(st, 4, NULL);
        p->speaker = col_dup(st, 5, NULL);
        p->role = col_dup(st, 6, NULL);
        p->outlet = col_dup(st, 7, NULL);
        p->url = col_dup(st, 8, NULL);
        p->date = col_dup(st, 9, NULL);
        p->body = "";
        for (c = 1; col != NULL && c < N_COLS; c++)
            if (strcmp(col, col_names[c]) == 0 && d->col[c] != NULL && off >= 0 && len > 0 &&
                off + len <= d->col_len[c]) {
                p->body = d->col[c] + off;
                p->body_len = (int)len;
            }
        memset(hit, 0, (size_t)n_stems + 1);
        status = brief_mark_text(s->an, s->stems, p->body, p->body_len, &p->body_marks, hit);
        if (status == BRIEF_OK && p->heading)
            status = brief_mark_text(s->an, s->stems, p->heading, (int)strlen(p->heading),
                                     &p->heading_marks, hit);
        if (status == BRIEF_OK && p->speaker)
            status = brief_mark_text(s->an, s->stems, p->speaker, (int)strlen(p->speaker),
                                     &p->speaker_marks, hit);
        if (status == BRIEF_OK && p->role)
            status = brief_mark_text(s->an, s->stems, p->role, (int)strlen(p->role),
                                     &p->role_marks, hit);
        if (status != BRIEF_OK)
            break;
        for (k = 0; k < n_stems; k++)
            p->distinct += hit[k];
        /* Analysing text is work too: about one VM step per 8 bytes, so
         * that work_limit also bounds --passages over many briefings. */
        s->steps += 1 + p->body_len / 8;
        if (s->o->work_limit > 0 && s->steps > s->o->work_limit) {
            s->interrupted = 1;
            brief_set_error(&s->err, "the search exceeded its work limit");
            status = BRIEF_ERR_LIMIT;
            break;
        }
    }
    if (status == BRIEF_OK && rc != SQLITE_DONE)
        status = sql_status(s, rc);
    sqlite3_finalize(st);
    free(hit);
    if (status != BRIEF_OK) {
        int i;
        for (i = 0; i < n; i++)
            passage_release(&v[i]);
        free(v);
        return status;
    }
    *out = v;
    *n_out = n;
    return BRIEF_OK;
}

static json_t *marks_json(const brief_span_t *m, int n)
{
    json_t *a = json_array();
    int i;
    for (i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, json_pack("[ii]", m[i].start, m[i].end));
    return a;
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static int utf8_seq(const unsigned char *p, size_t n)
{
    int len, i;
    unsigned c = p[0], min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if ((size_t)len > n)
        return 0;
    c &= 0x3Fu >> (len - 1);
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return len;
}

/* A JSON string of text from the index or the user; a byte that is not
 * valid UTF-8 becomes '?', so byte offsets (marks) stay right. */
static json_t *text_json(const char *s)
{
    json_t *j;
    char *copy;
    size_t n, i;

    if (s == NULL)
        return json_null();
    j = json_string(s);
    if (j != NULL)
        return j;
    n = strlen(s);
    copy = malloc(n + 1);
    if (copy == NULL)
        return NULL;
    for (i = 0; i < n;) {
        int len = utf8_seq((const unsigned char *)s + i, n - i);
        if (len == 0) {
            copy[i++] = '?';
        } else {
            memcpy(copy + i, s + i, (size_t)len);
            i += (size_t)len;
        }
    }
    copy[n] = '\0';
    j = json_string(copy);
    free(copy);
    return j;
}

static json_t *str_or_null(const char *s)
{
    return text_json(s);
}

/* The JSON of one passage, its snippet cut. */
static json_t *passage_json(const passage_t *p, json_t *into)
{
    char *snip = NULL;
    brief_span_t *m = NULL;
    int nm = 0;
    json_t *o = into ? into : json_object();

    if (o == NULL)
        return NULL;
    if (brief_snippet_cut(p->body, p->body_len, p->body_marks.v, p->body_marks.n,
                          BRIEF_SNIPPET_WIDTH, &snip, &m, &nm) != BRIEF_OK) {
        if (into == NULL)
            json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "seq", json_integer(p->seq));
    json_object_set_new(o, "kind", str_or_null(p->kind));
    json_object_set_new(o, "part", str_or_null(p->part));
    json_object_set_new(o, "heading", str_or_null(p->heading));
    json_object_set_new(o, "heading_marks", marks_json(p->heading_marks.v, p->heading_marks.n));
    json_object_set_new(o, "speaker", str_or_null(p->speaker));
    json_object_set_new(o, "speaker_marks", marks_json(p->speaker_marks.v, p->speaker_marks.n));
    json_object_set_new(o, "role", str_or_null(p->role));
    json_object_set_new(o, "role_marks", marks_json(p->role_marks.v, p->role_marks.n));
    json_object_set_new(o, "outlet", str_or_null(p->outlet));
    json_object_set_new(o, "url", str_or_null(p->url));
    json_object_set_new(o, "date", str_or_null(p->date));
    json_object_set_new(o, "snippet", text_json(snip));
    json_object_set_new(o, "marks", marks_json(m, nm));
    free(snip);
    free(m);
    return o;
}

static char *published_date(const char *published)
{
    char *c = brief_strdup(published);
    if (c != NULL && strlen(c) > 10 && c[4] == '-' && c[7] == '-')
        c[10] = '\0';
    return c;
}

/* The fields of a result that describe its briefing. */
static json_t *briefing_json(search_t *s, const doc_row_t *d, double score, int partial,
                             json_t *explain)
{
    json_t *o = json_object();
    brief_spans_t tm = {NULL, 0, 0};
    char *pub = published_date(d->published);

    if (o == NULL || pub == NULL) {
        json_decref(o);
        free(pub);
        return NULL;
    }
    brief_mark_text(s->an, s->stems, d->title, d->col_len[COL_TITLE], &tm, NULL);
    json_object_set_new(o, "id", text_json(d->id));
    json_object_set_new(o, "title", text_json(d->title));
    json_object_set_new(o, "title_marks", marks_json(tm.v, tm.n));
    json_object_set_new(o, "category", str_or_null(d->category));
    json_object_set_new(o, "published", text_json(pub));
    json_object_set_new(o, "score", json_real(score));
    json_object_set_new(o, "partial", json_boolean(partial));
    if (explain != NULL)
        json_object_set(o, "explain", explain);
    brief_spans_release(&tm);
    free(pub);
    return o;
}

static json_t *explain_row(search_t *s, const char *fts, long long docid)
{
    sqlite3_stmt *st = NULL;
    json_t *j = NULL;
    const char *sql =
        "SELECT brief_explain(search, NULL, :now, :hl, :sort, :map, :nphr, 0, 0, :docs)"
        " FROM search"
        " WHERE search MATCH :fts AND search.rowid = :docid"; /* NULL: the docid's day */
    if (fts == NULL)
        return json_pack("{s:s}", "note", "no text to score: ordered by date");
    if (prepare(s, sql, &st) != BRIEF_OK)
        return NULL;
    bind_all(s, st, fts, 0, 0);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":docid"), docid);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        j = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    sqlite3_finalize(st);
    return j;
}

/* Appends the result for one briefing (briefing mode). */
static brief_status_t add_briefing(search_t *s, json_t *results, long long docid, double score,
                                   int partial, const char *fts)
{
    doc_row_t d;
    passage_t *ps = NULL;
    int n = 0, i, shown = 0;
    brief_status_t status = load_doc(s, docid, &d);
    json_t *o = NULL, *arr = NULL, *ex = NULL;

    if (status == BRIEF_OK && s->o->max_passages > 0)
        status = load_passages(s, &d, &ps, &n);
    if (status == BRIEF_OK && s->o->explain)
        ex = explain_row(s, fts, docid);
    if (status == BRIEF_OK) {
        o = briefing_json(s, &d, score, partial, ex);
        arr = json_array();
        if (o == NULL || arr == NULL)
            status = BRIEF_ERR_NOMEM;
    }
    if (status == BRIEF_OK) {
        if (n > 1)
            qsort(ps, (size_t)n, sizeof *ps, passage_cmp);
        for (i = 0; i < n && shown < s->o->max_passages; i++) {
            json_t *pj;
            /* With text, only passages that hold a hit; without, the first ones. */
            if (brief_stemset_count(s->stems) > 0 && ps[i].distinct == 0)
                continue;
            pj = passage_json(&ps[i], NULL);
            if (pj == NULL) {
                status = BRIEF_ERR_NOMEM;
                break;
            }
            json_array_append_new(arr, pj);
            shown++;
        }
    }
    if (status == BRIEF_OK) {
        json_object_set_new(o, "passages", arr);
        arr = NULL;
        json_array_append_new(results, o);
        o = NULL;
    }
    json_decref(o);
    json_decref(arr);
    json_decref(ex);
    for (i = 0; i < n; i++)
        passage_release(&ps[i]);
    free(ps);
    doc_row_release(&d);
    return status;
}

/* Passage mode: walks every matching briefing in rank order, counting its
 * matching passages, and appends those that fall on the page. */
static brief_status_t add_passages(search_t *s, json_t *results, long long docid, double score,
                                   int partial, long long *seen)
{
    doc_row_t d;
    passage_t *ps = NULL;
    int n = 0, i;
    brief_status_t status = load_doc(s, docid, &d);
    long long first = s->o->offset, last = (long long)s->o->offset + s->o->limit;

    if (status == BRIEF_OK)
        status = load_passages(s, &d, &ps, &n);
    if (status == BRIEF_OK)
        if (n > 1)
            qsort(ps, (size_t)n, sizeof *ps, passage_cmp);
    for (i = 0; status == BRIEF_OK && i < n; i++) {
        json_t *o;
        if (brief_stemset_count(s->stems) > 0 && ps[i].distinct == 0)
            continue;
        if (*seen >= first && *seen < last) {
            o = briefing_json(s, &d, score, partial, NULL);
            if (o == NULL || passage_json(&ps[i], o) == NULL) {
                json_decref(o);
                status = BRIEF_ERR_NOMEM;
                break;
            }
            json_array_append_new(results, o);
        }
        (*seen)++;
    }
    for (i = 0; i < n; i++)
        passage_release(&ps[i]);
    free(ps);
    doc_row_release(&d);
    return status;
}

/* A row of the page, found by page_newest(). */
typedef struct hit {
    long long docid;
    double score;
} hit_t;

/* Page order: score, then the newer briefing (the larger docid). */
static int hit_cmp(const void *pa, const void *pb)
{
    const hit_t *a = pa, *b = pb;

    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return a->docid < b->docid ? 1 : a->docid > b->docid ? -1 : 0;
}

/* Reads the matches of fts newest first, keeping the best offset + lim,
 * until brief_rank() says no older row can reach them (BRIEF_RANK_STOP,
 * see "Pruning" in lib/rank.c). Sets *n_hits, the hits kept, sorted;
 * *n_rows, the matching rows read down to *stop, the docid it stopped at
 * (not read), or -1 when it read them all. */
static brief_status_t page_newest(search_t *s, const char *fts, long long lim, long long off,
                                  hit_t **out, size_t *n_hits, long long *n_rows,
                                  long long *stop)
{
    /* Pruned rows are not kept; the rest are sorted and cut back to keep
     * whenever cap of them gather (a sort per cap - keep rows). */
    size_t keep = (size_t)(lim + off), cap = 8 * keep + 256, n = 0;
    hit_t *h = malloc(cap * sizeof *h);
    sqlite3_stmt *st = NULL;
    brief_status_t status = h ? page_stmt(s, fts, 0, 1, lim, off, &st) : BRIEF_ERR_NOMEM;
    int rc = SQLITE_DONE;
    long long rows = 0, at = -1;

    while (status == BRIEF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        double score = sqlite3_column_double(st, 1);
        if (score == BRIEF_RANK_STOP) {
            rc = SQLITE_DONE;
            at = sqlite3_column_int64(st, 0);
            break;
        }
        rows++;
        if (score < 0.0)
            continue; /* pruned */
        if (n == cap) { /* keep the best, drop the rest */
            qsort(h, n, sizeof *h, hit_cmp);
            n = keep;
        }
        h[n].docid = sqlite3_column_int64(st, 0);
        h[n].score = score;
        n++;
    }
    if (status == BRIEF_OK && rc != SQLITE_DONE)
        status = sql_status(s, rc);
    sqlite3_finalize(st);
    if (status != BRIEF_OK) {
        free(h);
        return status;
    }
    qsort(h, n, sizeof *h, hit_cmp);
    *out = h;
    *n_hits = n < keep ? n : keep;
    *n_rows = rows;
    *stop = at;
    return BRIEF_OK;
}

/* Whether the strict page is read newest first (page_newest()). */
static int page_is_newest(search_t *s, const char *fts, int partial, long long lim,
                          long long off)
{
    return fts != NULL && !partial && !s->o->passages && s->o->sort == BRIEF_SORT_HYBRID &&
           lim > 0 && off >= 0;
}

/* The strict page before the count: when its scan reads every match (no
 * BRIEF_RANK_STOP), the rows it read are the count, and count_matches()
 * would walk them all again (18 M of the 171 M instructions of `vaccine
 * trial` at 100,000 briefings, callgrind). The page and the count read
 * the same rows: the same MATCH, the same filters (dates as docid ranges
 * or the join to briefings), so the number is exact; it is capped as the
 * count is. Sets *n to the count, or -1 when the scan stopped early: the
 * count is then made by count_matches(), which counts on from where the
 * scan stopped (s->read_rows, s->read_stop). The page waits in s->page for
 * run_page(). An expression that does not run leaves no page and no
 * error: count_matches() meets the error and reads the words instead. */
static brief_status_t page_first(search_t *s, long long lim, long long off, long long *n)
{
    long long rows = -1, stop = -1;
    brief_status_t status;

    *n = -1;
    if (!page_is_newest(s, s->strict, 0, lim, off))
        return BRIEF_OK;
    status = page_newest(s, s->strict, lim, off, &s->page, &s->n_page, &rows, &stop);
    if (status == BRIEF_ERR_SQLITE) {
        free(s->err);
        s->err = NULL;
        return BRIEF_OK;
    }
    if (status != BRIEF_OK)
        return status;
    if (stop < 0) {
        *n = cap_count(s, rows);
    } else {
        s->read_rows = rows;
        s->read_stop = stop;
    }
    return BRIEF_OK;
}

/* Steps a page statement, adding each row's result. The strict matches of
 * a hybrid-sorted page in briefings mode are read newest first and may
 * stop early; other pages let SQLite sort every match. */
static brief_status_t run_page(search_t *s, json_t *results, const char *fts, int partial,
                               long long lim, long long off, long long *seen)
{
    sqlite3_stmt *st = NULL;
    brief_status_t status;
    int rc = SQLITE_DONE;

    if (page_is_newest(s, fts, partial, lim, off)) {
        hit_t *h = NULL;
        size_t n = 0, i;
        long long rows, stop;
        if (s->page != NULL && fts == s->strict) { /* page_first() read it */
            h = s->page;
            n = s->n_page;
            s->page = NULL;
            status = BRIEF_OK;
        } else {
            status = page_newest(s, fts, lim, off, &h, &n, &rows, &stop);
        }
        for (i = (size_t)off; status == BRIEF_OK && i < n; i++)
            status = add_briefing(s, results, h[i].docid, h[i].score, 0, fts);
        free(h);
        return status;
    }
    status = page_stmt(s, fts, partial, 0, lim, off, &st);
    while (status == BRIEF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long docid = sqlite3_column_int64(st, 0);
        double score = sqlite3_column_double(st, 1);
        if (s->o->passages)
            status = add_passages(s, results, docid, score, partial, seen);
        else
            status = add_briefing(s, results, docid, score, partial, fts);
    }
    if (status == BRIEF_OK && rc != SQLITE_DONE)
        status = sql_status(s, rc);
    sqlite3_finalize(st);
    return status;
}

static brief_status_t facets_for(search_t *s, const char *fts, json_t **facets)
{
    sbuf_t b = {NULL, 0, 0, 0};
    sqlite3_stmt *st = NULL;
    brief_status_t status;

    if (fts != NULL) {
        /* The category from the small index briefings_facets (every
         * filter of s->where reads only docid and category), the day from
         * the docid (its year is worked out in C: strftime() was 2.3 M of a
         * 62 M-instruction CGI request at 100,000 briefings). */
        sb_add(&b, "SELECT b.category,"
                   " (search.rowid >> :daybits) - :daybias,"
                   " brief_kinds(search, :nphr)"
                   " FROM search CROSS JOIN briefings b INDEXED BY briefings_facets"
                   " ON b.docid = search.rowid WHERE search MATCH :fts");
    } else {
        sb_add(&b, "SELECT b.category,"
                   " (b.docid >> :daybits) - :daybias,"
                   " (SELECT (max(" PART_IS_ARTICLE ") * 1) | (max(" PART_IS_ANALYSIS ") * 2)"
                   " | (max(" PART_IS_QUOTE ") * 4) FROM passages p WHERE p.serial = b.serial)"
                   " FROM briefings b WHERE 1");
    }
    sb_add(&b, s->where);
    sb_add(&b, fts != NULL ? " ORDER BY search.rowid DESC LIMIT :cap"
                           : " ORDER BY b.docid DESC LIMIT :cap");
    status = prepare_built(s, &b, fts, s->facet_limit, 0, &st);
    if (status != BRIEF_OK)
        return status;
    status = brief_facets_add(st, facets);
    if (status == BRIEF_ERR_LIMIT)
        brief_set_error(&s->err, "the search exceeded its work limit");
    else if (status == BRIEF_ERR_SQLITE)
        status = sql_status(s, sqlite3_errcode(s->db)); /* damage: BRIEF_ERR_CORRUPT */
    if (fts == NULL && s->kinds != 0 && *facets != NULL) {
        /* Without text, kinds outside the filter are not matches. */
        json_t *k = json_object_get(*facets, "kind");
        if (!(s->kinds & BRIEF_KIND_ARTICLE))
            json_object_del(k, "article");
        if (!(s->kinds & BRIEF_KIND_ANALYSIS))
            json_object_del(k, "analysis");
        if (!(s->kinds & BRIEF_KIND_QUOTE))
            json_object_del(k, "quote");
    }
    sqlite3_finalize(st);
    return status;
}

/* A plain AND of the query's words, used when the parser's expression
 * cannot run (which should not happen, but a query must never fail). */
static char *fallback_expr(search_t *s)
{
    const char *const *w = brief_query_words(s->q);
    sbuf_t b = {NULL, 0, 0, 0};
    int n = 0;
    for (; w != NULL && *w != NULL; w++) {
        if (n++)
            sb_add(&b, " ");
        add_fts_string(&b, *w);
    }
    if (b.nomem || n == 0) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* The stems of one FTS5 string of the expression (phrase_docs()). */
static brief_status_t string_stems(search_t *s, const char *p, size_t n, stems_t *l)
{
    char *text = malloc(n + 1);
    size_t k = 0;
    brief_status_t status;

    if (text == NULL)
        return BRIEF_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) { /* "" stands for " */
        text[k++] = p[i];
        if (p[i] == '"')
            i++;
    }
    text[k] = '\0';
    status = brief_analyzer_run(s->an, text, (int)k, collect_stem, l);
    free(text);
    return l->nomem ? BRIEF_ERR_NOMEM : status;
}

/* The number of briefings holding stem, from the `stems` table; -1 when
 * none does (or on an error, in *status). */
static long long stem_docs(search_t *s, sqlite3_stmt *look, const char *stem,
                           brief_status_t *status)
{
    long long docs = -1;
    int rc;

    if (*status != BRIEF_OK)
        return -1;
    sqlite3_bind_text(look, 1, stem, -1, SQLITE_STATIC);
    rc = sqlite3_step(look);
    if (rc == SQLITE_ROW)
        docs = sqlite3_column_int64(look, 0);
    else if (rc != SQLITE_DONE)
        *status = sql_status(s, rc);
    sqlite3_reset(look);
    sqlite3_clear_bindings(look);
    return docs;
}

/* The first and last stems of each phrase of an expression, in FTS5's
 * order of phrases (phrase_docs()), for adjacent_pairs(). */
typedef struct {
    struct edge {
        uint32_t first, last; /* brief_stem_hash() of its first and last stems */
        int known;            /* 0: a prefix, or no stem: any stem may come */
    } *v;
    int n, cap;
} edges_t;

static int edges_add(edges_t *e, const stems_t *l, int known)
{
    if (e->n == e->cap) {
        int cap = e->cap ? 2 * e->cap : 8;
        struct edge *v = realloc(e->v, sizeof *v * (size_t)cap);
        if (v == NULL)
            return -1;
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n].known = known;
    e->v[e->n].first = known ? brief_stem_hash(l->v[0], strlen(l->v[0])) : 0;
    e->v[e->n].last = known ? brief_stem_hash(l->v[l->n - 1], strlen(l->v[l->n - 1])) : 0;
    e->n++;
    return 0;
}

/* How many neighbouring optional items (a, a + 1) of the strict
 * expression may stand side by side in some briefing: all of them but
 * those where, for every phrase p of item a and q of item a + 1, the
 * index's pair filter (brief_pairs.h) says that q's first stem never
 * follows p's last. brief_rank() then bounds the proximity boost by it
 * (lib/rank.c, "Pruning"): `vaccine trial` at 100,000 briefings, where no
 * briefing says "vaccine trial", stops after the newest rows instead of
 * scoring all 29,006 (126 M instructions down to 38 M, callgrind). -1
 * when it cannot tell: every pair may. */
static int adjacent_pairs(search_t *s, const edges_t *e)
{
    int n_items, n = 0, *item_of;

    if (e->n == 0 || e->n != s->n_map || s->map == NULL)
        return -1;
    if ((item_of = malloc(sizeof *item_of * (size_t)e->n)) == NULL)
        return -1;
    /* the items as brief_rank() reads them from the same map */
    n_items = brief_rank_map_items(s->map, item_of, e->n);
    if (n_items < 2) {
        free(item_of);
        return -1;
    }
    for (int a = 0; a + 1 < n_items; a++) {
        int may = 0;
        for (int i = 0; i < e->n && !may; i++) {
            if (item_of[i] != a)
                continue;
            for (int j = 0; j < e->n && !may; j++) {
                if (item_of[j] != a + 1)
                    continue;
                may = !e->v[i].known || !e->v[j].known ||
                      brief_pairs_lookup(s->db, e->v[i].last, e->v[j].first) != 0;
            }
        }
        n += may;
    }
    free(item_of);
    return n;
}

/* The number of briefings holding each phrase of the FTS5 expression fts,
 * in FTS5's order of phrases, for brief_rank()'s IDF (lib/rank.c): read
 * from the `stems` table for a phrase outside any column filter (one
 * count per word, "n1+n2", for a phrase of several words: its IDF is the
 * sum of theirs), "-" for the others (prefixes, column filters, stems of
 * no briefing), which brief_rank counts through FTS5. The
 * expression is the one lib/query_fts.c writes (FTS5 strings, AND OR NOT,
 * parentheses, {columns} : filters) wrapped by wrap_expr(); anything else
 * gives NULL, every phrase counted by FTS5. *out is NULL or
 * sqlite3_malloc'd. The list is no SQL (it is bound), so it is not built
 * with sb_add(). */
static brief_status_t phrase_docs(search_t *s, sqlite3_stmt *look, const char *fts, char **out,
                                  edges_t *edges)
{
    /* filtered[d]: the group at depth d is under a column filter */
    unsigned char filtered[EXPR_MAX_DEPTH];
    int depth = 0, pending = 0, n = 0;
    sqlite3_str *b = sqlite3_str_new(s->db);
    const char *p = fts;
    brief_status_t status = BRIEF_OK;

    *out = NULL;
    filtered[0] = 0;
    while (status == BRIEF_OK && *p) {
        if (*p == ' ') {
            p++;
        } else if (*p == '{') { /* {cols} : the next operand only */
            p = strchr(p, '}');
            if (p == NULL)
                goto unknown;
            for (p++; *p == ' '; p++)
                ;
            if (*p != ':')
                goto unknown;
            p++;
            pending = 1;
        } else if (*p == '(') {
            if (depth + 1 >= (int)sizeof filtered)
                goto unknown;
            filtered[depth + 1] = filtered[depth] || pending;
            depth++;
            pending = 0;
            p++;
        } else if (*p == ')') {
            if (depth == 0)
                goto unknown;
            depth--;
            p++;
        } else if (*p == '"') {
            const char *q = ++p;
            stems_t l = {NULL, 0, 0, 0};
            sqlite3_str *parts = NULL; /* "n1+n2+...": the words of a phrase */
            long long docs = -1;
            int n_stems;

            while (*q && !(q[0] == '"' && q[1] != '"'))
                q += q[0] == '"' ? 2 : 1;
            if (*q != '"')
                goto unknown;
            status = string_stems(s, p, (size_t)(q - p), &l);
            for (p = q + 1; *p == ' '; p++)
                ;
            if (status == BRIEF_OK && l.n >= 1 && !pending && !filtered[depth] && *p != '*') {
                docs = stem_docs(s, look, l.v[0], &status);
                if (l.n > 1 && docs >= 0) {
                    parts = sqlite3_str_new(s->db);
                    sqlite3_str_appendf(parts, "%lld", docs);
                    for (int k = 1; k < l.n && docs >= 0; k++) {
                        docs = stem_docs(s, look, l.v[k], &status);
                        sqlite3_str_appendf(parts, "+%lld", docs);
                    }
                    if (docs < 0) { /* a word no briefing holds: FTS5 counts 0 */
                        sqlite3_free(sqlite3_str_finish(parts));
                        parts = NULL;
                    }
                    docs = -1;
                }
            }
            n_stems = l.n;
            if (edges != NULL && status == BRIEF_OK &&
                edges_add(edges, &l, l.n >= 1 && *p != '*') != 0)
                status = BRIEF_ERR_NOMEM;
            stems_release(&l);
            if (status == BRIEF_OK && (n_stems == 0 || *p == '+' || *p == '^')) {
                /* FTS5 may number a phrase of no token or not; + joins
                 * phrases, ^ asks for an initial token */
                sqlite3_free(sqlite3_str_finish(parts));
                goto unknown;
            }
            if (*p == '*') /* a prefix: one phrase, counted by FTS5 */
                for (p++; *p == ' '; p++)
                    ;
            if (n++ > 0)
                sqlite3_str_appendchar(b, 1, ' ');
            if (parts != NULL) {
                char *t = sqlite3_str_finish(parts);
                if (t == NULL)
                    status = BRIEF_ERR_NOMEM;
                else
                    sqlite3_str_appendall(b, t);
                sqlite3_free(t);
            } else if (docs >= 0) {
                sqlite3_str_appendf(b, "%lld", docs);
            } else {
                sqlite3_str_appendchar(b, 1, '-');
            }
            pending = 0;
        } else if (strncmp(p, "AND ", 4) == 0 || strncmp(p, "NOT ", 4) == 0) {
            p += 4;
        } else if (strncmp(p, "OR ", 3) == 0) {
            p += 3;
        } else {
            goto unknown;
        }
    }
    if (status == BRIEF_OK && sqlite3_str_errcode(b) == SQLITE_NOMEM)
        status = BRIEF_ERR_NOMEM;
    /* A list of "-" only is kept: it changes nothing for brief_rank(), and
     * tells counted_ahead() how many phrases there are. */
    if (status != BRIEF_OK || n == 0) {
        sqlite3_free(sqlite3_str_finish(b));
        return status;
    }
    *out = sqlite3_str_finish(b);
    return *out != NULL ? BRIEF_OK : BRIEF_ERR_NOMEM;
unknown:
    sqlite3_free(sqlite3_str_finish(b));
    return BRIEF_OK;
}

/* Sets docs_strict and docs_partial (phrase_docs()). */
static brief_status_t setup_docs(search_t *s)
{
    sqlite3_stmt *look = NULL;
    edges_t edges = {NULL, 0, 0};
    brief_status_t status = BRIEF_OK;

    if (s->strict == NULL)
        return BRIEF_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT docs FROM stems WHERE stem = ?1", -1, &look, NULL) !=
        SQLITE_OK)
        return sql_status(s, sqlite3_errcode(s->db));
    status = phrase_docs(s, look, s->strict, &s->docs_strict, &edges);
    /* edges are whole only when phrase_docs() read the whole expression */
    if (status == BRIEF_OK && s->docs_strict != NULL)
        s->pairs_strict = adjacent_pairs(s, &edges);
    free(edges.v);
    if (status == BRIEF_OK && s->partial != NULL)
        status = phrase_docs(s, look, s->partial, &s->docs_partial, NULL);
    sqlite3_finalize(look);
    return status;
}

static brief_status_t setup(search_t *s)
{
    const brief_search_opts_t *o = s->o;
    unsigned qk = brief_query_kinds(s->q);
    long qa = brief_query_after_day(s->q), qb = brief_query_before_day(s->q);
    const char *const *hs = brief_query_highlight_stems(s->q);
    const char *any;
    int nomem = 0, i, n_hs = 0;
    const char **all;
    brief_status_t status;

    s->now_day = o->now_day >= 0 ? o->now_day : (long)(time(NULL) / 86400);
    s->after = o->after_day;
    if (qa >= 0 && qa > s->after)
        s->after = qa;
    s->before = o->before_day;
    if (qb >= 0 && (s->before < 0 || qb < s->before))
        s->before = qb;
    s->cat_q = brief_query_category(s->q);
    if (s->cat_q != NULL && *s->cat_q == '\0')
        s->cat_q = NULL;
    s->cat_o = o->category != NULL && *o->category ? o->category : NULL;
    s->kinds = o->kinds & 7u;
    qk &= 7u;
    if (qk != 0)
        s->kinds = s->kinds != 0 ? s->kinds & qk : qk;
    if ((o->kinds & 7u) != 0 && qk != 0 && s->kinds == 0)
        s->impossible = 1;
    if (s->after >= 0 && s->before >= 0 && s->after >= s->before)
        s->impossible = 1;

    /* The --speaker option's stems, for the passage filter and highlighting. */
    if (o->speaker != NULL && *o->speaker && s->an != NULL) {
        stems_t l = {NULL, 0, 0, 0};
        brief_analyzer_run(s->an, o->speaker, (int)strlen(o->speaker), collect_stem, &l);
        if (l.nomem) {
            stems_release(&l);
            return BRIEF_ERR_NOMEM;
        }
        s->speaker_stems = l.v;
        s->n_speaker_stems = l.n;
    }
    while (hs != NULL && hs[n_hs] != NULL)
        n_hs++;
    all = calloc((size_t)(n_hs + s->n_speaker_stems) + 1, sizeof *all);
    if (all == NULL)
        return BRIEF_ERR_NOMEM;
    for (i = 0; i < n_hs; i++)
        all[i] = hs[i];
    for (i = 0; i < s->n_speaker_stems; i++)
        all[n_hs + i] = s->speaker_stems[i];
    s->stems = brief_stemset_new(all);
    free(all);
    if (s->stems == NULL)
        return BRIEF_ERR_NOMEM;

    s->strict = wrap_expr(s, brief_query_fts(s->q), &nomem);
    any = o->all_required ? NULL : brief_query_fts_any(s->q);
    s->map = brief_query_phrase_items(s->q);
    s->n_map = count_map(s->map);
    if (any != NULL && s->strict != NULL && brief_query_fts(s->q) != NULL) {
        char *w = wrap_expr(s, any, &nomem);
        if (w != NULL) {
            size_t len = strlen(w) + strlen(s->strict) + 16;
            s->partial = malloc(len);
            if (s->partial != NULL)
                snprintf(s->partial, len, "%s NOT (%s)", w, s->strict);
            else
                nomem = 1;
            /* Phrases after the relaxed expression's own belong to NOT. */
            if (s->n_map == 0)
                s->n_map = -1;
        }
        free(w);
    }
    s->exclude = brief_query_fts_exclude(s->q);
    if (nomem)
        return BRIEF_ERR_NOMEM;
    if ((status = setup_docs(s)) != BRIEF_OK)
        return status;
    return build_where(s);
}

static void search_release(search_t *s)
{
    int i;
    brief_query_free(s->q);
    free(s->strict);
    free(s->partial);
    sqlite3_free(s->docs_strict);
    sqlite3_free(s->docs_partial);
    free(s->page);
    free(s->where);
    free(s->where_fts);
    brief_stemset_free(s->stems);
    for (i = 0; i < s->n_speaker_stems; i++)
        free(s->speaker_stems[i]);
    free(s->speaker_stems);
    json_decref(s->warnings);
    free(s->err);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static brief_status_t validate(const brief_search_opts_t *o, char **errmsg)
{
    if (o->limit < 1 || o->limit > BRIEF_MAX_LIMIT) {
        brief_set_error(errmsg, "limit must be between 1 and %d", BRIEF_MAX_LIMIT);
        return BRIEF_ERR_INVALID;
    }
    if (o->offset < 0 || o->offset > MAX_OFFSET) {
        brief_set_error(errmsg, "offset must be between 0 and %d", MAX_OFFSET);
        return BRIEF_ERR_INVALID;
    }
    if (!(o->half_life_days > 0.0) || o->half_life_days > 1e7) {
        brief_set_error(errmsg, "half-life must be a positive number of days");
        return BRIEF_ERR_INVALID;
    }
    if (o->sort != BRIEF_SORT_HYBRID && o->sort != BRIEF_SORT_DATE &&
        o->sort != BRIEF_SORT_RELEVANCE) {
        brief_set_error(errmsg, "unknown sort order");
        return BRIEF_ERR_INVALID;
    }
    if (o->max_passages < 0 || o->max_passages > MAX_MAX_PASSAGES) {
        brief_set_error(errmsg, "passages per result must be between 0 and %d",
                        MAX_MAX_PASSAGES);
        return BRIEF_ERR_INVALID;
    }
    if (o->kinds & ~7u) {
        brief_set_error(errmsg, "unknown passage kind");
        return BRIEF_ERR_INVALID;
    }
    return BRIEF_OK;
}

static brief_status_t search_run(brief_index_t *idx, const brief_search_opts_t *opts, json_t **out,
                                 char **errmsg, int nested);

/* The suggestion for a query that found nothing (need_all: nothing with
 * every word), when the corrected query finds something (with every word). */
static char *suggestion_for(search_t *s, int need_all)
{
    char *sugg = NULL;
    brief_search_opts_t o2;
    json_t *res = NULL;
    int found = 0;

    if (!s->o->suggest || s->o->query == NULL ||
        brief_suggest_text(s->idx, s->o->query, brief_query_words(s->q), &sugg) != BRIEF_OK ||
        sugg == NULL)
        return NULL;
    o2 = *s->o;
    o2.query = sugg;
    o2.suggest = 0;
    o2.limit = 1;
    o2.offset = 0;
    o2.facets = 0;
    o2.explain = 0;
    o2.passages = 0;
    if (search_run(s->idx, &o2, &res, NULL, 1) == BRIEF_OK &&
        json_integer_value(json_object_get(res, need_all ? "matched_all" : "total")) > 0)
        found = 1;
    json_decref(res);
    if (!found) {
        free(sugg);
        return NULL;
    }
    return sugg;
}

static brief_status_t search_run(brief_index_t *idx, const brief_search_opts_t *opts, json_t **out,
                                 char **errmsg, int nested)
{
    search_t s;
    brief_status_t status;
    long long n_strict = 0, n_partial = 0, total, want, seen = 0;
    json_t *res = NULL, *results = NULL, *facets = NULL;
    double t0 = now_ms();
    int i, n_warn;
    char *fb = NULL;

    *out = NULL;
    if (idx == NULL || opts == NULL) {
        brief_set_error(errmsg, "no index or options");
        return BRIEF_ERR_INVALID;
    }
    status = validate(opts, errmsg);
    if (status != BRIEF_OK)
        return status;
    memset(&s, 0, sizeof s);
    s.n_first = -1;
    s.read_rows = s.read_stop = -1;
    s.pairs_strict = -1;
    s.count_below = -1;
    s.idx = idx;
    s.db = brief_index_db(idx);
    s.o = opts;
    s.count_limit = opts->count_limit > 0 ? opts->count_limit : BRIEF_COUNT_LIMIT;
    s.facet_limit = opts->facet_limit > 0 ? opts->facet_limit : BRIEF_FACET_LIMIT;
    s.an = brief_index_analyzer(idx);
    s.warnings = json_array();
    if (s.an == NULL || s.warnings == NULL) {
        json_decref(s.warnings);
        return BRIEF_ERR_NOMEM;
    }
    status = brief_rank_register(s.db, errmsg);
    if (status != BRIEF_OK) {
        json_decref(s.warnings);
        return status;
    }
    if (!nested && opts->work_limit > 0)
        sqlite3_progress_handler(s.db, progress_step(opts->work_limit), progress_cb, &s);

    status = brief_query_parse(idx, opts->query ? opts->query : "", opts->all_required, &s.q);
    if (status != BRIEF_OK) {
        brief_set_error(&s.err, "cannot parse the query: %s", brief_status_str(status));
        goto done;
    }
    n_warn = brief_query_warning_count(s.q);
    for (i = 0; i < n_warn; i++)
        json_array_append_new(s.warnings, text_json(brief_query_warning(s.q, i)));
    status = setup(&s);
    if (status != BRIEF_OK)
        goto done;
    if (s.cat_q != NULL && s.cat_o != NULL && strcasecmp(s.cat_q, s.cat_o) != 0)
        s.impossible = 1;

    results = json_array();
    if (results == NULL) {
        status = BRIEF_ERR_NOMEM;
        goto done;
    }
    if (s.impossible)
        goto answer;
    if (s.strict == NULL && s.exclude == NULL && s.after < 0 && s.before < 0 && s.cat_q == NULL &&
        s.cat_o == NULL && (s.kinds == 0 || s.kinds == 7))
        goto answer; /* nothing to search for: an empty query finds nothing */

    status = page_first(&s, opts->limit, opts->offset, &n_strict);
    if (status == BRIEF_OK && n_strict < 0)
        n_strict = counted_ahead(&s);
    if (status == BRIEF_OK && n_strict < 0)
        status = count_matches(&s, s.strict, &n_strict);
    if (status == BRIEF_ERR_SQLITE && s.strict != NULL) {
        /* The expression did not run: read the query as plain words. */
        fb = fallback_expr(&s);
        free(s.strict);
        s.strict = fb ? wrap_expr(&s, fb, &(int){0}) : NULL;
        free(s.partial);
        s.partial = NULL;
        sqlite3_free(s.docs_strict); /* FTS5 counts the fallback's phrases */
        s.docs_strict = NULL;
        s.pairs_strict = -1;
        s.read_rows = s.read_stop = -1; /* the page_first() of the old expression */
        sqlite3_free(s.docs_partial);
        s.docs_partial = NULL;
        json_array_append_new(s.warnings,
                              json_string("query could not be read as written; searched its "
                                          "words instead"));
        free(s.err);
        s.err = NULL;
        status = s.strict ? count_matches(&s, s.strict, &n_strict) : BRIEF_OK;
        if (status == BRIEF_ERR_SQLITE) {
            status = BRIEF_OK;
            free(s.err);
            s.err = NULL;
            goto answer;
        }
    }
    if (status != BRIEF_OK)
        goto done;
    want = (long long)opts->offset + opts->limit;
    if (s.partial != NULL && n_strict < want) {
        status = count_matches(&s, s.partial, &n_partial);
        if (status == BRIEF_ERR_SQLITE) {
            /* A relaxed expression that cannot run only loses the extras. */
            status = BRIEF_OK;
            n_partial = 0;
            free(s.partial);
            s.partial = NULL;
            sqlite3_free(s.docs_partial);
            s.docs_partial = NULL;
        }
        if (status != BRIEF_OK)
            goto done;
    }
    if (opts->passages) {
        if (n_strict > 0 || s.strict == NULL)
            status = run_page(&s, results, s.strict, 0, -1, 0, &seen);
        if (status == BRIEF_OK && s.partial != NULL && n_partial > 0)
            status = run_page(&s, results, s.partial, 1, -1, 0, &seen);
        total = seen;
    } else {
        total = n_strict + n_partial;
        if (opts->offset < n_strict)
            status = run_page(&s, results, s.strict, 0, opts->limit, opts->offset, &seen);
        if (status == BRIEF_OK && n_partial > 0 && (long long)json_array_size(results) < opts->limit) {
            long long off2 = opts->offset > n_strict ? opts->offset - n_strict : 0;
            status = run_page(&s, results, s.partial, 1,
                              opts->limit - (long long)json_array_size(results), off2, &seen);
        }
    }
    if (status != BRIEF_OK)
        goto done;
    if (opts->facets) {
        status = facets_for(&s, s.strict, &facets);
        if (status == BRIEF_OK && s.partial != NULL && n_partial > 0)
            status = facets_for(&s, s.partial, &facets);
        if (status != BRIEF_OK)
            goto done;
    }
    goto build;

answer:
    total = 0;
build:
    res = json_object();
    if (res == NULL) {
        status = BRIEF_ERR_NOMEM;
        goto done;
    }
    json_object_set_new(res, "version", json_integer(1));
    json_object_set_new(res, "query", text_json(opts->query ? opts->query : ""));
    if (json_object_get(res, "query") == NULL)
        json_object_set_new(res, "query", json_string(""));
    json_object_set_new(res, "understood", text_json(brief_query_understood(s.q)
                                                           ? brief_query_understood(s.q)
                                                           : ""));
    json_object_set(res, "warnings", s.warnings);
    json_object_set_new(res, "mode", json_string(opts->passages ? "passages" : "briefings"));
    json_object_set_new(res, "sort", json_string(sort_name(opts->sort)));
    json_object_set_new(res, "total", json_integer(opts->passages ? seen : total));
    json_object_set_new(res, "total_exact",
                        json_boolean(opts->passages || !s.capped));
    json_object_set_new(res, "matched_all", json_integer(opts->passages ? -1 : n_strict));
    json_object_set_new(res, "offset", json_integer(opts->offset));
    json_object_set_new(res, "limit", json_integer(opts->limit));
    json_object_set_new(res, "results", results);
    results = NULL;
    if (opts->facets) {
        json_t *f = brief_facets_sorted(facets);
        json_object_set_new(res, "facets", f ? f : json_object());
        json_object_set_new(res, "facets_of",
                            json_integer((n_strict < s.facet_limit ? n_strict : s.facet_limit) +
                                         (n_partial < s.facet_limit ? n_partial : s.facet_limit)));
    }
    /* A suggestion when nothing matched, or when nothing matched every
     * word and the corrected query would ("vacine trial"). */
    if (!nested && ((opts->passages ? seen : total) == 0 || (s.partial != NULL && n_strict == 0))) {
        char *sugg = suggestion_for(&s, (opts->passages ? seen : total) > 0);
        if (sugg != NULL) {
            json_object_set_new(res, "suggestion", text_json(sugg));
            free(sugg);
        }
    }
    json_object_set_new(res, "took_ms", json_real(round((now_ms() - t0) * 1000.0) / 1000.0));
    status = BRIEF_OK;

done:
    if (!nested && opts->work_limit > 0)
        sqlite3_progress_handler(s.db, 0, NULL, NULL);
    /* A statement the work limit stopped (in query parsing, say) may have
     * been reported as a plain SQLite error. */
    if (status == BRIEF_ERR_SQLITE && s.interrupted)
        status = BRIEF_ERR_LIMIT;
    if (status != BRIEF_OK) {
        json_decref(res);
        res = NULL;
        if (errmsg != NULL) {
            free(*errmsg);
            *errmsg = s.err ? s.err : NULL;
            if (*errmsg == NULL)
                brief_set_error(errmsg, "%s", brief_status_str(status));
            s.err = NULL;
        }
    }
    json_decref(results);
    json_decref(facets);
    free(fb);
    search_release(&s);
    *out = res;
    return status;
}

/* A search runs in one read transaction. Outside one, each of its
 * statements (some 30 for a page of ten) is a transaction of its own, and
 * each begins with file locks, a look for a hot journal and a re-read of
 * the file's change counter: 8 system calls, 220 of the 560 a rare-word
 * query made at 100,000 briefings (strace), where a system call costs
 * several microseconds on our VMs. */
brief_status_t brief_search_run(brief_index_t *idx, const brief_search_opts_t *opts,
                                json_t **out, char **errmsg)
{
    sqlite3 *db = idx != NULL ? brief_index_db(idx) : NULL;
    int began = db != NULL && sqlite3_get_autocommit(db) &&
                sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    brief_status_t status = search_run(idx, opts, out, errmsg, 0);

    /* A read transaction has nothing to lose: when COMMIT cannot end it,
     * ROLLBACK does. */
    if (began && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return status;
}
