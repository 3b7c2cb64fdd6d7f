/* test_parse_json.c - unit tests of the JSON and JSON Lines parsers (lib/parse_json.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "brief_parse.h"
#include "fixture.h"

/* Parses len bytes that must be rejected as BRIEF_ERR_PARSE; fills err. */
static void parse_bad_n(const char *buf, size_t len, brief_parse_error_t *err)
{
    brief_doc_t *doc = (brief_doc_t *)1;

    assert_int_equal(brief_parse_json(buf, len, &doc, err), BRIEF_ERR_PARSE);
    assert_null(doc);
    assert_true(err->reason[0] != '\0');
}

static void parse_bad(const char *json, brief_parse_error_t *err)
{
    parse_bad_n(json, strlen(json), err);
}

static void expect_error(const char *json, int line, int column, const char *reason)
{
    brief_parse_error_t err;

    parse_bad(json, &err);
    assert_string_equal(err.reason, reason);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
}

#define MINIMAL "\"title\":\"T\",\"published\":\"2026-05-19\""

static void a_full_briefing_fills_every_field(void **state)
{
    size_t len = 0;
    char *buf = brief_fixture_read_file("tests/data/parse/full.json", &len);
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_non_null(buf);
    assert_int_equal(brief_parse_json(buf, len, &doc, &err), BRIEF_OK);
    assert_string_equal(doc->id, "harbour-cranes-go-electric");
    assert_string_equal(doc->title, "Harbour Cranes Go Electric");
    assert_string_equal(doc->category, "ECONOMY");
    assert_string_equal(doc->published, "2026-03-04");
    assert_string_equal(doc->updated, "2026-03-05T09:15:00Z");
    assert_string_equal(doc->lang, "en");
    assert_int_equal(doc->signals, 12);
    assert_int_equal(doc->n_overview, 2);
    assert_string_equal(doc->overview[1], "Operators expect lower noise at night.");
    assert_int_equal(doc->n_analysis, 1);
    assert_string_equal(doc->analysis[0].heading, "Why the switch now");
    assert_string_equal(doc->analysis[0].body,
                        "Battery prices fell.\n\nGrid capacity at the quay was upgraded.");
    assert_int_equal(doc->n_articles, 1);
    assert_string_equal(doc->articles[0].title, "Port finishes crane overhaul");
    assert_string_equal(doc->articles[0].outlet, "Coastal Ledger");
    assert_string_equal(doc->articles[0].url, "https://example.org/cranes");
    assert_string_equal(doc->articles[0].published, "2026-03-04");
    assert_string_equal(doc->articles[0].body, "A short summary of the report.");
    assert_int_equal(doc->n_quotes, 2);
    assert_string_equal(doc->quotes[0].text, "Quieter nights at last.");
    assert_string_equal(doc->quotes[0].speaker, "Mara Lind");
    assert_string_equal(doc->quotes[0].role, "Dock worker");
    assert_int_equal(doc->quotes[0].group, BRIEF_GROUP_ANALYST);
    assert_string_equal(doc->quotes[0].date, "2026-03-04");
    assert_string_equal(doc->quotes[1].speaker, "@quaywatcher");
    assert_null(doc->quotes[1].role);
    assert_int_equal(doc->quotes[1].group, BRIEF_GROUP_CROWD);
    assert_int_equal(doc->n_timeline, 1);
    assert_string_equal(doc->timeline[0].date, "2019");
    assert_string_equal(doc->timeline[0].event, "First electric crane tested.");
    assert_int_equal(doc->n_players, 1);
    assert_string_equal(doc->players[0].name, "Port Authority");
    assert_string_equal(doc->players[0].role, "Owner of the cranes.");
    assert_int_equal(doc->n_broadcasts, 1);
    assert_string_equal(doc->broadcasts[0], "Evening harbour report");
    brief_doc_free(doc);
    free(buf);
}

static void a_minimal_briefing_leaves_optional_fields_absent(void **state)
{
    brief_doc_t *doc = brief_fixture_doc_from_json("{" MINIMAL "}");

    (void)state;
    assert_null(doc->id);
    assert_null(doc->category);
    assert_null(doc->updated);
    assert_null(doc->lang);
    assert_int_equal(doc->signals, -1);
    assert_int_equal(doc->n_overview, 0);
    assert_int_equal(doc->n_quotes, 0);
    assert_int_equal(doc->n_broadcasts, 0);
    brief_doc_free(doc);
}

