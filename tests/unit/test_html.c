/* test_html.c - unit tests of HTML escaping and the search page (lib/html.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "brief_cgi.h"

/* Renders a page for query string qs and the search answer json_text
 * (NULL: none); returns the malloc'd HTML. */
static char *render(const char *qs, int status, const char *error, const char *json_text)
{
    brief_cgi_params_t p;
    brief_htmlbuf_t b;
    brief_html_page_t page;
    json_t *search = NULL;
    char *reason = NULL;

    brief_cgi_params_init(&p);
    assert_int_equal(brief_cgi_params_parse(qs, &p, &reason), BRIEF_OK);
    if (json_text != NULL) {
        json_error_t err;
        search = json_loads(json_text, 0, &err);
        if (search == NULL)
            fail_msg("bad test JSON: %s", err.text);
    }
    page.params = &p;
    page.status = status;
    page.error = error;
    page.index_time = "2026-05-20T03:00:00Z";
    brief_htmlbuf_init(&b);
    assert_int_equal(brief_html_render(&b, &page, search), BRIEF_OK);
    json_decref(search);
    brief_cgi_params_release(&p);
    return b.data;
}

static void assert_contains(const char *html, const char *want)
{
    if (strstr(html, want) == NULL)
        fail_msg("page lacks: %s", want);
}

static void assert_lacks(const char *html, const char *unwanted)
{
    if (strstr(html, unwanted) != NULL)
        fail_msg("page contains: %s", unwanted);
}

static const char answer[] =
    "{\"version\":1,\"query\":\"x\",\"total\":25,\"offset\":10,\"limit\":10,\"took_ms\":1.25,"
    "\"warnings\":[\"unbalanced quote read as <text>\"],"
    "\"results\":[{\"id\":\"a\",\"title\":\"AT&T rules <b>\",\"title_marks\":[[0,4]],"
    "\"category\":\"TECH\",\"published\":\"2026-05-19\",\"score\":1.0,"
    "\"passages\":[{\"kind\":\"quote\",\"part\":\"analyst\",\"heading\":null,"
    "\"speaker\":\"Jane \\\"JD\\\" Doe\",\"role\":\"Analyst\",\"outlet\":null,\"date\":null,"
    "\"snippet\":\"caf\\u00e9 rules & more\",\"marks\":[[0,5],[6,11],[3,4],[20,99]]},"
    "{\"kind\":\"analysis\",\"part\":\"section\",\"heading\":\"Why\",\"speaker\":null,"
    "\"role\":null,\"outlet\":null,\"date\":null,\"snippet\":\"split \\u00e9\","
    "\"marks\":[[6,7]]}]}]}";

static void text_is_escaped_exactly_once(void **state)
{
    brief_htmlbuf_t b;

    (void)state;
    brief_htmlbuf_init(&b);
    brief_htmlbuf_escape(&b, "a&b<c>\"d'e&amp;", 15);
    assert_string_equal(b.data, "a&amp;b&lt;c&gt;&quot;d&#39;e&amp;amp;");
    brief_htmlbuf_release(&b);
    brief_htmlbuf_release(NULL);
}

static void urls_are_percent_encoded(void **state)
{
    brief_htmlbuf_t b;

    (void)state;
    brief_htmlbuf_init(&b);
    brief_htmlbuf_urlencode(&b, "a b&c=d/\xc3\xa9~-_.");
    assert_string_equal(b.data, "a+b%26c%3Dd%2F%C3%A9~-_.");
    brief_htmlbuf_release(&b);
}

static void the_start_page_has_the_form_and_landmarks(void **state)
{
    char *html = render("", 200, NULL, NULL);

    (void)state;
    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    assert_contains(html, "<meta name=\"viewport\" content=\"width=device-width");
    assert_contains(html, "<header>");
    assert_contains(html, "<main id=\"main\"");
    assert_contains(html, "<footer>");
    assert_contains(html, "<label for=\"q\"");
    assert_contains(html, "id=\"q\" name=\"q\"");
    assert_contains(html, "<label for=\"kind\">");
    assert_contains(html, "<link rel=\"stylesheet\" href=\"?asset=css\">");
    assert_contains(html, "Search the briefings");
    assert_lacks(html, "<script");
    assert_lacks(html, "style=");
    assert_lacks(html, "<style");
    free(html);
}

