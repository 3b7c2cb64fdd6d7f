/* test_suggest.c - unit tests of spelling suggestions (lib/suggest.c) and their use by a search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "brief_doc.h"
#include "brief_index.h"
#include "brief_search.h"
#include "fixture.h"
#include "search_fixture.h"
#include "search_internal.h"

static void distance_counts_a_transposition_as_one_edit(void **state)
{
    (void)state;
    assert_int_equal(brief_edit_distance("antrhopic", "anthropic", 2), 1);
    assert_int_equal(brief_edit_distance("pretrianing", "pretraining", 2), 1);
}

static void distance_of_equal_words_is_zero(void **state)
{
    (void)state;
    assert_int_equal(brief_edit_distance("glacier", "glacier", 2), 0);
}

static void distance_counts_insertions_deletions_substitutions(void **state)
{
    (void)state;
    assert_int_equal(brief_edit_distance("glacer", "glacier", 2), 1);
    assert_int_equal(brief_edit_distance("glaciers", "glacier", 2), 1);
    assert_int_equal(brief_edit_distance("glazier", "glacier", 2), 1);
    assert_int_equal(brief_edit_distance("gleziers", "glacier", 2), 3);
}

static void distance_stops_past_the_maximum(void **state)
{
    (void)state;
    assert_int_equal(brief_edit_distance("kitten", "sitting", 2), 3);
    assert_int_equal(brief_edit_distance("a", "abcdefgh", 2), 3);
}

static void distance_counts_code_points_not_bytes(void **state)
{
    (void)state;
    assert_int_equal(brief_edit_distance("caf\xc3\xa9", "cafe", 2), 1);
    assert_int_equal(brief_edit_distance("\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9", 2), 0);
}

/* --- on the fixture corpus ---------------------------------------------- */

static int setup(void **state)
{
    *state = brief_fixture_new_corpus("brief-suggest", "rank");
    return *state != NULL ? 0 : -1;
}

static json_t *search(brief_fixture_t *f, const char *q)
{
    brief_search_opts_t o;
    brief_search_opts_init(&o);
    o.query = q;
    return brief_fixture_search(f->idx, &o);
}

static void misspelt_words_are_corrected(void **state)
{
    brief_fixture_t *f = *state;
    const char *words[] = {"glaceir", "telemtry", NULL};
    char *out = NULL;
    assert_int_equal(brief_suggest_text(f->idx, "Glaceir telemtry", words, &out), BRIEF_OK);
    assert_non_null(out);
    assert_string_equal(out, "glacier telemetry");
    free(out);
}

static void known_words_are_kept_as_typed(void **state)
{
    brief_fixture_t *f = *state;
    const char *words[] = {"glacier", "telemtry", NULL};
    char *out = NULL;
    assert_int_equal(brief_suggest_text(f->idx, "Glacier telemtry", words, &out), BRIEF_OK);
    assert_string_equal(out, "Glacier telemetry");
    free(out);
}

static void no_suggestion_when_every_word_is_known(void **state)
{
    brief_fixture_t *f = *state;
    const char *words[] = {"glacier", "bread", NULL};
    char *out = (char *)1;
    assert_int_equal(brief_suggest_text(f->idx, "glacier bread", words, &out), BRIEF_OK);
    assert_null(out);
}

static void search_that_finds_nothing_carries_the_suggestion(void **state)
{
    json_t *a = search(*state, "desalinaton");
    assert_int_equal(json_integer_value(json_object_get(a, "total")), 0);
    assert_string_equal(json_string_value(json_object_get(a, "suggestion")), "desalination");
    json_decref(a);
}

static void suggestion_is_left_out_when_it_would_find_nothing_either(void **state)
{
    /* Both words are corrected, but no briefing has both and the
     * correction would find nothing with --all. */
    brief_fixture_t *f = *state;
    brief_search_opts_t o;
    json_t *a;
    brief_search_opts_init(&o);
    o.query = "desalinaton glaceir";
    o.all_required = 1;
    a = brief_fixture_search(f->idx, &o);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), 0);
    assert_null(json_object_get(a, "suggestion"));
    json_decref(a);
}

static void search_that_finds_something_has_no_suggestion(void **state)
{
    json_t *a = search(*state, "desalination");
    assert_true(json_integer_value(json_object_get(a, "total")) > 0);
    assert_null(json_object_get(a, "suggestion"));
    json_decref(a);
}

static void partial_results_carry_a_suggestion_that_matches_every_word(void **state)
{
    json_t *a = search(*state, "desalinaton plant");
    assert_true(json_integer_value(json_object_get(a, "total")) > 0);
    assert_int_equal(json_integer_value(json_object_get(a, "matched_all")), 0);
    assert_string_equal(json_string_value(json_object_get(a, "suggestion")), "desalination plant");
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest distance[] = {
        cmocka_unit_test(distance_counts_a_transposition_as_one_edit),
        cmocka_unit_test(distance_of_equal_words_is_zero),
        cmocka_unit_test(distance_counts_insertions_deletions_substitutions),
        cmocka_unit_test(distance_stops_past_the_maximum),
        cmocka_unit_test(distance_counts_code_points_not_bytes),
    };
    const struct CMUnitTest corpus[] = {
        cmocka_unit_test(misspelt_words_are_corrected),
        cmocka_unit_test(known_words_are_kept_as_typed),
        cmocka_unit_test(no_suggestion_when_every_word_is_known),
        cmocka_unit_test(search_that_finds_nothing_carries_the_suggestion),
        cmocka_unit_test(suggestion_is_left_out_when_it_would_find_nothing_either),
        cmocka_unit_test(search_that_finds_something_has_no_suggestion),
        cmocka_unit_test(partial_results_carry_a_suggestion_that_matches_every_word),
    };
    int failed = cmocka_run_group_tests_name("edit distance", distance, NULL, NULL);
    failed += cmocka_run_group_tests_name("suggestions", corpus, setup, brief_fixture_teardown);
    return failed ? 1 : 0;
}
