/* test_query.c - unit tests of the query language and its FTS5 translation (lib/query_*.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "brief_index.h"
#include "brief_query.h"
#include "fixture.h"
#include "query_internal.h"

/* --- fixture: a new index holding three briefings and a word list ------- */

/* Three briefings written straight into briefings + search (external
 * content), so matching is tested without the indexer. */
static const char fixture_sql[] =
    "INSERT INTO briefings(docid, id, path, hash, category, published, day, title,"
    " heading, speaker, names, outlet, article, analysis, quote) VALUES"
    " (1, 'one', 'one.json', 'h1', 'TECH', '2024-03-01', 19783, 'Anthropic faces regulation',"
    "  'What next', 'Jane Doe', 'Key players', 'Reuters',"
    "  'Regulators met the co-founder; AT&T declined', 'The rules may change',"
    "  'Export control rules matter'),"
    " (2, 'two', 'two.json', 'h2', 'FIN', '2025-06-01', 20240, 'Tax evasion probe',"
    "  'Evasive answers', 'John Roe', NULL, 'Le Monde',"
    "  'The probe said little', 'Evasive answers from the ministry', 'We deny it'),"
    " (3, 'three', 'three.json', 'h3', 'TECH', '2026-05-10', 20583, 'Chips',"
    "  NULL, 'Jane Doe', NULL, NULL, 'A story about chips', NULL,"
    "  'Regulating chips is hard');"
    "INSERT INTO search(rowid, title, heading, speaker, names, outlet, article, analysis,"
    " quote) SELECT docid, title, heading, speaker, names, outlet, article, analysis, quote"
    " FROM briefings;"
    "INSERT INTO words(word, freq) VALUES ('evasion', 5), ('evasive', 3), ('evasions', 1),"
    " ('regulation', 9), ('regulators', 4), ('regulating', 2), ('regularly', 1),"
    " ('anthropic', 3), ('export', 2), ('control', 2), ('chips', 2),"
    " ('п', 1), ('р', 1), ('по', 1), ('пр', 2), ('при', 3), ('пс', 1);";

