/* test_snippet.c - unit tests of marking stems and cutting snippets (lib/snippet.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "brief_tokenizer.h"
#include "search_internal.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Non-zero when s is well-formed UTF-8. */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                                : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return 0;
        p++;
        while (n-- > 0) {
            if ((*p & 0xC0) != 0x80)
                return 0;
            p++;
        }
    }
    return 1;
}

/* The text a mark covers. */
static char *marked(const char *s, brief_span_t m)
{
    static char buf[256];
    int n = m.end - m.start;
    assert_true(n > 0 && n < (int)sizeof buf);
    memcpy(buf, s + m.start, (size_t)n);
    buf[n] = '\0';
    return buf;
}

static void short_text_is_kept_whole(void **state)
{
    const char *t = "Chip export rules tighten.";
    brief_span_t m[] = {{5, 11}};
    char *out = NULL;
    brief_span_t *om = NULL;
    int n = 0;
    (void)state;
    assert_int_equal(brief_snippet_cut(t, (int)strlen(t), m, 1, 240, &out, &om, &n), BRIEF_OK);
    assert_string_equal(out, t);
    assert_int_equal(n, 1);
    assert_int_equal(om[0].start, 5);
    assert_int_equal(om[0].end, 11);
    free(out);
    free(om);
}

static char *long_text(void)
{
    /* 60 filler words, the word "target" at word 30, 60 more. */
    char *t = malloc(2000);
    int i;
    t[0] = '\0';
    for (i = 0; i < 120; i++)
        strcat(t, i == 60 ? "target " : "word ");
    t[strlen(t) - 1] = '\0';
    return t;
}

static void long_text_is_cut_around_the_mark_with_ellipses(void **state)
{
    char *t = long_text();
    const char *hit = strstr(t, "target");
    brief_span_t m = {(int)(hit - t), (int)(hit - t) + 6};
    char *out = NULL;
    brief_span_t *om = NULL;
    int n = 0;
    (void)state;
    assert_int_equal(brief_snippet_cut(t, (int)strlen(t), &m, 1, 100, &out, &om, &n), BRIEF_OK);
    assert_true(strncmp(out, ELLIPSIS, 3) == 0);
    assert_true(strcmp(out + strlen(out) - 3, ELLIPSIS) == 0);
    assert_true(strlen(out) <= 100 + 6);
    assert_int_equal(n, 1);
    assert_string_equal(marked(out, om[0]), "target");
    /* Cut at word boundaries: no partial "wor" at either end. */
    assert_true(strncmp(out + 3, "word", 4) == 0);
    assert_true(strncmp(out + strlen(out) - 7, "word", 4) == 0);
    free(out);
    free(om);
    free(t);
}

static void window_holds_the_densest_marks(void **state)
{
    char t[1200];
    brief_span_t m[4];
    char *out = NULL;
    brief_span_t *om = NULL;
    int n = 0, i;
    (void)state;
    memset(t, 'x', sizeof t);
    for (i = 0; i < (int)sizeof t; i += 10)
        t[i] = ' ';
    t[sizeof t - 1] = '\0';
    /* One lone mark early, three close together late. */
    m[0].start = 51, m[0].end = 54;
    m[1].start = 801, m[1].end = 804;
    m[2].start = 831, m[2].end = 834;
    m[3].start = 861, m[3].end = 864;
    assert_int_equal(brief_snippet_cut(t, (int)strlen(t), m, 4, 200, &out, &om, &n), BRIEF_OK);
    assert_int_equal(n, 3);
    for (i = 0; i < n; i++)
        assert_string_equal(marked(out, om[i]), "xxx");
    free(out);
    free(om);
}

static void window_starts_at_a_sentence_before_the_mark(void **state)
{
    char t[2000] = "";
    const char *hit;
    brief_span_t m;
    char *out = NULL;
    brief_span_t *om = NULL;
    int n = 0, i;
    (void)state;
    for (i = 0; i < 30; i++)
        strcat(t, "lorem ipsum ");
    strcat(t, "dolor. Then the target comes here");
    for (i = 0; i < 30; i++)
        strcat(t, " lorem ipsum");
    hit = strstr(t, "target");
    m.start = (int)(hit - t);
    m.end = m.start + 6;
    assert_int_equal(brief_snippet_cut(t, (int)strlen(t), &m, 1, 120, &out, &om, &n), BRIEF_OK);
    assert_true(strncmp(out, ELLIPSIS "Then the target", 3 + 15) == 0);
    assert_int_equal(n, 1);
    assert_string_equal(marked(out, om[0]), "target");
    free(out);
    free(om);
}

static void cuts_never_split_utf8_characters(void **state)
{
    char t[2000] = "";
    char *out = NULL;
    brief_span_t *om = NULL;
    brief_span_t m;
    int n = 0, i, shift;
    (void)state;
    /* No spaces at all, so no word boundary helps: only UTF-8 matters. */
    for (shift = 0; shift < 3; shift++) {
        t[0] = '\0';
        for (i = 0; i < shift; i++)
            strcat(t, "a");
        for (i = 0; i < 300; i++)
            strcat(t, "\xc3\xa9\xe2\x82\xac"); /* é€ */
        m.start = 600 + shift;
        m.end = m.start + 5;
        assert_int_equal(brief_snippet_cut(t, (int)strlen(t), &m, 1, 101, &out, &om, &n),
                         BRIEF_OK);
        assert_true(utf8_valid(out));
        assert_int_equal(n, 1);
        assert_string_equal(marked(out, om[0]), "\xc3\xa9\xe2\x82\xac");
        free(out);
        free(om);
    }
}

