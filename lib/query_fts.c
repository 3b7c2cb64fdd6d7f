/* query_fts.c - a parsed query turned into FTS5 expressions, its understood form, its stems and words.
 *
 * Every term goes through the index's own analyzer (brief_index_analyzer),
 * so it is split and folded exactly as the indexed text was. What reaches
 * FTS5 is always a quoted string of those folded words ("co founder"),
 * with any " doubled, never the user's text: FTS5 tokenizes and stems the
 * string itself with the same snowball tokenizer. Stems are not what is
 * written into the expression because Snowball is not idempotent (the stem
 * of "evasion" is "evas", whose own stem is "eva"); they are what the
 * understood form and the highlighter show.
 *
 * A prefix (evasi*) is a prefix of words as written, so it is looked up in
 * the `words` table (surface words, folded), the BRIEF_QUERY_MAX_EXPANSIONS
 * most frequent first; expansions with the same stem are kept once, and the
 * term becomes ("evasion" OR "evasive"). A prefix that matches no word
 * becomes ("evasi" NOT "evasi"), which FTS5 accepts and which matches no
 * briefing: the query then finds nothing rather than everything, as a
 * word absent from the index would. Its phrases count for no item (-1).
 *
 * The expressions: with R the required items, O the optional ones and N
 * the exclusions, in that order,
 *   fts      R1 AND ... AND O1 AND ... [NOT N]
 *   fts_any  R1 AND ... AND (O1 OR O2 ...) [NOT N]     (two or more O)
 * so both hold the same phrases in the same order, which is the order FTS5
 * numbers them (left to right as written: fts5_expr.c appends each phrase
 * to its list as the parser reduces it; tests/unit/test_query.c checks it
 * with an auxiliary function). phrase_items maps each phrase to the index
 * of its optional item, or -1 for required items, exclusions and prefixes
 * that match nothing. kind: wraps the whole in {columns} : ( ... ).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

typedef struct {
    brief_query_t *q;
    int phrases; /* phrases written so far, against BRIEF_QUERY_MAX_PHRASES */
} compile_t;

/* ---------------------------------------------------------------- */
/* Terms through the analyzer                                        */

typedef struct {
    brief_qlist_t words;
    brief_qlist_t stems;
    int cut;
} tokens_t;

static int collect(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                   int start, int end)
{
    tokens_t *t = ctx;

    (void)start;
    (void)end;
    if (t->words.n >= BRIEF_QUERY_MAX_PHRASE_TOKENS) {
        t->cut = 1;
        return 1;
    }
    brief_qlist_add(&t->words, word, (size_t)n_word, 0);
    brief_qlist_add(&t->stems, stem, (size_t)n_stem, 0);
    return 0;
}

static void join(brief_qbuf_t *b, const brief_qlist_t *l, int from, int to)
{
    for (int i = from; i < to; i++) {
        if (i > from)
            brief_qbuf_putc(b, ' ');
        brief_qbuf_puts(b, l->v[i]);
    }
}

/* The smallest string above every string that starts with p (bytewise, as
 * SQLite's BINARY collation compares): p with its last byte below 0xFF
 * incremented and what follows dropped. Folded UTF-8 never holds 0xFF, so
 * the result is p with its last byte plus one, which need not be valid
 * UTF-8 itself; it is only ever compared. NULL when there is no bound. */
static char *prefix_upper_bound(const char *p)
{
    size_t n = strlen(p);
    char *hi;

    while (n > 0 && (unsigned char)p[n - 1] == 0xFF)
        n--;
    if (n == 0)
        return NULL;
    hi = malloc(n + 1);
    if (hi == NULL)
        return NULL;
    memcpy(hi, p, n);
    hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
    hi[n] = '\0';
    return hi;
}

/* The words of the index starting with prefix, most frequent first, one
 * per stem: appended to words, their stems to stems. */
