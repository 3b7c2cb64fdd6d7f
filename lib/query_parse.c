/* query_parse.c - the query language parsed into a tree, with the fallback to plain words, and the query object.
 *
 * Grammar (AND binds tighter than OR; AND is optional between terms):
 *
 *   query   := or
 *   or      := and ( OR and )*
 *   and     := unary ( [AND] unary )*
 *   unary   := NOT* ( [+|-] '(' or ')' | [+|-] term )
 *   term    := [field:] ( word | word* | "phrase" )
 *
 * "a NOT b" is "a AND NOT b"; a NOT with nothing positive beside it (a
 * leading NOT, -words only) becomes the query's exclusion. The top-level
 * AND's children are the query's items: bare words, phrases and groups are
 * optional (ranked by how many match when too few briefings match them
 * all), + and the operands of an explicit AND are required.
 *
 * When the tokens do not fit the grammar (an unbalanced parenthesis, an
 * operator without operands, NOT inside OR, an empty group) the text is
 * lexed again with operators switched off and read as plain words, the way
 * Xapian's QueryParser falls back, with a warning saying so. Nesting is
 * bounded by the lexer (BRIEF_QUERY_MAX_DEPTH) and NOT chains are read in
 * a loop, so the recursion is bounded too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

/* ---------------------------------------------------------------- */
/* Tree                                                               */

void brief_qnode_free(brief_qnode_t *n)
{
    if (n == NULL)
        return;
    for (int i = 0; i < n->n_kids; i++)
        brief_qnode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->shown);
    brief_qlist_release(&n->alts);
    free(n);
}

static brief_qnode_t *node_new(brief_qnode_type_t type)
{
    brief_qnode_t *n = calloc(1, sizeof *n);

    if (n != NULL) {
        n->type = type;
        n->field = -1;
    }
    return n;
}

static int node_add(brief_qnode_t *parent, brief_qnode_t *kid)
{
    if (parent->n_kids == parent->cap_kids) {
        int cap = parent->cap_kids ? parent->cap_kids * 2 : 4;
        brief_qnode_t **v = realloc(parent->kids, (size_t)cap * sizeof *v);
        if (v == NULL)
            return 0;
        parent->kids = v;
        parent->cap_kids = cap;
    }
    parent->kids[parent->n_kids++] = kid;
    return 1;
}

/* ---------------------------------------------------------------- */
/* Parser                                                             */

typedef struct {
    brief_qtok_t *t;
    int pos;
    const char *err; /* why the grammar failed, NULL while it holds */
    int nomem;
    int depth; /* open parentheses */
} parser_t;

static brief_qnode_t *parse_or(parser_t *p);

static brief_qtok_type_t cur(const parser_t *p)
{
    return p->t[p->pos].type;
}

static int ends_operand(brief_qtok_type_t t)
{
    return t == BRIEF_QT_END || t == BRIEF_QT_RPAREN || t == BRIEF_QT_OR || t == BRIEF_QT_AND;
}

static brief_qnode_t *fail(parser_t *p, const char *why, brief_qnode_t *n)
{
    if (p->err == NULL)
        p->err = why;
    brief_qnode_free(n);
    return NULL;
}

int brief_qnode_positives(const brief_qnode_t *n)
{
    int k = 0;

    for (int i = 0; i < n->n_kids; i++)
        k += !n->kids[i]->neg;
    return k;
}

/* Whether n matches something by itself: not excluded, and (for an AND)
 * with a kid that does, however deep the groups ("(-a)" does not). */
static int has_positive(const brief_qnode_t *n)
{
    if (n->neg)
        return 0;
    if (n->type != BRIEF_QN_AND)
        return 1;
    for (int i = 0; i < n->n_kids; i++)
        if (has_positive(n->kids[i]))
            return 1;
    return 0;
}

static brief_qnode_t *parse_primary(parser_t *p)
{
    brief_qtok_t *t = &p->t[p->pos];
    brief_qnode_t *n;

    if (t->type == BRIEF_QT_LPAREN) {
        int sign = t->sign;
        p->pos++;
        if (cur(p) == BRIEF_QT_RPAREN)
            return fail(p, "empty parentheses", NULL);
        p->depth++;
        n = parse_or(p);
        p->depth--;
        if (n == NULL)
            return NULL;
        if (cur(p) != BRIEF_QT_RPAREN)
            return fail(p, "unbalanced parenthesis", n);
        p->pos++;
        if (sign == '-' && n->type == BRIEF_QN_AND && brief_qnode_positives(n) == 0)
            return fail(p, "a NOT inside an excluded group", n);
        n->neg = sign == '-';
        n->req = sign == '+';
        return n;
    }
    if (t->type != BRIEF_QT_TERM)
        return fail(p, t->type == BRIEF_QT_RPAREN ? "unbalanced parenthesis"
                                                  : "an operator without a term",
                    NULL);
    n = node_new(BRIEF_QN_TERM);
    if (n == NULL) {
        p->nomem = 1;
        return fail(p, "out of memory", NULL);
    }
    n->kind = t->kind;
    n->field = t->field;
    n->text = t->text;
    t->text = NULL;
    n->neg = t->sign == '-';
    n->req = t->sign == '+';
    p->pos++;
    return n;
}