static int setup(void **state)
{
    brief_fixture_t *f = brief_fixture_new_index("brief-query");
    char *err = NULL;

    if (f == NULL)
        return -1;
    if (sqlite3_exec(f->db, fixture_sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fixture: %s\n", err ? err : "?");
        sqlite3_free(err);
        brief_fixture_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* --- helpers ------------------------------------------------------------- */

static brief_query_t *parse(brief_fixture_t *f, const char *text, int all)
{
    brief_query_t *q = NULL;

    assert_int_equal(brief_query_parse(f->idx, text, all, &q), BRIEF_OK);
    assert_non_null(q);
    assert_non_null(brief_query_understood(q));
    return q;
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (want == NULL) {
        if (got != NULL)
            fail_msg("expected NULL, got '%s'", got);
        return;
    }
    if (got == NULL)
        fail_msg("expected '%s', got NULL", want);
    assert_string_equal(got, want);
}

/* Parses text and checks fts, fts_any, phrase_items and understood. */
static void check(brief_fixture_t *f, const char *text, int all, const char *fts, const char *any,
                  const char *map, const char *understood)
{
    brief_query_t *q = parse(f, text, all);

    assert_str_or_null(brief_query_fts(q), fts);
    assert_str_or_null(brief_query_fts_any(q), any);
    assert_str_or_null(brief_query_phrase_items(q), map);
    assert_str_or_null(brief_query_understood(q), understood);
    brief_query_free(q);
}

/* Number of briefings an FTS5 expression matches; fails on any SQLite
 * error, such as "fts5: syntax error". */
static int count(brief_fixture_t *f, const char *expr)
{
    return (int)brief_fixture_matches(f->db, "search", expr);
}

/* Briefings matched by a query's strict expression (-1 when it has none). */
static int count_query(brief_fixture_t *f, const char *text)
{
    brief_query_t *q = parse(f, text, 0);
    int n = brief_query_fts(q) ? count(f, brief_query_fts(q)) : -1;

    brief_query_free(q);
    return n;
}

static int has_warning(const brief_query_t *q, const char *part)
{
    for (int i = 0; i < brief_query_warning_count(q); i++)
        if (strstr(brief_query_warning(q, i), part) != NULL)
            return 1;
    return 0;
}

static int list_has(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int list_len(const char *const *list)
{
    int n = 0;

    while (list[n] != NULL)
        n++;
    return n;
}

/* --- an FTS5 auxiliary function that reports phrase sizes ---------------- */

/* test_phrase_sizes(search): "n0 n1 ..." the number of tokens of each
 * phrase of the MATCH expression, in FTS5's numbering. */
static void phrase_sizes(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                         int n_val, sqlite3_value **val)
{
    char out[4096];
    size_t len = 0;
    int n = api->xPhraseCount(fts);

    (void)n_val;
    (void)val;
    out[0] = '\0';
    for (int i = 0; i < n && len + 16 < sizeof out; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%d", i ? " " : "",
                                api->xPhraseSize(fts, i));
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

static void register_phrase_sizes(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    assert_non_null(api);
    assert_int_equal(api->xCreateFunction(api, "test_phrase_sizes", NULL, phrase_sizes, NULL),
                     SQLITE_OK);
}

/* The phrase sizes FTS5 reports for the first row expr matches (malloc'd),
 * or NULL when no row matches. */
static char *sizes_of(brief_fixture_t *f, const char *expr)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;

    assert_int_equal(sqlite3_prepare_v2(f->db,
                                        "SELECT test_phrase_sizes(search) FROM search"
                                        " WHERE search MATCH ? LIMIT 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static int map_len(const char *map)
{
    int n = 0;

    for (const char *p = map; *p; p++)
        if (*p != ' ' && (p == map || p[-1] == ' '))
            n++;
    return n;
}

/* --- words, phrases, stemming ------------------------------------------- */

static void bare_words_are_quoted_and_shown_as_stems(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;

    check(f, "regulating anthropic", 0, "\"regulating\" AND \"anthropic\"",
          "\"regulating\" OR \"anthropic\"", "0 1", "regul AND anthrop");
    q = parse(f, "Regulating ANTHROPIC", 0);
    assert_int_equal(brief_query_item_count(q), 2);
    assert_true(list_has(brief_query_highlight_stems(q), "regul"));
    assert_true(list_has(brief_query_highlight_stems(q), "anthrop"));
    assert_string_equal(brief_query_words(q)[0], "regulating");
    assert_string_equal(brief_query_words(q)[1], "anthropic");
    assert_null(brief_query_words(q)[2]);
    assert_int_equal(brief_query_warning_count(q), 0);
    brief_query_free(q);
}

static void stemming_finds_other_forms_of_a_word(void **state)
{
    brief_fixture_t *f = *state;

    /* regulation (1), regulators (1) and regulating (3) share the stem regul */
    assert_int_equal(count_query(f, "regulating"), 2);
    assert_int_equal(count_query(f, "regulator"), 2);
    assert_int_equal(count_query(f, "evasions"), 1);
}

static void a_single_word_has_no_relaxed_expression(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "anthropic", 0, "\"anthropic\"", NULL, "0", "anthrop");
    check(f, "", 0, NULL, NULL, NULL, "");
    check(f, "   ", 0, NULL, NULL, NULL, "");
}

static void all_required_makes_every_item_required(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;

    check(f, "regulating anthropic", 1, "\"regulating\" AND \"anthropic\"", NULL, "-1 -1",
          "regul AND anthrop");
    q = parse(f, "a b c", 1);
    assert_int_equal(brief_query_item_count(q), 0);
    brief_query_free(q);
}

static void plus_and_explicit_and_make_items_required(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "+must optional other", 0, "\"must\" AND \"optional\" AND \"other\"",
          "\"must\" AND (\"optional\" OR \"other\")", "-1 0 1", "+must AND option AND other");
    /* required items are written first, whatever the order typed */
    check(f, "optional other +must", 0, "\"must\" AND \"optional\" AND \"other\"",
          "\"must\" AND (\"optional\" OR \"other\")", "-1 0 1", "option AND other AND +must");
    check(f, "a AND b c d", 0, "\"a\" AND \"b\" AND \"c\" AND \"d\"",
          "\"a\" AND \"b\" AND (\"c\" OR \"d\")", "-1 -1 0 1", "a AND b AND c AND d");
}

static void quoted_phrases_stay_phrases(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "\"export control\"", 0, "\"export control\"", NULL, "0", "\"export control\"");
    check(f, "\"Export Controls\" chips", 0, "\"export controls\" AND \"chips\"",
          "\"export controls\" OR \"chips\"", "0 1", "\"export control\" AND chip");
    assert_int_equal(count_query(f, "\"export controls\""), 1);
    assert_int_equal(count_query(f, "\"control export\""), 0);
}

static void punctuation_inside_words_makes_phrases(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "C++", 0, "\"c\"", NULL, "0", "c");
    check(f, "AT&T", 0, "\"at t\"", NULL, "0", "\"at t\"");
    check(f, "co-founder", 0, "\"co founder\"", NULL, "0", "\"co founder\"");
    assert_int_equal(count_query(f, "co-founder"), 1);
    assert_int_equal(count_query(f, "\"co founder\""), 1);
    assert_int_equal(count_query(f, "AT&T"), 1);
}

static void fts_strings_double_quotes(void **state)
{
    brief_qbuf_t b = {0};
    char *s;

    (void)state;
    brief_qbuf_fts_string(&b, "a\"b\"\"", 5);
    s = brief_qbuf_take(&b);
    assert_string_equal(s, "\"a\"\"b\"\"\"\"\"");
    free(s);
}

/* --- prefixes ------------------------------------------------------------ */

static void a_prefix_expands_through_the_word_list(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;

    /* evasion, evasive and evasions all stem to "evas": kept once, as the
     * most frequent word; FTS5 stems "evasion" itself */
    check(f, "evasi*", 0, "\"evasion\"", NULL, "0", "evasi*");
    assert_int_equal(count_query(f, "evasi*"), 1);
    check(f, "regul*", 0, "(\"regulation\" OR \"regularly\")", NULL, "0 0", "regul*");
    assert_int_equal(count_query(f, "regul*"), 2);
    q = parse(f, "regul*", 0);
    assert_true(list_has(brief_query_highlight_stems(q), "regul"));
    assert_true(list_has(brief_query_highlight_stems(q), "regular"));
    assert_null(brief_query_words(q)[0]); /* prefixes are no words to correct */
    brief_query_free(q);
    /* a prefix is of words as written, case folded */
    check(f, "EVASI*", 0, "\"evasion\"", NULL, "0", "evasi*");
}

static void a_prefix_range_is_exact_in_utf8(void **state)
{
    brief_fixture_t *f = *state;

    /* "п" is D0 BF: its bound is D0 C0, above "по" and below "р" (D1 80) */
    check(f, "п*", 0, "(\"при\" OR \"пр\" OR \"п\" OR \"по\" OR \"пс\")", NULL,
          "0 0 0 0 0", "п*");
    /* "пр" ends in 80: its bound "пс" (.. D1 81) is left out */
    check(f, "пр*", 0, "(\"при\" OR \"пр\")", NULL, "0 0", "пр*");
}

static void a_prefix_matching_no_word_matches_nothing(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q = parse(f, "zzz*", 0);

    assert_string_equal(brief_query_fts(q), "(\"zzz\" NOT \"zzz\")");
    assert_string_equal(brief_query_phrase_items(q), "-1 -1");
    assert_true(has_warning(q, "'zzz*' matches no word"));
    assert_int_equal(count(f, brief_query_fts(q)), 0);
    brief_query_free(q);
    q = parse(f, "anthropic zzz*", 0);
    assert_string_equal(brief_query_fts(q), "\"anthropic\" AND (\"zzz\" NOT \"zzz\")");
    assert_string_equal(brief_query_fts_any(q), "\"anthropic\" OR (\"zzz\" NOT \"zzz\")");
    assert_string_equal(brief_query_phrase_items(q), "0 -1 -1");
    assert_int_equal(count(f, brief_query_fts(q)), 0);
    assert_int_equal(count(f, brief_query_fts_any(q)), 1);
    brief_query_free(q);
}

static void a_prefix_after_other_words_keeps_them(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "tax-evasi*", 0, "\"tax evasion\"", NULL, "0", "\"tax evasi*\"");
    assert_int_equal(count_query(f, "tax-evasi*"), 1);
    check(f, "*", 0, NULL, NULL, NULL, "");
}

static void prefix_expansions_are_bounded(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;

    /* 100 words for each letter from k to t: k0 ... t99 */
    assert_int_equal(sqlite3_exec(f->db,
                                  "WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n"
                                  " WHERE x < 999) INSERT INTO words SELECT char(107 + x / 100)"
                                  " || (x % 100), 1 + x % 7 FROM n",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    q = parse(f, "k*", 0);
    assert_int_equal(map_len(brief_query_phrase_items(q)), 64);
    assert_true(has_warning(q, "'k*' was expanded to its 64 most frequent words"));
    count(f, brief_query_fts(q));
    brief_query_free(q);
    /* ten prefixes: the first four take 256 phrases, the rest one word each */
    q = parse(f, "k* l* m* n* o* p* q* r* s* t*", 0);
    assert_int_equal(map_len(brief_query_phrase_items(q)), 4 * 64 + 6);
    count(f, brief_query_fts(q));
    count(f, brief_query_fts_any(q));
    brief_query_free(q);
}

/* --- operators ----------------------------------------------------------- */

static void or_and_groups(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "title:anthropic AND (regul* OR \"export control\")", 0,
          "{title} : \"anthropic\" AND ((\"regulation\" OR \"regularly\") OR \"export control\")",
          NULL, "-1 -1 -1 -1", "title:anthrop AND (regul* OR \"export control\")");
    check(f, "chips OR evasion", 0, "\"chips\" OR \"evasion\"", NULL, "0 0", "chip OR evas");
    /* AND binds tighter than OR */
    check(f, "(a b) OR c d", 0, "(\"a\" AND \"b\") OR (\"c\" AND \"d\")", NULL, "0 0 0 0",
          "(a AND b) OR (c AND d)");
    check(f, "(a OR b) c", 0, "(\"a\" OR \"b\") AND \"c\"", "\"a\" OR \"b\" OR \"c\"",
          "0 0 1", "(a OR b) AND c");
    assert_int_equal(count_query(f, "chips OR evasion"), 2);
    assert_int_equal(count_query(f, "(chips OR evasion) probe"), 1);
}

static void not_forms(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;

    check(f, "regulating -evasion", 0, "\"regulating\" NOT \"evasion\"", NULL, "0 -1",
          "regul AND NOT evas");
    check(f, "regulating NOT evasion", 0, "\"regulating\" NOT \"evasion\"", NULL, "0 -1",
          "regul AND NOT evas");
    check(f, "regulating AND NOT evasion", 0, "\"regulating\" NOT \"evasion\"", NULL, "-1 -1",
          "regul AND NOT evas");
    check(f, "NOT evasion regulating", 0, "\"regulating\" NOT \"evasion\"", NULL, "0 -1",
          "NOT evas AND regul");
    check(f, "a b -c -\"d e\"", 0, "(\"a\" AND \"b\") NOT (\"c\" OR \"d e\")",
          "(\"a\" OR \"b\") NOT (\"c\" OR \"d e\")", "0 1 -1 -1",
          "a AND b AND NOT c AND NOT \"d e\"");
    check(f, "chips -(rules OR deny)", 0, "\"chips\" NOT (\"rules\" OR \"deny\")", NULL,
          "0 -1 -1", "chip AND NOT (rule OR deni)");
    check(f, "(chips -rules) OR probe", 0, "(\"chips\" NOT \"rules\") OR \"probe\"", NULL,
          "0 -1 0", "(chip AND NOT rule) OR probe");
    assert_int_equal(count_query(f, "regulating -evasion"), 2);
    assert_int_equal(count_query(f, "regulating -export"), 1);
    assert_int_equal(count_query(f, "regul* -chips"), 1);

    /* nothing positive: the exclusion alone, for the caller to subtract */
    q = parse(f, "-evasion -\"export control\"", 0);
    assert_null(brief_query_fts(q));
    assert_null(brief_query_fts_any(q));
    assert_null(brief_query_phrase_items(q));
    assert_string_equal(brief_query_fts_exclude(q), "\"evasion\" OR \"export control\"");
    assert_string_equal(brief_query_understood(q), "NOT evas AND NOT \"export control\"");
    assert_int_equal(count(f, brief_query_fts_exclude(q)), 2);
    brief_query_free(q);
    q = parse(f, "NOT chips", 0);
    assert_null(brief_query_fts(q));
    assert_string_equal(brief_query_fts_exclude(q), "\"chips\"");
    brief_query_free(q);
    q = parse(f, "regulating -evasion", 0);
    assert_null(brief_query_fts_exclude(q));
    assert_false(list_has(brief_query_highlight_stems(q), "evas"));
    assert_false(list_has(brief_query_words(q), "evasion"));
    brief_query_free(q);
    /* a double NOT cancels */
    check(f, "NOT NOT chips", 0, "\"chips\"", NULL, "0", "chip");
}

static void lowercase_operators_are_words(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "war and peace", 0, "\"war\" AND \"and\" AND \"peace\"",
          "\"war\" OR \"and\" OR \"peace\"", "0 1 2", "war AND and AND peac");
}

/* --- fields and kinds ---------------------------------------------------- */

static void fields_restrict_columns(void **state)
{
    brief_fixture_t *f = *state;

    check(f, "title:chips", 0, "{title} : \"chips\"", NULL, "0", "title:chip");
    check(f, "speaker:\"Jane Doe\"", 0, "{speaker} : \"jane doe\"", NULL, "0",
          "speaker:\"jane doe\"");
    check(f, "quote:regul*", 0, "{quote} : (\"regulation\" OR \"regularly\")", NULL, "0 0",
          "quote:regul*");
    check(f, "analysis:evasive", 0, "{heading analysis} : \"evasive\"", NULL, "0",
          "analysis:evas");
    check(f, "Article:co-founder", 0, "{names article} : \"co founder\"", NULL, "0",
          "article:\"co founder\"");
    check(f, "outlet:reuters", 0, "{outlet} : \"reuters\"", NULL, "0", "outlet:reuter");
    assert_int_equal(count_query(f, "title:chips"), 1);
    assert_int_equal(count_query(f, "quote:regulating"), 1); /* the chips briefing */
    assert_int_equal(count_query(f, "title:regulating"), 1);  /* the anthropic one */
    assert_int_equal(count_query(f, "speaker:\"jane doe\""), 2);
    assert_int_equal(count_query(f, "analysis:evasive"), 1);
    assert_int_equal(count_query(f, "outlet:monde"), 1);
    assert_int_equal(count_query(f, "article:chips"), 1);
    assert_int_equal(count_query(f, "title:probe"), 1);
}

static void an_unknown_field_is_text(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q = parse(f, "foo:bar", 0);

    assert_string_equal(brief_query_fts(q), "\"foo bar\"");
    assert_true(has_warning(q, "unknown field 'foo:'"));
    brief_query_free(q);
    q = parse(f, "title:", 0);
    assert_string_equal(brief_query_fts(q), "\"title\"");
    assert_true(has_warning(q, "'title:' without a value"));
    brief_query_free(q);
}

static void kind_filters_and_restricts_columns(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q = parse(f, "kind:quote regulating", 0);

    assert_string_equal(brief_query_fts(q), "{speaker quote} : ( \"regulating\" )");
    assert_int_equal(brief_query_kinds(q), BRIEF_KIND_QUOTE);
    assert_string_equal(brief_query_understood(q), "regul AND kind:quote");
    assert_int_equal(count(f, brief_query_fts(q)), 1);
    brief_query_free(q);
    q = parse(f, "kind:article,analysis evasive -deny", 0);
    assert_string_equal(brief_query_fts(q), "{title heading names outlet article analysis} : ( "
                                            "\"evasive\" NOT \"deny\" )");
    assert_int_equal(brief_query_kinds(q), BRIEF_KIND_ARTICLE | BRIEF_KIND_ANALYSIS);
    assert_int_equal(count(f, brief_query_fts(q)), 1);
    brief_query_free(q);
    q = parse(f, "kind:analysis a b -c", 0);
    assert_string_equal(brief_query_fts_any(q), "{heading analysis} : ( (\"a\" OR \"b\") NOT "
                                                "\"c\" )");
    brief_query_free(q);
    q = parse(f, "kind:quote -chips", 0);
    assert_null(brief_query_fts(q));
    assert_string_equal(brief_query_fts_exclude(q), "{speaker quote} : ( \"chips\" )");
    brief_query_free(q);
    /* a field outside the kind's columns matches nothing */
    q = parse(f, "kind:quote title:chips", 0);
    assert_int_equal(count(f, brief_query_fts(q)), 0);
    brief_query_free(q);
    q = parse(f, "kind:tweets chips", 0);
    assert_int_equal(brief_query_kinds(q), 0);
    assert_string_equal(brief_query_fts(q), "\"kind tweets\" AND \"chips\"");
    assert_true(has_warning(q, "unknown kind 'tweets'"));
    brief_query_free(q);
}

static void category_is_a_filter(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q = parse(f, "category:TECH chips", 0);

    assert_string_equal(brief_query_category(q), "TECH");
    assert_string_equal(brief_query_fts(q), "\"chips\"");
    assert_string_equal(brief_query_understood(q), "chip AND category:TECH");
    brief_query_free(q);
    q = parse(f, "category:\"tech policy\"", 0);
    assert_string_equal(brief_query_category(q), "tech policy");
    assert_null(brief_query_fts(q));
    assert_string_equal(brief_query_understood(q), "category:\"tech policy\"");
    brief_query_free(q);
    q = parse(f, "chips", 0);
    assert_null(brief_query_category(q));
    assert_int_equal(brief_query_kinds(q), 0);
    assert_int_equal(brief_query_after_day(q), -1);
    assert_int_equal(brief_query_before_day(q), -1);
    brief_query_free(q);
}

/* --- dates --------------------------------------------------------------- */

static void dates_name_the_first_day_of_their_precision(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q = parse(f, "after:2024 before:2026-05 chips", 0);

    assert_int_equal(brief_query_after_day(q), 19723);   /* 2024-01-01, inclusive */
    assert_int_equal(brief_query_before_day(q), 20574);  /* 2026-05-01, exclusive */
    assert_string_equal(brief_query_fts(q), "\"chips\"");
    assert_string_equal(brief_query_understood(q),
                        "chip AND after:2024-01-01 AND before:2026-05-01");
    assert_int_equal(brief_query_warning_count(q), 0);
    brief_query_free(q);
    q = parse(f, "after:2025-01-15", 0);
    assert_int_equal(brief_query_after_day(q), 20103);
    assert_null(brief_query_fts(q));
    brief_query_free(q);
    q = parse(f, "before:2024-02-29", 0); /* a leap day */
    assert_int_equal(brief_query_before_day(q), 19782);
    brief_query_free(q);
    q = parse(f, "BEFORE:2026", 0);
    assert_int_equal(brief_query_before_day(q), 20454);
    brief_query_free(q);
}

static void invalid_dates_are_text(void **state)
{
    brief_fixture_t *f = *state;
    static const char *const bad[] = {"after:2025-02-29", "after:2025-13", "before:24",
                                      "after:2025-1-5", "before:2025-00", "after:20250115",
                                      "after:0000", "before:2025-04-31", "after:yesterday"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        brief_query_t *q = parse(f, bad[i], 0);
        assert_int_equal(brief_query_after_day(q), -1);
        assert_int_equal(brief_query_before_day(q), -1);
        assert_non_null(brief_query_fts(q));
        assert_true(has_warning(q, "invalid date"));
        count(f, brief_query_fts(q));
        brief_query_free(q);
    }
    check(f, "after:2025-13", 0, "\"after 2025 13\"", NULL, "0", "\"after 2025 13\"");
}

/* A real date before 1970 is no filter either (-1 stands for "none"), but
 * the warning says why instead of calling the date invalid. */
static void dates_before_1970_are_text_with_their_reason(void **state)
{
    brief_fixture_t *f = *state;
    static const char *const old[] = {"after:1950", "before:1969-12-31", "after:1969-12"};

    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
        brief_query_t *q = parse(f, old[i], 0);
        assert_int_equal(brief_query_after_day(q), -1);
        assert_int_equal(brief_query_before_day(q), -1);
        assert_true(has_warning(q, "dates before 1970 are not supported"));
        assert_false(has_warning(q, "invalid date"));
        brief_query_free(q);
    }
    check(f, "after:1970", 0, NULL, NULL, NULL, "after:1970-01-01");
}

/* --- odd input and the fallback ----------------------------------------- */

static void unreadable_operators_fall_back_to_plain_words(void **state)
{
    brief_fixture_t *f = *state;
    static const char *const texts[] = {"(chips evasion", "chips evasion)", "OR chips evasion",
                                        "chips evasion OR", "chips AND AND evasion",
                                        "chips OR NOT evasion", "() chips evasion",
                                        "chips (evasion OR)", "chips (evasion",
                                        "chips OR (NOT evasion)", "(-chips) OR evasion"};

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        brief_query_t *q = parse(f, texts[i], 0);
        assert_string_equal(brief_query_fts(q), "\"chips\" AND \"evasion\"");
        assert_string_equal(brief_query_fts_any(q), "\"chips\" OR \"evasion\"");
        assert_true(has_warning(q, "read as plain words"));
        brief_query_free(q);
    }
    /* phrases, fields and filters survive the fallback; signs do not */
    check(f, "(title:chips -\"export control\" after:2024", 0,
          "{title} : \"chips\" AND \"export control\"",
          "{title} : \"chips\" OR \"export control\"", "0 1",
          "title:chip AND \"export control\" AND after:2024-01-01");
}

