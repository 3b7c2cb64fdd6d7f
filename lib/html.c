/* html.c - HTML escaping and the search page, rendered into a buffer from a search answer.
 *
 * The page is plain HTML5 with no script at all and no inline style (its
 * stylesheet is served by the CGI itself as ?asset=css), so the CGI can
 * send a Content-Security-Policy of default-src 'none' with only
 * style-src 'self'. All links are relative query strings ("?q=...") so the
 * page works wherever the server mounts the program.
 *
 * Escaping discipline: text reaches the buffer through exactly one of
 * brief_htmlbuf_escape() (request and index text) or brief_htmlbuf_puts()
 * (our own markup, string literals only). URLs are percent-encoded into a
 * scratch buffer first, then escaped once into the attribute.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief_cgi.h"
#include "brief_query.h"

/* ---- buffer ---- */

void brief_htmlbuf_init(brief_htmlbuf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void brief_htmlbuf_release(brief_htmlbuf_t *b)
{
    if (b == NULL)
        return;
    free(b->data);
    brief_htmlbuf_init(b);
}

int brief_htmlbuf_failed(const brief_htmlbuf_t *b)
{
    return b->failed;
}

static int grow(brief_htmlbuf_t *b, size_t extra)
{
    size_t need, cap;
    char *data;

    if (b->failed)
        return 0;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = 1;
        return 0;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    data = realloc(b->data, cap);
    if (data == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = data;
    b->cap = cap;
    return 1;
}

void brief_htmlbuf_put(brief_htmlbuf_t *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void brief_htmlbuf_puts(brief_htmlbuf_t *b, const char *s)
{
    brief_htmlbuf_put(b, s, strlen(s));
}

void brief_htmlbuf_printf(brief_htmlbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void brief_htmlbuf_escape(brief_htmlbuf_t *b, const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        const char *ent;
        switch (s[i]) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        case '\t': case '\n': case '\r': continue;
        default:
            /* Other C0 controls and DEL are not allowed in HTML: a space. */
            if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
                continue;
            ent = " ";
            break;
        }
        brief_htmlbuf_put(b, s + start, i - start);
        brief_htmlbuf_puts(b, ent);
        start = i + 1;
    }
    brief_htmlbuf_put(b, s + start, n - start);
}

static void escape_str(brief_htmlbuf_t *b, const char *s)
{
    if (s != NULL)
        brief_htmlbuf_escape(b, s, strlen(s));
}

void brief_htmlbuf_urlencode(brief_htmlbuf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == '~') {
            brief_htmlbuf_put(b, s, 1);
        } else if (c == ' ') {
            brief_htmlbuf_puts(b, "+");
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            brief_htmlbuf_put(b, esc, 3);
        }
    }
}

/* ---- small helpers ---- */

const char *brief_html_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    }
    return "";
}

static const char *json_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static size_t json_strlen(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_length(v) : 0;
}

/* Whether byte i of s (length n) starts a UTF-8 character (or is the end). */
static int at_boundary(const char *s, size_t n, size_t i)
{
    return i == n || ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* Appends text[0..n) escaped, with the [start, end) byte ranges of marks
 * (a JSON array of pairs, in order) wrapped in <mark>. Ranges that are
 * malformed, out of order or out of range are skipped. */
static void put_marked(brief_htmlbuf_t *b, const char *text, size_t n, const json_t *marks)
{
    size_t pos = 0, i;
    const json_t *m;

    if (text == NULL)
        return;
    json_array_foreach(marks, i, m) {
        const json_t *js = json_array_get(m, 0), *je = json_array_get(m, 1);
        json_int_t s, e;
        if (!json_is_array(m) || json_array_size(m) != 2 || !json_is_integer(js)
            || !json_is_integer(je))
            continue;
        s = json_integer_value(js);
        e = json_integer_value(je);
        if (s < (json_int_t)pos || e <= s || (size_t)e > n || !at_boundary(text, n, (size_t)s)
            || !at_boundary(text, n, (size_t)e))
            continue;
        brief_htmlbuf_escape(b, text + pos, (size_t)s - pos);
        brief_htmlbuf_puts(b, "<mark>");
        brief_htmlbuf_escape(b, text + s, (size_t)(e - s));
        brief_htmlbuf_puts(b, "</mark>");
        pos = (size_t)e;
    }
    brief_htmlbuf_escape(b, text + pos, n - pos);
}

/* "2026-05-19..." as "19 May 2026" inside <time>; other text escaped as is. */
static void put_date(brief_htmlbuf_t *b, const char *date)
{
    static const char *const months[12] = {"January", "February", "March", "April", "May",
                                           "June", "July", "August", "September", "October",
                                           "November", "December"};
    int y, m, d;
    char tail;

    if (date == NULL)
        return;
    if (strlen(date) >= 10 && sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) >= 3
        && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        brief_htmlbuf_printf(b, "<time datetime=\"%04d-%02d-%02d\">%d %s %04d</time>", y, m, d,
                             d, months[m - 1], y);
    } else {
        escape_str(b, date);
    }
}