static void unknown_fields_are_ignored(void **state)
{
    brief_doc_t *doc = brief_fixture_doc_from_json("{\"colour\":[1,{\"a\":null}],\"title\":\"T\","
                                "\"published\":\"2026-05-19\",\"quotes\":[{\"text\":\"q\","
                                "\"mood\":\"glad\"}],\"x\":null}");

    (void)state;
    assert_string_equal(doc->title, "T");
    assert_int_equal(doc->n_quotes, 1);
    assert_string_equal(doc->quotes[0].text, "q");
    brief_doc_free(doc);
}

static void a_byte_order_mark_is_skipped(void **state)
{
    brief_doc_t *doc = brief_fixture_doc_from_json("\xEF\xBB\xBF{" MINIMAL "}");

    (void)state;
    assert_string_equal(doc->title, "T");
    brief_doc_free(doc);
}

static void a_null_error_pointer_is_allowed(void **state)
{
    brief_doc_t *doc = NULL;

    (void)state;
    assert_int_equal(brief_parse_json("{}", 2, &doc, NULL), BRIEF_ERR_PARSE);
    assert_null(doc);
}

static void malformed_json_reports_line_and_column(void **state)
{
    (void)state;
    /* The third line lacks the ',' after the title: jansson stops at the
     * closing quote of "published", column 13. */
    expect_error("{\n  \"title\": \"T\"\n  \"published\": \"2026-05-19\"\n}", 3, 13,
                 "'}' expected near '\"published\"'");
}

static void trailing_garbage_is_rejected(void **state)
{
    (void)state;
    expect_error("{" MINIMAL "} x", 1, 40, "end of file expected near 'x'");
}

static void a_trailing_comma_is_rejected(void **state)
{
    brief_parse_error_t err;

    (void)state;
    parse_bad("{" MINIMAL ",}", &err);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 39);
}

static void duplicate_keys_are_rejected(void **state)
{
    brief_parse_error_t err;

    (void)state;
    parse_bad("{" MINIMAL ",\"title\":\"U\"}", &err);
    assert_non_null(strstr(err.reason, "duplicate object key"));
}

static void a_missing_title_is_reported_at_the_object(void **state)
{
    (void)state;
    expect_error("\n  {\"published\":\"2026-05-19\"}", 2, 3, "missing required field 'title'");
}

static void an_empty_title_is_rejected(void **state)
{
    (void)state;
    expect_error("{\"title\":\"\",\"published\":\"2026-05-19\"}", 1, 2,
                 "field 'title' must not be empty");
}

static void a_missing_published_is_rejected(void **state)
{
    (void)state;
    expect_error("{\"title\":\"T\"}", 1, 1, "missing required field 'published'");
}

static void published_must_be_a_real_iso_date(void **state)
{
    static const char *const bad[] = {
        "May 19, 2026", "2026", "2026-05", "2026-02-30", "2025-02-29", "2026-13-01",
        "2026-05-19T25:00Z", "2026-05-19T10:00+2", "2026-05-19 ", "", "26-05-19",
        "2026/05/19", "2026-05-19Z",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"title\":\"T\",\"published\":\"%s\"}", bad[i]);
        expect_error(json, 1, 14, "field 'published' is not an ISO 8601 date");
    }
}

static void published_accepts_dates_and_date_times(void **state)
{
    static const char *const good[] = {
        "2024-02-29", "2026-05-19T08:30:00Z", "2026-05-19T08:30+02:00",
        "2026-05-19 08:30:15.250-0500", "2026-05-19T23:59:60Z",
    };

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char json[128];
        brief_doc_t *doc;
        snprintf(json, sizeof json, "{\"title\":\"T\",\"published\":\"%s\"}", good[i]);
        doc = brief_fixture_doc_from_json(json);
        assert_string_equal(doc->published, good[i]);
        brief_doc_free(doc);
    }
}