static void odd_text_is_never_an_error(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;

    q = parse(f, "say \"hello", 0);
    assert_string_equal(brief_query_fts(q), "\"say\" AND \"hello\"");
    assert_true(has_warning(q, "unbalanced quote"));
    brief_query_free(q);
    q = parse(f, "NEAR(chips", 0);
    assert_string_equal(brief_query_fts(q), "\"near\" AND \"chips\"");
    brief_query_free(q);
    q = parse(f, "\xF0\x9F\x98\x80 \xE2\x9C\x88", 0); /* emoji only */
    assert_null(brief_query_fts(q));
    assert_null(brief_query_fts_exclude(q));
    brief_query_free(q);
    q = parse(f, "ch\xFFips \xC3\x28 evas\x01ion", 0);
    assert_string_equal(brief_query_fts(q), "\"chips\" AND \"evas\" AND \"ion\"");
    assert_true(has_warning(q, "invalid UTF-8"));
    assert_true(has_warning(q, "control characters"));
    brief_query_free(q);
    q = parse(f, "\xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 ok", 0); /* overlong, surrogate, >10FFFF */
    assert_string_equal(brief_query_fts(q), "\"ok\"");
    brief_query_free(q);
    q = parse(f, "émigré Ünïcode", 0);
    assert_string_equal(brief_query_fts(q), "\"emigre\" AND \"unicode\"");
    brief_query_free(q);
    q = parse(f, NULL, 0);
    assert_null(brief_query_fts(q));
    brief_query_free(q);
}

