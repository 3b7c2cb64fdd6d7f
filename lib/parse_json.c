/* parse_json.c - briefings from JSON and JSON Lines, validated against the schema.
 *
 * jansson does the parsing (and rejects bad syntax, invalid UTF-8, \u0000,
 * duplicate keys and nesting deeper than its limit of 2048); this file then
 * checks the tree against ../shared/briefing.schema.json and copies it into
 * a brief_doc_t. jansson's tree keeps no positions, so a validation error is
 * located by walking the (by then known to be valid) JSON text along the
 * path of the offending field: "quotes[2].text" points at the key "text" of
 * the third quote, a missing field at the object that lacks it. The walk
 * needs no recursion: nested values are skipped by counting brackets.
 *
 * The file also holds brief_format_of_path(), which picks the parser. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "brief_parse.h"
#include "internal.h"

brief_format_t brief_format_of_path(const char *path)
{
    const char *base, *dot;

    if (path == NULL)
        return BRIEF_FORMAT_UNKNOWN;
    base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot == NULL || dot == base) /* no extension, or a bare ".json" */
        return BRIEF_FORMAT_UNKNOWN;
    if (strcasecmp(dot, ".json") == 0)
        return BRIEF_FORMAT_JSON;
    if (strcasecmp(dot, ".jsonl") == 0)
        return BRIEF_FORMAT_JSONL;
    if (strcasecmp(dot, ".txt") == 0)
        return BRIEF_FORMAT_TEXT;
    return BRIEF_FORMAT_UNKNOWN;
}

/* ---- positions ---------------------------------------------------------- */

/* Line and column (both from 1) of byte offset off. Columns count
 * characters, not bytes, as jansson's do: continuation bytes of a UTF-8
 * sequence do not advance the column. */
static void position_of(const char *buf, size_t len, size_t off, int *line, int *column)
{
    int l = 1, c = 1;

    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

/* One step of a path into the document: a key of an object, or (key NULL)
 * an index into an array. */
typedef struct {
    const char *key;
    size_t index;
} seg_t;

/* The deepest path a schema field has: "quotes", [2], "text". */
#define MAX_SEGS 3

typedef struct {
    const char *buf;
    size_t len;
    brief_parse_error_t *err;
    brief_status_t rc;
} ctx_t;

static size_t skip_ws(const char *buf, size_t len, size_t i)
{
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
        i++;
    return i;
}

/* From the opening quote of a string, the offset just past its closing one. */
static size_t skip_string(const char *buf, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (buf[i] == '\\')
            i++;
        else if (buf[i] == '"')
            return i + 1;
    }
    return len;
}

/* From the first byte of any value, the offset just past it. Containers are
 * skipped by counting brackets outside strings, without recursion. */
