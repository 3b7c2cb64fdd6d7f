/* snippet.c - marking the query's stems in text and cutting snippet windows around the marks.
 *
 * Highlighting does not ask FTS5 where it matched: the passages of a result
 * are run through the index's own analyzer (brief_index_analyzer), and a
 * token is marked when its stem is one of the query's highlight stems. So
 * "regulating" in the query marks "regulation", "regulators" and
 * "Regulations" alike, exactly the words that made the briefing match.
 *
 * A snippet is a window of about BRIEF_SNIPPET_WIDTH bytes: the window that
 * starts BRIEF_SNIPPET_LEAD bytes before some mark and holds the most marks
 * wins (the earliest on a tie). Its start moves to the start of a sentence
 * when one begins before the first mark, else to the next word within 20
 * bytes; its end moves back to a word boundary within 20 bytes. Cuts never
 * split a UTF-8 sequence, and "…" stands for cut text.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search_internal.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define ELLIPSIS_LEN 3
#define BOUNDARY_SLACK 20

struct brief_stemset {
    char **stems; /* sorted, unique */
    int n;
    unsigned char first[256]; /* the stems' first bytes */
};

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

brief_stemset_t *brief_stemset_new(const char *const *stems)
{
    brief_stemset_t *set = calloc(1, sizeof *set);
    int n = 0, i, j;

    if (set == NULL)
        return NULL;
    while (stems != NULL && stems[n] != NULL)
        n++;
    set->stems = calloc((size_t)n + 1, sizeof *set->stems);
    if (set->stems == NULL) {
        free(set);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        set->stems[i] = brief_strdup(stems[i]);
        if (set->stems[i] == NULL) {
            set->n = i;
            brief_stemset_free(set);
            return NULL;
        }
    }
    qsort(set->stems, (size_t)n, sizeof *set->stems, str_cmp);
    for (i = 0, j = 0; i < n; i++) {
        if (j > 0 && strcmp(set->stems[j - 1], set->stems[i]) == 0) {
            free(set->stems[i]);
            continue;
        }
        set->stems[j++] = set->stems[i];
    }
    set->n = j;
    for (i = 0; i < j; i++)
        set->first[(unsigned char)set->stems[i][0]] = 1;
    return set;
}

void brief_stemset_free(brief_stemset_t *set)
{
    int i;
    if (set == NULL)
        return;
    for (i = 0; i < set->n; i++)
        free(set->stems[i]);
    free(set->stems);
    free(set);
}

int brief_stemset_count(const brief_stemset_t *set)
{
    return set ? set->n : 0;
}

