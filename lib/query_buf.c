/* query_buf.c - growable strings and string lists for the query parser, with a sticky OOM flag. */
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

static int qbuf_grow(brief_qbuf_t *b, size_t more)
{
    size_t want, cap;
    char *s;

    if (b->oom)
        return 0;
    want = b->len + more + 1;
    if (want <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    s = realloc(b->s, cap);
    if (s == NULL) {
        b->oom = 1;
        return 0;
    }
    b->s = s;
    b->cap = cap;
    return 1;
}

void brief_qbuf_add(brief_qbuf_t *b, const char *s, size_t n)
{
    if (!qbuf_grow(b, n))
        return;
    if (n > 0)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void brief_qbuf_puts(brief_qbuf_t *b, const char *s)
{
    brief_qbuf_add(b, s, strlen(s));
}

void brief_qbuf_putc(brief_qbuf_t *b, char c)
{
    brief_qbuf_add(b, &c, 1);
}

void brief_qbuf_fts_string(brief_qbuf_t *b, const char *s, size_t n)
{
    size_t i, from = 0;

    brief_qbuf_putc(b, '"');
    for (i = 0; i < n; i++) {
        if (s[i] == '"') {
            brief_qbuf_add(b, s + from, i + 1 - from);
            brief_qbuf_putc(b, '"');
            from = i + 1;
        }
    }
    brief_qbuf_add(b, s + from, n - from);
    brief_qbuf_putc(b, '"');
}

char *brief_qbuf_take(brief_qbuf_t *b)
{
    char *s = b->s;

    if (b->oom) {
        free(s);
        s = NULL;
    } else if (s == NULL) {
        s = calloc(1, 1);
    }
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

void brief_qbuf_release(brief_qbuf_t *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

int brief_qlist_has(const brief_qlist_t *l, const char *s, size_t n)
{
    for (int i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
            return 1;
    return 0;
}

void brief_qlist_add(brief_qlist_t *l, const char *s, size_t n, int dedupe)
{
    char *copy;

    if (l->oom || (dedupe && brief_qlist_has(l, s, n)))
        return;
    if (l->n + 2 > l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (v == NULL) {
            l->oom = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    copy = malloc(n + 1);
    if (copy == NULL) {
        l->oom = 1;
        return;
    }
    if (n > 0)
        memcpy(copy, s, n);
    copy[n] = '\0';
    l->v[l->n++] = copy;
    l->v[l->n] = NULL;
}

void brief_qlist_release(brief_qlist_t *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
    l->oom = 0;
}
