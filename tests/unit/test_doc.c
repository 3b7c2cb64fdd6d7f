/* test_doc.c - unit tests of the document model and dates (lib/doc.c, lib/date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "brief_doc.h"
#include "brief_parse.h"
#include "fixture.h"

static void a_new_document_is_empty(void **state)
{
    brief_doc_t *doc = brief_doc_new();

    (void)state;
    assert_non_null(doc);
    assert_null(doc->id);
    assert_null(doc->title);
    assert_null(doc->published);
    assert_int_equal(doc->signals, -1);
    assert_int_equal(doc->n_overview, 0);
    assert_int_equal(doc->n_quotes, 0);
    assert_int_equal(doc->n_broadcasts, 0);
    brief_doc_free(doc);
}

static void freeing_null_is_harmless(void **state)
{
    (void)state;
    brief_doc_free(NULL);
}

static void full_dates_count_days_from_1970(void **state)
{
    (void)state;
    assert_int_equal(brief_date_to_day("1970-01-01"), 0);
    assert_int_equal(brief_date_to_day("2026-05-19"), 20592);
    assert_int_equal(brief_date_to_day("2000-02-29"), 11016);
    assert_int_equal(brief_date_to_day("2024-02-29"), 19782);
    assert_int_equal(brief_date_to_day("9999-12-31"), 2932896);
}

static void a_year_or_month_means_its_first_day(void **state)
{
    (void)state;
    assert_int_equal(brief_date_to_day("2026"), 20454);
    assert_int_equal(brief_date_to_day("2026-05"), 20574);
}

/* Every 31 December and 1 January from 0000 to 9999 falls in its own year:
 * the year boundaries, leap and century years included, are exact. */
static void the_year_of_a_day_inverts_the_day_of_a_date(void **state)
{
    char text[32];

    (void)state;
    assert_int_equal(brief_date_year_of_day(0), 1970);
    assert_int_equal(brief_date_year_of_day(-1), 1969);
    assert_int_equal(brief_date_year_of_day(20592), 2026);
    for (int y = 0; y <= 9999; y++) {
        snprintf(text, sizeof text, "%04d-01-01", y);
        assert_int_equal(brief_date_year_of_day(brief_date_to_day(text)), y);
        snprintf(text, sizeof text, "%04d-12-31", y);
        assert_int_equal(brief_date_year_of_day(brief_date_to_day(text)), y);
    }
}

static void a_date_time_counts_by_its_date(void **state)
{
    (void)state;
    assert_int_equal(brief_date_to_day("2026-05-19T23:59:59Z"), 20592);
    assert_int_equal(brief_date_to_day("2026-05-19T00:00+14:00"), 20592);
    assert_int_equal(brief_date_to_day("2026-05-19 08:30"), 20592);
    assert_int_equal(brief_date_to_day("2026-05-19T08:30:00.123-0700"), 20592);
}

static void bad_dates_give_minus_one(void **state)
{
    static const char *const bad[] = {
        "",           "26",          "20265",       "2026-5-19",   "2026-05-1",
        "2026-00-10", "2026-13-01",  "2026-04-31",  "2026-02-29",  "1900-02-29",
        "2026-05-00", "2026-05-32",  " 2026-05-19", "2026-05-19 ", "2026-05-19T",
        "2026-05-19T24:00", "2026-05-19T10:60", "2026-05-19T10:00:61",
        "2026-05-19T10:00:00.", "2026-05-19T10:00+25:00", "2026-05-19X",
        "2026-05T10:00", "May 19, 2026", "2026/05/19", "２０２６",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (brief_date_to_day(bad[i]) != -1)
            print_error("accepted '%s'\n", bad[i]);
        assert_int_equal(brief_date_to_day(bad[i]), -1);
        assert_int_equal(brief_date_parse(bad[i], NULL), 0);
    }
    assert_int_equal(brief_date_to_day(NULL), -1);
}

static void date_parse_tells_the_last_day_of_1969_from_failure(void **state)
{
    long day = 0;

    (void)state;
    assert_int_equal(brief_date_parse("1969-12-31", &day), 1);
    assert_int_equal(day, -1);
    assert_int_equal(brief_date_parse("0001-01-01", &day), 1);
    assert_int_equal(day, -719162);
    assert_int_equal(brief_date_parse("1969-13-31", &day), 0);
}