static brief_status_t expand(compile_t *cc, const char *prefix, brief_qlist_t *words,
                             brief_qlist_t *stems)
{
    sqlite3 *db = brief_index_db(cc->q->idx);
    sqlite3_stmt *st = NULL;
    char *hi = prefix_upper_bound(prefix);
    int limit = BRIEF_QUERY_MAX_PHRASES - cc->phrases, rows = 0, rc;
    brief_status_t status = BRIEF_OK;

    if (limit > BRIEF_QUERY_MAX_EXPANSIONS)
        limit = BRIEF_QUERY_MAX_EXPANSIONS;
    if (limit < 1)
        limit = 1;
    rc = sqlite3_prepare_v2(db,
                            hi != NULL ? "SELECT word FROM words WHERE word >= ?1 AND word < ?2"
                                         " ORDER BY freq DESC, word LIMIT ?3"
                                       : "SELECT word FROM words WHERE word >= ?1"
                                         " ORDER BY freq DESC, word LIMIT ?3",
                            -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && hi != NULL)
        rc = sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 3, limit);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        int n = sqlite3_column_bytes(st, 0), n_stem;
        const char *stem;

        rc = SQLITE_OK;
        rows++;
        if (w == NULL || n == 0)
            continue;
        stem = brief_analyzer_stem(cc->q->an, w, n, &n_stem);
        if (stem == NULL) {
            status = BRIEF_ERR_NOMEM;
            break;
        }
        if (brief_qlist_has(stems, stem, (size_t)n_stem))
            continue;
        brief_qlist_add(stems, stem, (size_t)n_stem, 0);
        brief_qlist_add(words, w, (size_t)n, 0);
    }
    if (status == BRIEF_OK && rc != SQLITE_DONE && rc != SQLITE_OK)
        status = rc == SQLITE_NOMEM ? BRIEF_ERR_NOMEM : BRIEF_ERR_SQLITE;
    sqlite3_finalize(st);
    free(hi);
    if (status == BRIEF_OK && rows == limit)
        brief_query_warn(cc->q, "'%s*' was expanded to its %d most frequent words", prefix,
                         rows);
    return status;
}

static void put_field(brief_qbuf_t *b, const brief_qnode_t *n)
{
    if (n->field >= 0) {
        brief_qbuf_puts(b, brief_qfields[n->field].name);
        brief_qbuf_putc(b, ':');
    }
}

