/* test_cgi_params.c - unit tests of QUERY_STRING parsing and ETag matching (lib/cgi_params.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "brief_cgi.h"
#include "brief_query.h"

/* Parses qs; returns the status and leaves the reason in *reason. */
static brief_status_t parse(const char *qs, brief_cgi_params_t *p, char **reason)
{
    brief_cgi_params_init(p);
    *reason = NULL;
    return brief_cgi_params_parse(qs, p, reason);
}

/* Asserts qs is refused with a reason containing want. */
static void assert_refused(const char *qs, brief_status_t want_status, const char *want)
{
    brief_cgi_params_t p;
    char *reason = NULL;
    brief_status_t st = parse(qs, &p, &reason);

    if (st != want_status)
        fail_msg("'%.60s': status %d, want %d", qs, st, want_status);
    assert_non_null(reason);
    if (strstr(reason, want) == NULL)
        fail_msg("'%.60s': reason '%s' lacks '%s'", qs, reason, want);
    free(reason);
    brief_cgi_params_release(&p);
}

static void defaults_when_nothing_is_given(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse(NULL, &p, &reason), BRIEF_OK);
    assert_string_equal(p.q, "");
    assert_int_equal(p.page, 1);
    assert_int_equal(p.per_page, BRIEF_CGI_PER_PAGE);
    assert_int_equal(p.sort, BRIEF_SORT_HYBRID);
    assert_int_equal(p.format, BRIEF_CGI_HTML);
    assert_int_equal(p.kinds, 0);
    assert_int_equal(p.after_day, -1);
    assert_int_equal(p.before_day, -1);
    assert_null(reason);
    brief_cgi_params_release(&p);
    assert_int_equal(parse("", &p, &reason), BRIEF_OK);
    brief_cgi_params_release(&p);
}

static void every_parameter_is_read(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("q=export+controls&kind=quote&category=TECH&speaker=Jane%20Doe"
                           "&after=2024&before=2026-05-19&sort=date&page=3&per_page=20"
                           "&format=json",
                           &p, &reason),
                     BRIEF_OK);
    assert_string_equal(p.q, "export controls");
    assert_string_equal(p.kind, "quote");
    assert_int_equal(p.kinds, BRIEF_KIND_QUOTE);
    assert_string_equal(p.category, "TECH");
    assert_string_equal(p.speaker, "Jane Doe");
    assert_string_equal(p.after, "2024");
    assert_int_equal(p.after_day, 19723);  /* 2024-01-01 */
    assert_int_equal(p.before_day, 20592); /* 2026-05-19 */
    assert_int_equal(p.sort, BRIEF_SORT_DATE);
    assert_int_equal(p.page, 3);
    assert_int_equal(p.per_page, 20);
    assert_int_equal(p.format, BRIEF_CGI_JSON);
    brief_cgi_params_release(&p);
}

static void percent_escapes_decode_in_either_case_to_utf8(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("q=caf%C3%a9+%26+cr%C3%A8me%2B", &p, &reason), BRIEF_OK);
    assert_string_equal(p.q, "caf\xc3\xa9 & cr\xc3\xa8me+");
    brief_cgi_params_release(&p);
    assert_int_equal(parse("%71=name+encoded", &p, &reason), BRIEF_OK);
    assert_string_equal(p.q, "name encoded");
    brief_cgi_params_release(&p);
}

static void malformed_percent_escapes_are_refused(void **state)
{
    (void)state;
    assert_refused("q=100%", BRIEF_ERR_INVALID, "invalid percent-encoding in 'q'");
    assert_refused("q=%4", BRIEF_ERR_INVALID, "percent-encoding");
    assert_refused("q=%zz", BRIEF_ERR_INVALID, "percent-encoding");
    assert_refused("q=%%41", BRIEF_ERR_INVALID, "percent-encoding");
    assert_refused("%q=a", BRIEF_ERR_INVALID, "a parameter name");
}

static void nul_bytes_are_refused(void **state)
{
    (void)state;
    assert_refused("q=a%00b", BRIEF_ERR_INVALID, "%00");
    assert_refused("q%00=a", BRIEF_ERR_INVALID, "%00");
}