static void the_form_keeps_what_was_asked_escaped(void **state)
{
    char *html = render("q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E+%26amp;&kind=quote"
                        "&category=A%26B&speaker=%3Cs%3E&after=2024&sort=date&per_page=5",
                        200, NULL, NULL);

    (void)state;
    assert_contains(html, "value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp;amp;\"");
    assert_lacks(html, "<img");
    assert_contains(html, "<option value=\"quote\" selected>");
    assert_contains(html, "value=\"A&amp;B\"");
    assert_contains(html, "value=\"&lt;s&gt;\"");
    assert_contains(html, "value=\"2024\"");
    assert_contains(html, "<option value=\"date\" selected>");
    assert_contains(html, "<details class=\"filters\" open>");
    assert_contains(html, "name=\"per_page\" value=\"5\"");
    free(html);
}

static void results_are_highlighted_and_escaped_once(void **state)
{
    char *html = render("q=rules&page=2", 200, NULL, answer);

    (void)state;
    assert_contains(html, "<h2><mark>AT&amp;T</mark> rules &lt;b&gt;</h2>");
    assert_lacks(html, "&amp;amp;");
    /* [3,4] overlaps the first mark and [20,99] is out of range: both dropped */
    assert_contains(html, "<mark>caf\xc3\xa9</mark> <mark>rules</mark> &amp; more");
    /* [6,7] would split the two bytes of e-acute: dropped */
    assert_contains(html, "<p>split \xc3\xa9</p>");
    assert_contains(html, "<span class=\"speaker\">Jane &quot;JD&quot; Doe</span>, Analyst");
    assert_contains(html, "<blockquote>");
    assert_contains(html, "Analysis: Why");
    assert_contains(html, "<time datetime=\"2026-05-19\">19 May 2026</time>");
    assert_contains(html, "<span class=\"category\">TECH</span>");
    assert_contains(html, "Results 11&ndash;11 of 25 for &ldquo;<span class=\"q\">rules</span>");
    assert_contains(html, "(1.2 ms)");
    assert_contains(html, "<li>unbalanced quote read as &lt;text&gt;</li>");
    assert_contains(html, "<ol class=\"results\" start=\"11\">");
    free(html);
}

static void pagination_links_keep_the_search(void **state)
{
    char *html = render("q=a+%26+b&category=TECH&page=2&sort=relevance", 200, NULL, answer);

    (void)state;
    assert_contains(html, "<nav class=\"pages\" aria-label=\"Pages of results\">");
    assert_contains(html, "<a rel=\"prev\" href=\"?q=a+%26+b&amp;category=TECH&amp;"
                          "sort=relevance\">");
    assert_contains(html, "<a rel=\"next\" href=\"?q=a+%26+b&amp;category=TECH&amp;"
                          "sort=relevance&amp;page=3\">");
    assert_contains(html, "Page 2 of 3");
    free(html);
}

static void no_pagination_on_a_single_page(void **state)
{
    char *html = render("q=x", 200, NULL,
                        "{\"total\":1,\"results\":[{\"title\":\"One\",\"passages\":[]}]}");

    (void)state;
    assert_lacks(html, "<nav");
    assert_contains(html, "1 result for");
    free(html);
}

static void a_total_past_the_count_limit_says_more_than(void **state)
{
    char *html = render("q=the", 200, NULL,
                        "{\"total\":10000,\"total_exact\":false,"
                        "\"results\":[{\"title\":\"One\",\"passages\":[]}]}");
    char *exact = render("q=the", 200, NULL,
                         "{\"total\":12,\"total_exact\":true,"
                         "\"results\":[{\"title\":\"One\",\"passages\":[]}]}");

    (void)state;
    assert_contains(html, "Results 1&ndash;1 of more than 10000");
    assert_contains(exact, "Results 1&ndash;1 of 12");
    assert_lacks(exact, "more than");
    free(html);
    free(exact);
}

static void the_empty_state_helps_and_suggests(void **state)
{
    char *html = render("q=antrhopic&kind=quote", 200, NULL,
                        "{\"total\":0,\"results\":[],\"suggestion\":\"anthropic <&>\"}");

    (void)state;
    assert_contains(html, "No briefings found");
    assert_contains(html, "Did you mean <a href=\"?q=anthropic+%3C%26%3E&amp;kind=quote\"");
    assert_contains(html, "<strong>anthropic &lt;&amp;&gt;</strong>");
    assert_contains(html, "<a href=\"?q=antrhopic\">Search again without the filters</a>");
    assert_lacks(html, "<ol");
    free(html);
}

static void filters_alone_are_described(void **state)
{
    char *html = render("category=NONE", 200, NULL, "{\"total\":0,\"results\":[]}");

    (void)state;
    assert_contains(html, "0 results matching the filters");
    assert_contains(html, "<p>Nothing matched these filters.</p>");
    free(html);
}