static brief_status_t resolve_term(compile_t *cc, brief_qnode_t *n, int neg)
{
    brief_query_t *q = cc->q;
    tokens_t t;
    brief_qbuf_t b = {0}, shown = {0};
    brief_status_t status;
    int nt;

    memset(&t, 0, sizeof t);
    status = brief_analyzer_run(q->an, n->text, (int)strlen(n->text), collect, &t);
    if (status == BRIEF_ERR_LIMIT) {
        brief_query_warn(q, "phrase cut to %d words", BRIEF_QUERY_MAX_PHRASE_TOKENS);
        status = BRIEF_OK;
    }
    if (status == BRIEF_OK && (t.words.oom || t.stems.oom))
        status = BRIEF_ERR_NOMEM;
    nt = t.words.n;
    if (status != BRIEF_OK || nt == 0)
        goto out;

    put_field(&shown, n);
    if (n->kind != BRIEF_QTERM_PREFIX) {
        join(&b, &t.words, 0, nt);
        brief_qlist_add(&n->alts, b.s, b.len, 0);
        cc->phrases++;
        if (nt == 1 && n->kind == BRIEF_QTERM_WORD) {
            brief_qbuf_puts(&shown, t.stems.v[0]);
        } else {
            brief_qbuf_putc(&shown, '"');
            join(&shown, &t.stems, 0, nt);
            brief_qbuf_putc(&shown, '"');
        }
        if (!neg) {
            for (int i = 0; i < nt; i++) {
                brief_qlist_add(&q->stems, t.stems.v[i], strlen(t.stems.v[i]), 1);
                brief_qlist_add(&q->words, t.words.v[i], strlen(t.words.v[i]), 1);
            }
        }
    } else {
        brief_qlist_t words = {0}, stems = {0};
        const char *prefix = t.words.v[nt - 1];

        status = expand(cc, prefix, &words, &stems);
        if (status == BRIEF_OK && (words.oom || stems.oom))
            status = BRIEF_ERR_NOMEM;
        for (int i = 0; status == BRIEF_OK && i < words.n; i++) {
            b.len = 0;
            join(&b, &t.words, 0, nt - 1);
            if (nt > 1)
                brief_qbuf_putc(&b, ' ');
            brief_qbuf_puts(&b, words.v[i]);
            if (!b.oom)
                brief_qlist_add(&n->alts, b.s, b.len, 0);
            cc->phrases++;
        }
        if (status == BRIEF_OK && words.n == 0) {
            brief_query_warn(q, "'%s*' matches no word in the index", prefix);
            join(&b, &t.words, 0, nt);
            brief_qlist_add(&n->alts, b.s, b.len, 0);
            n->dead = 1;
            cc->phrases += 2;
        }
        if (nt > 1)
            brief_qbuf_putc(&shown, '"');
        join(&shown, &t.stems, 0, nt - 1);
        if (nt > 1)
            brief_qbuf_putc(&shown, ' ');
        brief_qbuf_puts(&shown, prefix);
        brief_qbuf_putc(&shown, '*');
        if (nt > 1)
            brief_qbuf_putc(&shown, '"');
        if (!neg) {
            for (int i = 0; i < nt - 1; i++)
                brief_qlist_add(&q->stems, t.stems.v[i], strlen(t.stems.v[i]), 1);
            for (int i = 0; i < stems.n; i++)
                brief_qlist_add(&q->stems, stems.v[i], strlen(stems.v[i]), 1);
        }
        brief_qlist_release(&words);
        brief_qlist_release(&stems);
    }
    n->shown = brief_qbuf_take(&shown);
    if (status == BRIEF_OK && (n->shown == NULL || b.oom || n->alts.oom))
        status = BRIEF_ERR_NOMEM;
out:
    brief_qbuf_release(&b);
    brief_qbuf_release(&shown);
    brief_qlist_release(&t.words);
    brief_qlist_release(&t.stems);
    return status;
}

static brief_status_t resolve(compile_t *cc, brief_qnode_t *n, int neg)
{
    brief_status_t status = BRIEF_OK;

    neg ^= n->neg;
    if (n->type == BRIEF_QN_TERM)
        return resolve_term(cc, n, neg);
    for (int i = 0; status == BRIEF_OK && i < n->n_kids; i++)
        status = resolve(cc, n->kids[i], neg);
    return status;
}

/* ---------------------------------------------------------------- */
/* Dropping what yields no token                                      */

static int only_exclusions(const brief_qnode_t *n)
{
    return n->type == BRIEF_QN_AND && brief_qnode_positives(n) == 0;
}

/* Frees an AND/OR shell whose kids were moved away. */
static void free_shell(brief_qnode_t *n)
{
    n->n_kids = 0;
    brief_qnode_free(n);
}

static brief_qnode_t *collapse(brief_qnode_t *n)
{
    brief_qnode_t *kid = n->kids[0];

    kid->neg = n->neg;
    kid->req = n->req;
    free_shell(n);
    return kid;
}

/* Appends kid to n's kids; on failure frees kid and sets q->oom. */
static void push_kid(brief_query_t *q, brief_qnode_t *n, brief_qnode_t *kid)
{
    if (n->n_kids == n->cap_kids) {
        int cap = n->cap_kids ? n->cap_kids * 2 : 4;
        brief_qnode_t **v = realloc(n->kids, (size_t)cap * sizeof *v);
        if (v == NULL) {
            q->oom = 1;
            brief_qnode_free(kid);
            return;
        }
        n->kids = v;
        n->cap_kids = cap;
    }
    n->kids[n->n_kids++] = kid;
}