static void a_full_date_needs_year_month_and_day(void **state)
{
    (void)state;
    assert_int_equal(brief_date_is_full("2026-05-19"), 1);
    assert_int_equal(brief_date_is_full("2026-05-19T08:30:00Z"), 1);
    assert_int_equal(brief_date_is_full("2026-05-19 08:30"), 1);
    assert_int_equal(brief_date_is_full("2026-05"), 0);
    assert_int_equal(brief_date_is_full("2026"), 0);
    assert_int_equal(brief_date_is_full("2026-02-30"), 0);
    assert_int_equal(brief_date_is_full("2026-05-19T25:00"), 0);
    assert_int_equal(brief_date_is_full(""), 0);
    assert_int_equal(brief_date_is_full(NULL), 0);
}

static void the_day_of_a_document_is_the_later_of_published_and_updated(void **state)
{
    brief_doc_t *doc = brief_doc_new();

    (void)state;
    assert_int_equal(brief_doc_day(doc), -1);
    doc->published = strdup("2026-05-19");
    assert_int_equal(brief_doc_day(doc), 20592);
    doc->updated = strdup("2026-05-20T08:30:00Z");
    assert_int_equal(brief_doc_day(doc), 20593);
    free(doc->updated);
    doc->updated = strdup("2026-01-01");
    assert_int_equal(brief_doc_day(doc), 20592);
    free(doc->updated);
    doc->updated = strdup("yesterday");
    assert_int_equal(brief_doc_day(doc), 20592);
    free(doc->published);
    doc->published = NULL;
    assert_int_equal(brief_doc_day(doc), -1);
    brief_doc_free(doc);
    assert_int_equal(brief_doc_day(NULL), -1);
}

/* A document with every field set, built by hand. */
static brief_doc_t *full_doc(void)
{
    brief_doc_t *doc = brief_doc_new();

    assert_non_null(doc);
    doc->id = strdup("fen/peat");
    doc->title = strdup("Peat Bogs \"Rewetted\"");
    doc->category = strdup("SCIENCE");
    doc->published = strdup("2026-02-01");
    doc->updated = strdup("2026-02-02");
    doc->lang = strdup("en");
    doc->signals = 0;
    brief_fixture_add_string(&doc->overview, &doc->n_overview, "Water tables rise.");
    brief_fixture_add_string(&doc->overview, &doc->n_overview, "Caf\xC3\xA9 owners cheer.");
    brief_fixture_add_section(doc, "Carbon", "One.\n\nTwo.");
    brief_fixture_add_article(doc, "Bogs soak again", "Moor Times", "https://example.org/b",
                              "2026-01-30", "Text.");
    brief_fixture_add_quote(doc, "Wet is good.", "Ada Moss", "Ecologist", "2026-01-31",
                            BRIEF_GROUP_ANALYST);
    brief_fixture_add_quote(doc, "Squelch.", "@boots", NULL, NULL, BRIEF_GROUP_CROWD);
    brief_fixture_add_event(doc, "1990s", "Drained.");
    brief_fixture_add_player(doc, "Fen Trust", "Owner.");
    brief_fixture_add_string(&doc->broadcasts, &doc->n_broadcasts, "Bog Hour");
    return doc;
}

static const char full_json[] =
    "{\"id\":\"fen/peat\",\"title\":\"Peat Bogs \\\"Rewetted\\\"\",\"category\":\"SCIENCE\","
    "\"published\":\"2026-02-01\",\"updated\":\"2026-02-02\",\"lang\":\"en\",\"signals\":0,"
    "\"overview\":[\"Water tables rise.\",\"Caf\xC3\xA9 owners cheer.\"],"
    "\"analysis\":[{\"heading\":\"Carbon\",\"body\":\"One.\\n\\nTwo.\"}],"
    "\"articles\":[{\"title\":\"Bogs soak again\",\"outlet\":\"Moor Times\","
    "\"url\":\"https://example.org/b\",\"published\":\"2026-01-30\",\"body\":\"Text.\"}],"
    "\"quotes\":[{\"text\":\"Wet is good.\",\"speaker\":\"Ada Moss\",\"role\":\"Ecologist\","
    "\"group\":\"analyst\",\"date\":\"2026-01-31\"},"
    "{\"text\":\"Squelch.\",\"speaker\":\"@boots\",\"group\":\"crowd\"}],"
    "\"timeline\":[{\"date\":\"1990s\",\"event\":\"Drained.\"}],"
    "\"players\":[{\"name\":\"Fen Trust\",\"role\":\"Owner.\"}],"
    "\"broadcasts\":[{\"title\":\"Bog Hour\"}]}";