/* The query string of a link to this search with some changes: q replaced
 * (when q is non-NULL), page set (when page > 1), filters dropped (when
 * keep_filters is 0). Written percent-encoded into u (unescaped). */
static void build_link(brief_htmlbuf_t *u, const brief_cgi_params_t *p, const char *q, long page,
                       int keep_filters)
{
    brief_htmlbuf_puts(u, "?q=");
    brief_htmlbuf_urlencode(u, q ? q : p->q);
    if (keep_filters) {
        const struct {
            const char *name, *value;
        } f[] = {{"kind", p->kind}, {"category", p->category}, {"speaker", p->speaker},
                 {"after", p->after}, {"before", p->before}};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            if (*f[i].value == '\0')
                continue;
            brief_htmlbuf_printf(u, "&%s=", f[i].name);
            brief_htmlbuf_urlencode(u, f[i].value);
        }
    }
    if (p->sort != BRIEF_SORT_HYBRID)
        brief_htmlbuf_printf(u, "&sort=%s",
                             p->sort == BRIEF_SORT_DATE        ? "date"
                             : p->sort == BRIEF_SORT_RELEVANCE ? "relevance"
                                                               : "hybrid");
    if (p->per_page_given)
        brief_htmlbuf_printf(u, "&per_page=%d", p->per_page);
    if (page > 1)
        brief_htmlbuf_printf(u, "&page=%ld", page);
}

/* Appends href="..." for a link made by build_link. */
static void put_href(brief_htmlbuf_t *b, const brief_cgi_params_t *p, const char *q, long page,
                     int keep_filters)
{
    brief_htmlbuf_t u;

    brief_htmlbuf_init(&u);
    build_link(&u, p, q, page, keep_filters);
    if (u.failed)
        b->failed = 1;
    brief_htmlbuf_puts(b, "href=\"");
    if (u.data != NULL)
        brief_htmlbuf_escape(b, u.data, u.len);
    brief_htmlbuf_puts(b, "\"");
    brief_htmlbuf_release(&u);
}

static int has_filters(const brief_cgi_params_t *p)
{
    return *p->kind || *p->category || *p->speaker || *p->after || *p->before;
}

/* ---- page parts ---- */

static void put_option(brief_htmlbuf_t *b, const char *value, const char *label, int selected)
{
    brief_htmlbuf_printf(b, "<option value=\"%s\"%s>%s</option>", value,
                         selected ? " selected" : "", label);
}

static void put_text_field(brief_htmlbuf_t *b, const char *name, const char *label,
                           const char *value, const char *extra)
{
    brief_htmlbuf_printf(b, "<div class=\"field\"><label for=\"%s\">%s</label>"
                            "<input type=\"text\" id=\"%s\" name=\"%s\" value=\"",
                         name, label, name, name);
    escape_str(b, value);
    brief_htmlbuf_printf(b, "\" %s></div>\n", extra);
}