/* Returns n normalised (possibly another node), or NULL when nothing is
 * left of it. Kids are rebuilt into a fresh array; q->oom is set when a
 * move fails. */
static brief_qnode_t *normalize(brief_query_t *q, brief_qnode_t *n, int is_root)
{
    brief_qnode_t **old;
    int n_old;

    if (n->type == BRIEF_QN_TERM) {
        if (n->alts.n == 0) {
            brief_qnode_free(n);
            return NULL;
        }
        return n;
    }
    old = n->kids;
    n_old = n->n_kids;
    n->kids = NULL;
    n->n_kids = n->cap_kids = 0;
    for (int i = 0; i < n_old; i++) {
        brief_qnode_t *k = normalize(q, old[i], 0);

        old[i] = NULL;
        if (k == NULL)
            continue;
        if (!only_exclusions(k)) {
            push_kid(q, n, k);
        } else if (n->type == BRIEF_QN_AND && !k->neg) {
            /* (-a -b) inside an AND: its exclusions join the AND */
            for (int j = 0; j < k->n_kids; j++)
                push_kid(q, n, k->kids[j]);
            free_shell(k);
        } else {
            brief_query_warn(q, "an exclusion with nothing to exclude from was ignored");
            brief_qnode_free(k);
        }
    }
    free(old);
    if (is_root)
        return n;
    if (n->n_kids == 0) {
        brief_qnode_free(n);
        return NULL;
    }
    if (n->n_kids == 1 && !n->kids[0]->neg)
        return collapse(n);
    return n;
}

/* ---------------------------------------------------------------- */
/* Writing FTS5                                                       */

enum { LV_ATOM = 0, LV_AND, LV_OR, LV_NOT };

static int level(const brief_qnode_t *n)
{
    int pos;

    if (n->type == BRIEF_QN_TERM)
        return LV_ATOM;
    if (n->type == BRIEF_QN_OR)
        return n->n_kids > 1 ? LV_OR : level(n->kids[0]);
    pos = brief_qnode_positives(n);
    if (pos < n->n_kids)
        return LV_NOT;
    if (pos > 1)
        return LV_AND;
    return level(n->kids[0]);
}

typedef struct {
    brief_qbuf_t expr;
    brief_qbuf_t map;
    int phrases;
} emitter_t;

static void map_phrase(emitter_t *e, int item)
{
    char num[16];

    snprintf(num, sizeof num, "%s%d", e->phrases ? " " : "", item);
    brief_qbuf_puts(&e->map, num);
    e->phrases++;
}

static void put_columns(brief_qbuf_t *b, unsigned cols)
{
    int first = 1;

    brief_qbuf_putc(b, '{');
    for (int i = 0; i < BRIEF_QCOLUMN_COUNT; i++) {
        if (cols & (1u << i)) {
            if (!first)
                brief_qbuf_putc(b, ' ');
            brief_qbuf_puts(b, brief_qcolumns[i]);
            first = 0;
        }
    }
    brief_qbuf_puts(b, "} : ");
}

static void emit_term(emitter_t *e, const brief_qnode_t *n, int item)
{
    const brief_qlist_t *a = &n->alts;

    if (n->field >= 0)
        put_columns(&e->expr, brief_qfields[n->field].cols);
    if (n->dead) {
        brief_qbuf_putc(&e->expr, '(');
        brief_qbuf_fts_string(&e->expr, a->v[0], strlen(a->v[0]));
        brief_qbuf_puts(&e->expr, " NOT ");
        brief_qbuf_fts_string(&e->expr, a->v[0], strlen(a->v[0]));
        brief_qbuf_putc(&e->expr, ')');
        map_phrase(e, -1);
        map_phrase(e, -1);
        return;
    }
    if (a->n > 1)
        brief_qbuf_putc(&e->expr, '(');
    for (int i = 0; i < a->n; i++) {
        if (i > 0)
            brief_qbuf_puts(&e->expr, " OR ");
        brief_qbuf_fts_string(&e->expr, a->v[i], strlen(a->v[i]));
        map_phrase(e, item);
    }
    if (a->n > 1)
        brief_qbuf_putc(&e->expr, ')');
}