/* A field with a value of the wrong type, and the reason expected. */
struct wrong_type {
    const char *fragment;
    const char *reason;
};

static void every_known_field_rejects_a_wrong_type(void **state)
{
    static const struct wrong_type cases[] = {
        {"\"id\":7", "field 'id' must be a string"},
        {"\"category\":[\"TECH\"]", "field 'category' must be a string"},
        {"\"updated\":20260519", "field 'updated' must be a string"},
        {"\"lang\":null", "field 'lang' must be a string"},
        {"\"signals\":\"31\"", "field 'signals' must be a non-negative integer"},
        {"\"signals\":true", "field 'signals' must be a non-negative integer"},
        {"\"overview\":\"one\"", "field 'overview' must be an array"},
        {"\"overview\":[\"a\",2]", "field 'overview[1]' must be a string"},
        {"\"analysis\":{}", "field 'analysis' must be an array"},
        {"\"analysis\":[\"x\"]", "field 'analysis[0]' must be an object"},
        {"\"analysis\":[{\"heading\":1}]", "field 'analysis[0].heading' must be a string"},
        {"\"analysis\":[{\"body\":false}]", "field 'analysis[0].body' must be a string"},
        {"\"articles\":[{}]", "missing required field 'articles[0].title'"},
        {"\"articles\":[{\"title\":\"a\",\"outlet\":1}]",
         "field 'articles[0].outlet' must be a string"},
        {"\"articles\":[{\"title\":\"a\",\"url\":{}}]", "field 'articles[0].url' must be a string"},
        {"\"articles\":[{\"title\":\"a\",\"published\":2026}]",
         "field 'articles[0].published' must be a string"},
        {"\"articles\":[{\"title\":\"a\",\"body\":[]}]", "field 'articles[0].body' must be a string"},
        {"\"quotes\":[{\"speaker\":\"s\"}]", "missing required field 'quotes[0].text'"},
        {"\"quotes\":[{\"text\":1}]", "field 'quotes[0].text' must be a string"},
        {"\"quotes\":[{\"text\":\"t\",\"speaker\":1}]", "field 'quotes[0].speaker' must be a string"},
        {"\"quotes\":[{\"text\":\"t\",\"role\":1}]", "field 'quotes[0].role' must be a string"},
        {"\"quotes\":[{\"text\":\"t\",\"date\":1}]", "field 'quotes[0].date' must be a string"},
        {"\"quotes\":[{\"text\":\"t\",\"group\":1}]",
         "field 'quotes[0].group' must be 'analyst' or 'crowd'"},
        {"\"timeline\":[{\"date\":2015}]", "field 'timeline[0].date' must be a string"},
        {"\"timeline\":[{\"event\":null}]", "field 'timeline[0].event' must be a string"},
        {"\"players\":[{\"name\":[]}]", "field 'players[0].name' must be a string"},
        {"\"players\":[{\"role\":0}]", "field 'players[0].role' must be a string"},
        {"\"broadcasts\":[\"t\"]", "field 'broadcasts[0]' must be an object"},
        {"\"broadcasts\":[{\"title\":5}]", "field 'broadcasts[0].title' must be a string"},
        {"\"title\":3", "field 'title' must be a string"},
        {"\"published\":20260519", "field 'published' must be a string"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[256];
        brief_parse_error_t err;
        /* The fragment goes first, so a duplicate title/published wins. */
        if (strncmp(cases[i].fragment, "\"title\"", 7) == 0)
            snprintf(json, sizeof json, "{%s,\"published\":\"2026-05-19\"}", cases[i].fragment);
        else if (strncmp(cases[i].fragment, "\"published\"", 11) == 0)
            snprintf(json, sizeof json, "{%s,\"title\":\"T\"}", cases[i].fragment);
        else
            snprintf(json, sizeof json, "{%s," MINIMAL "}", cases[i].fragment);
        parse_bad(json, &err);
        if (strcmp(err.reason, cases[i].reason) != 0)
            print_error("for %s\n", json);
        assert_string_equal(err.reason, cases[i].reason);
        assert_int_equal(err.line, 1);
    }
}

static void a_nested_error_points_at_the_offending_key(void **state)
{
    (void)state;
    expect_error("{" MINIMAL ",\n\"quotes\": [\n  {\"text\": \"a\"},\n  {\"text\": \"b\"},\n"
                 "  {\"speaker\": \"s\", \"text\": 3}\n]}",
                 5, 20, "field 'quotes[2].text' must be a string");
}

static void a_missing_nested_field_points_at_its_object(void **state)
{
    (void)state;
    expect_error("{" MINIMAL ",\n\"articles\": [{\"title\": \"a\"},\n    {\"url\": \"u\"}]}", 3,
                 5, "missing required field 'articles[1].title'");
}

/* A key written with escapes ("l\u0061ng" is "lang") is the same key to
 * jansson, so the error is located at it, not at the start of the text. */
static void an_escaped_key_is_located_like_a_plain_one(void **state)
{
    (void)state;
    expect_error("{" MINIMAL ",\n  \"l\\u0061ng\": \"EN\"}", 2, 3,
                 "field 'lang' must be a two-letter lowercase language code");
    expect_error("{" MINIMAL ",\n\"quotes\": [{\"text\": \"a\"},\n  {\"te\\u0078t\\/\": 1, "
                 "\"te\\u0078t\": 2}]}",
                 3, 22, "field 'quotes[1].text' must be a string");
}

static void an_unknown_group_is_rejected(void **state)
{
    (void)state;
    expect_error("{" MINIMAL ",\"quotes\":[{\"text\":\"t\",\"group\":\"pundit\"}]}", 1, 61,
                 "field 'quotes[0].group' must be 'analyst' or 'crowd'");
}

static void negative_signals_are_rejected(void **state)
{
    (void)state;
    expect_error("{" MINIMAL ", \"signals\": -1}", 1, 40,
                 "field 'signals' must be a non-negative integer");
}

static void fractional_signals_are_rejected(void **state)
{
    brief_parse_error_t err;

    (void)state;
    parse_bad("{" MINIMAL ",\"signals\":31.5}", &err);
    assert_string_equal(err.reason, "field 'signals' must be a non-negative integer");
}

static void integral_real_signals_count_as_integers(void **state)
{
    brief_doc_t *doc = brief_fixture_doc_from_json("{" MINIMAL ",\"signals\":31.0}");

    (void)state;
    assert_int_equal(doc->signals, 31);
    brief_doc_free(doc);
}

static void lang_must_be_two_lowercase_letters(void **state)
{
    static const char *const bad[] = {"EN", "eng", "e", "", "e1", "en-GB"};

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[128];
        snprintf(json, sizeof json, "{" MINIMAL ",\"lang\":\"%s\"}", bad[i]);
        expect_error(json, 1, 39, "field 'lang' must be a two-letter lowercase language code");
    }
}