static void put_form(brief_htmlbuf_t *b, const brief_cgi_params_t *p)
{
    brief_htmlbuf_puts(b, "<form method=\"get\" role=\"search\" class=\"search\">\n"
                          "<label for=\"q\" class=\"q-label\">Search briefings</label>\n"
                          "<div class=\"row\"><input type=\"search\" id=\"q\" name=\"q\" "
                          "autocomplete=\"off\" spellcheck=\"false\" ");
    brief_htmlbuf_printf(b, "maxlength=\"%d\" value=\"", BRIEF_CGI_Q_MAX);
    escape_str(b, p->q);
    brief_htmlbuf_puts(b, "\"><button type=\"submit\">Search</button></div>\n");
    brief_htmlbuf_printf(b, "<details class=\"filters\"%s><summary>Filters and sorting"
                            "</summary>\n<div class=\"grid\">\n",
                         has_filters(p) || p->sort != BRIEF_SORT_HYBRID ? " open" : "");
    brief_htmlbuf_puts(b, "<div class=\"field\"><label for=\"kind\">Kind</label>"
                          "<select id=\"kind\" name=\"kind\">");
    put_option(b, "", "Any", p->kinds == 0);
    put_option(b, "article", "Articles", p->kinds == BRIEF_KIND_ARTICLE);
    put_option(b, "analysis", "Analysis", p->kinds == BRIEF_KIND_ANALYSIS);
    put_option(b, "quote", "Quotes", p->kinds == BRIEF_KIND_QUOTE);
    brief_htmlbuf_puts(b, "</select></div>\n");
    put_text_field(b, "category", "Category", p->category,
                   "placeholder=\"e.g. TECH\" maxlength=\"200\"");
    put_text_field(b, "speaker", "Speaker", p->speaker,
                   "placeholder=\"who is quoted\" maxlength=\"200\"");
    put_text_field(b, "after", "From (date)", p->after,
                   "placeholder=\"YYYY-MM-DD\" inputmode=\"numeric\" "
                   "pattern=\"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\" maxlength=\"10\"");
    put_text_field(b, "before", "Before (date)", p->before,
                   "placeholder=\"YYYY-MM-DD\" inputmode=\"numeric\" "
                   "pattern=\"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\" maxlength=\"10\"");
    brief_htmlbuf_puts(b, "<div class=\"field\"><label for=\"sort\">Sort by</label>"
                          "<select id=\"sort\" name=\"sort\">");
    put_option(b, "hybrid", "Best match", p->sort == BRIEF_SORT_HYBRID);
    put_option(b, "relevance", "Relevance only", p->sort == BRIEF_SORT_RELEVANCE);
    put_option(b, "date", "Newest first", p->sort == BRIEF_SORT_DATE);
    brief_htmlbuf_puts(b, "</select></div>\n");
    if (p->per_page_given)
        brief_htmlbuf_printf(b, "<input type=\"hidden\" name=\"per_page\" value=\"%d\">",
                             p->per_page);
    brief_htmlbuf_puts(b, "</div></details>\n</form>\n");
}

static const char *kind_label(const char *kind, const char *part)
{
    if (part != NULL) {
        if (strcmp(part, "overview") == 0)
            return "Overview";
        if (strcmp(part, "timeline") == 0)
            return "Timeline";
        if (strcmp(part, "player") == 0)
            return "Key player";
        if (strcmp(part, "cited") == 0)
            return "Cited article";
        if (strcmp(part, "broadcast") == 0)
            return "Broadcast";
        if (strcmp(part, "analyst") == 0)
            return "Analyst quote";
        if (strcmp(part, "crowd") == 0)
            return "Public reaction";
    }
    if (kind != NULL) {
        if (strcmp(kind, "quote") == 0)
            return "Quote";
        if (strcmp(kind, "analysis") == 0)
            return "Analysis";
    }
    return "Article";
}

/* Whether url is an absolute http(s) URL, the only kind made a link (a
 * javascript: or data: URL from an index must never become one). */
static int is_web_url(const char *url)
{
    return url != NULL && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0)
           && strpbrk(url, " \t\r\n") == NULL;
}

