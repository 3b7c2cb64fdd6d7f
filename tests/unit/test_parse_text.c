/* test_parse_text.c - unit tests of the text export parser (lib/parse_text.c). */
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

/* The real seed lives beside the project, at ../shared when tests run from
 * the repository root (as `make check` does); BRIEF_SEED names it
 * elsewhere. Tests that need it are skipped when it is absent. Its
 * sentences are not copied here: the tests check counts, short names and
 * fragments. */
#define SEED_DEFAULT "../shared/seeds/000_487b23413f80eb5f.txt"
#define EXPORT_FIXTURE "tests/data/parse/export.txt"

static char *read_seed(size_t *len)
{
    const char *path = getenv("BRIEF_SEED");

    return brief_fixture_read_file(path != NULL && *path != '\0' ? path : SEED_DEFAULT, len);
}

static brief_doc_t *parse_ok(const char *buf, size_t len, const char *default_published)
{
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;
    brief_status_t rc = brief_parse_text(buf, len, default_published, &doc, &err);

    if (rc != BRIEF_OK)
        print_error("unexpected rejection %d:%d: %s\n", err.line, err.column, err.reason);
    assert_int_equal(rc, BRIEF_OK);
    assert_non_null(doc);
    return doc;
}

/* A per-test setup: *state is the parsed seed, or NULL when it is not
 * there (the_seed then skips the test). */
static int seed_setup(void **state)
{
    size_t len = 0;
    char *buf = read_seed(&len);

    *state = buf != NULL ? parse_ok(buf, len, NULL) : NULL;
    free(buf);
    return 0;
}

static int seed_teardown(void **state)
{
    brief_doc_free(*state);
    return 0;
}

/* The seed parsed by seed_setup, or a skip when it is not there. */
static const brief_doc_t *the_seed(void **state)
{
    if (*state == NULL)
        skip();
    return *state;
}

static void parse_bad(const char *text, const char *reason, int line)
{
    brief_parse_error_t err;
    brief_doc_t *doc = (brief_doc_t *)1;

    assert_int_equal(brief_parse_text(text, strlen(text), NULL, &doc, &err), BRIEF_ERR_PARSE);
    assert_null(doc);
    assert_string_equal(err.reason, reason);
    assert_int_equal(err.line, line);
}

/* ---- the seed ----------------------------------------------------------- */

static void the_seed_gives_title_category_signals_and_date(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_string_equal(doc->title, "Karpathy Joins Anthropic");
    assert_string_equal(doc->category, "TECH");
    assert_int_equal(doc->signals, 31);
    assert_string_equal(doc->published, "2026-05-19");
    assert_null(doc->id);
    assert_null(doc->updated);
}

static void the_seed_has_four_overview_points(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_overview, 4);
    assert_non_null(strstr(doc->overview[0], "May 19, 2026"));
    assert_true(strncmp(doc->overview[0], "Andrej Karpathy announced", 25) == 0);
    assert_true(strncmp(doc->overview[3], "The hire lands", 14) == 0);
    for (size_t i = 0; i < doc->n_overview; i++)
        assert_null(strstr(doc->overview[i], "01."));
}

static void the_seed_has_four_analysis_sections_with_paragraphs(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_analysis, 4);
    assert_true(strncmp(doc->analysis[0].heading, "Why pretraining,", 16) == 0);
    assert_true(strncmp(doc->analysis[2].heading, "The contrarian read:", 20) == 0);
    assert_true(strncmp(doc->analysis[3].heading, "Why now:", 8) == 0);
    for (size_t i = 0; i < doc->n_analysis; i++) {
        const char *gap = strstr(doc->analysis[i].body, "\n\n");
        /* Two paragraphs each: one blank line between them, none more. */
        assert_non_null(gap);
        assert_null(strstr(gap + 2, "\n\n"));
        assert_null(strchr(doc->analysis[i].heading, '\n'));
    }
    assert_true(strncmp(doc->analysis[1].body, "Karpathy is the third", 21) == 0);
}