static void deep_nesting_is_read_as_text(void **state)
{
    brief_fixture_t *f = *state;
    char text[200];
    brief_query_t *q;
    int n = 0;

    for (int i = 0; i < 40; i++)
        text[n++] = '(';
    memcpy(text + n, "chips OR evasion", 16);
    n += 16;
    for (int i = 0; i < 40; i++)
        text[n++] = ')';
    text[n] = '\0';
    q = parse(f, text, 0);
    assert_string_equal(brief_query_fts(q), "\"chips\" OR \"evasion\"");
    assert_true(has_warning(q, "nested deeper than 32"));
    brief_query_free(q);
}

static void long_input_is_cut(void **state)
{
    brief_fixture_t *f = *state;
    size_t n = 3 * BRIEF_QUERY_MAX_BYTES;
    char *text = malloc(n + 1);
    brief_query_t *q;

    assert_non_null(text);
    for (size_t i = 0; i < n; i += 3)
        memcpy(text + i, "\xC3\xA9 ", 3); /* "é " */
    text[n] = '\0';
    q = parse(f, text, 0);
    assert_true(has_warning(q, "longer than 10240 bytes"));
    assert_true(has_warning(q, "cut to 64 terms"));
    assert_int_equal(brief_query_item_count(q), 64);
    count(f, brief_query_fts(q));
    count(f, brief_query_fts_any(q));
    brief_query_free(q);
    free(text);

    /* one long phrase is cut to 32 words */
    text = malloc(4000);
    assert_non_null(text);
    strcpy(text, "\"");
    for (int i = 0; i < 100; i++)
        strcat(text, "word ");
    strcat(text, "\"");
    q = parse(f, text, 0);
    assert_true(has_warning(q, "phrase cut to 32 words"));
    assert_int_equal((int)strlen(brief_query_fts(q)), 2 + 32 * 5 - 1);
    brief_query_free(q);
    free(text);
}