static void non_utf8_is_refused(void **state)
{
    (void)state;
    assert_refused("q=%FF", BRIEF_ERR_INVALID, "'q' is not valid UTF-8");
    assert_refused("q=caf%E9", BRIEF_ERR_INVALID, "UTF-8");          /* Latin-1 */
    assert_refused("q=%C0%AF", BRIEF_ERR_INVALID, "UTF-8");          /* overlong '/' */
    assert_refused("q=%ED%A0%80", BRIEF_ERR_INVALID, "UTF-8");       /* surrogate */
    assert_refused("q=%F4%90%80%80", BRIEF_ERR_INVALID, "UTF-8");    /* > U+10FFFF */
    assert_refused("q=%E2%82", BRIEF_ERR_INVALID, "UTF-8");          /* truncated */
    assert_refused("q=raw\xff", BRIEF_ERR_INVALID, "UTF-8");         /* unescaped byte */
}

static void control_characters_become_spaces(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("q=a%0D%0AX-Evil:+1%09b%7F", &p, &reason), BRIEF_OK);
    assert_string_equal(p.q, "a  X-Evil: 1 b ");
    assert_null(strchr(p.q, '\r'));
    brief_cgi_params_release(&p);
    assert_int_equal(parse("speaker=a%0Ab", &p, &reason), BRIEF_OK);
    assert_string_equal(p.speaker, "a b");
    brief_cgi_params_release(&p);
}

static void the_first_of_repeated_parameters_wins(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("q=one&q=two&page=2&page=5&format=json&format=html", &p, &reason),
                     BRIEF_OK);
    assert_string_equal(p.q, "one");
    assert_int_equal(p.page, 2);
    assert_int_equal(p.format, BRIEF_CGI_JSON);
    brief_cgi_params_release(&p);
    /* a later bad copy is ignored too */
    assert_int_equal(parse("page=2&page=-1&q=a&q=%ZZ", &p, &reason), BRIEF_OK);
    assert_int_equal(p.page, 2);
    brief_cgi_params_release(&p);
}

static void unknown_parameters_are_ignored_even_when_malformed(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("utm_source=%ZZ%00&q=ok&x&&=&debug=1", &p, &reason), BRIEF_OK);
    assert_string_equal(p.q, "ok");
    brief_cgi_params_release(&p);
}

static void a_name_without_value_is_empty(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("q&page=&sort=&kind=&format=", &p, &reason), BRIEF_OK);
    assert_string_equal(p.q, "");
    assert_int_equal(p.page, 1);
    assert_int_equal(p.sort, BRIEF_SORT_HYBRID);
    brief_cgi_params_release(&p);
}

static void bad_pages_are_refused(void **state)
{
    (void)state;
    assert_refused("page=0", BRIEF_ERR_INVALID, "page must be a whole number from 1");
    assert_refused("page=-1", BRIEF_ERR_INVALID, "'-1'");
    assert_refused("page=two", BRIEF_ERR_INVALID, "page must be");
    assert_refused("page=1.5", BRIEF_ERR_INVALID, "page must be");
    assert_refused("page=+2", BRIEF_ERR_INVALID, "page must be");
    assert_refused("page=1001", BRIEF_ERR_INVALID, "page must be");
    assert_refused("page=99999999999999999999999", BRIEF_ERR_INVALID, "page must be");
    assert_refused("per_page=0", BRIEF_ERR_INVALID, "per_page must be");
    assert_refused("per_page=-5", BRIEF_ERR_INVALID, "per_page must be");
    assert_refused("per_page=ten", BRIEF_ERR_INVALID, "per_page must be");
}

static void per_page_is_capped(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("per_page=1000000000", &p, &reason), BRIEF_OK);
    assert_int_equal(p.per_page, BRIEF_CGI_PER_PAGE_MAX);
    brief_cgi_params_release(&p);
    assert_int_equal(parse("per_page=99999999999999999999999999", &p, &reason), BRIEF_OK);
    assert_int_equal(p.per_page, BRIEF_CGI_PER_PAGE_MAX);
    brief_cgi_params_release(&p);
    assert_int_equal(parse("per_page=7&page=1000", &p, &reason), BRIEF_OK);
    assert_int_equal(p.per_page, 7);
    assert_int_equal(p.page, 1000);
    brief_cgi_params_release(&p);
}