static void the_seed_has_six_timeline_entries(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_timeline, 6);
    assert_string_equal(doc->timeline[0].date, "2015");
    assert_true(strncmp(doc->timeline[0].event, "Co-founded OpenAI", 17) == 0);
    assert_string_equal(doc->timeline[5].date, "2026-05-19");
    assert_true(strncmp(doc->timeline[5].event, "Announced on X", 14) == 0);
}

static void the_seed_has_five_players_without_the_subject(void **state)
{
    static const char *const names[] = {"Andrej Karpathy", "Anthropic", "Nick Joseph", "OpenAI",
                                         "Eureka Labs"};
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_players, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(doc->players[i].name, names[i]);
        assert_non_null(doc->players[i].role);
    }
    assert_true(strncmp(doc->players[1].role, "Hiring lab.", 11) == 0);
}

static void the_seed_cites_six_articles_without_outlets(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_articles, 6);
    assert_string_equal(doc->articles[2].title, "Andrej Karpathy joins Anthropic");
    for (size_t i = 0; i < doc->n_articles; i++) {
        assert_true(doc->articles[i].title[0] != '[');
        assert_null(doc->articles[i].outlet);
        assert_null(doc->articles[i].url);
    }
}

static void the_seed_has_three_analyst_quotes_with_speaker_and_role(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_quotes, 7);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(doc->quotes[i].group, BRIEF_GROUP_ANALYST);
        assert_non_null(doc->quotes[i].role);
        assert_true(doc->quotes[i].text[0] != '"');
        assert_true(doc->quotes[i].text[strlen(doc->quotes[i].text) - 1] != '"');
    }
    assert_string_equal(doc->quotes[0].speaker, "Anthropic leadership");
    assert_string_equal(doc->quotes[1].speaker, "PYMNTS analysis");
    assert_string_equal(doc->quotes[1].role, "Industry analyst, PYMNTS.com");
    assert_string_equal(doc->quotes[2].speaker, "Nate Herk");
}

static void the_seed_has_four_crowd_quotes_with_normalised_handles(void **state)
{
    static const char *const speakers[] = {"@karpathy", "@scaling01", "@MilkRoadAI",
                                           "u/SemanticThreader"};
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_quotes, 7);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(doc->quotes[3 + i].group, BRIEF_GROUP_CROWD);
        assert_string_equal(doc->quotes[3 + i].speaker, speakers[i]);
        assert_null(doc->quotes[3 + i].role);
    }
    assert_string_equal(doc->quotes[6].text, "Karpathy joins Anthropic");
}

static void the_seed_lists_each_broadcast_once(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    assert_int_equal(doc->n_broadcasts, 3);
    assert_string_equal(doc->broadcasts[2], "Anthropic stole Karpathy...");
    assert_string_not_equal(doc->broadcasts[0], doc->broadcasts[1]);
}

/* Every string of a document, for checks that apply to all of them. */
static void each_string(const brief_doc_t *doc, void (*check)(const char *))
{
    const char *top[] = {doc->title, doc->category};

    for (size_t i = 0; i < 2; i++)
        check(top[i]);
    for (size_t i = 0; i < doc->n_overview; i++)
        check(doc->overview[i]);
    for (size_t i = 0; i < doc->n_analysis; i++) {
        check(doc->analysis[i].heading);
        check(doc->analysis[i].body);
    }
    for (size_t i = 0; i < doc->n_articles; i++)
        check(doc->articles[i].title);
    for (size_t i = 0; i < doc->n_quotes; i++) {
        check(doc->quotes[i].text);
        check(doc->quotes[i].speaker);
        check(doc->quotes[i].role);
    }
    for (size_t i = 0; i < doc->n_timeline; i++) {
        check(doc->timeline[i].date);
        check(doc->timeline[i].event);
    }
    for (size_t i = 0; i < doc->n_players; i++) {
        check(doc->players[i].name);
        check(doc->players[i].role);
    }
    for (size_t i = 0; i < doc->n_broadcasts; i++)
        check(doc->broadcasts[i]);
}