static void warnings_are_bounded(void **state)
{
    brief_fixture_t *f = *state;
    char text[2000] = "";
    brief_query_t *q;

    for (int i = 0; i < 40; i++) {
        char one[40];
        snprintf(one, sizeof one, "zz%c%c* ", 'a' + i % 26, 'a' + i / 26);
        strcat(text, one);
    }
    q = parse(f, text, 0);
    assert_int_equal(brief_query_warning_count(q), 16);
    assert_null(brief_query_warning(q, 16));
    assert_null(brief_query_warning(q, -1));
    brief_query_free(q);
}

/* A warning quoting a long term is cut to fit; the cut must fall between
 * characters, since warnings reach JSON and the terminal as they are. */
static void long_warnings_are_cut_between_characters(void **state)
{
    brief_fixture_t *f = *state;
    char text[1200];
    brief_query_t *q;

    for (int lead = 0; lead < 4; lead++) {
        int n = snprintf(text, sizeof text, "kind:%.*s", lead, "abc");
        for (int k = 0; k < 300; k++)
            n += snprintf(text + n, sizeof text - (size_t)n, "\xC3\xA9");
        q = parse(f, text, 0);
        assert_true(has_warning(q, "unknown kind"));
        for (int i = 0; i < brief_query_warning_count(q); i++) {
            json_t *j = json_string(brief_query_warning(q, i));
            if (j == NULL)
                fail_msg("warning %d is not valid UTF-8: '%s'", i, brief_query_warning(q, i));
            json_decref(j);
        }
        brief_query_free(q);
    }
}