static void bad_names_of_kind_sort_format_are_refused(void **state)
{
    (void)state;
    assert_refused("kind=video", BRIEF_ERR_INVALID, "unknown kind 'video'");
    assert_refused("sort=random", BRIEF_ERR_INVALID, "unknown sort 'random'");
    assert_refused("format=xml", BRIEF_ERR_INVALID, "unknown format 'xml'");
    assert_refused("asset=js", BRIEF_ERR_INVALID, "unknown asset");
}

static void bad_dates_are_refused(void **state)
{
    (void)state;
    assert_refused("after=2026-13", BRIEF_ERR_INVALID, "after must be a date");
    assert_refused("after=2026-02-30", BRIEF_ERR_INVALID, "after must be a date");
    assert_refused("before=yesterday", BRIEF_ERR_INVALID, "before must be a date");
    assert_refused("before=2026-05-19T10:00:00Z", BRIEF_ERR_INVALID, "before must be");
    assert_refused("before=26-05-19", BRIEF_ERR_INVALID, "before must be");
    assert_refused("after=1969-12-31", BRIEF_ERR_INVALID, "from 1970 on");
}

static void lengths_are_capped(void **state)
{
    char *qs = malloc(BRIEF_CGI_QUERY_STRING_MAX + 10);
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    memcpy(qs, "q=", 2);
    memset(qs + 2, 'a', BRIEF_CGI_Q_MAX);
    qs[2 + BRIEF_CGI_Q_MAX] = '\0';
    assert_int_equal(parse(qs, &p, &reason), BRIEF_OK);
    assert_int_equal(strlen(p.q), BRIEF_CGI_Q_MAX);
    brief_cgi_params_release(&p);
    strcpy(qs + 2 + BRIEF_CGI_Q_MAX, "b");
    assert_refused(qs, BRIEF_ERR_INVALID, "q is too long: 1025 bytes, at most 1024");
    /* %41 is three bytes in, one out: the cap is on the decoded text */
    memset(qs + 2, 'a', BRIEF_CGI_QUERY_STRING_MAX - 2);
    qs[BRIEF_CGI_QUERY_STRING_MAX] = '\0';
    assert_refused(qs, BRIEF_ERR_INVALID, "q is too long");
    memset(qs, 'x', BRIEF_CGI_QUERY_STRING_MAX + 1);
    qs[BRIEF_CGI_QUERY_STRING_MAX + 1] = '\0';
    assert_refused(qs, BRIEF_ERR_LIMIT, "query string is too long");
    free(qs);

    char big[BRIEF_CGI_FIELD_MAX + 20];
    strcpy(big, "speaker=");
    memset(big + 8, 'z', BRIEF_CGI_FIELD_MAX + 1);
    big[8 + BRIEF_CGI_FIELD_MAX + 1] = '\0';
    assert_refused(big, BRIEF_ERR_INVALID, "speaker is too long");
}

static void format_is_known_even_when_another_parameter_fails(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("page=x&format=json", &p, &reason), BRIEF_ERR_INVALID);
    assert_int_equal(p.format, BRIEF_CGI_JSON);
    free(reason);
    brief_cgi_params_release(&p);
}

static void a_bad_parameter_keeps_the_others_and_the_first_reason(void **state)
{
    brief_cgi_params_t p;
    char *reason;

    (void)state;
    assert_int_equal(parse("page=x&q=kept&sort=bad&category=C&x=%zz", &p, &reason),
                     BRIEF_ERR_INVALID);
    assert_non_null(strstr(reason, "page must be"));
    assert_string_equal(p.q, "kept");
    assert_string_equal(p.category, "C");
    assert_int_equal(p.page, 1);
    assert_int_equal(p.sort, BRIEF_SORT_HYBRID);
    free(reason);
    brief_cgi_params_release(&p);
    assert_int_equal(parse("q=a&%zz=1&page=0", &p, &reason), BRIEF_ERR_INVALID);
    assert_non_null(strstr(reason, "a parameter name"));
    free(reason);
    brief_cgi_params_release(&p);
}