static void check_no_layout(const char *s)
{
    static const char *const headings[] = {
        "Strategic Overview", "Deep Analysis", "Historical Context", "Power Map",
        "Key Players", "Fact Check", "Source Articles", "Analysts", "The Crowd", "Broadcast",
        "THE SIGNAL.",
    };
    static const char *const badges[] = {"AN", "NI", "OP", "EU", "AL", "Top 5", "6 cited",
                                         "2 cited", "31+", "12+", "Signals", "Subject"};

    if (s == NULL)
        return;
    for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++)
        if (strstr(s, headings[i]) != NULL)
            fail_msg("'%s' found in '%.60s'", headings[i], s);
    for (size_t i = 0; i < sizeof badges / sizeof badges[0]; i++)
        if (strcmp(s, badges[i]) == 0)
            fail_msg("badge '%s' kept as a field", s);
}

static void no_layout_word_ends_up_in_a_field_of_the_seed(void **state)
{
    const brief_doc_t *doc = the_seed(state);

    each_string(doc, check_no_layout);
}

static void the_seed_reads_the_same_with_crlf_and_a_bom(void **state)
{
    size_t len = 0, n = 3;
    char *buf = read_seed(&len), *crlf;
    brief_doc_t *a, *b;
    char *ja = NULL, *jb = NULL;

    (void)state;
    if (buf == NULL)
        skip();
    crlf = malloc(2 * len + 3);
    assert_non_null(crlf);
    memcpy(crlf, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = buf[i];
    }
    a = parse_ok(buf, len, NULL);
    b = parse_ok(crlf, n, NULL);
    assert_int_equal(brief_doc_to_json(a, &ja), BRIEF_OK);
    assert_int_equal(brief_doc_to_json(b, &jb), BRIEF_OK);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    brief_doc_free(a);
    brief_doc_free(b);
    free(crlf);
    free(buf);
}

static void the_seed_round_trips_through_json(void **state)
{
    const brief_doc_t *doc = the_seed(state);
    brief_doc_t *back;
    char *json = NULL, *again = NULL;

    assert_int_equal(brief_doc_to_json(doc, &json), BRIEF_OK);
    back = brief_fixture_doc_from_json(json);
    assert_int_equal(brief_doc_to_json(back, &again), BRIEF_OK);
    assert_string_equal(json, again);
    free(json);
    free(again);
    brief_doc_free(back);
}

static void every_prefix_of_the_seed_parses_or_fails_cleanly(void **state)
{
    size_t len = 0;
    char *buf = read_seed(&len);

    (void)state;
    if (buf == NULL)
        skip();
    for (size_t cut = 0; cut <= len; cut += 37) {
        brief_parse_error_t err;
        brief_doc_t *doc = NULL;
        brief_status_t rc = brief_parse_text(buf, cut, NULL, &doc, &err);
        /* A cut inside a UTF-8 sequence, or before any date, is an error. */
        assert_true(rc == BRIEF_OK || rc == BRIEF_ERR_PARSE);
        assert_true((rc == BRIEF_OK) == (doc != NULL));
        brief_doc_free(doc);
    }
    free(buf);
}

/* ---- an export of our own ----------------------------------------------- */

static brief_doc_t *export_doc(void)
{
    size_t len = 0;
    char *buf = brief_fixture_read_file(EXPORT_FIXTURE, &len);
    brief_doc_t *doc;

    if (buf == NULL)
        fail_msg("cannot read '%s': run the tests from the repository root", EXPORT_FIXTURE);
    doc = parse_ok(buf, len, NULL);
    free(buf);
    return doc;
}