static size_t skip_value(const char *buf, size_t len, size_t i)
{
    size_t depth = 0;

    if (i >= len)
        return len;
    if (buf[i] == '"')
        return skip_string(buf, len, i);
    if (buf[i] != '{' && buf[i] != '[') { /* number, true, false, null */
        while (i < len && buf[i] != ',' && buf[i] != '}' && buf[i] != ']' && buf[i] != ' '
               && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
            i++;
        return i;
    }
    while (i < len) {
        char c = buf[i];
        if (c == '"') {
            i = skip_string(buf, len, i);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return len;
}

/* Whether the JSON string body raw[0..n) (between its quotes, escapes as
 * written) spells key, an ASCII name: "l\u0061ng" spells "lang". */
static int key_is(const char *raw, size_t n, const char *key)
{
    size_t i = 0;

    for (; *key != '\0'; key++) {
        int c;
        if (i >= n)
            return 0;
        c = (unsigned char)raw[i++];
        if (c == '\\') {
            if (i >= n)
                return 0;
            c = raw[i++];
            if (c == 'u') {
                int v = 0;
                for (int k = 0; k < 4; k++) {
                    int h = i < n ? brief_hex_digit(raw[i]) : -1;
                    if (h < 0)
                        return 0;
                    v = v * 16 + h;
                    i++;
                }
                c = v;
            } else if (c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
                return 0; /* a control character: in no key of ours */
            }
        }
        if (c != (unsigned char)*key)
            return 0;
    }
    return i == n;
}

/* Offset of the thing segs names in the JSON text starting at start: the
 * key's opening quote for a key, the element for an index. Returns start
 * when the walk loses its way (it should not: the text parsed). */
static size_t locate(const char *buf, size_t len, size_t start, const seg_t *segs, int nsegs)
{
    size_t i = skip_ws(buf, len, start);
    size_t found = i;

    for (int s = 0; s < nsegs; s++) {
        int hit = 0;
        if (segs[s].key != NULL) {
            if (i >= len || buf[i] != '{')
                return start;
            i = skip_ws(buf, len, i + 1);
            while (i < len && buf[i] == '"') {
                size_t kstart = i;
                size_t kend = skip_string(buf, len, i);
                i = skip_ws(buf, len, kend);
                if (i < len && buf[i] == ':')
                    i = skip_ws(buf, len, i + 1);
                if (kend - kstart >= 2 && key_is(buf + kstart + 1, kend - kstart - 2, segs[s].key)) {
                    found = kstart;
                    hit = 1;
                    break;
                }
                i = skip_ws(buf, len, skip_value(buf, len, i));
                if (i < len && buf[i] == ',')
                    i = skip_ws(buf, len, i + 1);
                else
                    break;
            }
        } else {
            if (i >= len || buf[i] != '[')
                return start;
            i = skip_ws(buf, len, i + 1);
            for (size_t k = 0; k < segs[s].index && i < len; k++) {
                i = skip_ws(buf, len, skip_value(buf, len, i));
                if (i < len && buf[i] == ',')
                    i = skip_ws(buf, len, i + 1);
                else
                    break;
            }
            if (i < len && buf[i] != ']') {
                found = i;
                hit = 1;
            }
        }
        if (!hit)
            return start;
    }
    return found;
}

/* "quotes[2].text" from a path. */
static void path_text(const seg_t *segs, int nsegs, char *out, size_t size)
{
    size_t n = 0;

    out[0] = '\0';
    for (int s = 0; s < nsegs && n < size; s++) {
        int w;
        if (segs[s].key != NULL)
            w = snprintf(out + n, size - n, "%s%s", n > 0 ? "." : "", segs[s].key);
        else
            w = snprintf(out + n, size - n, "[%zu]", segs[s].index);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

/* Records a validation error at the thing `at` segments of the path name
 * (all of them, or the parent object for a missing field). fmt has one %s,
 * the path text. */
static void fail(ctx_t *ctx, const seg_t *segs, int nsegs, int at, const char *fmt)
{
    char path[256];
    size_t off;

    if (ctx->rc != BRIEF_OK)
        return;
    ctx->rc = BRIEF_ERR_PARSE;
    path_text(segs, nsegs, path, sizeof path);
    off = locate(ctx->buf, ctx->len, 0, segs, at);
    position_of(ctx->buf, ctx->len, off, &ctx->err->line, &ctx->err->column);
    snprintf(ctx->err->reason, sizeof ctx->err->reason, fmt, path);
}

/* ---- validation and copying --------------------------------------------- */

static char *copy(ctx_t *ctx, const char *s)
{
    char *c;

    if (ctx->rc != BRIEF_OK)
        return NULL;
    c = brief_strdup(s);
    if (c == NULL) {
        ctx->rc = BRIEF_ERR_NOMEM;
        snprintf(ctx->err->reason, sizeof ctx->err->reason, "out of memory");
    }
    return c;
}

/* Copies the optional string member key of obj (path segs[0..nsegs-1] plus
 * key) into *dst. With required set, a missing member is an error. */
static void get_string(ctx_t *ctx, json_t *obj, seg_t *segs, int nsegs, const char *key,
                       int required, char **dst)
{
    json_t *v = json_object_get(obj, key);

    if (ctx->rc != BRIEF_OK)
        return;
    segs[nsegs].key = key;
    if (v == NULL) {
        if (required)
            fail(ctx, segs, nsegs + 1, nsegs, "missing required field '%s'");
        return;
    }
    if (!json_is_string(v)) {
        fail(ctx, segs, nsegs + 1, nsegs + 1, "field '%s' must be a string");
        return;
    }
    *dst = copy(ctx, json_string_value(v));
}

/* The array member key of the root, or NULL when absent; *n its size. */
static json_t *get_array(ctx_t *ctx, json_t *root, seg_t *segs, const char *key, size_t *n)
{
    json_t *v = json_object_get(root, key);

    *n = 0;
    if (ctx->rc != BRIEF_OK || v == NULL)
        return NULL;
    segs[0].key = key;
    if (!json_is_array(v)) {
        fail(ctx, segs, 1, 1, "field '%s' must be an array");
        return NULL;
    }
    *n = json_array_size(v);
    return *n > 0 ? v : NULL;
}

static void *alloc_items(ctx_t *ctx, size_t n, size_t size)
{
    void *p;

    if (ctx->rc != BRIEF_OK)
        return NULL;
    p = calloc(n, size);
    if (p == NULL) {
        ctx->rc = BRIEF_ERR_NOMEM;
        snprintf(ctx->err->reason, sizeof ctx->err->reason, "out of memory");
    }
    return p;
}

/* Element i of array (whose path is segs[0]) when it is an object. */
static json_t *get_item(ctx_t *ctx, json_t *array, seg_t *segs, size_t i)
{
    json_t *item = json_array_get(array, i);

    segs[1].key = NULL;
    segs[1].index = i;
    if (!json_is_object(item)) {
        fail(ctx, segs, 2, 2, "field '%s' must be an object");
        return NULL;
    }
    return item;
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int is_lang(const char *s)
{
    return s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' && s[2] == '\0';
}

static void scalars(ctx_t *ctx, json_t *root, brief_doc_t *doc, int need_id)
{
    seg_t segs[MAX_SEGS];
    json_t *v;

    get_string(ctx, root, segs, 0, "id", need_id, &doc->id);
    if (ctx->rc == BRIEF_OK && doc->id != NULL) {
        size_t n = utf8_length(doc->id);
        if (n < 1 || n > 200)
            fail(ctx, segs, 1, 1, "field '%s' must be 1 to 200 characters long");
    }
    get_string(ctx, root, segs, 0, "title", 1, &doc->title);
    if (ctx->rc == BRIEF_OK && doc->title[0] == '\0')
        fail(ctx, segs, 1, 1, "field '%s' must not be empty");
    get_string(ctx, root, segs, 0, "category", 0, &doc->category);
    get_string(ctx, root, segs, 0, "published", 1, &doc->published);
    if (ctx->rc == BRIEF_OK && !brief_date_is_full(doc->published))
        fail(ctx, segs, 1, 1, "field '%s' is not an ISO 8601 date");
    get_string(ctx, root, segs, 0, "updated", 0, &doc->updated);
    get_string(ctx, root, segs, 0, "lang", 0, &doc->lang);
    if (ctx->rc == BRIEF_OK && doc->lang != NULL && !is_lang(doc->lang))
        fail(ctx, segs, 1, 1, "field '%s' must be a two-letter lowercase language code");

    v = json_object_get(root, "signals");
    if (ctx->rc == BRIEF_OK && v != NULL) {
        segs[0].key = "signals";
        if (json_is_integer(v) && json_integer_value(v) >= 0) {
            doc->signals = (long long)json_integer_value(v);
        } else if (json_is_real(v) && json_real_value(v) >= 0.0
                   && json_real_value(v) <= 9007199254740992.0
                   && json_real_value(v) == (double)(long long)json_real_value(v)) {
            /* JSON Schema counts 31.0 as an integer. */
            doc->signals = (long long)json_real_value(v);
        } else {
            fail(ctx, segs, 1, 1, "field '%s' must be a non-negative integer");
        }
    }
}

static void arrays(ctx_t *ctx, json_t *root, brief_doc_t *doc)
{
    seg_t segs[MAX_SEGS];
    json_t *array, *item;
    size_t n;

    array = get_array(ctx, root, segs, "overview", &n);
    if (array != NULL && (doc->overview = alloc_items(ctx, n, sizeof(char *))) != NULL) {
        for (size_t i = 0; i < n && ctx->rc == BRIEF_OK; i++) {
            json_t *s = json_array_get(array, i);
            segs[1].key = NULL;
            segs[1].index = i;
            if (!json_is_string(s))
                fail(ctx, segs, 2, 2, "field '%s' must be a string");
            else
                doc->overview[doc->n_overview++] = copy(ctx, json_string_value(s));
        }
    }

    array = get_array(ctx, root, segs, "analysis", &n);
    if (array != NULL && (doc->analysis = alloc_items(ctx, n, sizeof *doc->analysis)) != NULL) {
        for (size_t i = 0; i < n && (item = get_item(ctx, array, segs, i)) != NULL; i++) {
            brief_section_t *s = &doc->analysis[doc->n_analysis++];
            get_string(ctx, item, segs, 2, "heading", 0, &s->heading);
            get_string(ctx, item, segs, 2, "body", 0, &s->body);
        }
    }

    array = get_array(ctx, root, segs, "articles", &n);
    if (array != NULL && (doc->articles = alloc_items(ctx, n, sizeof *doc->articles)) != NULL) {
        for (size_t i = 0; i < n && (item = get_item(ctx, array, segs, i)) != NULL; i++) {
            brief_article_t *a = &doc->articles[doc->n_articles++];
            get_string(ctx, item, segs, 2, "title", 1, &a->title);
            get_string(ctx, item, segs, 2, "outlet", 0, &a->outlet);
            get_string(ctx, item, segs, 2, "url", 0, &a->url);
            get_string(ctx, item, segs, 2, "published", 0, &a->published);
            get_string(ctx, item, segs, 2, "body", 0, &a->body);
        }
    }

    array = get_array(ctx, root, segs, "quotes", &n);
    if (array != NULL && (doc->quotes = alloc_items(ctx, n, sizeof *doc->quotes)) != NULL) {
        for (size_t i = 0; i < n && (item = get_item(ctx, array, segs, i)) != NULL; i++) {
            brief_quote_t *q = &doc->quotes[doc->n_quotes++];
            json_t *g;
            get_string(ctx, item, segs, 2, "text", 1, &q->text);
            get_string(ctx, item, segs, 2, "speaker", 0, &q->speaker);
            get_string(ctx, item, segs, 2, "role", 0, &q->role);
            g = json_object_get(item, "group");
            if (ctx->rc == BRIEF_OK && g != NULL) {
                const char *gs = json_string_value(g); /* NULL unless a string */
                segs[2].key = "group";
                if (gs != NULL && strcmp(gs, "analyst") == 0)
                    q->group = BRIEF_GROUP_ANALYST;
                else if (gs != NULL && strcmp(gs, "crowd") == 0)
                    q->group = BRIEF_GROUP_CROWD;
                else
                    fail(ctx, segs, 3, 3, "field '%s' must be 'analyst' or 'crowd'");
            }
            get_string(ctx, item, segs, 2, "date", 0, &q->date);
        }
    }

    array = get_array(ctx, root, segs, "timeline", &n);
    if (array != NULL && (doc->timeline = alloc_items(ctx, n, sizeof *doc->timeline)) != NULL) {
        for (size_t i = 0; i < n && (item = get_item(ctx, array, segs, i)) != NULL; i++) {
            brief_event_t *e = &doc->timeline[doc->n_timeline++];
            get_string(ctx, item, segs, 2, "date", 0, &e->date);
            get_string(ctx, item, segs, 2, "event", 0, &e->event);
        }
    }

    array = get_array(ctx, root, segs, "players", &n);
    if (array != NULL && (doc->players = alloc_items(ctx, n, sizeof *doc->players)) != NULL) {
        for (size_t i = 0; i < n && (item = get_item(ctx, array, segs, i)) != NULL; i++) {
            brief_player_t *p = &doc->players[doc->n_players++];
            get_string(ctx, item, segs, 2, "name", 0, &p->name);
            get_string(ctx, item, segs, 2, "role", 0, &p->role);
        }
    }

    /* A broadcast without a title carries nothing the model keeps. */
    array = get_array(ctx, root, segs, "broadcasts", &n);
    if (array != NULL
        && (doc->broadcasts = alloc_items(ctx, n, sizeof *doc->broadcasts)) != NULL) {
        for (size_t i = 0; i < n && (item = get_item(ctx, array, segs, i)) != NULL; i++) {
            char *title = NULL;
            get_string(ctx, item, segs, 2, "title", 0, &title);
            if (title != NULL)
                doc->broadcasts[doc->n_broadcasts++] = title;
        }
    }
}

/* ---- entry points ------------------------------------------------------- */

/* Copies a jansson message into reason, dropping the mention of a jansson
 * flag and replacing control characters and bytes that are not valid UTF-8
 * (jansson quotes the input "near" the error) with '?'. */
static void set_reason(brief_parse_error_t *err, const char *text)
{
    static const char flag[] = " without JSON_ALLOW_NUL";
    size_t n = 0, i = 0, tlen = strlen(text);

    while (i < tlen && n + 4 < sizeof err->reason) {
        unsigned char b = (unsigned char)text[i];
        size_t seq = 1;
        if (strncmp(text + i, flag, sizeof flag - 1) == 0) {
            i += sizeof flag - 1;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF)
            seq = 2;
        else if (b >= 0xE0 && b <= 0xEF)
            seq = 3;
        else if (b >= 0xF0 && b <= 0xF4)
            seq = 4;
        else if (b >= 0x80 || b < 0x20 || b == 0x7F)
            seq = 0;
        for (size_t k = 1; k < seq; k++)
            if (i + k >= tlen || ((unsigned char)text[i + k] & 0xC0) != 0x80)
                seq = 0;
        if (seq == 0) {
            err->reason[n++] = '?';
            i++;
        } else {
            memcpy(err->reason + n, text + i, seq);
            n += seq;
            i += seq;
        }
    }
    err->reason[n] = '\0';
}

static brief_status_t parse(const char *buf, size_t len, int need_id, brief_doc_t **out,
                            brief_parse_error_t *err)
{
    brief_parse_error_t scratch;
    ctx_t ctx;
    json_error_t jerr;
    json_t *root;
    brief_doc_t *doc;
    size_t first;

    if (err == NULL)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (out == NULL)
        return BRIEF_ERR_INVALID;
    *out = NULL;
    if (buf == NULL && len > 0)
        return BRIEF_ERR_INVALID;
    if (buf == NULL)
        buf = "";

    /* A UTF-8 byte order mark is allowed and ignored (RFC 8259, 8.1). */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    first = skip_ws(buf, len, 0);
    if (first == len) {
        err->line = 1;
        err->column = 1;
        snprintf(err->reason, sizeof err->reason, need_id ? "empty line" : "empty input");
        return BRIEF_ERR_PARSE;
    }

    root = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        err->line = jerr.line > 0 ? jerr.line : 1;
        err->column = jerr.column > 0 ? jerr.column : 1;
        set_reason(err, jerr.text);
        return BRIEF_ERR_PARSE;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        position_of(buf, len, first, &err->line, &err->column);
        snprintf(err->reason, sizeof err->reason, "expected a JSON object");
        return BRIEF_ERR_PARSE;
    }

    doc = brief_doc_new();
    if (doc == NULL) {
        json_decref(root);
        snprintf(err->reason, sizeof err->reason, "out of memory");
        return BRIEF_ERR_NOMEM;
    }
    ctx.buf = buf;
    ctx.len = len;
    ctx.err = err;
    ctx.rc = BRIEF_OK;
    scalars(&ctx, root, doc, need_id);
    arrays(&ctx, root, doc);
    json_decref(root);
    if (ctx.rc != BRIEF_OK) {
        brief_doc_free(doc);
        return ctx.rc;
    }
    *out = doc;
    return BRIEF_OK;
}

brief_status_t brief_parse_json(const char *buf, size_t len, brief_doc_t **out,
                                brief_parse_error_t *err)
{
    return parse(buf, len, 0, out, err);
}

brief_status_t brief_parse_jsonl_line(const char *line, size_t len, brief_doc_t **out,
                                      brief_parse_error_t *err)
{
    brief_status_t rc = parse(line, len, 1, out, err);

    if (rc != BRIEF_OK && err != NULL)
        err->line = 0;
    return rc;
}