static void put_passage(brief_htmlbuf_t *b, const json_t *ps)
{
    const char *kind = json_str(ps, "kind");
    const char *heading = json_str(ps, "heading");
    const char *speaker = json_str(ps, "speaker");
    const char *role = json_str(ps, "role");
    const char *outlet = json_str(ps, "outlet");
    const char *url = json_str(ps, "url");
    const char *snippet = json_str(ps, "snippet");
    int quote = kind != NULL && strcmp(kind, "quote") == 0;

    if (snippet == NULL)
        return;
    brief_htmlbuf_puts(b, "<li class=\"passage\"><span class=\"kind\">");
    brief_htmlbuf_puts(b, kind_label(kind, json_str(ps, "part")));
    if (heading != NULL && *heading) {
        brief_htmlbuf_puts(b, ": ");
        put_marked(b, heading, json_strlen(ps, "heading"), json_object_get(ps, "heading_marks"));
    } else if (outlet != NULL && *outlet) {
        brief_htmlbuf_puts(b, ": ");
        escape_str(b, outlet);
    }
    if (is_web_url(url)) {
        brief_htmlbuf_puts(b, " <a class=\"source\" rel=\"noopener noreferrer nofollow\" href=\"");
        escape_str(b, url);
        brief_htmlbuf_puts(b, "\">source</a>");
    }
    brief_htmlbuf_puts(b, "</span>\n");
    if (quote) {
        brief_htmlbuf_puts(b, "<figure><blockquote><p>");
        put_marked(b, snippet, json_strlen(ps, "snippet"), json_object_get(ps, "marks"));
        brief_htmlbuf_puts(b, "</p></blockquote>");
        if (speaker != NULL && *speaker) {
            brief_htmlbuf_puts(b, "<figcaption>&mdash; <span class=\"speaker\">");
            put_marked(b, speaker, json_strlen(ps, "speaker"),
                       json_object_get(ps, "speaker_marks"));
            brief_htmlbuf_puts(b, "</span>");
            if (role != NULL && *role) {
                brief_htmlbuf_puts(b, ", ");
                put_marked(b, role, json_strlen(ps, "role"), json_object_get(ps, "role_marks"));
            }
            brief_htmlbuf_puts(b, "</figcaption>");
        }
        brief_htmlbuf_puts(b, "</figure>");
    } else {
        brief_htmlbuf_puts(b, "<p>");
        put_marked(b, snippet, json_strlen(ps, "snippet"), json_object_get(ps, "marks"));
        brief_htmlbuf_puts(b, "</p>");
    }
    brief_htmlbuf_puts(b, "</li>\n");
}

static void put_result(brief_htmlbuf_t *b, const json_t *r)
{
    const char *title = json_str(r, "title");
    const char *category = json_str(r, "category");
    const json_t *passages = json_object_get(r, "passages");
    const json_t *ps;
    size_t i;

    brief_htmlbuf_puts(b, "<li class=\"result\"><article>\n<h2>");
    if (title != NULL)
        put_marked(b, title, json_strlen(r, "title"), json_object_get(r, "title_marks"));
    brief_htmlbuf_puts(b, "</h2>\n<p class=\"meta\">");
    put_date(b, json_str(r, "published"));
    if (category != NULL && *category) {
        brief_htmlbuf_puts(b, " &middot; <span class=\"category\">");
        escape_str(b, category);
        brief_htmlbuf_puts(b, "</span>");
    }
    if (json_is_true(json_object_get(r, "partial")))
        brief_htmlbuf_puts(b, " &middot; <span class=\"partial\">matches some of your words"
                              "</span>");
    brief_htmlbuf_puts(b, "</p>\n");
    if (json_is_array(passages) && json_array_size(passages) > 0) {
        brief_htmlbuf_puts(b, "<ul class=\"passages\">\n");
        json_array_foreach(passages, i, ps)
            put_passage(b, ps);
        brief_htmlbuf_puts(b, "</ul>\n");
    } else if (json_str(r, "snippet") != NULL) {
        /* a result in passages mode is itself one passage */
        brief_htmlbuf_puts(b, "<ul class=\"passages\">\n");
        put_passage(b, r);
        brief_htmlbuf_puts(b, "</ul>\n");
    }
    brief_htmlbuf_puts(b, "</article></li>\n");
}

static long json_long(const json_t *obj, const char *key, long dflt)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

static void put_quoted_q(brief_htmlbuf_t *b, const brief_cgi_params_t *p)
{
    if (*p->q) {
        brief_htmlbuf_puts(b, " for &ldquo;<span class=\"q\">");
        escape_str(b, p->q);
        brief_htmlbuf_puts(b, "</span>&rdquo;");
    } else if (has_filters(p)) {
        brief_htmlbuf_puts(b, " matching the filters");
    }
}

static void put_suggestion(brief_htmlbuf_t *b, const brief_cgi_params_t *p, const json_t *search)
{
    const char *s = json_str(search, "suggestion");

    if (s == NULL || *s == '\0')
        return;
    brief_htmlbuf_puts(b, "<p class=\"suggestion\">Did you mean <a ");
    put_href(b, p, s, 1, 1);
    brief_htmlbuf_puts(b, " rel=\"nofollow\"><strong>");
    escape_str(b, s);
    brief_htmlbuf_puts(b, "</strong></a>?</p>\n");
}