static void an_export_with_sections_in_another_order_is_read(void **state)
{
    brief_doc_t *doc = export_doc();

    (void)state;
    assert_string_equal(doc->title, "Night Trains Return to the Alps");
    assert_string_equal(doc->category, "TRANSPORT");
    assert_int_equal(doc->signals, 12);
    assert_string_equal(doc->published, "2026-03-02");
    assert_int_equal(doc->n_overview, 2);
    assert_string_equal(doc->overview[1], "Ticket prices are meant to stay below short-haul fares.");
    assert_int_equal(doc->n_timeline, 2);
    assert_string_equal(doc->timeline[1].date, "March 2026");
    assert_string_equal(doc->timeline[1].event, "Operators signed a joint timetable.");
    assert_int_equal(doc->n_analysis, 2);
    assert_string_equal(doc->analysis[0].heading, "Why sleepers are back");
    assert_string_equal(doc->analysis[0].body,
                        "Airport slots became scarce while the tracks sat empty at night.\n\n"
                        "Carriage makers also had idle workshops after a slow year.");
    assert_string_equal(doc->analysis[1].heading, "Open questions");
    assert_int_equal(doc->n_quotes, 1);
    assert_string_equal(doc->quotes[0].text, "Finally I can sleep my way to Vienna.");
    assert_string_equal(doc->quotes[0].speaker, "@railfan_anna");
    assert_int_equal(doc->quotes[0].group, BRIEF_GROUP_CROWD);
    assert_int_equal(doc->n_players, 1);
    assert_string_equal(doc->players[0].name, "Alpine Rail Union");
    assert_string_equal(doc->players[0].role,
                        "Coordinates the timetable across the three operators.");
    assert_int_equal(doc->n_articles, 2);
    assert_string_equal(doc->articles[1].title, "Who will pay for the couchettes?");
    assert_int_equal(doc->n_broadcasts, 1);
    assert_string_equal(doc->broadcasts[0], "Rails at Night, episode 4");
    each_string(doc, check_no_layout);
    brief_doc_free(doc);
}

static void lone_carriage_returns_end_lines_too(void **state)
{
    size_t len = 0;
    char *buf = brief_fixture_read_file(EXPORT_FIXTURE, &len);
    brief_doc_t *a, *b;
    char *ja = NULL, *jb = NULL;

    (void)state;
    assert_non_null(buf);
    a = parse_ok(buf, len, NULL);
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            buf[i] = '\r';
    b = parse_ok(buf, len, NULL);
    assert_int_equal(brief_doc_to_json(a, &ja), BRIEF_OK);
    assert_int_equal(brief_doc_to_json(b, &jb), BRIEF_OK);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    brief_doc_free(a);
    brief_doc_free(b);
    free(buf);
}

static void a_default_publication_date_wins(void **state)
{
    const char *text = "Title\nNEWS\n\nOverview text of 1 May 2020.\n";
    brief_doc_t *doc = parse_ok(text, strlen(text), "2021-06-07T10:00:00Z");

    (void)state;
    assert_string_equal(doc->published, "2021-06-07T10:00:00Z");
    brief_doc_free(doc);
}

static void the_latest_full_date_in_the_text_is_the_publication_date(void **state)
{
    const char *text = "A title\n\nDeep Analysis\n\nDates\n\n"
                       "On March 3, 2024 and 2025-01-02T09:00Z, then 7 July 2025.\n"
                       "Not full: May 2026, 2027. Not real: 2026-02-30, February 30, 2026.\n"
                       "Not a date: 12026-01-01 or 2026-01-011.\n"
                       "Abbreviated: Sept. 3rd, 2025 and 9 Jul. 2025.\n";
    brief_doc_t *doc = parse_ok(text, strlen(text), NULL);

    (void)state;
    assert_string_equal(doc->published, "2025-09-03");
    assert_null(doc->category);
    brief_doc_free(doc);
}

static void a_quote_over_several_lines_is_one_quote(void **state)
{
    const char *text = "T\n\nAnalysts\n\n\"First half\nsecond half.\"\n\nSam Roe\nCritic\n"
                       "\n\xE2\x80\x9C" "All of it\n\xE2\x80\x9D\nLee Poe\n"
                       "Broadcast\nShow, 2 Jan 2026\n";
    brief_doc_t *doc = parse_ok(text, strlen(text), NULL);

    (void)state;
    assert_int_equal(doc->n_quotes, 2);
    assert_string_equal(doc->quotes[0].text, "First half second half.");
    assert_string_equal(doc->quotes[1].text, "All of it");
    assert_string_equal(doc->quotes[1].speaker, "Lee Poe");
    assert_string_equal(doc->quotes[0].speaker, "Sam Roe");
    assert_string_equal(doc->quotes[0].role, "Critic");
    assert_int_equal(doc->n_broadcasts, 1);
    brief_doc_free(doc);
}

