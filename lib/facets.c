/* facets.c - counting the matches of a search by category, kind and year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "brief_doc.h"
#include "brief_query.h"
#include "search_internal.h"

static int bump(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v != NULL)
        return json_integer_set(v, json_integer_value(v) + 1);
    return json_object_set_new(obj, key, json_integer(1));
}

brief_status_t brief_facets_add(sqlite3_stmt *st, json_t **facets)
{
    json_t *f = *facets, *cat, *kind, *year;
    char year_text[16] = "";
    int rc, last_year = -1;

    if (f == NULL) {
        f = json_pack("{s:{}, s:{}, s:{}}", "category", "kind", "year");
        if (f == NULL)
            return BRIEF_ERR_NOMEM;
        *facets = f;
    }
    cat = json_object_get(f, "category");
    kind = json_object_get(f, "kind");
    year = json_object_get(f, "year");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        unsigned k = (unsigned)sqlite3_column_int(st, 2);
        int bad = 0;
        bad |= bump(cat, c != NULL && *c ? c : "(none)");
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            /* Rows come newest first: the year rarely changes. */
            int y = brief_date_year_of_day((long)sqlite3_column_int64(st, 1));
            if (y != last_year) {
                snprintf(year_text, sizeof year_text, "%04d", y);
                last_year = y;
            }
            bad |= bump(year, year_text);
        }
        if (k & BRIEF_KIND_ARTICLE)
            bad |= bump(kind, "article");
        if (k & BRIEF_KIND_ANALYSIS)
            bad |= bump(kind, "analysis");
        if (k & BRIEF_KIND_QUOTE)
            bad |= bump(kind, "quote");
        if (bad)
            return BRIEF_ERR_NOMEM;
    }
    if (rc == SQLITE_DONE)
        return BRIEF_OK;
    return (rc & 0xff) == SQLITE_INTERRUPT ? BRIEF_ERR_LIMIT : BRIEF_ERR_SQLITE;
}

typedef struct {
    const char *key;
    json_int_t n;
} entry_t;

static int by_count(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int by_key_desc(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    return strcmp(y->key, x->key);
}

static json_t *sorted_one(json_t *obj, int by_name_desc)
{
    size_t n = json_object_size(obj), i = 0;
    entry_t *e = calloc(n + 1, sizeof *e);
    json_t *out = json_object();
    const char *key;
    json_t *v;

    if (e == NULL || out == NULL) {
        free(e);
        json_decref(out);
        return NULL;
    }
    json_object_foreach(obj, key, v)
    {
        e[i].key = key;
        e[i].n = json_integer_value(v);
        i++;
    }
    qsort(e, n, sizeof *e, by_name_desc ? by_key_desc : by_count);
    for (i = 0; i < n; i++)
        json_object_set_new(out, e[i].key, json_integer(e[i].n));
    free(e);
    return out;
}

json_t *brief_facets_sorted(json_t *facets)
{
    json_t *out = json_object();
    if (out == NULL || facets == NULL)
        return out;
    json_object_set_new(out, "category", sorted_one(json_object_get(facets, "category"), 0));
    json_object_set_new(out, "kind", sorted_one(json_object_get(facets, "kind"), 0));
    json_object_set_new(out, "year", sorted_one(json_object_get(facets, "year"), 1));
    return out;
}