static void put_warnings(brief_htmlbuf_t *b, const json_t *search)
{
    const json_t *w = json_object_get(search, "warnings"), *v;
    size_t i;

    if (!json_is_array(w) || json_array_size(w) == 0)
        return;
    brief_htmlbuf_puts(b, "<ul class=\"warnings\" aria-label=\"About your query\">\n");
    json_array_foreach(w, i, v) {
        if (!json_is_string(v))
            continue;
        brief_htmlbuf_puts(b, "<li>");
        brief_htmlbuf_escape(b, json_string_value(v), json_string_length(v));
        brief_htmlbuf_puts(b, "</li>\n");
    }
    brief_htmlbuf_puts(b, "</ul>\n");
}

static void put_empty_state(brief_htmlbuf_t *b, const brief_cgi_params_t *p)
{
    brief_htmlbuf_puts(b, "<section class=\"empty\" aria-labelledby=\"empty-h\">\n"
                          "<h2 id=\"empty-h\">No briefings found</h2>\n<p>Nothing matched");
    if (*p->q) {
        put_quoted_q(b, p);
        brief_htmlbuf_puts(b, has_filters(p) ? " with these filters.</p>\n" : ".</p>\n");
    } else {
        brief_htmlbuf_puts(b, " these filters.</p>\n");
    }
    brief_htmlbuf_puts(b, "<ul>\n<li>Check the spelling, or try fewer or more general words.</li>\n"
                          "<li>Use <code>word*</code> to match word beginnings "
                          "(<code>regulat*</code>).</li>\n");
    if (has_filters(p)) {
        brief_htmlbuf_puts(b, "<li><a ");
        put_href(b, p, NULL, 1, 0);
        brief_htmlbuf_puts(b, ">Search again without the filters</a>.</li>\n");
    }
    brief_htmlbuf_puts(b, "</ul>\n</section>\n");
}

static void put_pagination(brief_htmlbuf_t *b, const brief_cgi_params_t *p, long total)
{
    long pages = (total + p->per_page - 1) / p->per_page;

    if (pages <= 1 && p->page == 1)
        return;
    brief_htmlbuf_puts(b, "<nav class=\"pages\" aria-label=\"Pages of results\">\n<ul>\n");
    if (p->page > 1) {
        brief_htmlbuf_puts(b, "<li><a rel=\"prev\" ");
        put_href(b, p, NULL, p->page - 1 < pages || pages == 0 ? p->page - 1 : pages, 1);
        brief_htmlbuf_puts(b, ">&larr; Previous</a></li>\n");
    }
    brief_htmlbuf_printf(b, "<li aria-current=\"page\">Page %ld of %ld</li>\n", p->page,
                         pages > 0 ? pages : 1);
    if (p->page < pages) {
        brief_htmlbuf_puts(b, "<li><a rel=\"next\" ");
        put_href(b, p, NULL, p->page + 1, 1);
        brief_htmlbuf_puts(b, ">Next &rarr;</a></li>\n");
    }
    brief_htmlbuf_puts(b, "</ul>\n</nav>\n");
}

/* One row of refinement links from a facet: each value links to this
 * search with that value as the filter (and back to "any" when set). */
static void put_facet_row(brief_htmlbuf_t *b, const brief_cgi_params_t *p, const json_t *counts,
                          const char *label, int is_kind)
{
    const char *key;
    const json_t *n;
    const char *current = is_kind ? p->kind : p->category;
    brief_cgi_params_t alt;

    if (!json_is_object(counts) || json_object_size(counts) == 0)
        return;
    brief_htmlbuf_printf(b, "<li><span class=\"facet-name\">%s:</span> ", label);
    json_object_foreach((json_t *)counts, key, n) {
        int here;
        if (!json_is_integer(n) || *key == '\0')
            continue;
        if (is_kind && strcmp(key, "article") != 0 && strcmp(key, "analysis") != 0
            && strcmp(key, "quote") != 0)
            continue;
        here = strcmp(current, key) == 0;
        alt = *p;
        if (is_kind)
            alt.kind = (char *)key;
        else
            alt.category = (char *)key;
        brief_htmlbuf_puts(b, "<a ");
        put_href(b, &alt, NULL, 1, 1);
        brief_htmlbuf_puts(b, here ? " aria-current=\"true\">" : ">");
        escape_str(b, key);
        brief_htmlbuf_printf(b, " <span class=\"n\">%lld</span></a> ",
                             (long long)json_integer_value(n));
    }
    if (*current) {
        alt = *p;
        if (is_kind)
            alt.kind = "";
        else
            alt.category = "";
        brief_htmlbuf_puts(b, "<a ");
        put_href(b, &alt, NULL, 1, 1);
        brief_htmlbuf_puts(b, ">any</a>");
    }
    brief_htmlbuf_puts(b, "</li>\n");
}