static void emit(emitter_t *e, const brief_qnode_t *n, int item);

/* Writes n as an operand of an operator of level parent (LV_NOT: either
 * side of NOT), in parentheses unless it binds on its own. */
static void emit_operand(emitter_t *e, const brief_qnode_t *n, int item, int parent)
{
    int lv = level(n);
    int paren = lv != LV_ATOM && !(lv == parent && (lv == LV_AND || lv == LV_OR));

    if (paren)
        brief_qbuf_putc(&e->expr, '(');
    emit(e, n, item);
    if (paren)
        brief_qbuf_putc(&e->expr, ')');
}

/* Writes the kids of n that are (or are not) exclusions, joined by op. */
static void emit_kids(emitter_t *e, const brief_qnode_t *n, int neg, const char *op, int lv,
                      int item)
{
    int first = 1;

    for (int i = 0; i < n->n_kids; i++) {
        if (n->kids[i]->neg != neg)
            continue;
        if (!first)
            brief_qbuf_puts(&e->expr, op);
        emit_operand(e, n->kids[i], item, lv);
        first = 0;
    }
}

static void emit(emitter_t *e, const brief_qnode_t *n, int item)
{
    int pos, neg;

    if (n->type == BRIEF_QN_TERM) {
        emit_term(e, n, item);
        return;
    }
    if (n->type == BRIEF_QN_OR) {
        emit_kids(e, n, 0, " OR ", LV_OR, item);
        return;
    }
    pos = brief_qnode_positives(n);
    neg = n->n_kids - pos;
    if (neg == 0) {
        emit_kids(e, n, 0, " AND ", LV_AND, item);
        return;
    }
    if (pos > 1)
        brief_qbuf_putc(&e->expr, '(');
    emit_kids(e, n, 0, " AND ", pos > 1 ? LV_AND : LV_NOT, item);
    if (pos > 1)
        brief_qbuf_putc(&e->expr, ')');
    brief_qbuf_puts(&e->expr, " NOT ");
    if (neg > 1)
        brief_qbuf_putc(&e->expr, '(');
    emit_kids(e, n, 1, " OR ", neg > 1 ? LV_OR : LV_NOT, -1);
    if (neg > 1)
        brief_qbuf_putc(&e->expr, ')');
}

/* ---------------------------------------------------------------- */
/* The understood form                                                */

static void show(brief_qbuf_t *b, const brief_qnode_t *n, int paren)
{
    if (n->type == BRIEF_QN_TERM) {
        brief_qbuf_puts(b, n->shown);
        return;
    }
    if (paren)
        brief_qbuf_putc(b, '(');
    for (int i = 0; i < n->n_kids; i++) {
        const brief_qnode_t *k = n->kids[i];
        if (i > 0)
            brief_qbuf_puts(b, n->type == BRIEF_QN_OR ? " OR " : " AND ");
        if (k->neg)
            brief_qbuf_puts(b, "NOT ");
        show(b, k, 1);
    }
    if (paren)
        brief_qbuf_putc(b, ')');
}

/* Howard Hinnant's civil_from_days, for showing a filter's date. */
static void day_to_date(long z, char out[32])
{
    long era, doe, yoe, y, doy, mp, d, m;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 32, "%04d-%02d-%02d", (int)(y % 10000), (int)m, (int)d);
}