static void id_must_have_1_to_200_characters(void **state)
{
    char json[1024];
    brief_doc_t *doc;
    brief_parse_error_t err;
    size_t n;

    (void)state;
    parse_bad("{\"id\":\"\"," MINIMAL "}", &err);
    assert_string_equal(err.reason, "field 'id' must be 1 to 200 characters long");
    /* 200 two-byte characters: 400 bytes but 200 characters, accepted. */
    n = (size_t)snprintf(json, sizeof json, "{\"id\":\"");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "\xC3\xA9");
    snprintf(json + n, sizeof json - n, "\"," MINIMAL "}");
    doc = brief_fixture_doc_from_json(json);
    assert_int_equal(strlen(doc->id), 400);
    brief_doc_free(doc);
    /* One more is too long. */
    snprintf(json + n, sizeof json - n, "x\"," MINIMAL "}");
    parse_bad(json, &err);
    assert_string_equal(err.reason, "field 'id' must be 1 to 200 characters long");
}

static void a_top_level_value_other_than_an_object_is_rejected(void **state)
{
    (void)state;
    expect_error("[{" MINIMAL "}]", 1, 1, "expected a JSON object");
    expect_error("\n  \"briefing\"", 2, 3, "expected a JSON object");
    expect_error("42", 1, 1, "expected a JSON object");
    expect_error("null", 1, 1, "expected a JSON object");
}

