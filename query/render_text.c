/* render_text.c - the terminal (plain text) rendering of a search answer. */
#include <string.h>

#include "render_text.h"

#define C_RESET "\033[0m"
#define C_TITLE "\033[1m"
#define C_MARK "\033[1;33m"
#define C_DIM "\033[2m"

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s;
}

/* Writes n bytes of text, control characters as spaces: C0 and DEL, and
 * the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F), which some
 * terminals obey (U+009B is CSI), so index text cannot drive the terminal. */
static void put_clean(FILE *out, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9f) {
            fputc(' ', out);
            i++;
            continue;
        }
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, out);
    }
}

/* Writes text with the spans of marks highlighted (when colour is on). */
static void put_marked(FILE *out, const char *text, const json_t *marks, int color,
                       const char *base)
{
    size_t n = strlen(text), pos = 0, i;
    json_t *m;

    if (base != NULL && color)
        fputs(base, out);
    json_array_foreach(marks, i, m)
    {
        json_int_t s = json_integer_value(json_array_get(m, 0));
        json_int_t e = json_integer_value(json_array_get(m, 1));
        if (s < (json_int_t)pos || e > (json_int_t)n || s >= e)
            continue;
        put_clean(out, text + pos, (size_t)s - pos);
        if (color)
            fputs(C_MARK, out);
        put_clean(out, text + s, (size_t)(e - s));
        if (color) {
            fputs(C_RESET, out);
            if (base != NULL)
                fputs(base, out);
        }
        pos = (size_t)e;
    }
    put_clean(out, text + pos, n - pos);
    if (base != NULL && color)
        fputs(C_RESET, out);
}

static void put_dim(FILE *out, int color, const char *s)
{
    if (color)
        fputs(C_DIM, out);
    put_clean(out, s, strlen(s));
    if (color)
        fputs(C_RESET, out);
}

static void render_passage(FILE *out, const json_t *p, const brief_render_opts_t *ro)
{
    const char *kind = jstr(p, "kind"), *heading = jstr(p, "heading");
    const char *speaker = jstr(p, "speaker"), *role = jstr(p, "role");
    const char *outlet = jstr(p, "outlet"), *snippet = jstr(p, "snippet");

    fputs("     ", out);
    put_dim(out, ro->color, kind ? kind : "passage");
    fputs(": ", out);
    if (speaker != NULL) {
        put_marked(out, speaker, json_object_get(p, "speaker_marks"), ro->color, NULL);
        if (role != NULL) {
            fputs(" (", out);
            put_marked(out, role, json_object_get(p, "role_marks"), ro->color, NULL);
            fputs(")", out);
        }
        fputs(": ", out);
    } else if (heading != NULL) {
        put_marked(out, heading, json_object_get(p, "heading_marks"), ro->color, NULL);
        if (outlet != NULL) {
            fputs(" (", out);
            put_clean(out, outlet, strlen(outlet));
            fputs(")", out);
        }
        if (snippet != NULL && *snippet)
            fputs(": ", out);
    }
    if (snippet != NULL && *snippet) {
        if (kind != NULL && strcmp(kind, "quote") == 0)
            fputs("\"", out);
        put_marked(out, snippet, json_object_get(p, "marks"), ro->color, NULL);
        if (kind != NULL && strcmp(kind, "quote") == 0)
            fputs("\"", out);
    }
    fputs("\n", out);
}

static void render_explain(FILE *out, const json_t *ex)
{
    const char *key;
    json_t *v;
    int first = 1;

    if (!json_is_object(ex))
        return;
    if (json_object_get(ex, "bm25") == NULL) {
        const char *note = jstr(ex, "note");
        if (note)
            fprintf(out, "     explain: %s\n", note);
        return;
    }
    fprintf(out, "     explain: bm25 %.4f = ", json_number_value(json_object_get(ex, "bm25")));
    json_object_foreach(json_object_get(ex, "columns"), key, v)
    {
        fprintf(out, "%s%s %.4f", first ? "" : " + ", key, json_number_value(v));
        first = 0;
    }
    if (first)
        fputs("0", out);
    fprintf(out, "\n              x proximity %.4f (%d of %d neighbouring items side by side)",
            json_number_value(json_object_get(ex, "proximity")),
            (int)json_integer_value(json_object_get(ex, "adjacent_pairs")),
            (int)(json_integer_value(json_object_get(ex, "items")) > 0
                      ? json_integer_value(json_object_get(ex, "items")) - 1
                      : 0));
    fprintf(out, "\n              x recency %.4f (%d days old) = score %.4f\n",
            json_number_value(json_object_get(ex, "recency")),
            (int)json_integer_value(json_object_get(ex, "age_days")),
            json_number_value(json_object_get(ex, "score")));
}

