/* facets.c - counting the matches of a search by category, kind and year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "brief_doc.h"
#include "brief_query.h"
#include "search_internal.h"

/* Adds n to the count of key in obj. */
static int bump(json_t *obj, const char *key, json_int_t n)
{
    json_t *v = json_object_get(obj, key);
    if (v != NULL)
        return json_integer_set(v, json_integer_value(v) + n);
    return json_object_set_new(obj, key, json_integer(n));
}

/* Categories counted in C, a hash table of up to CAT_KEEP names, and added
 * to the JSON object once per name at the end: a JSON object lookup per
 * row and facet was 1.5 M of the 27 M instructions of a CGI request for
 * `rules` at 100,000 briefings (2,000 rows, callgrind). Names past
 * CAT_KEEP go to the object directly. */
#define CAT_KEEP 64
#define CAT_SLOTS 128 /* a power of two, at least twice CAT_KEEP */

typedef struct {
    char *name[CAT_KEEP];
    json_int_t n[CAT_KEEP];
    int slot[CAT_SLOTS]; /* index + 1 into name/n, 0: free */
    int used;
} cat_counts_t;

static int cat_count(cat_counts_t *cc, json_t *obj, const char *name)
{
    unsigned h = 2166136261u; /* FNV-1a */
    size_t len = strlen(name), j;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    for (j = h & (CAT_SLOTS - 1); cc->slot[j] != 0; j = (j + 1) & (CAT_SLOTS - 1)) {
        int k = cc->slot[j] - 1;
        if (strcmp(cc->name[k], name) == 0) {
            cc->n[k]++;
            return 0;
        }
    }
    if (cc->used == CAT_KEEP)
        return bump(obj, name, 1);
    if ((cc->name[cc->used] = malloc(len + 1)) == NULL)
        return -1;
    memcpy(cc->name[cc->used], name, len + 1);
    cc->n[cc->used] = 1;
    cc->slot[j] = ++cc->used;
    return 0;
}

/* Adds the counts to obj and frees the names. */
static int cat_flush(cat_counts_t *cc, json_t *obj)
{
    int bad = 0;

    for (int k = 0; k < cc->used; k++) {
        bad |= bump(obj, cc->name[k], cc->n[k]);
        free(cc->name[k]);
    }
    cc->used = 0;
    return bad;
}

brief_status_t brief_facets_add(sqlite3_stmt *st, json_t **facets)
{
    json_t *f = *facets, *cat, *kind, *year;
    cat_counts_t cats;
    json_int_t kinds[3] = {0, 0, 0}, in_year = 0;
    char year_text[16] = "";
    int rc, last_year = -1, bad = 0;

    if (f == NULL) {
        f = json_pack("{s:{}, s:{}, s:{}}", "category", "kind", "year");
        if (f == NULL)
            return BRIEF_ERR_NOMEM;
        *facets = f;
    }
    cat = json_object_get(f, "category");
    kind = json_object_get(f, "kind");
    year = json_object_get(f, "year");
    memset(&cats, 0, sizeof cats);
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        unsigned k = (unsigned)sqlite3_column_int(st, 2);
        bad |= cat_count(&cats, cat, c != NULL && *c ? c : "(none)");
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            /* Rows come newest first: the year rarely changes, so a year
             * is added once per run of rows. */
            int y = brief_date_year_of_day((long)sqlite3_column_int64(st, 1));
            if (y != last_year) {
                if (in_year > 0)
                    bad |= bump(year, year_text, in_year);
                snprintf(year_text, sizeof year_text, "%04d", y);
                last_year = y;
                in_year = 0;
            }
            in_year++;
        }
        kinds[0] += (k & BRIEF_KIND_ARTICLE) != 0;
        kinds[1] += (k & BRIEF_KIND_ANALYSIS) != 0;
        kinds[2] += (k & BRIEF_KIND_QUOTE) != 0;
    }
    if (in_year > 0)
        bad |= bump(year, year_text, in_year);
    bad |= cat_flush(&cats, cat);
    if (kinds[0] > 0)
        bad |= bump(kind, "article", kinds[0]);
    if (kinds[1] > 0)
        bad |= bump(kind, "analysis", kinds[1]);
    if (kinds[2] > 0)
        bad |= bump(kind, "quote", kinds[2]);
    if (bad)
        return BRIEF_ERR_NOMEM;
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