static void to_json_writes_every_field_in_schema_order(void **state)
{
    brief_doc_t *doc = full_doc();
    char *json = NULL;

    (void)state;
    assert_int_equal(brief_doc_to_json(doc, &json), BRIEF_OK);
    assert_string_equal(json, full_json);
    free(json);
    brief_doc_free(doc);
}

static void to_json_leaves_absent_fields_out(void **state)
{
    brief_doc_t *doc = brief_doc_new();
    char *json = NULL;

    (void)state;
    doc->title = strdup("T");
    doc->published = strdup("2026-05-19");
    brief_fixture_add_quote(doc, "q", NULL, NULL, NULL, BRIEF_GROUP_NONE);
    assert_int_equal(brief_doc_to_json(doc, &json), BRIEF_OK);
    assert_string_equal(json, "{\"title\":\"T\",\"published\":\"2026-05-19\","
                              "\"quotes\":[{\"text\":\"q\"}]}");
    free(json);
    brief_doc_free(doc);
}

static void to_json_round_trips_through_the_json_parser(void **state)
{
    brief_doc_t *doc = full_doc(), *back;
    char *json = NULL, *again = NULL;

    (void)state;
    assert_int_equal(brief_doc_to_json(doc, &json), BRIEF_OK);
    back = brief_fixture_doc_from_json(json);
    assert_int_equal(back->signals, 0);
    assert_int_equal(back->quotes[1].group, BRIEF_GROUP_CROWD);
    assert_string_equal(back->overview[1], doc->overview[1]);
    assert_int_equal(brief_doc_to_json(back, &again), BRIEF_OK);
    assert_string_equal(again, json);
    free(json);
    free(again);
    brief_doc_free(back);
    brief_doc_free(doc);
}

static void a_parsed_file_comes_back_in_canonical_form(void **state)
{
    const char *pretty = "{ \"published\" : \"2026-02-01\",\n  \"extra\": [1],\n"
                         "  \"signals\": 3, \"title\": \"T\" }";
    brief_doc_t *doc;
    char *json = NULL;

    (void)state;
    doc = brief_fixture_doc_from_json(pretty);
    assert_int_equal(brief_doc_to_json(doc, &json), BRIEF_OK);
    assert_string_equal(json, "{\"title\":\"T\",\"published\":\"2026-02-01\",\"signals\":3}");
    free(json);
    brief_doc_free(doc);
}

static void to_json_refuses_invalid_utf8(void **state)
{
    brief_doc_t *doc = brief_doc_new();
    char *json = (char *)1;

    (void)state;
    doc->title = strdup("bad \xFF byte");
    doc->published = strdup("2026-05-19");
    assert_int_equal(brief_doc_to_json(doc, &json), BRIEF_ERR_INVALID);
    assert_null(json);
    assert_int_equal(brief_doc_to_json(NULL, &json), BRIEF_ERR_INVALID);
    brief_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_document_is_empty),
        cmocka_unit_test(freeing_null_is_harmless),
        cmocka_unit_test(full_dates_count_days_from_1970),
        cmocka_unit_test(a_year_or_month_means_its_first_day),
        cmocka_unit_test(the_year_of_a_day_inverts_the_day_of_a_date),
        cmocka_unit_test(a_date_time_counts_by_its_date),
        cmocka_unit_test(bad_dates_give_minus_one),
        cmocka_unit_test(date_parse_tells_the_last_day_of_1969_from_failure),
        cmocka_unit_test(a_full_date_needs_year_month_and_day),
        cmocka_unit_test(the_day_of_a_document_is_the_later_of_published_and_updated),
        cmocka_unit_test(to_json_writes_every_field_in_schema_order),
        cmocka_unit_test(to_json_leaves_absent_fields_out),
        cmocka_unit_test(to_json_round_trips_through_the_json_parser),
        cmocka_unit_test(a_parsed_file_comes_back_in_canonical_form),
        cmocka_unit_test(to_json_refuses_invalid_utf8),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
