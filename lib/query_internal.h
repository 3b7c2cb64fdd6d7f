/* query_internal.h - private interface of the query parser, grouped by the file that defines it. */
#ifndef BRIEF_QUERY_INTERNAL_H
#define BRIEF_QUERY_INTERNAL_H

#include <stddef.h>

#include "brief_index.h"
#include "brief_query.h"
#include "brief_status.h"
#include "brief_tokenizer.h"

/* Caps that bound the work one query can cause (documented in brief_query.h
 * and README): terms read, nesting of parentheses, tokens per phrase,
 * words a prefix expands to, phrases in the whole expression, warnings. */
#define BRIEF_QUERY_MAX_TERMS 64
#define BRIEF_QUERY_MAX_DEPTH 32
#define BRIEF_QUERY_MAX_PHRASE_TOKENS 32
#define BRIEF_QUERY_MAX_EXPANSIONS 64
#define BRIEF_QUERY_MAX_PHRASES 256
#define BRIEF_QUERY_MAX_WARNINGS 16

/* ---------------------------------------------------------------- */
/* query_buf.c: growable strings and string lists with a sticky OOM flag */

typedef struct {
    char *s;
    size_t len;
    size_t cap;
    int oom;
} brief_qbuf_t;

void brief_qbuf_add(brief_qbuf_t *b, const char *s, size_t n);
void brief_qbuf_puts(brief_qbuf_t *b, const char *s);
void brief_qbuf_putc(brief_qbuf_t *b, char c);
/* Appends s as an FTS5 string: "..." with every " doubled. */
void brief_qbuf_fts_string(brief_qbuf_t *b, const char *s, size_t n);
/* The NUL-terminated text (malloc'd, caller frees; "" when empty), or NULL
 * when an append failed; the buffer is emptied either way. */
char *brief_qbuf_take(brief_qbuf_t *b);
void brief_qbuf_release(brief_qbuf_t *b);

typedef struct {
    char **v; /* NULL-terminated when n > 0 */
    int n;
    int cap;
    int oom;
} brief_qlist_t;

/* Appends a copy of s[0..n); when dedupe is set an equal string already in
 * the list is not added again. */
void brief_qlist_add(brief_qlist_t *l, const char *s, size_t n, int dedupe);
int brief_qlist_has(const brief_qlist_t *l, const char *s, size_t n);
void brief_qlist_release(brief_qlist_t *l);

/* ---------------------------------------------------------------- */
/* The query object (query_parse.c builds it, the accessors read it). */

struct brief_query {
    brief_index_t *idx;
    brief_analyzer_t *an;
    int all_required;

    char *fts;
    char *fts_any;
    char *fts_exclude;
    char *phrase_items;
    char *understood;
    int item_count;

    char *category;
    unsigned kinds;
    long after_day;
    long before_day;

    brief_qlist_t warnings;
    brief_qlist_t stems;
    brief_qlist_t words;
    int oom;
};

/* Adds a warning (deduplicated, at most BRIEF_QUERY_MAX_WARNINGS). */
void brief_query_warn(brief_query_t *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- */
/* query_lex.c: cleaning the text and cutting it into tokens */

typedef enum {
    BRIEF_QT_END = 0,
    BRIEF_QT_TERM,
    BRIEF_QT_LPAREN,
    BRIEF_QT_RPAREN,
    BRIEF_QT_AND,
    BRIEF_QT_OR,
    BRIEF_QT_NOT
} brief_qtok_type_t;

typedef enum {
    BRIEF_QTERM_WORD = 0, /* a bare word */
    BRIEF_QTERM_PHRASE,   /* "quoted words" */
    BRIEF_QTERM_PREFIX    /* word* (text holds the word without '*') */
} brief_qterm_kind_t;

typedef struct {
    brief_qtok_type_t type;
    int sign;                /* '+', '-' or 0 (terms and '(') */
    brief_qterm_kind_t kind; /* terms */
    int field;               /* terms: index into the field table, -1: none */
    char *text;              /* terms: malloc'd text as typed */
} brief_qtok_t;

typedef struct {
    brief_qtok_t *v;
    int n;
    int cap;
} brief_qtoks_t;

/* A field a term can be restricted to. */
typedef struct {
    const char *name; /* as typed before ':' (lowercase) */
    unsigned cols;    /* mask of FTS columns, bit i = column i of `search` */
} brief_qfield_t;

extern const brief_qfield_t brief_qfields[];

/* Names of the FTS columns in table order (bit i of a mask). */
extern const char *const brief_qcolumns[];
#define BRIEF_QCOLUMN_COUNT 8

/* The columns holding each kind of passage (BRIEF_KIND_* mask). */
unsigned brief_query_kind_columns(unsigned kinds);

/* Copies text into *out with at most BRIEF_QUERY_MAX_BYTES bytes (cut at a
 * character boundary), invalid UTF-8 dropped and control characters made
 * spaces, warning about each. Returns BRIEF_OK or BRIEF_ERR_NOMEM. */
brief_status_t brief_query_clean(brief_query_t *q, const char *text, char **out);

/* Cuts clean text into tokens. Filters (category: kind: after: before:)
 * are recorded in q and yield no token. With plain set, operators are off:
 * AND OR NOT are dropped, parentheses are spaces, + and - signs ignored.
 * Returns BRIEF_OK or BRIEF_ERR_NOMEM. */
brief_status_t brief_query_lex(brief_query_t *q, const char *text, int plain,
                               brief_qtoks_t *out);
void brief_qtoks_release(brief_qtoks_t *toks);

/* Whether s[0..n) is a date filter value, "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD" (a valid date, year 0001 on): 1 with *day the first day it
 * covers (days since 1970, negative before), else 0. */
int brief_query_date_start(const char *s, size_t n, long *day);

/* ---------------------------------------------------------------- */
/* query_parse.c: tokens to a tree */

typedef enum { BRIEF_QN_TERM = 0, BRIEF_QN_AND, BRIEF_QN_OR } brief_qnode_type_t;

typedef struct brief_qnode {
    brief_qnode_type_t type;
    int neg; /* excluded: only as a child of an AND */
    int req; /* required top-level item (+ or explicit AND) */

    /* terms */
    brief_qterm_kind_t kind;
    int field;
    char *text;
    /* filled by brief_query_resolve: the alternatives, each a phrase of
     * folded words separated by spaces (what FTS5 gets), and its stems
     * (what the understood form shows); n_alt 0 for a prefix that expands
     * to nothing; dead set when it can never match */
    brief_qlist_t alts;
    char *shown; /* understood form of the term */
    int dead;

    /* AND / OR */
    struct brief_qnode **kids;
    int n_kids;
    int cap_kids;
} brief_qnode_t;

void brief_qnode_free(brief_qnode_t *n);
/* How many kids of an AND/OR node are not exclusions. */
int brief_qnode_positives(const brief_qnode_t *n);

/* ---------------------------------------------------------------- */
/* query_fts.c: a tree to FTS5 expressions */

/* Runs the analyzer over every term (and expands prefixes through the
 * words table), removes what yields no token, and fills q's fts, fts_any,
 * fts_exclude, phrase_items, understood, item_count, stems and words.
 * Takes root (an AND node). Returns BRIEF_OK, BRIEF_ERR_NOMEM or
 * BRIEF_ERR_SQLITE. */
brief_status_t brief_query_compile(brief_query_t *q, brief_qnode_t *root);

#endif