static void put_facets(brief_htmlbuf_t *b, const brief_cgi_params_t *p, const json_t *search)
{
    const json_t *f = json_object_get(search, "facets");

    if (!json_is_object(f))
        return;
    brief_htmlbuf_puts(b, "<nav class=\"facets\" aria-label=\"Refine results\">\n<ul>\n");
    put_facet_row(b, p, json_object_get(f, "category"), "Category", 0);
    put_facet_row(b, p, json_object_get(f, "kind"), "Kind", 1);
    brief_htmlbuf_puts(b, "</ul>\n</nav>\n");
}

static void put_results(brief_htmlbuf_t *b, const brief_cgi_params_t *p, const json_t *search)
{
    const json_t *results = json_object_get(search, "results"), *r;
    long total = json_long(search, "total", 0);
    size_t n = json_is_array(results) ? json_array_size(results) : 0, i;
    long first = (p->page - 1) * (long)p->per_page + 1;
    const json_t *took = json_object_get(search, "took_ms");

    /* Past the count limit the total is a lower bound (include/brief_search.h). */
    const char *more = json_is_false(json_object_get(search, "total_exact")) ? "more than " : "";

    brief_htmlbuf_puts(b, "<p class=\"summary\" role=\"status\">");
    if (n > 0 && total > (long)n)
        brief_htmlbuf_printf(b, "Results %ld&ndash;%ld of %s%ld", first, first + (long)n - 1,
                             more, total);
    else
        brief_htmlbuf_printf(b, "%s%ld result%s", more, total, total == 1 ? "" : "s");
    put_quoted_q(b, p);
    if (json_is_number(took))
        brief_htmlbuf_printf(b, " <span class=\"took\">(%.1f ms)</span>",
                             json_number_value(took));
    brief_htmlbuf_puts(b, "</p>\n");
    if (json_is_integer(json_object_get(search, "matched_all"))) {
        long all = json_long(search, "matched_all", -1);
        if (all >= 0 && all < total)
            brief_htmlbuf_printf(b, "<p class=\"note\">%ld match%s all your words; the others "
                                    "match some of them.</p>\n",
                                 all, all == 1 ? "es" : "");
    }
    put_warnings(b, search);
    put_suggestion(b, p, search);
    if (total == 0) {
        put_empty_state(b, p);
        return;
    }
    if (n == 0) {
        brief_htmlbuf_printf(b, "<section class=\"empty\"><h2>No results on page %ld</h2>\n"
                                "<p><a ",
                             p->page);
        put_href(b, p, NULL, 1, 1);
        brief_htmlbuf_puts(b, ">Go to the first page</a>.</p></section>\n");
    } else {
        put_facets(b, p, search);
        brief_htmlbuf_printf(b, "<ol class=\"results\" start=\"%ld\">\n", first);
        json_array_foreach(results, i, r)
            put_result(b, r);
        brief_htmlbuf_puts(b, "</ol>\n");
    }
    put_pagination(b, p, total);
}

static void put_start(brief_htmlbuf_t *b)
{
    brief_htmlbuf_puts(
        b, "<section class=\"help\" aria-labelledby=\"help-h\">\n"
           "<h2 id=\"help-h\">Search the briefings</h2>\n"
           "<p>Type some words: briefings that mention them are ranked by relevance and "
           "freshness. Articles, analysis and quotes are all searched.</p>\n<ul>\n"
           "<li><code>\"export controls\"</code> &mdash; an exact phrase</li>\n"
           "<li><code>regulat*</code> &mdash; words that begin with &ldquo;regulat&rdquo;</li>\n"
           "<li><code>ai -crypto</code> &mdash; leave out briefings with a word</li>\n"
           "<li><code>speaker:\"Jane Doe\"</code>, <code>kind:quote</code>, "
           "<code>after:2024</code> &mdash; filters inside the query</li>\n"
           "</ul>\n</section>\n");
}