/* --- FTS5's phrase numbering -------------------------------------------- */

static void phrase_items_follow_fts5_numbering(void **state)
{
    brief_fixture_t *f = *state;
    brief_query_t *q;
    char *sizes;

    register_phrase_sizes(f->db);
    /* phrases of 2, 1, 4 or 1 and 3 tokens: FTS5 numbers them as written */
    q = parse(f, "(\"met the co-founder\" OR zebra) regulators +\"anthropic faces\" "
                 "-\"tax evasion probe\"", 0);
    assert_string_equal(brief_query_fts(q), "(\"anthropic faces\" AND (\"met the co founder\" OR "
                                             "\"zebra\") AND \"regulators\") NOT \"tax evasion "
                                             "probe\"");
    assert_string_equal(brief_query_phrase_items(q), "-1 0 0 1 -1");
    sizes = sizes_of(f, brief_query_fts(q));
    assert_non_null(sizes);
    assert_string_equal(sizes, "2 4 1 1 3");
    free(sizes);
    sizes = sizes_of(f, brief_query_fts_any(q));
    assert_non_null(sizes);
    assert_string_equal(sizes, "2 4 1 1 3");
    free(sizes);
    brief_query_free(q);

    /* the same through a kind: column filter and a field */
    q = parse(f, "kind:article title:\"anthropic faces\" \"the co-founder\" regul*", 0);
    assert_string_equal(brief_query_phrase_items(q), "0 1 2 2");
    sizes = sizes_of(f, brief_query_fts_any(q));
    assert_non_null(sizes);
    assert_string_equal(sizes, "2 3 1 1");
    free(sizes);
    brief_query_free(q);
}

