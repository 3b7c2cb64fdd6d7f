/* brief_cgi.h - the web front end's pure parts: request parameters, ETags, HTML pages. */
#ifndef BRIEF_CGI_H
#define BRIEF_CGI_H

#include <stddef.h>

#include <jansson.h>

#include "brief_search.h"
#include "brief_status.h"

/* Longest QUERY_STRING read at all, in bytes; longer is refused (414). */
#define BRIEF_CGI_QUERY_STRING_MAX 8192
/* Longest q after decoding, in bytes; longer is refused (400). Far below
 * BRIEF_QUERY_MAX_BYTES: a web search box has no use for more. */
#define BRIEF_CGI_Q_MAX 1024
/* Longest category or speaker value, in bytes (400 beyond). */
#define BRIEF_CGI_FIELD_MAX 200
/* per_page: default, and the cap larger values are lowered to. */
#define BRIEF_CGI_PER_PAGE 10
#define BRIEF_CGI_PER_PAGE_MAX 50
/* Highest page number accepted (400 beyond): with BRIEF_CGI_PER_PAGE_MAX
 * it bounds the offset a request can ask the search to skip. */
#define BRIEF_CGI_PAGE_MAX 1000

typedef enum {
    BRIEF_CGI_HTML = 0,
    BRIEF_CGI_JSON
} brief_cgi_format_t;

/* The parameters of one search request. Strings are NUL-terminated,
 * valid UTF-8 without control characters, owned by the struct and freed
 * by brief_cgi_params_release(); an absent parameter is "" (never NULL
 * after a successful parse). */
typedef struct {
    char *q;        /* the query text */
    char *kind;     /* "", "article", "analysis" or "quote" */
    char *category; /* "" : any */
    char *speaker;  /* "" : any */
    char *after;    /* "" or YYYY, YYYY-MM, YYYY-MM-DD as given */
    char *before;   /* same */
    char *asset;    /* "" or the name of a static asset ("css") */
    unsigned kinds; /* BRIEF_KIND_* mask from kind, 0: all */
    long after_day;  /* first day of after, inclusive; -1: none */
    long before_day; /* first day of before, exclusive; -1: none */
    brief_sort_t sort;
    long page;       /* 1..BRIEF_CGI_PAGE_MAX */
    int per_page;    /* 1..BRIEF_CGI_PER_PAGE_MAX */
    int per_page_given;
    brief_cgi_format_t format;
} brief_cgi_params_t;

/* Sets every member to its default (empty strings are static, so a
 * released or never-parsed struct is still safe to read). */
void brief_cgi_params_init(brief_cgi_params_t *p);

/* Frees what p owns and puts it back to the defaults. NULL is harmless. */
void brief_cgi_params_release(brief_cgi_params_t *p);

/* Parses a CGI QUERY_STRING (application/x-www-form-urlencoded; NULL is
 * the empty string) into p, which must have been initialised.
 *
 * Rules (README, "Web search (CGI)"):
 * - pairs split on '&' (';' is not a separator), empty pairs skipped;
 *   a name without '=' has the empty value;
 * - '+' is a space; %XX is the byte XX; a '%' not followed by two hex
 *   digits is refused (no guessing), as is %00;
 * - decoded names and values must be UTF-8 (no overlongs, surrogates or
 *   code points over U+10FFFF): others are refused, not repaired;
 * - control characters (U+0000-U+001F, U+007F) in values become spaces,
 *   so CR/LF never survive into anything;
 * - the FIRST occurrence of a repeated parameter wins; later ones are
 *   ignored (even when invalid); unknown names are ignored unparsed;
 * - q is at most BRIEF_CGI_Q_MAX bytes, category and speaker at most
 *   BRIEF_CGI_FIELD_MAX; page is a decimal 1..BRIEF_CGI_PAGE_MAX;
 *   per_page a decimal >= 1, lowered to BRIEF_CGI_PER_PAGE_MAX; kind,
 *   sort and format one of their names (empty means the default); after
 *   and before YYYY, YYYY-MM or YYYY-MM-DD from 1970 on.
 *
 * Returns BRIEF_OK; BRIEF_ERR_INVALID for a bad request (HTTP 400) or
 * BRIEF_ERR_LIMIT for a QUERY_STRING over BRIEF_CGI_QUERY_STRING_MAX
 * (HTTP 414), with *reason (when reason is non-NULL) a lowercase message
 * naming the parameter, which the caller frees; BRIEF_ERR_NOMEM. A bad
 * parameter does not stop the parse: the valid ones are still set (format
 * in particular, so the error is answered in the asked-for format, and q,
 * so the error page's form keeps it) and the reason is the first one. */