static void put_error(brief_htmlbuf_t *b, const brief_html_page_t *page)
{
    const char *title = page->status == 503   ? "Search is unavailable right now"
                        : page->status >= 500 ? "Something went wrong"
                                              : "This search could not be run";

    brief_htmlbuf_printf(b, "<section class=\"error\" aria-labelledby=\"error-h\">\n"
                            "<h2 id=\"error-h\">%s</h2>\n<p role=\"alert\">",
                         title);
    escape_str(b, page->error ? page->error : brief_html_reason(page->status));
    brief_htmlbuf_puts(b, "</p>\n");
    if (page->status == 503)
        brief_htmlbuf_puts(b, "<p>Please try again in a minute.</p>\n");
    else if (page->status < 500)
        brief_htmlbuf_puts(b, "<p>Change the search above and try again, or "
                              "<a href=\"?\">start over</a>.</p>\n");
    brief_htmlbuf_printf(b, "<p class=\"code\">HTTP %d %s</p>\n</section>\n", page->status,
                         brief_html_reason(page->status));
}

brief_status_t brief_html_render(brief_htmlbuf_t *b, const brief_html_page_t *page,
                                 const json_t *search)
{
    const brief_cgi_params_t *p = page->params;

    brief_htmlbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                          "<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, "
                          "initial-scale=1\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n"
                          "<meta name=\"robots\" content=\"noindex\">\n<title>");
    if (page->status != 200) {
        brief_htmlbuf_printf(b, "%s &ndash; ", brief_html_reason(page->status));
    } else if (*p->q) {
        escape_str(b, p->q);
        brief_htmlbuf_puts(b, " &ndash; ");
    }
    brief_htmlbuf_puts(b, "Briefing Search</title>\n"
                          "<link rel=\"stylesheet\" href=\"?asset=css\">\n</head>\n<body>\n"
                          "<a class=\"skip\" href=\"#main\">Skip to results</a>\n"
                          "<header>\n<p class=\"brand\"><a href=\"?\">Briefing Search</a></p>\n");
    put_form(b, p);
    brief_htmlbuf_puts(b, "</header>\n<main id=\"main\" tabindex=\"-1\">\n");
    if (page->status != 200)
        put_error(b, page);
    else if (search == NULL)
        put_start(b);
    else
        put_results(b, p, search);
    brief_htmlbuf_puts(b, "</main>\n<footer>\n<p>");
    if (page->index_time != NULL && *page->index_time) {
        brief_htmlbuf_puts(b, "Index updated ");
        escape_str(b, page->index_time);
        brief_htmlbuf_puts(b, ". ");
    }
    brief_htmlbuf_puts(b, "Results as <a ");
    {
        brief_htmlbuf_t u;
        brief_htmlbuf_init(&u);
        build_link(&u, p, NULL, p->page, 1);
        brief_htmlbuf_puts(&u, "&format=json");
        brief_htmlbuf_puts(b, "href=\"");
        if (u.data != NULL)
            brief_htmlbuf_escape(b, u.data, u.len);
        if (u.failed)
            b->failed = 1;
        brief_htmlbuf_release(&u);
    }
    brief_htmlbuf_puts(b, "\" type=\"application/json\">JSON</a>.</p>\n</footer>\n"
                          "</body>\n</html>\n");
    return b->failed ? BRIEF_ERR_NOMEM : BRIEF_OK;
}