/* Index of the stem in the set, or -1. */
static int stemset_find(const brief_stemset_t *set, const char *stem, int n_stem)
{
    int lo = 0, hi = set->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const char *s = set->stems[mid];
        int c = strncmp(s, stem, (size_t)n_stem);
        if (c == 0 && s[n_stem] != '\0')
            c = 1;
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

void brief_spans_release(brief_spans_t *s)
{
    if (s == NULL)
        return;
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static int spans_push(brief_spans_t *s, int start, int end)
{
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        brief_span_t *v = realloc(s->v, sizeof *v * (size_t)cap);
        if (v == NULL)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].start = start;
    s->v[s->n].end = end;
    s->n++;
    return 0;
}

typedef struct {
    const brief_stemset_t *set;
    brief_spans_t *marks;
    unsigned char *hit;
    int nomem;
} mark_ctx_t;

static int mark_token(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                      int start, int end)
{
    mark_ctx_t *m = ctx;
    int i;
    (void)word;
    (void)n_word;
    i = stemset_find(m->set, stem, n_stem);
    if (i < 0)
        return 0;
    if (m->hit != NULL)
        m->hit[i] = 1;
    if (m->marks != NULL) {
        /* Tokens come in order; merge a token that touches the last mark. */
        if (m->marks->n > 0 && m->marks->v[m->marks->n - 1].end >= start) {
            if (end > m->marks->v[m->marks->n - 1].end)
                m->marks->v[m->marks->n - 1].end = end;
        } else if (spans_push(m->marks, start, end) != 0) {
            m->nomem = 1;
            return 1;
        }
    }
    return 0;
}

brief_status_t brief_mark_text(brief_analyzer_t *an, const brief_stemset_t *set,
                               const char *text, int n_text, brief_spans_t *marks,
                               unsigned char *hit)
{
    mark_ctx_t m;
    brief_status_t st;

    if (text == NULL || n_text <= 0 || set == NULL || set->n == 0)
        return BRIEF_OK;
    if (an == NULL)
        return BRIEF_ERR_NOMEM;
    m.set = set;
    m.marks = marks;
    m.hit = hit;
    m.nomem = 0;
    st = brief_analyzer_run_some(an, text, n_text, set->first, mark_token, &m);
    if (m.nomem)
        return BRIEF_ERR_NOMEM;
    return st == BRIEF_ERR_LIMIT ? BRIEF_OK : st;
}

/* Moves i back to the start of the UTF-8 sequence it is in. */
static int utf8_back(const char *t, int i)
{
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
        i--;
    return i;
}

static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

brief_status_t brief_snippet_cut(const char *text, int n_text, const brief_span_t *marks,
                                 int n_marks, int width, char **out, brief_span_t **out_marks,
                                 int *n_out)
{
    int best = 0, best_count = -1, i, j, start, end, k, pos, n_in = 0;
    char *s;
    brief_span_t *om = NULL;

    *out = NULL;
    *out_marks = NULL;
    *n_out = 0;
    if (text == NULL)
        n_text = 0;
    if (width < 16)
        width = 16;

    if (n_text <= width) {
        start = 0;
        end = n_text;
    } else {
        /* The window starting BRIEF_SNIPPET_LEAD before mark i holding most marks. */
        for (i = 0; i < n_marks; i++) {
            int ws = marks[i].start - BRIEF_SNIPPET_LEAD, count = 0;
            if (ws < 0)
                ws = 0;
            for (j = i; j < n_marks && marks[j].end <= ws + width; j++)
                count++;
            if (count > best_count) {
                best_count = count;
                best = ws;
            }
        }
        start = n_marks > 0 ? best : 0;
        if (start + width > n_text)
            start = n_text - width;
        if (start < 0)
            start = 0;
        end = start + width;
        if (end > n_text)
            end = n_text;
        /* Word boundaries: start after a space, end at a space, when near. */
        if (start > 0) {
            int limit = start + BOUNDARY_SLACK;
            int first_mark = n_marks > 0 ? marks[0].start : n_text;
            for (k = 0; k < n_marks; k++)
                if (marks[k].start >= start) {
                    first_mark = marks[k].start;
                    break;
                }
            int sentence = -1;
            /* A sentence that starts before the first mark is the best
             * start; else the next word. */
            for (k = start; k + 1 < n_text && k < first_mark; k++)
                if ((text[k] == '.' || text[k] == '?' || text[k] == '!' || text[k] == '\n') &&
                    is_space(text[k + 1])) {
                    sentence = k + 1;
                    break;
                }
            if (sentence > start) {
                start = sentence;
            } else {
                for (k = start; k < limit && k < n_text && k <= first_mark; k++)
                    if (is_space(text[k - 1]) && !is_space(text[k])) {
                        start = k;
                        break;
                    }
            }
        }
        end = start + width;
        if (end > n_text)
            end = n_text;
        if (end < n_text) {
            int last_mark_end = 0;
            for (k = 0; k < n_marks; k++)
                if (marks[k].start >= start && marks[k].end <= end)
                    last_mark_end = marks[k].end;
            for (k = end; k > end - BOUNDARY_SLACK && k > start && k >= last_mark_end; k--)
                if (is_space(text[k])) {
                    end = k;
                    break;
                }
        }
        start = utf8_back(text, start);
        if (end < n_text)
            end = utf8_back(text, end);
    }
    /* Trim white space at the ends of the window. */
    while (start < end && is_space(text[start]))
        start++;
    while (end > start && is_space(text[end - 1]))
        end--;

    s = malloc((size_t)(end - start) + 2 * ELLIPSIS_LEN + 1);
    if (s == NULL)
        return BRIEF_ERR_NOMEM;
    pos = 0;
    if (start > 0) {
        memcpy(s, ELLIPSIS, ELLIPSIS_LEN);
        pos = ELLIPSIS_LEN;
    }
    for (k = start; k < end; k++) {
        unsigned char c = (unsigned char)text[k];
        s[pos++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    if (end < n_text) {
        memcpy(s + pos, ELLIPSIS, ELLIPSIS_LEN);
        pos += ELLIPSIS_LEN;
    }
    s[pos] = '\0';

    for (k = 0; k < n_marks; k++)
        if (marks[k].start >= start && marks[k].end <= end)
            n_in++;
    if (n_in > 0) {
        int shift = (start > 0 ? ELLIPSIS_LEN : 0) - start;
        om = malloc(sizeof *om * (size_t)n_in);
        if (om == NULL) {
            free(s);
            return BRIEF_ERR_NOMEM;
        }
        n_in = 0;
        for (k = 0; k < n_marks; k++)
            if (marks[k].start >= start && marks[k].end <= end) {
                om[n_in].start = marks[k].start + shift;
                om[n_in].end = marks[k].end + shift;
                n_in++;
            }
    }
    *out = s;
    *out_marks = om;
    *n_out = n_in;
    return BRIEF_OK;
}