static void an_unclosed_quote_stops_at_the_next_section(void **state)
{
    const char *text = "T\n\nThe Crowd\n\n\"never closed\n\n@@x0\n"
                       "Historical Context\n2026-01-05\nSomething happened.\n";
    brief_doc_t *doc = parse_ok(text, strlen(text), NULL);

    (void)state;
    assert_int_equal(doc->n_quotes, 1);
    assert_int_equal(doc->n_timeline, 1);
    assert_string_equal(doc->timeline[0].event, "Something happened.");
    brief_doc_free(doc);
}

static void crowd_handles_lose_the_page_prefix_and_the_count(void **state)
{
    const char *text = "T\n\nThe Crowd\n\n\"a\"\n@@plain0\n\"b\"\n@@year2024x120\n"
                       "\"c\"\n@@zero007\n\"d\"\nJane Roe\n\"e\"\n@@1\n";
    brief_doc_t *doc = parse_ok(text, strlen(text), "2026-01-01");

    (void)state;
    assert_int_equal(doc->n_quotes, 5);
    assert_string_equal(doc->quotes[0].speaker, "@plain");
    assert_string_equal(doc->quotes[1].speaker, "@year2024x");
    assert_string_equal(doc->quotes[2].speaker, "@zero00");
    assert_string_equal(doc->quotes[3].speaker, "Jane Roe");
    assert_string_equal(doc->quotes[4].speaker, "@1");
    brief_doc_free(doc);
}

static void players_without_badges_alternate_name_and_description(void **state)
{
    const char *text = "T\n\nKey Players\n\nRiver Board\n\nRuns the dams.\n\nMayor Tan\n\n"
                       "Signed the plan on 4 April 2026.\n";
    brief_doc_t *doc = parse_ok(text, strlen(text), NULL);

    (void)state;
    assert_int_equal(doc->n_players, 2);
    assert_string_equal(doc->players[0].name, "River Board");
    assert_string_equal(doc->players[0].role, "Runs the dams.");
    assert_string_equal(doc->players[1].name, "Mayor Tan");
    brief_doc_free(doc);
}

/* ---- bad input ---------------------------------------------------------- */

static void an_empty_text_has_no_title(void **state)
{
    (void)state;
    parse_bad("", "no title", 1);
    parse_bad("\n\n  \r\n\t\n", "no title", 1);
}

static void a_text_that_starts_with_a_section_has_no_title(void **state)
{
    (void)state;
    parse_bad("\n\nDeep Analysis\n\nHeading\n\nBody on 1 May 2026.\n", "no title", 3);
    parse_bad("31+\nSignals\n", "no title", 1);
}

static void a_text_without_a_date_is_rejected(void **state)
{
    (void)state;
    parse_bad("Quiet Week\nNEWS\n\nStrategic Overview\n\n• 01.\nNothing dated in 2026.\n",
              "no publication date found", 0);
}

static void invalid_utf8_is_rejected_with_its_position(void **state)
{
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;
    const char *text = "Title\nline caf\xE9 2026-01-01\n";

    (void)state;
    assert_int_equal(brief_parse_text(text, strlen(text), NULL, &doc, &err), BRIEF_ERR_PARSE);
    assert_null(doc);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 9);
    assert_string_equal(err.reason, "invalid UTF-8 byte 0xe9");
    /* Overlong forms and surrogates are not UTF-8 either. */
    assert_int_equal(brief_parse_text("T \xC0\xAF 2026-01-01", 14, NULL, &doc, &err),
                     BRIEF_ERR_PARSE);
    assert_int_equal(brief_parse_text("T \xED\xA0\x80 2026-01-01", 15, NULL, &doc, &err),
                     BRIEF_ERR_PARSE);
    assert_int_equal(brief_parse_text("T \xF0\x9F\x98", 5, NULL, &doc, &err), BRIEF_ERR_PARSE);
}

