/* cgi_params.c - parsing a CGI request's QUERY_STRING into search parameters, and ETag matching.
 *
 * Everything here is pure (no environment, no I/O) so it can be unit
 * tested and fuzzed. The decoder is strict on purpose: a malformed escape,
 * a NUL byte or a byte sequence that is not UTF-8 is refused with a reason
 * (HTTP 400) rather than "repaired", because a repaired query would search
 * for something the user did not type and the reason tells a client author
 * what to fix. Control characters are the one thing repaired (to spaces):
 * browsers send a newline typed into a field as %0D%0A, which is a harmless
 * word separator in a query, and turning them into spaces here means no
 * CR or LF can reach anything downstream.
 */
#include <stdlib.h>
#include <string.h>

#include "brief_cgi.h"
#include "brief_doc.h"
#include "brief_query.h"
#include "internal.h"

static char empty[] = "";

void brief_cgi_params_init(brief_cgi_params_t *p)
{
    p->q = empty;
    p->kind = empty;
    p->category = empty;
    p->speaker = empty;
    p->after = empty;
    p->before = empty;
    p->asset = empty;
    p->kinds = 0;
    p->after_day = -1;
    p->before_day = -1;
    p->sort = BRIEF_SORT_HYBRID;
    p->page = 1;
    p->per_page = BRIEF_CGI_PER_PAGE;
    p->per_page_given = 0;
    p->format = BRIEF_CGI_HTML;
}

static void free_str(char *s)
{
    if (s != empty)
        free(s);
}

void brief_cgi_params_release(brief_cgi_params_t *p)
{
    if (p == NULL)
        return;
    free_str(p->q);
    free_str(p->kind);
    free_str(p->category);
    free_str(p->speaker);
    free_str(p->after);
    free_str(p->before);
    free_str(p->asset);
    brief_cgi_params_init(p);
}

typedef enum { DECODE_OK, DECODE_ESCAPE, DECODE_NUL, DECODE_UTF8, DECODE_NOMEM } decode_t;

/* Decodes src[0..n) into a new string *out: '+' to space, %XX to a byte,
 * control characters to spaces; checks UTF-8. */
static decode_t decode(const char *src, size_t n, char **out)
{
    char *dst = malloc(n + 1);
    size_t j = 0;

    *out = NULL;
    if (dst == NULL)
        return DECODE_NOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n || brief_hex_digit(src[i + 1]) < 0 || brief_hex_digit(src[i + 2]) < 0) {
                free(dst);
                return DECODE_ESCAPE;
            }
            c = (unsigned char)(brief_hex_digit(src[i + 1]) * 16 + brief_hex_digit(src[i + 2]));
            i += 2;
            if (c == 0) {
                free(dst);
                return DECODE_NUL;
            }
        }
        dst[j++] = (char)c;
    }
    dst[j] = '\0';
    for (size_t i = 0; i < j;) {
        size_t len = brief_utf8_seq((const unsigned char *)dst + i, j - i);
        if (len == 0) {
            free(dst);
            return DECODE_UTF8;
        }
        if (len == 1 && ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7F))
            dst[i] = ' ';
        i += len;
    }
    *out = dst;
    return DECODE_OK;
}

static brief_status_t decode_error(decode_t d, const char *what, char **reason)
{
    switch (d) {
    case DECODE_OK:
        return BRIEF_OK;
    case DECODE_NOMEM:
        return BRIEF_ERR_NOMEM;
    case DECODE_ESCAPE:
        brief_set_error(reason, "invalid percent-encoding in %s: '%%' must be followed by "
                        "two hexadecimal digits", what);
        break;
    case DECODE_NUL:
        brief_set_error(reason, "%%00 (a NUL byte) is not allowed in %s", what);
        break;
    case DECODE_UTF8:
        brief_set_error(reason, "%s is not valid UTF-8", what);
        break;
    }
    return BRIEF_ERR_INVALID;
}

/* A decimal number of at most 18 digits into *v (no sign, no spaces).
 * Returns 0 when s is not one; sets *v to LLONG-ish huge on overflow. */
static int parse_decimal(const char *s, long long *v, int *huge)
{
    long long n = 0;
    size_t i;

    *huge = 0;
    if (*s == '\0')
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (n > 100000000000000LL)
            *huge = 1;
        else
            n = n * 10 + (s[i] - '0');
    }
    *v = n;
    return 1;
}

/* YYYY, YYYY-MM or YYYY-MM-DD (no time), from 1970 on. */
static int parse_day(const char *s, long *day)
{
    size_t n = strlen(s);

    if (n != 4 && n != 7 && n != 10)
        return 0;
    *day = brief_date_to_day(s);
    return *day >= 0;
}

/* Reasons quote a bad value, cut to at most QUOTE_MAX bytes: enough to
 * recognise it, short enough for one line. */
#define QUOTE_MAX 40