static void show_filters(brief_qbuf_t *b, const brief_query_t *q)
{
    static const char *const kind_names[] = {"article", "analysis", "quote"};
    char date[32];

    if (q->category != NULL) {
        brief_qbuf_puts(b, b->len ? " AND category:" : "category:");
        if (strpbrk(q->category, " \t()\"") != NULL) {
            brief_qbuf_putc(b, '"');
            brief_qbuf_puts(b, q->category);
            brief_qbuf_putc(b, '"');
        } else {
            brief_qbuf_puts(b, q->category);
        }
    }
    if (q->kinds != 0) {
        int first = 1;
        brief_qbuf_puts(b, b->len ? " AND kind:" : "kind:");
        for (int i = 0; i < 3; i++) {
            if (q->kinds & (1u << i)) {
                if (!first)
                    brief_qbuf_putc(b, ',');
                brief_qbuf_puts(b, kind_names[i]);
                first = 0;
            }
        }
    }
    if (q->after_day >= 0) {
        day_to_date(q->after_day, date);
        brief_qbuf_puts(b, b->len ? " AND after:" : "after:");
        brief_qbuf_puts(b, date);
    }
    if (q->before_day >= 0) {
        day_to_date(q->before_day, date);
        brief_qbuf_puts(b, b->len ? " AND before:" : "before:");
        brief_qbuf_puts(b, date);
    }
}

/* ---------------------------------------------------------------- */
/* Putting it together                                                */

typedef struct {
    char *expr;
    char *map;
    int lv;
} piece_t;

static void put_piece(brief_qbuf_t *b, const piece_t *p, int parent)
{
    int paren = p->lv != LV_ATOM && !(p->lv == parent && (parent == LV_AND || parent == LV_OR));

    if (paren)
        brief_qbuf_putc(b, '(');
    brief_qbuf_puts(b, p->expr);
    if (paren)
        brief_qbuf_putc(b, ')');
}

/* Joins pieces[from..to) with op, each written as an operand of lv. */
static void put_pieces(brief_qbuf_t *b, const piece_t *pieces, int from, int to,
                       const char *op, int lv)
{
    for (int i = from; i < to; i++) {
        if (i > from)
            brief_qbuf_puts(b, op);
        put_piece(b, &pieces[i], lv);
    }
}

/* Writes `{cols} : ( body )` when kinds restrict the columns, else body;
 * with not_part, body is `(positive) NOT not_part`. */
static char *finish(const brief_query_t *q, brief_qbuf_t *body, int body_compound,
                    const char *not_part)
{
    brief_qbuf_t b = {0};

    if (q->kinds != 0) {
        put_columns(&b, brief_query_kind_columns(q->kinds));
        brief_qbuf_puts(&b, "( ");
    }
    if (not_part != NULL && body_compound)
        brief_qbuf_putc(&b, '(');
    brief_qbuf_add(&b, body->s ? body->s : "", body->len);
    if (not_part != NULL && body_compound)
        brief_qbuf_putc(&b, ')');
    if (not_part != NULL) {
        brief_qbuf_puts(&b, " NOT ");
        brief_qbuf_puts(&b, not_part);
    }
    if (q->kinds != 0)
        brief_qbuf_puts(&b, " )");
    if (body->oom)
        b.oom = 1;
    return brief_qbuf_take(&b);
}