static void a_nul_byte_is_rejected(void **state)
{
    static const char text[] = "Title\n2026-01-01\0more\n";
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_int_equal(brief_parse_text(text, sizeof text - 1, NULL, &doc, &err), BRIEF_ERR_PARSE);
    assert_string_equal(err.reason, "NUL byte in text");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 11);
}

static void a_bad_default_date_is_an_invalid_argument(void **state)
{
    brief_parse_error_t err;
    brief_doc_t *doc = NULL;

    (void)state;
    assert_int_equal(brief_parse_text("T\n", 2, "2026-02-30", &doc, &err), BRIEF_ERR_INVALID);
    assert_null(doc);
    assert_int_equal(brief_parse_text("T\n", 2, "2026", &doc, &err), BRIEF_ERR_INVALID);
}

static void binary_garbage_never_crashes(void **state)
{
    unsigned long x = 99;
    char buf[700];

    (void)state;
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % (int)sizeof buf);
        brief_parse_error_t err;
        brief_doc_t *doc = NULL;
        brief_status_t rc;
        for (size_t i = 0; i < len; i++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            /* Mostly printable ASCII and line ends, now and then any byte. */
            if ((x >> 60) == 0)
                buf[i] = (char)(x >> 48);
            else
                buf[i] = "ab 1.\n\"@[]+-20Ma"[(x >> 56) % 16];
        }
        rc = brief_parse_text(buf, len, round % 3 == 0 ? "2026-01-01" : NULL, &doc, &err);
        assert_true(rc == BRIEF_OK || rc == BRIEF_ERR_PARSE);
        assert_true((rc == BRIEF_OK) == (doc != NULL));
        brief_doc_free(doc);
    }
}

/* A test of the parsed seed (seed_setup above). */
#define SEED_TEST(test) cmocka_unit_test_setup_teardown(test, seed_setup, seed_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SEED_TEST(the_seed_gives_title_category_signals_and_date),
        SEED_TEST(the_seed_has_four_overview_points),
        SEED_TEST(the_seed_has_four_analysis_sections_with_paragraphs),
        SEED_TEST(the_seed_has_six_timeline_entries),
        SEED_TEST(the_seed_has_five_players_without_the_subject),
        SEED_TEST(the_seed_cites_six_articles_without_outlets),
        SEED_TEST(the_seed_has_three_analyst_quotes_with_speaker_and_role),
        SEED_TEST(the_seed_has_four_crowd_quotes_with_normalised_handles),
        SEED_TEST(the_seed_lists_each_broadcast_once),
        SEED_TEST(no_layout_word_ends_up_in_a_field_of_the_seed),
        cmocka_unit_test(the_seed_reads_the_same_with_crlf_and_a_bom),
        SEED_TEST(the_seed_round_trips_through_json),
        cmocka_unit_test(every_prefix_of_the_seed_parses_or_fails_cleanly),
        cmocka_unit_test(an_export_with_sections_in_another_order_is_read),
        cmocka_unit_test(lone_carriage_returns_end_lines_too),
        cmocka_unit_test(a_default_publication_date_wins),
        cmocka_unit_test(the_latest_full_date_in_the_text_is_the_publication_date),
        cmocka_unit_test(a_quote_over_several_lines_is_one_quote),
        cmocka_unit_test(an_unclosed_quote_stops_at_the_next_section),
        cmocka_unit_test(crowd_handles_lose_the_page_prefix_and_the_count),
        cmocka_unit_test(players_without_badges_alternate_name_and_description),
        cmocka_unit_test(an_empty_text_has_no_title),
        cmocka_unit_test(a_text_that_starts_with_a_section_has_no_title),
        cmocka_unit_test(a_text_without_a_date_is_rejected),
        cmocka_unit_test(invalid_utf8_is_rejected_with_its_position),
        cmocka_unit_test(a_nul_byte_is_rejected),
        cmocka_unit_test(a_bad_default_date_is_an_invalid_argument),
        cmocka_unit_test(binary_garbage_never_crashes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
