/* query_lex.c - the query text cleaned (length, UTF-8, controls) and cut into tokens and filters.
 *
 * The lexer never fails on odd input. A term is a run of characters up to
 * a space, a parenthesis or a double quote; what the term holds is left to
 * the analyzer (query_fts.c), which splits it exactly as the index splits
 * text, so "AT&T" or "co-founder" become phrases there, not here. Only
 * these are syntax: "..." phrases, ( ) groups, AND OR NOT (upper case), a
 * leading + or -, a trailing *, and name: prefixes naming a field
 * (title: speaker: quote: analysis: article: outlet:) or a filter
 * (category: kind: after: before:). Filters are taken out of the text here
 * and recorded in the query; a filter value that cannot be read is put
 * back as plain text with a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "brief_doc.h"
#include "internal.h"
#include "query_internal.h"

const char *const brief_qcolumns[BRIEF_QCOLUMN_COUNT] = {
    "title", "heading", "speaker", "names", "outlet", "article", "analysis", "quote"};

#define COL(i) (1u << (i))
#define C_TITLE COL(0)
#define C_HEADING COL(1)
#define C_SPEAKER COL(2)
#define C_NAMES COL(3)
#define C_OUTLET COL(4)
#define C_ARTICLE COL(5)
#define C_ANALYSIS COL(6)
#define C_QUOTE COL(7)

const brief_qfield_t brief_qfields[] = {
    {"title", C_TITLE},
    {"speaker", C_SPEAKER},
    {"quote", C_QUOTE},
    {"analysis", C_HEADING | C_ANALYSIS},
    {"article", C_NAMES | C_ARTICLE},
    {"outlet", C_OUTLET},
    {NULL, 0}};

unsigned brief_query_kind_columns(unsigned kinds)
{
    unsigned cols = 0;

    if (kinds & BRIEF_KIND_ARTICLE)
        cols |= C_TITLE | C_NAMES | C_OUTLET | C_ARTICLE;
    if (kinds & BRIEF_KIND_ANALYSIS)
        cols |= C_HEADING | C_ANALYSIS;
    if (kinds & BRIEF_KIND_QUOTE)
        cols |= C_SPEAKER | C_QUOTE;
    return cols;
}

/* ---------------------------------------------------------------- */
/* Cleaning                                                           */

brief_status_t brief_query_clean(brief_query_t *q, const char *text, char **out)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t n = strlen((const char *)s), i = 0, o = 0;
    int bad = 0, ctl = 0;
    char *buf = malloc(n + 1);

    *out = NULL;
    if (buf == NULL)
        return BRIEF_ERR_NOMEM;
    while (i < n) {
        int len = (int)brief_utf8_seq(s + i, n - i);
        if (len == 0) {
            bad = 1;
            i++;
            continue;
        }
        if (i + (size_t)len > BRIEF_QUERY_MAX_BYTES)
            break;
        if ((len == 1 && (s[i] < 0x20 || s[i] == 0x7F)) || (len == 2 && s[i] == 0xC2 &&
                                                             s[i + 1] < 0xA0)) {
            /* C0 and C1 controls; tab, newline and return are just spaces */
            if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
                ctl = 1;
            buf[o++] = ' ';
        } else {
            memcpy(buf + o, s + i, (size_t)len);
            o += (size_t)len;
        }
        i += (size_t)len;
    }
    buf[o] = '\0';
    if (i < n)
        brief_query_warn(q, "query longer than %d bytes cut", BRIEF_QUERY_MAX_BYTES);
    if (bad)
        brief_query_warn(q, "invalid UTF-8 bytes dropped");
    if (ctl)
        brief_query_warn(q, "control characters read as spaces");
    *out = buf;
    return BRIEF_OK;
}

/* ---------------------------------------------------------------- */
/* Dates                                                              */

int brief_query_date_start(const char *s, size_t n, long *day)
{
    char text[11];

    /* brief_date_parse reads these three shapes (and date-times, which the
     * length rules out); year 0000 is no year a filter can mean */
    if (n != 4 && n != 7 && n != 10)
        return 0;
    memcpy(text, s, n);
    text[n] = '\0';
    return memcmp(text, "0000", 4) != 0 && brief_date_parse(text, day);
}

/* ---------------------------------------------------------------- */
/* Tokens                                                             */

void brief_qtoks_release(brief_qtoks_t *toks)
{
    for (int i = 0; i < toks->n; i++)
        free(toks->v[i].text);
    free(toks->v);
    toks->v = NULL;
    toks->n = toks->cap = 0;
}

static int push(brief_qtoks_t *toks, brief_qtok_type_t type, int sign, brief_qterm_kind_t kind,
                int field, const char *text, size_t n)
{
    brief_qtok_t *t;

    if (toks->n == toks->cap) {
        int cap = toks->cap ? toks->cap * 2 : 16;
        brief_qtok_t *v = realloc(toks->v, (size_t)cap * sizeof *v);
        if (v == NULL)
            return 0;
        toks->v = v;
        toks->cap = cap;
    }
    t = &toks->v[toks->n];
    memset(t, 0, sizeof *t);
    t->type = type;
    t->sign = sign;
    t->kind = kind;
    t->field = field;
    if (text != NULL) {
        t->text = malloc(n + 1);
        if (t->text == NULL)
            return 0;
        memcpy(t->text, text, n);
        t->text[n] = '\0';
    }
    toks->n++;
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int ends_term(char c)
{
    return c == '\0' || is_space(c) || c == '(' || c == ')' || c == '"';
}

static int name_is(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return 0;
    }
    return 1;
}