static void a_page_past_the_end_links_back(void **state)
{
    char *html = render("q=x&page=9", 200, NULL, "{\"total\":3,\"results\":[]}");

    (void)state;
    assert_contains(html, "No results on page 9");
    assert_contains(html, "<a href=\"?q=x\">Go to the first page</a>");
    free(html);
}

static void the_error_state_shows_the_reason(void **state)
{
    char *html = render("q=%3Cx%3E", 400, "page must be <1>", NULL);

    (void)state;
    assert_contains(html, "<title>Bad Request &ndash; Briefing Search</title>");
    assert_contains(html, "<p role=\"alert\">page must be &lt;1&gt;</p>");
    assert_contains(html, "HTTP 400 Bad Request");
    assert_contains(html, "value=\"&lt;x&gt;\"");
    free(html);
    html = render("", 503, "the search index is not available", NULL);
    assert_contains(html, "Search is unavailable right now");
    assert_contains(html, "try again in a minute");
    free(html);
}

static void the_stylesheet_has_focus_styles_and_is_fluid(void **state)
{
    const char *css = brief_html_css();

    (void)state;
    assert_non_null(strstr(css, ":focus-visible{outline:"));
    assert_non_null(strstr(css, "@media (max-width:"));
    assert_non_null(strstr(css, "mark{"));
    assert_null(strstr(css, "</style"));
}

static void only_web_urls_become_links(void **state)
{
    char *html = render("q=x", 200, NULL,
                        "{\"total\":1,\"matched_all\":0,\"results\":[{\"title\":\"T\","
                        "\"partial\":true,\"passages\":["
                        "{\"kind\":\"article\",\"part\":\"cited\",\"outlet\":\"Wire\","
                        "\"url\":\"https://example.org/a?b=1&c=\\\"2\",\"snippet\":\"one\"},"
                        "{\"kind\":\"article\",\"url\":\"javascript:alert(1)\",\"snippet\":\"two\"},"
                        "{\"kind\":\"quote\",\"speaker\":\"Ann Lee\",\"speaker_marks\":[[4,7]],"
                        "\"snippet\":\"three\"}]}]}");

    (void)state;
    assert_contains(html, "Cited article: Wire <a class=\"source\" rel=\"noopener noreferrer "
                          "nofollow\" href=\"https://example.org/a?b=1&amp;c=&quot;2\">source</a>");
    assert_lacks(html, "javascript:");
    assert_contains(html, "<span class=\"speaker\">Ann <mark>Lee</mark></span>");
    assert_contains(html, "matches some of your words");
    assert_contains(html, "0 match all your words");
    free(html);
}

static void facets_link_to_refined_searches(void **state)
{
    char *html = render("q=x&kind=quote", 200, NULL,
                        "{\"total\":2,\"results\":[{\"title\":\"T\"}],\"facets\":{"
                        "\"category\":{\"A&B\":2,\"\":1},\"kind\":{\"quote\":2,\"bogus\":1}}}");

    (void)state;
    assert_contains(html, "<nav class=\"facets\" aria-label=\"Refine results\">");
    assert_contains(html, "<a href=\"?q=x&amp;kind=quote&amp;category=A%26B\">A&amp;B "
                          "<span class=\"n\">2</span></a>");
    assert_contains(html, "<a href=\"?q=x&amp;kind=quote\" aria-current=\"true\">quote");
    assert_contains(html, "<a href=\"?q=x\">any</a>");
    assert_lacks(html, "bogus");
    free(html);
}

static void garbage_answers_do_not_crash(void **state)
{
    char *html = render("q=x", 200, NULL,
                        "{\"total\":\"many\",\"results\":[1,null,{\"title\":5,"
                        "\"title_marks\":[[1],[\"a\",2],[2,1]],\"passages\":[{}]}],"
                        "\"warnings\":[3]}");

    (void)state;
    assert_contains(html, "0 results");
    free(html);
}

#define T(f) cmocka_unit_test(f)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(text_is_escaped_exactly_once),
        T(urls_are_percent_encoded),
        T(the_start_page_has_the_form_and_landmarks),
        T(the_form_keeps_what_was_asked_escaped),
        T(results_are_highlighted_and_escaped_once),
        T(pagination_links_keep_the_search),
        T(a_total_past_the_count_limit_says_more_than),
        T(no_pagination_on_a_single_page),
        T(the_empty_state_helps_and_suggests),
        T(filters_alone_are_described),
        T(a_page_past_the_end_links_back),
        T(the_error_state_shows_the_reason),
        T(the_stylesheet_has_focus_styles_and_is_fluid),
        T(only_web_urls_become_links),
        T(facets_link_to_refined_searches),
        T(garbage_answers_do_not_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