static void release_is_harmless_on_null_and_twice(void **state)
{
    brief_cgi_params_t p;

    (void)state;
    brief_cgi_params_release(NULL);
    brief_cgi_params_init(&p);
    brief_cgi_params_release(&p);
    brief_cgi_params_release(&p);
    assert_string_equal(p.q, "");
}

static void etags_match_by_weak_comparison(void **state)
{
    const char *tag = "\"7-00ff\"";

    (void)state;
    assert_true(brief_cgi_etag_matches("\"7-00ff\"", tag));
    assert_true(brief_cgi_etag_matches("W/\"7-00ff\"", tag));
    assert_true(brief_cgi_etag_matches("\"a\", \"7-00ff\"", tag));
    assert_true(brief_cgi_etag_matches("\"a\",W/\"7-00ff\" ,", tag));
    assert_true(brief_cgi_etag_matches("*", tag));
    assert_true(brief_cgi_etag_matches(" * ", tag));
    assert_false(brief_cgi_etag_matches("\"7-00f\"", tag));
    assert_false(brief_cgi_etag_matches("\"7-00ffx\"", tag));
    assert_false(brief_cgi_etag_matches("7-00ff", tag));
    assert_false(brief_cgi_etag_matches("\"7-00ff", tag));
    assert_false(brief_cgi_etag_matches("", tag));
    assert_false(brief_cgi_etag_matches(NULL, tag));
    assert_false(brief_cgi_etag_matches("*, \"x\"", tag));
}

static void the_hash_depends_on_every_byte(void **state)
{
    unsigned long long a = brief_cgi_hash(BRIEF_CGI_FNV_SEED, "q=a", 3);
    unsigned long long b = brief_cgi_hash(BRIEF_CGI_FNV_SEED, "q=b", 3);

    (void)state;
    assert_true(a != b);
    assert_true(a == brief_cgi_hash(BRIEF_CGI_FNV_SEED, "q=a", 3));
    assert_true(brief_cgi_hash(BRIEF_CGI_FNV_SEED, "", 0) == BRIEF_CGI_FNV_SEED);
}

/* A reason quotes at most 40 bytes of the bad value; the cut must not split
 * a UTF-8 character, or the JSON error body (and the HTML page) would carry
 * an invalid sequence: jansson refuses such a string outright. */
static void reasons_quoting_long_values_stay_utf8(void **state)
{
    static const char *const names[] = {"kind", "sort", "format", "asset", "after", "page",
                                        "per_page"};
    char qs[512];

    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (int lead = 0; lead < 2; lead++) {
            brief_cgi_params_t p;
            char *reason = NULL;
            json_t *j;
            int n = snprintf(qs, sizeof qs, "%s=%s", names[i], lead ? "a" : "");
            for (int k = 0; k < 30; k++)
                n += snprintf(qs + n, sizeof qs - (size_t)n, "%%C3%%A9"); /* é */
            assert_int_equal(parse(qs, &p, &reason), BRIEF_ERR_INVALID);
            assert_non_null(reason);
            j = json_string(reason);
            if (j == NULL)
                fail_msg("'%s': reason is not valid UTF-8: '%s'", qs, reason);
            json_decref(j);
            free(reason);
            brief_cgi_params_release(&p);
        }
    }
}

#define T(f) cmocka_unit_test(f)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(defaults_when_nothing_is_given),
        T(every_parameter_is_read),
        T(percent_escapes_decode_in_either_case_to_utf8),
        T(malformed_percent_escapes_are_refused),
        T(nul_bytes_are_refused),
        T(non_utf8_is_refused),
        T(control_characters_become_spaces),
        T(the_first_of_repeated_parameters_wins),
        T(unknown_parameters_are_ignored_even_when_malformed),
        T(a_name_without_value_is_empty),
        T(bad_pages_are_refused),
        T(per_page_is_capped),
        T(bad_names_of_kind_sort_format_are_refused),
        T(bad_dates_are_refused),
        T(lengths_are_capped),
        T(format_is_known_even_when_another_parameter_fails),
        T(a_bad_parameter_keeps_the_others_and_the_first_reason),
        T(release_is_harmless_on_null_and_twice),
        T(etags_match_by_weak_comparison),
        T(the_hash_depends_on_every_byte),
        T(reasons_quoting_long_values_stay_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