static int same(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

enum { F_NONE = 0, F_CATEGORY, F_KIND, F_AFTER, F_BEFORE };

static int filter_of(const char *s, size_t n)
{
    if (name_is(s, n, "category"))
        return F_CATEGORY;
    if (name_is(s, n, "kind"))
        return F_KIND;
    if (name_is(s, n, "after"))
        return F_AFTER;
    if (name_is(s, n, "before"))
        return F_BEFORE;
    return F_NONE;
}

static int field_of(const char *s, size_t n)
{
    for (int i = 0; brief_qfields[i].name != NULL; i++)
        if (name_is(s, n, brief_qfields[i].name))
            return i;
    return -1;
}

static unsigned kind_of(const char *s, size_t n)
{
    if (name_is(s, n, "article") || name_is(s, n, "articles"))
        return BRIEF_KIND_ARTICLE;
    if (name_is(s, n, "analysis") || name_is(s, n, "analyses"))
        return BRIEF_KIND_ANALYSIS;
    if (name_is(s, n, "quote") || name_is(s, n, "quotes"))
        return BRIEF_KIND_QUOTE;
    return 0;
}

/* Applies a filter; returns 0 when its value cannot be read (the caller
 * then reads the whole term as text), -1 when out of memory. */
static int apply_filter(brief_query_t *q, int filter, const char *name, size_t n_name,
                        const char *v, size_t n)
{
    long day;
    unsigned kinds = 0;

    switch (filter) {
    case F_CATEGORY: {
        size_t a = 0, b = n;
        while (a < b && is_space(v[a]))
            a++;
        while (b > a && is_space(v[b - 1]))
            b--;
        if (a == b)
            return 0;
        if (q->category != NULL) {
            brief_query_warn(q, "several category: filters, the last one is used");
            free(q->category);
        }
        q->category = malloc(b - a + 1);
        if (q->category == NULL)
            return -1;
        memcpy(q->category, v + a, b - a);
        q->category[b - a] = '\0';
        return 1;
    }
    case F_KIND: {
        size_t i = 0;
        while (i <= n) {
            size_t j = i;
            unsigned k;
            while (j < n && v[j] != ',')
                j++;
            if (j == i) { /* "kind:quote," */
                i = j + 1;
                continue;
            }
            k = kind_of(v + i, j - i);
            if (k == 0) {
                brief_query_warn(q, "unknown kind '%.*s' read as text (kinds: article, "
                                 "analysis, quote)", (int)(j - i), v + i);
                return 0;
            }
            kinds |= k;
            i = j + 1;
        }
        if (kinds == 0) {
            brief_query_warn(q, "'kind:' without a kind read as text");
            return 0;
        }
        q->kinds |= kinds;
        return 1;
    }
    case F_AFTER:
    case F_BEFORE:
        if (!brief_query_date_start(v, n, &day)) {
            brief_query_warn(q, "invalid date in '%.*s:%.*s' read as text (use YYYY, YYYY-MM "
                             "or YYYY-MM-DD)", (int)n_name, name, (int)n, v);
            return 0;
        }
        if (day < 0) { /* -1 means "no filter": days before 1970 cannot be told */
            brief_query_warn(q, "dates before 1970 are not supported: '%.*s:%.*s' read as "
                             "text", (int)n_name, name, (int)n, v);
            return 0;
        }
        if (filter == F_AFTER)
            q->after_day = day;
        else
            q->before_day = day;
        return 1;
    }
    return 0;
}

static int all_letters(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    return 1;
}

/* Finds the closing quote of a phrase opening at s[0] == '"'. */
static const char *closing_quote(const char *s)
{
    return strchr(s + 1, '"');
}

brief_status_t brief_query_lex(brief_query_t *q, const char *s, int plain, brief_qtoks_t *out)
{
    int depth = 0, skipped = 0, terms = 0;
    size_t i = 0;

    q->kinds = 0;
    q->after_day = -1;
    q->before_day = -1;
    free(q->category);
    q->category = NULL;

#define PUSH(type, sign, kind, field, text, n)                                                  \
    do {                                                                                       \
        if (!push(out, type, sign, kind, field, text, n))                                     \
            return BRIEF_ERR_NOMEM;                                                            \
    } while (0)
#define PUSH_TERM(sign, kind, field, text, n)                                                  \
    do {                                                                                       \
        if (terms == BRIEF_QUERY_MAX_TERMS) {                                                  \
            brief_query_warn(q, "query cut to %d terms", BRIEF_QUERY_MAX_TERMS);               \
            goto done;                                                                         \
        }                                                                                      \
        terms++;                                                                               \
        PUSH(BRIEF_QT_TERM, sign, kind, field, text, n);                                       \
    } while (0)

    for (;;) {
        int sign = 0;
        size_t start, end, colon;
        const char *v;
        size_t nv;
        int field, filter;

        while (is_space(s[i]))
            i++;
        if (s[i] == '\0')
            break;
        if (s[i] == '+' || s[i] == '-') {
            char next = s[i + 1];
            if (next != '\0' && !is_space(next) && next != ')' && next != s[i]) {
                sign = plain ? 0 : s[i];
                i++;
            }
        }
        if (s[i] == '(') {
            i++;
            if (plain)
                continue;
            if (depth >= BRIEF_QUERY_MAX_DEPTH) {
                brief_query_warn(q, "parentheses nested deeper than %d read as text",
                                 BRIEF_QUERY_MAX_DEPTH);
                skipped++;
                continue;
            }
            depth++;
            PUSH(BRIEF_QT_LPAREN, sign, BRIEF_QTERM_WORD, -1, NULL, 0);
            continue;
        }
        if (s[i] == ')') {
            i++;
            if (plain)
                continue;
            if (skipped > 0) {
                skipped--;
                continue;
            }
            if (depth > 0)
                depth--;
            PUSH(BRIEF_QT_RPAREN, 0, BRIEF_QTERM_WORD, -1, NULL, 0);
            continue;
        }
        if (s[i] == '"') {
            const char *close = closing_quote(s + i);
            if (close == NULL) {
                brief_query_warn(q, "unbalanced quote read as text");
                i++;
                continue;
            }
            if (close > s + i + 1)
                PUSH_TERM(sign, BRIEF_QTERM_PHRASE, -1, s + i + 1, (size_t)(close - s - i - 1));
            i = (size_t)(close - s) + 1;
            continue;
        }

        /* a term: up to a space, a parenthesis or a quote */
        start = i;
        while (!ends_term(s[i]))
            i++;
        end = i;

        if (sign == 0 && (same(s + start, end - start, "AND") ||
                          same(s + start, end - start, "OR") ||
                          same(s + start, end - start, "NOT"))) {
            if (!plain)
                PUSH(s[start] == 'A' ? BRIEF_QT_AND : s[start] == 'O' ? BRIEF_QT_OR
                                                                      : BRIEF_QT_NOT,
                     0, BRIEF_QTERM_WORD, -1, NULL, 0);
            continue;
        }

        /* name:value */
        for (colon = start; colon < end && s[colon] != ':'; colon++)
            ;
        field = -1;
        filter = F_NONE;
        v = NULL;
        nv = 0;
        if (colon < end && colon > start) {
            field = field_of(s + start, colon - start);
            filter = field < 0 ? filter_of(s + start, colon - start) : F_NONE;
            if (field >= 0 || filter != F_NONE) {
                v = s + colon + 1;
                nv = end - colon - 1;
                if (nv == 0 && s[end] == '"' && closing_quote(s + end) != NULL) {
                    const char *close = closing_quote(s + end);
                    v = s + end + 1;
                    nv = (size_t)(close - v);
                    i = (size_t)(close - s) + 1;
                    if (nv == 0) {
                        brief_query_warn(q, "empty quotes after '%.*s' ignored",
                                         (int)(colon + 1 - start), s + start);
                        continue;
                    }
                    if (field >= 0) {
                        PUSH_TERM(sign, BRIEF_QTERM_PHRASE, field, v, nv);
                        continue;
                    }
                } else if (nv == 0) {
                    brief_query_warn(q, "'%.*s' without a value read as text",
                                     (int)(colon + 1 - start), s + start);
                    field = -1;
                    filter = F_NONE;
                }
            } else if (all_letters(s + start, colon - start) && colon + 1 < end) {
                brief_query_warn(q, "unknown field '%.*s:' read as text", (int)(colon - start),
                                 s + start);
            }
        }
        if (filter != F_NONE) {
            int r = apply_filter(q, filter, s + start, colon - start, v, nv);
            if (r < 0)
                return BRIEF_ERR_NOMEM;
            if (r > 0) {
                if (sign != 0)
                    brief_query_warn(q, "'%c' before a filter ignored", sign);
                continue;
            }
            /* unreadable value: the whole term (and its quoted value) is text */
            PUSH_TERM(sign, BRIEF_QTERM_PHRASE, -1, s + start, (size_t)(v + nv - s - start));
            continue;
        }
        if (field >= 0) {
            start = colon + 1;
        }
        /* word* : a prefix of words as written */
        if (s[end - 1] == '*') {
            size_t e = end;
            while (e > start && s[e - 1] == '*')
                e--;
            if (e == start) {
                brief_query_warn(q, "'*' without a word ignored");
                continue;
            }
            PUSH_TERM(sign, BRIEF_QTERM_PREFIX, field, s + start, e - start);
            continue;
        }
        if (end > start)
            PUSH_TERM(sign, BRIEF_QTERM_WORD, field, s + start, end - start);
    }
done:
    PUSH(BRIEF_QT_END, 0, BRIEF_QTERM_WORD, -1, NULL, 0);
    return BRIEF_OK;
#undef PUSH
#undef PUSH_TERM
}