static void empty_input_is_rejected_with_a_clear_reason(void **state)
{
    brief_parse_error_t err;

    (void)state;
    parse_bad_n("", 0, &err);
    assert_string_equal(err.reason, "empty input");
    parse_bad_n(NULL, 0, &err);
    assert_string_equal(err.reason, "empty input");
    parse_bad(" \n\t\r\n", &err);
    assert_string_equal(err.reason, "empty input");
}

static void invalid_utf8_is_rejected(void **state)
{
    brief_parse_error_t err;

    (void)state;
    parse_bad("{\"title\":\"caf\xE9\",\"published\":\"2026-05-19\"}", &err);
    assert_non_null(strstr(err.reason, "unable to decode byte 0xe9"));
    assert_int_equal(err.line, 1);
    /* The reason itself stays valid UTF-8 without control characters. */
    for (const char *p = err.reason; *p != '\0'; p++)
        assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80);
}

static void an_escaped_nul_is_rejected(void **state)
{
    brief_parse_error_t err;

    (void)state;
    parse_bad("{\"title\":\"a\\u0000b\",\"published\":\"2026-05-19\"}", &err);
    assert_non_null(strstr(err.reason, "\\u0000 is not allowed"));
    assert_null(strstr(err.reason, "JSON_ALLOW_NUL"));
}

static void a_raw_nul_byte_is_rejected(void **state)
{
    static const char buf[] = "{\"title\":\"a\0b\",\"published\":\"2026-05-19\"}";
    brief_parse_error_t err;

    (void)state;
    parse_bad_n(buf, sizeof buf - 1, &err);
    assert_int_equal(err.line, 1);
}

static void deep_nesting_fails_cleanly(void **state)
{
    size_t depth = 100000;
    char *buf = malloc(2 * depth + 64);
    brief_parse_error_t err;
    size_t n;

    (void)state;
    assert_non_null(buf);
    n = (size_t)sprintf(buf, "{" MINIMAL ",\"x\":");
    memset(buf + n, '[', depth);
    memset(buf + n + depth, ']', depth);
    buf[n + 2 * depth] = '}';
    parse_bad_n(buf, n + 2 * depth + 1, &err);
    assert_non_null(strstr(err.reason, "depth"));
    free(buf);
}

static void binary_garbage_is_rejected_without_crashing(void **state)
{
    unsigned long x = 12345;
    char buf[512];

    (void)state;
    for (int round = 0; round < 2000; round++) {
        size_t len = 1 + (size_t)(round % (int)sizeof buf);
        brief_parse_error_t err;
        brief_doc_t *doc = NULL;
        brief_status_t rc;
        for (size_t i = 0; i < len; i++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            buf[i] = (char)(x >> 56);
        }
        if (round % 2 == 1)
            buf[0] = '{'; /* get past the first byte now and then */
        rc = brief_parse_json(buf, len, &doc, &err);
        assert_int_equal(rc, BRIEF_ERR_PARSE);
        assert_null(doc);
        assert_true(err.line >= 1 && err.column >= 1);
    }
}

static void a_twenty_megabyte_briefing_parses(void **state)
{
    size_t body = 20u * 1024 * 1024;
    const char *head = "{" MINIMAL ",\"analysis\":[{\"heading\":\"h\",\"body\":\"";
    size_t hlen = strlen(head);
    char *buf = malloc(hlen + body + 8);
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_non_null(buf);
    memcpy(buf, head, hlen);
    for (size_t i = 0; i < body; i++)
        buf[hlen + i] = (i % 7 == 6) ? ' ' : 'a';
    memcpy(buf + hlen + body, "\"}]}", 4);
    assert_int_equal(brief_parse_json(buf, hlen + body + 4, &doc, &err), BRIEF_OK);
    assert_int_equal(strlen(doc->analysis[0].body), body);
    brief_doc_free(doc);
    free(buf);
}

static void a_jsonl_line_needs_an_id(void **state)
{
    const char *line = "{" MINIMAL "}";
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_int_equal(brief_parse_jsonl_line(line, strlen(line), &doc, &err), BRIEF_ERR_PARSE);
    assert_null(doc);
    assert_string_equal(err.reason, "missing required field 'id'");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, 1);
}

