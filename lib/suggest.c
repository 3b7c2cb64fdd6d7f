/* suggest.c - "did you mean": correcting misspelt query words from the index's words table.
 *
 * A query that finds nothing gets a suggestion: each of its words that is
 * not a word of the index (the `words` table of surface words and their
 * frequencies) is replaced by the index word nearest to it by
 * Damerau-Levenshtein distance (adjacent transpositions count as one edit),
 * at most 1 edit for words of up to 4 letters and 2 for longer ones; among
 * equally near words the most frequent wins. Words the index knows are
 * kept as typed. The caller (search.c) only shows the suggestion when the
 * corrected query finds something.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"
#include "search_internal.h"

#define MAX_WORD_CP 64

/* Decodes UTF-8 into code points (invalid bytes stand for themselves). */
static int decode(const char *s, uint32_t *cp, int max)
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max) {
        uint32_t c = *p;
        int len = 1;
        if (c >= 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
            c = ((c & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
            len = 4;
        } else if (c >= 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            c = ((c & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
            len = 3;
        } else if (c >= 0xC0 && (p[1] & 0xC0) == 0x80) {
            c = ((c & 31u) << 6) | (p[1] & 63u);
            len = 2;
        }
        cp[n++] = c;
        p += len;
    }
    return n;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int brief_edit_distance(const char *a, const char *b, int max)
{
    uint32_t x[MAX_WORD_CP], y[MAX_WORD_CP];
    int d[MAX_WORD_CP + 1][MAX_WORD_CP + 1];
    int n = decode(a, x, MAX_WORD_CP), m = decode(b, y, MAX_WORD_CP), i, j;

    if (abs(n - m) > max)
        return max + 1;
    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++) {
        int row_min = max + 1;
        for (j = 1; j <= m; j++) {
            int cost = x[i - 1] == y[j - 1] ? 0 : 1;
            int v = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > max)
            return max + 1;
    }
    return d[n][m] > max ? max + 1 : d[n][m];
}

static int utf8_len(const char *s)
{
    uint32_t cp[MAX_WORD_CP];
    return decode(s, cp, MAX_WORD_CP);
}

/* The correction of one word, or NULL when it is known or nothing is near. */
static brief_status_t correct_word(sqlite3 *db, sqlite3_stmt *known, sqlite3_stmt *cands,
                                   const char *word, char **out)
{
    int len = utf8_len(word), max, best_d, rc;
    sqlite3_int64 best_f = -1;

    *out = NULL;
    if (len == 0 || len >= MAX_WORD_CP)
        return BRIEF_OK;
    sqlite3_reset(known);
    sqlite3_bind_text(known, 1, word, -1, SQLITE_STATIC);
    rc = sqlite3_step(known);
    if (rc == SQLITE_ROW)
        return BRIEF_OK;
    if (rc != SQLITE_DONE)
        return BRIEF_ERR_SQLITE;
    /* A digit string or a one-letter word is not a typo we can fix. */
    if (len < 3)
        return BRIEF_OK;
    max = len <= 4 ? 1 : 2;
    best_d = max + 1;
    sqlite3_reset(cands);
    sqlite3_bind_int(cands, 1, len - max);
    sqlite3_bind_int(cands, 2, len + max);
    while ((rc = sqlite3_step(cands)) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(cands, 0);
        sqlite3_int64 f = sqlite3_column_int64(cands, 1);
        int dist;
        if (w == NULL)
            continue;
        dist = brief_edit_distance(word, w, best_d < max + 1 ? best_d : max);
        if (dist > max)
            continue;
        if (dist < best_d || (dist == best_d && f > best_f)) {
            char *copy = brief_strdup(w);
            if (copy == NULL)
                return BRIEF_ERR_NOMEM;
            free(*out);
            *out = copy;
            best_d = dist;
            best_f = f;
        }
    }
    (void)db;
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        return rc == SQLITE_INTERRUPT ? BRIEF_ERR_LIMIT : BRIEF_ERR_SQLITE;
    }
    return BRIEF_OK;
}

/* Appends n bytes to a growing buffer. */
typedef struct {
    char *s;
    size_t n, cap;
    int nomem;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->nomem = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Case-insensitive ASCII comparison of a text span with a folded word. */
static int span_is_word(const char *t, size_t n, const char *w)
{
    size_t i;
    if (strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = t[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

brief_status_t brief_suggest_text(brief_index_t *idx, const char *text,
                                  const char *const *words, char **out)
{
    sqlite3 *db = brief_index_db(idx);
    sqlite3_stmt *known = NULL, *cands = NULL;
    brief_status_t st = BRIEF_OK;
    char **fix = NULL;
    int n = 0, i, changed = 0;
    buf_t b = {NULL, 0, 0, 0};
    const char *p;

    *out = NULL;
    if (text == NULL || words == NULL)
        return BRIEF_OK;
    while (words[n] != NULL)
        n++;
    if (n == 0)
        return BRIEF_OK;
    fix = calloc((size_t)n, sizeof *fix);
    if (fix == NULL)
        return BRIEF_ERR_NOMEM;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM words WHERE word = ?1", -1, &known, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT word, freq FROM words WHERE length(word) BETWEEN ?1 AND ?2",
                           -1, &cands, NULL) != SQLITE_OK) {
        st = BRIEF_ERR_SQLITE;
        goto done;
    }
    for (i = 0; i < n && st == BRIEF_OK; i++) {
        int j, dup = 0;
        for (j = 0; j < i; j++)
            if (strcmp(words[j], words[i]) == 0)
                dup = 1;
        if (!dup)
            st = correct_word(db, known, cands, words[i], &fix[i]);
        if (fix[i] != NULL)
            changed = 1;
    }
    if (st != BRIEF_OK || !changed)
        goto done;

    /* Rewrite the text: each run of word bytes equal (case-insensitively)
     * to a corrected word is replaced; everything else is kept as typed. */
    p = text;
    while (*p) {
        const char *q = p;
        if (!is_word_byte((unsigned char)*p)) {
            while (*q && !is_word_byte((unsigned char)*q))
                q++;
            buf_add(&b, p, (size_t)(q - p));
        } else {
            int done_word = 0;
            while (*q && is_word_byte((unsigned char)*q))
                q++;
            for (i = 0; i < n && !done_word; i++)
                if (fix[i] != NULL && span_is_word(p, (size_t)(q - p), words[i])) {
                    buf_add(&b, fix[i], strlen(fix[i]));
                    done_word = 1;
                }
            if (!done_word)
                buf_add(&b, p, (size_t)(q - p));
        }
        p = q;
    }
    if (b.nomem) {
        st = BRIEF_ERR_NOMEM;
        free(b.s);
        b.s = NULL;
    }
    if (b.s != NULL && strcmp(b.s, text) == 0) {
        free(b.s);
        b.s = NULL;
    }
    *out = b.s;

done:
    sqlite3_finalize(known);
    sqlite3_finalize(cands);
    for (i = 0; i < n; i++)
        free(fix[i]);
    free(fix);
    return st;
}