/* The stylesheet: fluid, mobile first, light and dark, visible focus. */
static const char css[] =
    ":root{color-scheme:light dark;--fg:#1c1c1c;--bg:#fff;--muted:#595959;--accent:#0b57d0;"
    "--mark:#ffe066;--line:#d9d9d9;--soft:#f4f6f8;--err:#b3261e}\n"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#141414;--muted:#a8a8a8;"
    "--accent:#8ab4f8;--mark:#705d00;--line:#3a3a3a;--soft:#1f2226;--err:#f2b8b5}}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;font:1rem/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:var(--fg);background:var(--bg);overflow-wrap:anywhere}\n"
    "header,main,footer{max-width:50rem;margin:0 auto;padding:0 1rem}\n"
    "header{padding-top:1rem;border-bottom:1px solid var(--line);padding-bottom:.75rem}\n"
    "a{color:var(--accent)}\n"
    ":focus-visible{outline:3px solid var(--accent);outline-offset:2px}\n"
    "main:focus{outline:none}\n"
    ".skip{position:absolute;left:-100vw;top:.5rem;background:var(--bg);padding:.5rem;"
    "z-index:1}\n"
    ".skip:focus{left:.5rem}\n"
    ".brand{margin:0 0 .5rem;font-weight:700;font-size:1.25rem}\n"
    ".brand a{color:inherit;text-decoration:none}\n"
    ".q-label{display:block;font-size:.9rem;color:var(--muted);margin-bottom:.25rem}\n"
    ".row{display:flex;gap:.5rem}\n"
    "input,select,button{font:inherit;color:inherit;background:var(--bg);"
    "border:1px solid var(--muted);border-radius:.375rem;padding:.5rem .625rem;"
    "max-width:100%}\n"
    "input[type=search]{flex:1 1 auto;min-width:0;font-size:1.125rem}\n"
    "button{background:var(--accent);color:var(--bg);border-color:var(--accent);"
    "font-weight:600;cursor:pointer;padding:.5rem 1rem}\n"
    ".filters{margin-top:.5rem}\n"
    ".filters summary{cursor:pointer;color:var(--muted);padding:.25rem 0}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));"
    "gap:.5rem 1rem;margin-top:.5rem}\n"
    ".field label{display:block;font-size:.875rem;color:var(--muted)}\n"
    ".field input,.field select{width:100%}\n"
    ".summary{color:var(--muted);margin:1rem 0 .5rem}\n"
    ".suggestion{font-size:1.1rem}\n"
    ".warnings{color:var(--muted);font-size:.9rem;padding-left:1.25rem}\n"
    ".results{list-style:none;padding:0;margin:0}\n"
    ".result{border-bottom:1px solid var(--line);padding:.75rem 0}\n"
    ".result h2{font-size:1.2rem;line-height:1.3;margin:0 0 .25rem}\n"
    ".meta{margin:0 0 .5rem;color:var(--muted);font-size:.9rem}\n"
    ".note,.partial{color:var(--muted);font-size:.9rem}\n"
    ".source{text-transform:none;letter-spacing:0}\n"
    ".category{font-variant:small-caps;letter-spacing:.03em}\n"
    ".passages{list-style:none;padding:0;margin:0}\n"
    ".passage{margin:.5rem 0;padding:.5rem .75rem;background:var(--soft);"
    "border-radius:.375rem}\n"
    ".passage p{margin:0}\n"
    ".kind{display:block;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;"
    "color:var(--muted)}\n"
    "figure{margin:0}\n"
    "blockquote{margin:0;padding-left:.75rem;border-left:3px solid var(--line);"
    "font-style:italic}\n"
    "figcaption{font-size:.9rem;color:var(--muted);margin-top:.25rem}\n"
    ".speaker{font-weight:600;color:var(--fg)}\n"
    "mark{background:var(--mark);color:inherit;padding:0 .1em;border-radius:.15em}\n"
    ".pages ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;"
    "justify-content:center;padding:0;margin:1.25rem 0}\n"
    ".pages a{display:inline-block;padding:.5rem .75rem;border:1px solid var(--line);"
    "border-radius:.375rem;text-decoration:none}\n"
    ".facets ul{list-style:none;padding:0;margin:0 0 .5rem;font-size:.9rem}\n"
    ".facets li{margin:.25rem 0}\n"
    ".facet-name{color:var(--muted)}\n"
    ".facets a{display:inline-block;padding:.1rem .5rem;margin:.1rem 0;"
    "border:1px solid var(--line);border-radius:1rem;text-decoration:none}\n"
    ".facets a[aria-current]{background:var(--accent);color:var(--bg);"
    "border-color:var(--accent)}\n"
    ".facets .n{color:inherit;opacity:.75}\n"
    ".empty,.help,.error{margin:1.5rem 0}\n"
    ".error h2{color:var(--err)}\n"
    ".code{color:var(--muted);font-size:.85rem}\n"
    "code{background:var(--soft);padding:0 .25em;border-radius:.2em}\n"
    "footer{color:var(--muted);font-size:.85rem;padding-top:1rem;padding-bottom:2rem}\n"
    "@media (max-width:30rem){.row{flex-direction:column}button{width:100%}}\n";

const char *brief_html_css(void)
{
    return css;
}