static void a_jsonl_line_with_an_id_parses(void **state)
{
    const char *line = "{\"id\":\"a/b\"," MINIMAL "}\r";
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_int_equal(brief_parse_jsonl_line(line, strlen(line), &doc, &err), BRIEF_OK);
    assert_string_equal(doc->id, "a/b");
    brief_doc_free(doc);
}

static void a_jsonl_syntax_error_gives_the_column_only(void **state)
{
    const char *line = "{\"id\":\"a\" \"title\":\"T\"}";
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_int_equal(brief_parse_jsonl_line(line, strlen(line), &doc, &err), BRIEF_ERR_PARSE);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, 17);
}

static void the_format_follows_the_extension(void **state)
{
    (void)state;
    assert_int_equal(brief_format_of_path("a/b.json"), BRIEF_FORMAT_JSON);
    assert_int_equal(brief_format_of_path("B.JSON"), BRIEF_FORMAT_JSON);
    assert_int_equal(brief_format_of_path("x.jsonl"), BRIEF_FORMAT_JSONL);
    assert_int_equal(brief_format_of_path("x.Txt"), BRIEF_FORMAT_TEXT);
    assert_int_equal(brief_format_of_path("x.md"), BRIEF_FORMAT_UNKNOWN);
    assert_int_equal(brief_format_of_path("dir.json/readme"), BRIEF_FORMAT_UNKNOWN);
    assert_int_equal(brief_format_of_path(".json"), BRIEF_FORMAT_UNKNOWN);
    assert_int_equal(brief_format_of_path("x.json.bak"), BRIEF_FORMAT_UNKNOWN);
    assert_int_equal(brief_format_of_path(NULL), BRIEF_FORMAT_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_briefing_fills_every_field),
        cmocka_unit_test(a_minimal_briefing_leaves_optional_fields_absent),
        cmocka_unit_test(unknown_fields_are_ignored),
        cmocka_unit_test(a_byte_order_mark_is_skipped),
        cmocka_unit_test(a_null_error_pointer_is_allowed),
        cmocka_unit_test(malformed_json_reports_line_and_column),
        cmocka_unit_test(trailing_garbage_is_rejected),
        cmocka_unit_test(a_trailing_comma_is_rejected),
        cmocka_unit_test(duplicate_keys_are_rejected),
        cmocka_unit_test(a_missing_title_is_reported_at_the_object),
        cmocka_unit_test(an_empty_title_is_rejected),
        cmocka_unit_test(a_missing_published_is_rejected),
        cmocka_unit_test(published_must_be_a_real_iso_date),
        cmocka_unit_test(published_accepts_dates_and_date_times),
        cmocka_unit_test(every_known_field_rejects_a_wrong_type),
        cmocka_unit_test(a_nested_error_points_at_the_offending_key),
        cmocka_unit_test(a_missing_nested_field_points_at_its_object),
        cmocka_unit_test(an_escaped_key_is_located_like_a_plain_one),
        cmocka_unit_test(an_unknown_group_is_rejected),
        cmocka_unit_test(negative_signals_are_rejected),
        cmocka_unit_test(fractional_signals_are_rejected),
        cmocka_unit_test(integral_real_signals_count_as_integers),
        cmocka_unit_test(lang_must_be_two_lowercase_letters),
        cmocka_unit_test(id_must_have_1_to_200_characters),
        cmocka_unit_test(a_top_level_value_other_than_an_object_is_rejected),
        cmocka_unit_test(empty_input_is_rejected_with_a_clear_reason),
        cmocka_unit_test(invalid_utf8_is_rejected),
        cmocka_unit_test(an_escaped_nul_is_rejected),
        cmocka_unit_test(a_raw_nul_byte_is_rejected),
        cmocka_unit_test(deep_nesting_fails_cleanly),
        cmocka_unit_test(binary_garbage_is_rejected_without_crashing),
        cmocka_unit_test(a_twenty_megabyte_briefing_parses),
        cmocka_unit_test(a_jsonl_line_needs_an_id),
        cmocka_unit_test(a_jsonl_line_with_an_id_parses),
        cmocka_unit_test(a_jsonl_syntax_error_gives_the_column_only),
        cmocka_unit_test(the_format_follows_the_extension),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