static brief_qnode_t *parse_and(parser_t *p)
{
    brief_qnode_t *n = node_new(BRIEF_QN_AND);
    int explicit_and = 0;

    if (n == NULL) {
        p->nomem = 1;
        return fail(p, "out of memory", NULL);
    }
    for (;;) {
        brief_qnode_t *kid;
        int neg = 0;

        if (cur(p) == BRIEF_QT_END || cur(p) == BRIEF_QT_RPAREN || cur(p) == BRIEF_QT_OR)
            break;
        if (cur(p) == BRIEF_QT_AND) {
            p->pos++;
            if (n->n_kids == 0 || ends_operand(cur(p)))
                return fail(p, "'AND' without a term on each side", n);
            if (!n->kids[n->n_kids - 1]->req)
                n->kids[n->n_kids - 1]->req = 2;
            explicit_and = 1;
            continue;
        }
        while (cur(p) == BRIEF_QT_NOT) {
            neg ^= 1;
            p->pos++;
        }
        if (ends_operand(cur(p)))
            return fail(p, "'NOT' without a term", n);
        kid = parse_primary(p);
        if (kid == NULL)
            return fail(p, "", n);
        if (neg) {
            if (kid->type == BRIEF_QN_AND && (kid->neg || brief_qnode_positives(kid) == 0)) {
                brief_qnode_free(kid);
                return fail(p, "a NOT inside an excluded group", n);
            }
            kid->neg ^= 1;
        }
        if (explicit_and && !kid->req)
            kid->req = 2;
        explicit_and = 0;
        if (!node_add(n, kid)) {
            brief_qnode_free(kid);
            p->nomem = 1;
            return fail(p, "out of memory", n);
        }
    }
    if (n->n_kids == 0) {
        int after_or = p->pos > 0 && p->t[p->pos - 1].type == BRIEF_QT_OR;
        return fail(p, after_or || cur(p) == BRIEF_QT_OR || p->depth == 0
                           ? "'OR' without a term on each side"
                           : "unbalanced parenthesis",
                    n);
    }
    return n;
}

static brief_qnode_t *parse_or(parser_t *p)
{
    brief_qnode_t *first = parse_and(p), *n;

    if (first == NULL || cur(p) != BRIEF_QT_OR)
        return first;
    n = node_new(BRIEF_QN_OR);
    if (n == NULL || !node_add(n, first)) {
        brief_qnode_free(n);
        p->nomem = 1;
        return fail(p, "out of memory", first);
    }
    while (cur(p) == BRIEF_QT_OR) {
        brief_qnode_t *kid;
        p->pos++;
        kid = parse_and(p);
        if (kid == NULL)
            return fail(p, "", n);
        if (!node_add(n, kid)) {
            p->nomem = 1;
            brief_qnode_free(kid);
            return fail(p, "out of memory", n);
        }
    }
    /* FTS5 has no "everything but": an operand of OR must hold something
     * positive. */
    for (int i = 0; i < n->n_kids; i++)
        if (!has_positive(n->kids[i]))
            return fail(p, "NOT inside OR", n);
    return n;
}

/* Parses tokens into a root AND node; NULL with p->err set when the
 * grammar does not hold. */
static brief_qnode_t *parse_root(parser_t *p)
{
    brief_qnode_t *n, *root;

    if (cur(p) == BRIEF_QT_END)
        return node_new(BRIEF_QN_AND);
    n = parse_or(p);
    if (n == NULL)
        return NULL;
    if (cur(p) != BRIEF_QT_END)
        return fail(p, cur(p) == BRIEF_QT_RPAREN ? "unbalanced parenthesis"
                                                 : "an operator without a term",
                    n);
    if (n->type == BRIEF_QN_AND)
        return n;
    root = node_new(BRIEF_QN_AND);
    if (root == NULL || !node_add(root, n)) {
        free(root);
        p->nomem = 1;
        return fail(p, "out of memory", n);
    }
    return root;
}

/* ---------------------------------------------------------------- */
/* The query object                                                   */

