/* fuzz_cgi_params.c - libFuzzer target: brief_cgi_params_parse, the CGI QUERY_STRING parser.
 * fuzz-requires: brief_cgi_params_parse brief_cgi_params_init brief_cgi_params_release
 *
 * Any QUERY_STRING must be accepted or refused with a reason, and an
 * accepted one must give what brief_cgi.h promises: every string non-NULL,
 * valid UTF-8 without control characters and within its length cap, page
 * and per_page in range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief_cgi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bad(const char *what, const char *value)
{
    fprintf(stderr, "fuzz_cgi_params: %s: '%s'\n", what, value ? value : "(null)");
    abort();
}

/* Valid UTF-8 (no overlongs, surrogates, > U+10FFFF) and no C0 or DEL. */
static int clean_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s;
        int n;
        unsigned cp, min;
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            s++;
            continue;
        }
        if ((c & 0xe0) == 0xc0)
            n = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            n = 2, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            n = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        s += n + 1;
    }
    return 1;
}

static void check_string(const char *name, const char *v, size_t max)
{
    if (v == NULL)
        bad(name, "NULL after a successful parse");
    if (!clean_utf8((const unsigned char *)v))
        bad(name, v);
    if (max > 0 && strlen(v) > max)
        bad(name, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    brief_cgi_params_t p;
    char *qs, *reason = NULL;
    brief_status_t st;

    if (size > 2 * BRIEF_CGI_QUERY_STRING_MAX)
        return 0;
    qs = malloc(size + 1);
    if (qs == NULL)
        return 0;
    memcpy(qs, data, size);
    qs[size] = '\0';
    brief_cgi_params_init(&p);
    st = brief_cgi_params_parse(qs, &p, &reason);
    if (st == BRIEF_OK) {
        if (reason != NULL)
            bad("a reason on success", reason);
        check_string("q", p.q, BRIEF_CGI_Q_MAX);
        check_string("kind", p.kind, 0);
        check_string("category", p.category, BRIEF_CGI_FIELD_MAX);
        check_string("speaker", p.speaker, BRIEF_CGI_FIELD_MAX);
        check_string("after", p.after, 0);
        check_string("before", p.before, 0);
        check_string("asset", p.asset, 0);
        if (p.page < 1 || p.page > BRIEF_CGI_PAGE_MAX)
            bad("page out of range", qs);
        if (p.per_page < 1 || p.per_page > BRIEF_CGI_PER_PAGE_MAX)
            bad("per_page out of range", qs);
        if (p.kinds & ~7u)
            bad("kinds", qs);
    } else if (st == BRIEF_ERR_INVALID || st == BRIEF_ERR_LIMIT) {
        if (reason == NULL || reason[0] == '\0')
            bad("refused without a reason", qs);
    }
    free(reason);
    brief_cgi_params_release(&p);
    /* released is as good as initialised: a second release is harmless */
    brief_cgi_params_release(&p);
    free(qs);
    return 0;
}