/* --- the hostile list ---------------------------------------------------- */

/* Decodes one line of tests/data/hostile-queries.txt in place: \xHH is the
 * byte HH, \n \t \r and \\ as in C; any other backslash stays as it is. A
 * \x00 ends the query there, as it would end a C string. */
static void decode_line(char *s)
{
    char *o = s;

    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] == 'x' && p[2] && p[3] && strchr("0123456789abcdefABCDEF", p[2]) &&
            strchr("0123456789abcdefABCDEF", p[3])) {
            char hex[3] = {p[2], p[3], '\0'};
            *o++ = (char)strtol(hex, NULL, 16);
            p += 3;
        } else if (p[0] == '\\' && (p[1] == 'n' || p[1] == 't' || p[1] == 'r' || p[1] == '\\')) {
            *o++ = p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : p[1] == 'r' ? '\r' : '\\';
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static FILE *open_hostile(void)
{
    FILE *fp = fopen("tests/data/hostile-queries.txt", "rb");
    char path[512];
    const char *slash;

    if (fp != NULL)
        return fp;
    /* run from elsewhere: find the file next to this source */
    slash = strrchr(__FILE__, '/');
    if (slash == NULL)
        return NULL;
    snprintf(path, sizeof path, "%.*s/../data/hostile-queries.txt", (int)(slash - __FILE__),
             __FILE__);
    return fopen(path, "rb");
}

static void every_hostile_query_yields_valid_fts5(void **state)
{
    brief_fixture_t *f = *state;
    FILE *fp = open_hostile();
    char line[16384];
    int n = 0;

    assert_non_null(fp);
    register_phrase_sizes(f->db);
    while (fgets(line, sizeof line, fp) != NULL) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (strncmp(line, "##", 2) == 0)
            continue;
        decode_line(line);
        n++;
        for (int all = 0; all < 2; all++) {
            brief_query_t *q = parse(f, line, all);
            const char *fts = brief_query_fts(q), *any = brief_query_fts_any(q);
            const char *exc = brief_query_fts_exclude(q), *map = brief_query_phrase_items(q);
            if (fts != NULL) {
                char *sizes;
                count(f, fts);
                assert_non_null(map);
                assert_null(exc);
                /* the map has one entry per phrase FTS5 sees */
                sizes = sizes_of(f, fts);
                if (sizes == NULL && any != NULL)
                    sizes = sizes_of(f, any);
                if (sizes != NULL) {
                    if (map_len(sizes) != map_len(map))
                        fail_msg("'%s': phrases '%s' map '%s'", line, sizes, map);
                    free(sizes);
                }
            } else {
                assert_null(map);
                assert_null(any);
            }
            if (any != NULL)
                count(f, any);
            if (exc != NULL)
                count(f, exc);
            for (int i = 0; i < brief_query_warning_count(q); i++)
                assert_non_null(brief_query_warning(q, i));
            assert_true(list_len(brief_query_highlight_stems(q)) >= 0);
            brief_query_free(q);
        }
    }
    fclose(fp);
    assert_true(n >= 150);
}