brief_status_t brief_query_compile(brief_query_t *q, brief_qnode_t *root)
{
    compile_t cc = {q, 0};
    brief_status_t status = resolve(&cc, root, 0);
    piece_t *pieces = NULL;
    int n_req = 0, n_opt = 0, n_neg = 0, n = 0;
    brief_qbuf_t b = {0}, map = {0};
    char *not_part = NULL;

    if (status != BRIEF_OK) {
        brief_qnode_free(root);
        return status;
    }
    root = normalize(q, root, 1);

    /* the understood form, in the order typed */
    for (int i = 0; i < root->n_kids; i++) {
        const brief_qnode_t *k = root->kids[i];
        int whole = root->n_kids == 1 && q->category == NULL && q->kinds == 0 &&
                    q->after_day < 0 && q->before_day < 0;
        if (i > 0)
            brief_qbuf_puts(&b, " AND ");
        if (k->neg)
            brief_qbuf_puts(&b, "NOT ");
        else if (k->req == 1 && !q->all_required)
            brief_qbuf_putc(&b, '+');
        show(&b, k, !whole || k->neg);
    }
    show_filters(&b, q);
    q->understood = brief_qbuf_take(&b);

    /* one piece per top-level kid: required, then optional, then excluded */
    pieces = calloc((size_t)root->n_kids + 1, sizeof *pieces);
    if (pieces == NULL) {
        status = BRIEF_ERR_NOMEM;
        goto out;
    }
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < root->n_kids; i++) {
            const brief_qnode_t *k = root->kids[i];
            int req = k->req || q->all_required;
            emitter_t e;
            if ((pass == 0 && (k->neg || !req)) || (pass == 1 && (k->neg || req)) ||
                (pass == 2 && !k->neg))
                continue;
            memset(&e, 0, sizeof e);
            emit(&e, k, pass == 1 ? n_opt : -1);
            pieces[n].expr = brief_qbuf_take(&e.expr);
            pieces[n].map = brief_qbuf_take(&e.map);
            pieces[n].lv = level(k);
            if (pieces[n].expr == NULL || pieces[n].map == NULL)
                status = BRIEF_ERR_NOMEM;
            n++;
            n_req += pass == 0;
            n_opt += pass == 1;
            n_neg += pass == 2;
        }
    }
    if (status != BRIEF_OK)
        goto out;
    q->item_count = n_opt;

    if (n_neg > 0) {
        int first = n_req + n_opt;
        if (n_neg > 1)
            brief_qbuf_putc(&b, '(');
        put_pieces(&b, pieces, first, n, " OR ", n_neg > 1 ? LV_OR : LV_NOT);
        if (n_neg > 1)
            brief_qbuf_putc(&b, ')');
        not_part = brief_qbuf_take(&b);
        if (not_part == NULL) {
            status = BRIEF_ERR_NOMEM;
            goto out;
        }
    }
    if (n_req + n_opt == 0) {
        if (n_neg > 0) {
            if (n_neg == 1)
                brief_qbuf_puts(&b, pieces[0].expr);
            else
                put_pieces(&b, pieces, 0, n, " OR ", LV_OR);
            q->fts_exclude = finish(q, &b, 0, NULL);
            if (q->fts_exclude == NULL)
                status = BRIEF_ERR_NOMEM;
        }
        goto out;
    }

    /* strict; a single item stands bare unless a NOT follows */
    if (n_req + n_opt == 1)
        brief_qbuf_puts(&b, pieces[0].expr);
    else
        put_pieces(&b, pieces, 0, n_req + n_opt, " AND ", LV_AND);
    q->fts = finish(q, &b, n_req + n_opt > 1 || pieces[0].lv != LV_ATOM, not_part);
    brief_qbuf_release(&b);

    /* relaxed */
    if (n_opt >= 2) {
        put_pieces(&b, pieces, 0, n_req, " AND ", LV_AND);
        if (n_req > 0)
            brief_qbuf_puts(&b, " AND (");
        put_pieces(&b, pieces, n_req, n_req + n_opt, " OR ", LV_OR);
        if (n_req > 0)
            brief_qbuf_putc(&b, ')');
        q->fts_any = finish(q, &b, 1, not_part);
        brief_qbuf_release(&b);
        if (q->fts_any == NULL)
            status = BRIEF_ERR_NOMEM;
    }

    for (int i = 0; i < n; i++) {
        if (pieces[i].map[0] == '\0')
            continue;
        if (map.len > 0)
            brief_qbuf_putc(&map, ' ');
        brief_qbuf_puts(&map, pieces[i].map);
    }
    q->phrase_items = brief_qbuf_take(&map);
    if (q->fts == NULL || q->phrase_items == NULL)
        status = BRIEF_ERR_NOMEM;

out:
    if (q->understood == NULL)
        status = BRIEF_ERR_NOMEM;
    for (int i = 0; pieces != NULL && i < n; i++) {
        free(pieces[i].expr);
        free(pieces[i].map);
    }
    free(pieces);
    free(not_part);
    brief_qbuf_release(&b);
    brief_qbuf_release(&map);
    brief_qnode_free(root);
    return status;
}