void brief_query_warn(brief_query_t *q, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    int n;
    size_t len;

    if (q->warnings.n >= BRIEF_QUERY_MAX_WARNINGS)
        return;
    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    if ((size_t)n >= sizeof msg) {
        /* cut to fit (a long term quoted): drop a last character cut short */
        size_t lead = len;
        unsigned char b;
        while (lead > 0 && ((unsigned char)msg[lead - 1] & 0xC0) == 0x80)
            lead--;
        b = lead > 0 ? (unsigned char)msg[lead - 1] : 0;
        if (b >= 0xC0 && len - lead + 1 < (b >= 0xF0 ? 4u : b >= 0xE0 ? 3u : 2u))
            len = lead - 1;
    }
    brief_qlist_add(&q->warnings, msg, len, 1);
}

static brief_status_t parse_text(brief_query_t *q, const char *clean, int plain,
                                 brief_qnode_t **root, const char **why)
{
    brief_qtoks_t toks = {0};
    parser_t p;
    brief_status_t status = brief_query_lex(q, clean, plain, &toks);

    *root = NULL;
    *why = NULL;
    if (status != BRIEF_OK) {
        brief_qtoks_release(&toks);
        return status;
    }
    memset(&p, 0, sizeof p);
    p.t = toks.v;
    *root = parse_root(&p);
    brief_qtoks_release(&toks);
    if (p.nomem) {
        brief_qnode_free(*root);
        *root = NULL;
        return BRIEF_ERR_NOMEM;
    }
    if (*root == NULL) {
        if (p.err == NULL)
            return BRIEF_ERR_NOMEM;
        *why = p.err;
    }
    return BRIEF_OK;
}

brief_status_t brief_query_parse(brief_index_t *idx, const char *text, int all_required,
                                 brief_query_t **out)
{
    brief_query_t *q;
    brief_qnode_t *root = NULL;
    const char *why = NULL;
    char *clean = NULL;
    brief_status_t status;

    *out = NULL;
    q = calloc(1, sizeof *q);
    if (q == NULL)
        return BRIEF_ERR_NOMEM;
    q->idx = idx;
    q->all_required = all_required != 0;
    q->after_day = q->before_day = -1;
    q->an = brief_index_analyzer(idx);
    if (q->an == NULL) {
        brief_query_free(q);
        return BRIEF_ERR_NOMEM;
    }
    status = brief_query_clean(q, text, &clean);
    if (status == BRIEF_OK)
        status = parse_text(q, clean, 0, &root, &why);
    if (status == BRIEF_OK && root == NULL) {
        brief_query_warn(q, "%s: the query was read as plain words", why);
        status = parse_text(q, clean, 1, &root, &why);
        if (status == BRIEF_OK && root == NULL)
            status = BRIEF_ERR_NOMEM; /* plain words always parse */
    }
    free(clean);
    if (status == BRIEF_OK)
        status = brief_query_compile(q, root);
    else
        brief_qnode_free(root);
    if (status == BRIEF_OK && (q->oom || q->warnings.oom || q->stems.oom || q->words.oom))
        status = BRIEF_ERR_NOMEM;
    if (status != BRIEF_OK) {
        brief_query_free(q);
        return status;
    }
    *out = q;
    return BRIEF_OK;
}

void brief_query_free(brief_query_t *q)
{
    if (q == NULL)
        return;
    free(q->fts);
    free(q->fts_any);
    free(q->fts_exclude);
    free(q->phrase_items);
    free(q->understood);
    free(q->category);
    brief_qlist_release(&q->warnings);
    brief_qlist_release(&q->stems);
    brief_qlist_release(&q->words);
    free(q);
}

const char *brief_query_fts(const brief_query_t *q)
{
    return q->fts;
}

const char *brief_query_fts_any(const brief_query_t *q)
{
    return q->fts_any;
}

int brief_query_item_count(const brief_query_t *q)
{
    return q->item_count;
}

const char *brief_query_phrase_items(const brief_query_t *q)
{
    return q->phrase_items;
}

const char *brief_query_fts_exclude(const brief_query_t *q)
{
    return q->fts_exclude;
}

const char *brief_query_category(const brief_query_t *q)
{
    return q->category;
}

unsigned brief_query_kinds(const brief_query_t *q)
{
    return q->kinds;
}

long brief_query_after_day(const brief_query_t *q)
{
    return q->after_day;
}

long brief_query_before_day(const brief_query_t *q)
{
    return q->before_day;
}

const char *brief_query_understood(const brief_query_t *q)
{
    return q->understood;
}

int brief_query_warning_count(const brief_query_t *q)
{
    return q->warnings.n;
}

const char *brief_query_warning(const brief_query_t *q, int i)
{
    return i >= 0 && i < q->warnings.n ? q->warnings.v[i] : NULL;
}

static const char *const empty_list[] = {NULL};

const char *const *brief_query_highlight_stems(const brief_query_t *q)
{
    return q->stems.n > 0 ? (const char *const *)q->stems.v : empty_list;
}

const char *const *brief_query_words(const brief_query_t *q)
{
    return q->words.n > 0 ? (const char *const *)q->words.v : empty_list;
}