/* A test run on a fixture of its own (setup above). */
#define WITH_INDEX(test) cmocka_unit_test_setup_teardown(test, setup, brief_fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        WITH_INDEX(bare_words_are_quoted_and_shown_as_stems),
        WITH_INDEX(stemming_finds_other_forms_of_a_word),
        WITH_INDEX(a_single_word_has_no_relaxed_expression),
        WITH_INDEX(all_required_makes_every_item_required),
        WITH_INDEX(plus_and_explicit_and_make_items_required),
        WITH_INDEX(quoted_phrases_stay_phrases),
        WITH_INDEX(punctuation_inside_words_makes_phrases),
        cmocka_unit_test(fts_strings_double_quotes),
        WITH_INDEX(a_prefix_expands_through_the_word_list),
        WITH_INDEX(a_prefix_range_is_exact_in_utf8),
        WITH_INDEX(a_prefix_matching_no_word_matches_nothing),
        WITH_INDEX(a_prefix_after_other_words_keeps_them),
        WITH_INDEX(prefix_expansions_are_bounded),
        WITH_INDEX(or_and_groups),
        WITH_INDEX(not_forms),
        WITH_INDEX(lowercase_operators_are_words),
        WITH_INDEX(fields_restrict_columns),
        WITH_INDEX(an_unknown_field_is_text),
        WITH_INDEX(kind_filters_and_restricts_columns),
        WITH_INDEX(category_is_a_filter),
        WITH_INDEX(dates_name_the_first_day_of_their_precision),
        WITH_INDEX(invalid_dates_are_text),
        WITH_INDEX(dates_before_1970_are_text_with_their_reason),
        WITH_INDEX(unreadable_operators_fall_back_to_plain_words),
        WITH_INDEX(odd_text_is_never_an_error),
        WITH_INDEX(deep_nesting_is_read_as_text),
        WITH_INDEX(long_input_is_cut),
        WITH_INDEX(warnings_are_bounded),
        WITH_INDEX(long_warnings_are_cut_between_characters),
        WITH_INDEX(phrase_items_follow_fts5_numbering),
        WITH_INDEX(every_hostile_query_yields_valid_fts5),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