/* Bytes of value to quote: all of it, or at most QUOTE_MAX cut between two
 * characters (a reason must stay valid UTF-8: it ends up in JSON). */
static int quote_len(const char *value)
{
    size_t n = strlen(value);

    if (n <= QUOTE_MAX)
        return (int)n;
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)value[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* The parameters we know, in the order of the flags below. */
enum {
    P_Q, P_KIND, P_CATEGORY, P_SPEAKER, P_AFTER, P_BEFORE, P_SORT, P_PAGE, P_PER_PAGE,
    P_FORMAT, P_ASSET, P_COUNT
};
static const char *const param_names[P_COUNT] = {
    "q", "kind", "category", "speaker", "after", "before", "sort", "page", "per_page",
    "format", "asset"
};

/* Takes ownership of value (a decoded string) for parameter which. */
static brief_status_t set_param(brief_cgi_params_t *p, int which, char *value, char **reason)
{
    long long n;
    int huge;
    size_t len = strlen(value);
    brief_status_t status = BRIEF_OK;
    int keep = 0;

    switch (which) {
    case P_Q:
        if (len > BRIEF_CGI_Q_MAX) {
            brief_set_error(reason, "q is too long: %zu bytes, at most %d", len,
                            BRIEF_CGI_Q_MAX);
            status = BRIEF_ERR_INVALID;
        } else {
            p->q = value;
            keep = 1;
        }
        break;
    case P_CATEGORY:
    case P_SPEAKER:
        if (len > BRIEF_CGI_FIELD_MAX) {
            brief_set_error(reason, "%s is too long: %zu bytes, at most %d",
                            param_names[which], len, BRIEF_CGI_FIELD_MAX);
            status = BRIEF_ERR_INVALID;
        } else {
            *(which == P_CATEGORY ? &p->category : &p->speaker) = value;
            keep = 1;
        }
        break;
    case P_KIND:
        if (strcmp(value, "") == 0 || strcmp(value, "all") == 0)
            p->kinds = 0;
        else if (strcmp(value, "article") == 0)
            p->kinds = BRIEF_KIND_ARTICLE;
        else if (strcmp(value, "analysis") == 0)
            p->kinds = BRIEF_KIND_ANALYSIS;
        else if (strcmp(value, "quote") == 0)
            p->kinds = BRIEF_KIND_QUOTE;
        else {
            brief_set_error(reason, "unknown kind '%.*s': use article, analysis or quote",
                            quote_len(value), value);
            status = BRIEF_ERR_INVALID;
            break;
        }
        if (p->kinds != 0) {
            p->kind = value;
            keep = 1;
        }
        break;
    case P_AFTER:
    case P_BEFORE:
        if (*value != '\0') {
            long day;
            if (!parse_day(value, &day)) {
                brief_set_error(reason, "%s must be a date YYYY, YYYY-MM or YYYY-MM-DD "
                                "from 1970 on, not '%.*s'", param_names[which], quote_len(value),
                                value);
                status = BRIEF_ERR_INVALID;
                break;
            }
            if (which == P_AFTER) {
                p->after = value;
                p->after_day = day;
            } else {
                p->before = value;
                p->before_day = day;
            }
            keep = 1;
        }
        break;
    case P_SORT:
        if (strcmp(value, "") == 0 || strcmp(value, "hybrid") == 0) {
            p->sort = BRIEF_SORT_HYBRID;
        } else if (strcmp(value, "date") == 0) {
            p->sort = BRIEF_SORT_DATE;
        } else if (strcmp(value, "relevance") == 0) {
            p->sort = BRIEF_SORT_RELEVANCE;
        } else {
            brief_set_error(reason, "unknown sort '%.*s': use hybrid, date or relevance",
                            quote_len(value), value);
            status = BRIEF_ERR_INVALID;
        }
        break;
    case P_PAGE:
        if (*value == '\0')
            break;
        if (!parse_decimal(value, &n, &huge) || huge || n < 1 || n > BRIEF_CGI_PAGE_MAX) {
            brief_set_error(reason, "page must be a whole number from 1 to %d, not '%.*s'",
                            BRIEF_CGI_PAGE_MAX, quote_len(value), value);
            status = BRIEF_ERR_INVALID;
        } else {
            p->page = (long)n;
        }
        break;
    case P_PER_PAGE:
        if (*value == '\0')
            break;
        if (!parse_decimal(value, &n, &huge) || (!huge && n < 1)) {
            brief_set_error(reason, "per_page must be a whole number of at least 1, "
                            "not '%.*s'", quote_len(value), value);
            status = BRIEF_ERR_INVALID;
        } else {
            p->per_page = huge || n > BRIEF_CGI_PER_PAGE_MAX ? BRIEF_CGI_PER_PAGE_MAX : (int)n;
            p->per_page_given = 1;
        }
        break;
    case P_FORMAT:
        if (strcmp(value, "") == 0 || strcmp(value, "html") == 0) {
            p->format = BRIEF_CGI_HTML;
        } else if (strcmp(value, "json") == 0) {
            p->format = BRIEF_CGI_JSON;
        } else {
            brief_set_error(reason, "unknown format '%.*s': use html or json",
                            quote_len(value), value);
            status = BRIEF_ERR_INVALID;
        }
        break;
    case P_ASSET:
        if (strcmp(value, "") != 0 && strcmp(value, "css") != 0) {
            brief_set_error(reason, "unknown asset '%.*s'", quote_len(value), value);
            status = BRIEF_ERR_INVALID;
        } else if (*value != '\0') {
            p->asset = value;
            keep = 1;
        }
        break;
    }
    if (!keep)
        free(value);
    return status;
}

brief_status_t brief_cgi_params_parse(const char *query_string, brief_cgi_params_t *p,
                                      char **reason)
{
    const char *s = query_string ? query_string : "";
    size_t total = strlen(s);
    unsigned seen = 0;
    brief_status_t status = BRIEF_OK;

    if (total > BRIEF_CGI_QUERY_STRING_MAX) {
        brief_set_error(reason, "query string is too long: %zu bytes, at most %d", total,
                        BRIEF_CGI_QUERY_STRING_MAX);
        return BRIEF_ERR_LIMIT;
    }
    /* format first, so that any later error is answered in the format asked for */
    for (int pass = 0; pass < 2 && status != BRIEF_ERR_NOMEM; pass++) {
        const char *pos = s;
        while (*pos != '\0' && status != BRIEF_ERR_NOMEM) {
            const char *amp = strchr(pos, '&');
            size_t pair_len = amp ? (size_t)(amp - pos) : strlen(pos);
            const char *eq = memchr(pos, '=', pair_len);
            size_t name_len = eq ? (size_t)(eq - pos) : pair_len;
            const char *val = eq ? eq + 1 : pos + pair_len;
            size_t val_len = pair_len - (size_t)(val - pos);
            char *name = NULL, *value = NULL, *msg = NULL;
            brief_status_t st = BRIEF_OK;
            int which = -1;
            decode_t d;

            if (pair_len > 0) {
                d = decode(pos, name_len, &name);
                /* a bad name is reported once, in the first pass */
                st = decode_error(d, "a parameter name", pass == 0 ? &msg : NULL);
                if (st == BRIEF_OK) {
                    for (int i = 0; i < P_COUNT; i++)
                        if (strcmp(name, param_names[i]) == 0)
                            which = i;
                    free(name);
                    if ((pass == 0) != (which == P_FORMAT))
                        which = -1;
                } else if (pass == 1 && st != BRIEF_ERR_NOMEM) {
                    st = BRIEF_OK;
                }
                if (st == BRIEF_OK && which >= 0 && !(seen & (1u << which))) {
                    char what[32];
                    seen |= 1u << which;
                    strcpy(what, "'");
                    strcat(what, param_names[which]);
                    strcat(what, "'");
                    d = decode(val, val_len, &value);
                    st = decode_error(d, what, &msg);
                    if (st == BRIEF_OK)
                        st = set_param(p, which, value, &msg);
                }
            }
            /* keep going after a bad parameter, so that the error page can
             * still show the rest of the request; the first reason wins */
            if (st != BRIEF_OK && (status == BRIEF_OK || st == BRIEF_ERR_NOMEM)) {
                status = st;
                if (reason != NULL) {
                    free(*reason);
                    *reason = msg;
                    msg = NULL;
                }
            }
            free(msg);
            pos += pair_len;
            if (*pos == '&')
                pos++;
        }
    }
    return status;
}

/* Skips optional whitespace (OWS) and commas. */
static const char *skip_list_space(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == ',')
        s++;
    return s;
}

int brief_cgi_etag_matches(const char *if_none_match, const char *etag)
{
    const char *s = if_none_match;
    size_t etag_len;

    if (s == NULL || etag == NULL)
        return 0;
    if (etag[0] == 'W' && etag[1] == '/')
        etag += 2;
    etag_len = strlen(etag);
    s = skip_list_space(s);
    if (*s == '*') {
        const char *rest = skip_list_space(s + 1);
        return *rest == '\0';
    }
    while (*s != '\0') {
        const char *start;
        if (s[0] == 'W' && s[1] == '/')
            s += 2;
        if (*s != '"')
            return 0; /* not a list of entity tags */
        start = s;
        s = strchr(s + 1, '"');
        if (s == NULL)
            return 0;
        s++;
        if ((size_t)(s - start) == etag_len && memcmp(start, etag, etag_len) == 0)
            return 1;
        s = skip_list_space(s);
    }
    return 0;
}

unsigned long long brief_cgi_hash(unsigned long long h, const void *data, size_t n)
{
    const unsigned char *b = data;

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}