static void newlines_become_spaces(void **state)
{
    const char *t = "First paragraph.\n\nSecond\tparagraph.";
    char *out = NULL;
    brief_span_t *om = NULL;
    int n = 0;
    (void)state;
    assert_int_equal(brief_snippet_cut(t, (int)strlen(t), NULL, 0, 240, &out, &om, &n), BRIEF_OK);
    assert_string_equal(out, "First paragraph.  Second paragraph.");
    assert_int_equal(n, 0);
    free(out);
    free(om);
}

static void empty_text_gives_an_empty_snippet(void **state)
{
    char *out = NULL;
    brief_span_t *om = NULL;
    int n = 5;
    (void)state;
    assert_int_equal(brief_snippet_cut("", 0, NULL, 0, 240, &out, &om, &n), BRIEF_OK);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    free(out);
}

/* --- marking with the analyzer ------------------------------------------ */

typedef struct {
    sqlite3 *db;
    brief_analyzer_t *an;
} an_fixture_t;

static int an_setup(void **state)
{
    an_fixture_t *f = calloc(1, sizeof *f);
    if (f == NULL || sqlite3_open(":memory:", &f->db) != SQLITE_OK ||
        brief_tokenizer_register(f->db) != BRIEF_OK ||
        brief_analyzer_new(f->db, "english", &f->an, NULL) != BRIEF_OK)
        return -1;
    *state = f;
    return 0;
}

static int an_teardown(void **state)
{
    an_fixture_t *f = *state;
    brief_analyzer_free(f->an);
    sqlite3_close(f->db);
    free(f);
    return 0;
}

static void stemmed_variants_are_marked(void **state)
{
    an_fixture_t *f = *state;
    const char *t = "Regulators said Regulation of chips is regulating trade.";
    int n_stem = 0;
    const char *stem = brief_analyzer_stem(f->an, "regulating", 10, &n_stem);
    char stem_copy[64];
    const char *stems[3] = {stem_copy, "chip", NULL};
    brief_stemset_t *set;
    brief_spans_t marks = {NULL, 0, 0};
    unsigned char hit[2] = {0, 0};

    memcpy(stem_copy, stem, (size_t)n_stem);
    stem_copy[n_stem] = '\0';
    set = brief_stemset_new(stems);
    assert_non_null(set);
    assert_int_equal(brief_stemset_count(set), 2);
    assert_int_equal(brief_mark_text(f->an, set, t, (int)strlen(t), &marks, hit), BRIEF_OK);
    assert_int_equal(marks.n, 4);
    assert_string_equal(marked(t, marks.v[0]), "Regulators");
    assert_string_equal(marked(t, marks.v[1]), "Regulation");
    assert_string_equal(marked(t, marks.v[2]), "chips");
    assert_string_equal(marked(t, marks.v[3]), "regulating");
    assert_true(hit[0] && hit[1]);
    brief_spans_release(&marks);
    brief_stemset_free(set);
}

static void unrelated_words_are_not_marked(void **state)
{
    an_fixture_t *f = *state;
    const char *stems[] = {"vaccin", NULL};
    const char *t = "Vacation plans and vacuum cleaners.";
    brief_stemset_t *set = brief_stemset_new(stems);
    brief_spans_t marks = {NULL, 0, 0};
    unsigned char hit[1] = {0};
    assert_int_equal(brief_mark_text(f->an, set, t, (int)strlen(t), &marks, hit), BRIEF_OK);
    assert_int_equal(marks.n, 0);
    assert_false(hit[0]);
    brief_spans_release(&marks);
    brief_stemset_free(set);
}

static void duplicate_stems_are_kept_once(void **state)
{
    const char *stems[] = {"b", "a", "b", "a", "c", NULL};
    brief_stemset_t *set = brief_stemset_new(stems);
    (void)state;
    assert_int_equal(brief_stemset_count(set), 3);
    brief_stemset_free(set);
    brief_stemset_free(NULL);
}

int main(void)
{
    const struct CMUnitTest cut[] = {
        cmocka_unit_test(short_text_is_kept_whole),
        cmocka_unit_test(long_text_is_cut_around_the_mark_with_ellipses),
        cmocka_unit_test(window_holds_the_densest_marks),
        cmocka_unit_test(window_starts_at_a_sentence_before_the_mark),
        cmocka_unit_test(cuts_never_split_utf8_characters),
        cmocka_unit_test(newlines_become_spaces),
        cmocka_unit_test(empty_text_gives_an_empty_snippet),
        cmocka_unit_test(duplicate_stems_are_kept_once),
    };
    const struct CMUnitTest mark[] = {
        cmocka_unit_test(stemmed_variants_are_marked),
        cmocka_unit_test(unrelated_words_are_not_marked),
    };
    int failed = cmocka_run_group_tests_name("snippet cutting", cut, NULL, NULL);
    failed += cmocka_run_group_tests_name("snippet marking", mark, an_setup, an_teardown);
    return failed ? 1 : 0;
}