static void render_facet(FILE *out, const char *name, const json_t *f)
{
    const char *key;
    json_t *v;
    fprintf(out, "  %-9s", name);
    json_object_foreach((json_t *)f, key, v)
    {
        fputs(" ", out);
        put_clean(out, key, strlen(key));
        fprintf(out, " %lld", (long long)json_integer_value(v));
    }
    fputs("\n", out);
}

void brief_render_text(FILE *out, const json_t *answer, const brief_render_opts_t *ro)
{
    const json_t *results = json_object_get(answer, "results");
    const json_t *r, *facets;
    long long total = json_integer_value(json_object_get(answer, "total"));
    long long offset = json_integer_value(json_object_get(answer, "offset"));
    int passages_mode = 0, in_partial = 0;
    const char *mode = jstr(answer, "mode"), *sugg = jstr(answer, "suggestion");
    size_t i, n = json_array_size(results);

    if (mode != NULL && strcmp(mode, "passages") == 0)
        passages_mode = 1;
    if (ro->verbose) {
        const char *u = jstr(answer, "understood");
        json_t *w;
        fputs("query: ", out);
        put_clean(out, u ? u : "", u ? strlen(u) : 0);
        fprintf(out, "\nsort: %s\n", jstr(answer, "sort") ? jstr(answer, "sort") : "");
        json_array_foreach(json_object_get(answer, "warnings"), i, w)
        {
            const char *ws = json_string_value(w);
            fputs("warning: ", out);
            put_clean(out, ws ? ws : "", ws ? strlen(ws) : 0);
            fputs("\n", out);
        }
        fputs("\n", out);
    }
    json_array_foreach(results, i, r)
    {
        const char *title = jstr(r, "title"), *cat = jstr(r, "category");
        const char *pub = jstr(r, "published"), *id = jstr(r, "id");
        json_t *p;
        size_t j;

        if (json_is_true(json_object_get(r, "partial")) && !in_partial) {
            in_partial = 1;
            put_dim(out, ro->color, "-- matching only some of the words --");
            fputs("\n", out);
        }
        fprintf(out, "%3lld. ", offset + (long long)i + 1);
        put_marked(out, title ? title : "", json_object_get(r, "title_marks"), ro->color, C_TITLE);
        fputs("\n     ", out);
        if (ro->color)
            fputs(C_DIM, out);
        put_clean(out, id ? id : "", id ? strlen(id) : 0);
        fputs(" | ", out);
        if (cat != NULL) {
            put_clean(out, cat, strlen(cat));
            fputs(" | ", out);
        }
        fprintf(out, "%s | score %.3f", pub ? pub : "",
                json_number_value(json_object_get(r, "score")));
        if (ro->color)
            fputs(C_RESET, out);
        fputs("\n", out);
        if (passages_mode) {
            render_passage(out, r, ro);
        } else {
            json_array_foreach(json_object_get(r, "passages"), j, p)
                render_passage(out, p, ro);
        }
        if (ro->explain)
            render_explain(out, json_object_get(r, "explain"));
        fputs("\n", out);
    }
    facets = json_object_get(answer, "facets");
    if (json_is_object(facets)) {
        fputs("facets:\n", out);
        render_facet(out, "category", json_object_get(facets, "category"));
        render_facet(out, "kind", json_object_get(facets, "kind"));
        render_facet(out, "year", json_object_get(facets, "year"));
        fputs("\n", out);
    }
    if (total == 0) {
        fprintf(out, "no %s matched\n", passages_mode ? "passages" : "briefings");
    } else if (n == 0) {
        fprintf(out, "%lld %s matched; none on this page (offset %lld)\n", total,
                passages_mode ? "passages" : "briefings", offset);
    } else {
        fprintf(out, "%lld-%lld of %lld %s\n", offset + 1, offset + (long long)n, total,
                passages_mode ? "passages" : (total == 1 ? "briefing" : "briefings"));
    }
    if (sugg != NULL) {
        fputs("did you mean: ", out);
        put_clean(out, sugg, strlen(sugg));
        fputs("\n", out);
    }
}