brief_status_t brief_cgi_params_parse(const char *query_string, brief_cgi_params_t *p,
                                      char **reason);

/* Whether an If-None-Match header value (a list of entity tags, or "*")
 * matches etag (a quoted strong tag such as "\"abc\""), using the weak
 * comparison of RFC 9110 13.1.2 (W/ prefixes ignored). NULL matches
 * nothing. */
int brief_cgi_etag_matches(const char *if_none_match, const char *etag);

/* 64-bit FNV-1a of n bytes, continuing from h (start with
 * BRIEF_CGI_FNV_SEED): the ETag hash. Not cryptographic. */
#define BRIEF_CGI_FNV_SEED 14695981039346656037ull
unsigned long long brief_cgi_hash(unsigned long long h, const void *data, size_t n);

/* A growable byte buffer with a sticky error: after an allocation fails
 * every append is a no-op and brief_htmlbuf_failed() is true. */
typedef struct {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    int failed;
} brief_htmlbuf_t;

/* An empty buffer (data NULL); needs no release until something is appended. */
void brief_htmlbuf_init(brief_htmlbuf_t *b);
/* Frees the contents and re-initialises b. NULL is harmless. */
void brief_htmlbuf_release(brief_htmlbuf_t *b);
/* Whether an append failed (out of memory): the contents are then incomplete. */
int brief_htmlbuf_failed(const brief_htmlbuf_t *b);
/* Append n bytes of s, a NUL-terminated s, or printf-formatted text, as
 * they are (no escaping: for the page's own markup). */
void brief_htmlbuf_put(brief_htmlbuf_t *b, const char *s, size_t n);
void brief_htmlbuf_puts(brief_htmlbuf_t *b, const char *s);
void brief_htmlbuf_printf(brief_htmlbuf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends n bytes of text HTML-escaped (& < > " ' as entities; control
 * characters other than tab, LF and CR, which HTML does not allow, as
 * spaces), fit for element content and quoted attribute values alike. */
void brief_htmlbuf_escape(brief_htmlbuf_t *b, const char *s, size_t n);
/* Appends s percent-encoded for a query-string value (unreserved bytes
 * kept, space as '+', everything else %XX). The result still needs
 * HTML escaping ('&' between pairs) when it goes into an attribute. */
void brief_htmlbuf_urlencode(brief_htmlbuf_t *b, const char *s);

/* What the page needs besides the search answer. */
typedef struct {
    const brief_cgi_params_t *params; /* required */
    int status;                       /* HTTP status: 200, or the error's */
    const char *error;                /* message shown on an error page */
    const char *index_time;           /* "" or the ISO time of the index */
} brief_html_page_t;

/* Renders a complete HTML5 search page into b: the form (filled in from
 * params), then either the results of search (the JSON object of
 * brief_search_run; NULL on the start page and on error pages), the empty
 * state, or the error state. Snippets and titles are highlighted with
 * <mark> from their byte-offset marks (marks out of range, overlapping or
 * splitting a UTF-8 sequence are ignored). Every piece of request or index
 * text is escaped exactly once. The page has no script and no inline style:
 * its stylesheet is "?asset=css" (brief_html_css()).
 * Returns BRIEF_OK or BRIEF_ERR_NOMEM. */
brief_status_t brief_html_render(brief_htmlbuf_t *b, const brief_html_page_t *page,
                                 const json_t *search);

/* The page's stylesheet (a static string). */
const char *brief_html_css(void);

/* The reason phrase of an HTTP status code ("Not Found"), "" if unknown. */
const char *brief_html_reason(int status);

#endif
