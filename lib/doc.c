/* doc.c - the briefing document: construction, release, canonical JSON. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "brief_doc.h"

brief_doc_t *brief_doc_new(void)
{
    brief_doc_t *doc = calloc(1, sizeof *doc);

    if (doc != NULL)
        doc->signals = -1;
    return doc;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Frees each of the fields named (the array itself is a compound literal). */
static void free_fields(char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(fields[i]);
}

#define FREE_FIELDS(...) \
    free_fields((char *const[]){__VA_ARGS__}, sizeof((char *const[]){__VA_ARGS__}) / sizeof(char *))

void brief_doc_free(brief_doc_t *doc)
{
    if (doc == NULL)
        return;
    FREE_FIELDS(doc->id, doc->title, doc->category, doc->published, doc->updated, doc->lang);
    free_strings(doc->overview, doc->n_overview);
    for (size_t i = 0; i < doc->n_analysis; i++)
        FREE_FIELDS(doc->analysis[i].heading, doc->analysis[i].body);
    free(doc->analysis);
    for (size_t i = 0; i < doc->n_articles; i++) {
        brief_article_t *a = &doc->articles[i];
        FREE_FIELDS(a->title, a->outlet, a->url, a->published, a->body);
    }
    free(doc->articles);
    for (size_t i = 0; i < doc->n_quotes; i++) {
        brief_quote_t *q = &doc->quotes[i];
        FREE_FIELDS(q->text, q->speaker, q->role, q->date);
    }
    free(doc->quotes);
    for (size_t i = 0; i < doc->n_timeline; i++)
        FREE_FIELDS(doc->timeline[i].date, doc->timeline[i].event);
    free(doc->timeline);
    for (size_t i = 0; i < doc->n_players; i++)
        FREE_FIELDS(doc->players[i].name, doc->players[i].role);
    free(doc->players);
    free_strings(doc->broadcasts, doc->n_broadcasts);
    free(doc);
}

/* Building the JSON tree. Every helper carries a sticky status in *rc: once
 * a step fails the later ones do nothing, and the caller checks rc once. */

static void put(json_t *obj, const char *key, json_t *value, brief_status_t *rc)
{
    if (*rc != BRIEF_OK) {
        json_decref(value);
        return;
    }
    if (value == NULL || json_object_set_new(obj, key, value) != 0)
        *rc = BRIEF_ERR_NOMEM;
}

/* A new JSON string, or NULL with *rc set. json_string checks UTF-8 and
 * returns NULL for bad bytes as well as for a failed allocation; a second,
 * tiny allocation tells the two apart. */
static json_t *new_string(const char *s, brief_status_t *rc)
{
    json_t *value = json_string(s);
    json_t *probe;

    if (value != NULL)
        return value;
    probe = json_string_nocheck("");
    *rc = probe == NULL ? BRIEF_ERR_NOMEM : BRIEF_ERR_INVALID;
    json_decref(probe);
    return NULL;
}

/* Adds key: s when s is non-NULL. */
static void put_string(json_t *obj, const char *key, const char *s, brief_status_t *rc)
{
    json_t *value;

    if (*rc != BRIEF_OK || s == NULL)
        return;
    value = new_string(s, rc);
    if (value != NULL)
        put(obj, key, value, rc);
}

static json_t *new_item(json_t *array, brief_status_t *rc)
{
    json_t *item;

    if (*rc != BRIEF_OK)
        return NULL;
    item = json_object();
    if (item == NULL || json_array_append_new(array, item) != 0) {
        *rc = BRIEF_ERR_NOMEM;
        return NULL;
    }
    return item;
}

/* Appends an object to array holding each key: value of pairs (key, value,
 * ..., NULL) whose value is non-NULL, in that order. */
static void put_item(json_t *array, const char *const *pairs, brief_status_t *rc)
{
    json_t *item = new_item(array, rc);

    for (size_t i = 0; pairs[i] != NULL; i += 2)
        put_string(item, pairs[i], pairs[i + 1], rc);
}

/* Adds key: [] when n > 0 and returns the array (owned by obj). */
static json_t *put_array(json_t *obj, const char *key, size_t n, brief_status_t *rc)
{
    json_t *array;

    if (*rc != BRIEF_OK || n == 0)
        return NULL;
    array = json_array();
    put(obj, key, array, rc);
    return *rc == BRIEF_OK ? array : NULL;
}

static void build(const brief_doc_t *doc, json_t *root, brief_status_t *rc)
{
    json_t *array;

    put_string(root, "id", doc->id, rc);
    put_string(root, "title", doc->title, rc);
    put_string(root, "category", doc->category, rc);
    put_string(root, "published", doc->published, rc);
    put_string(root, "updated", doc->updated, rc);
    put_string(root, "lang", doc->lang, rc);
    if (doc->signals >= 0)
        put(root, "signals", json_integer((json_int_t)doc->signals), rc);

    array = put_array(root, "overview", doc->n_overview, rc);
    for (size_t i = 0; array != NULL && i < doc->n_overview && *rc == BRIEF_OK; i++) {
        json_t *s;
        if (doc->overview[i] == NULL)
            continue;
        s = new_string(doc->overview[i], rc);
        if (s != NULL && json_array_append_new(array, s) != 0)
            *rc = BRIEF_ERR_NOMEM;
    }

    array = put_array(root, "analysis", doc->n_analysis, rc);
    for (size_t i = 0; array != NULL && i < doc->n_analysis; i++) {
        const brief_section_t *a = &doc->analysis[i];
        put_item(array, (const char *const[]){"heading", a->heading, "body", a->body, NULL}, rc);
    }

    array = put_array(root, "articles", doc->n_articles, rc);
    for (size_t i = 0; array != NULL && i < doc->n_articles; i++) {
        const brief_article_t *a = &doc->articles[i];
        put_item(array,
                 (const char *const[]){"title", a->title, "outlet", a->outlet, "url", a->url,
                                       "published", a->published, "body", a->body, NULL},
                 rc);
    }

    array = put_array(root, "quotes", doc->n_quotes, rc);
    for (size_t i = 0; array != NULL && i < doc->n_quotes; i++) {
        const brief_quote_t *q = &doc->quotes[i];
        const char *group = q->group == BRIEF_GROUP_ANALYST ? "analyst"
                            : q->group == BRIEF_GROUP_CROWD ? "crowd"
                                                            : NULL;
        put_item(array,
                 (const char *const[]){"text", q->text, "speaker", q->speaker, "role", q->role,
                                       "group", group, "date", q->date, NULL},
                 rc);
    }

    array = put_array(root, "timeline", doc->n_timeline, rc);
    for (size_t i = 0; array != NULL && i < doc->n_timeline; i++) {
        const brief_event_t *e = &doc->timeline[i];
        put_item(array, (const char *const[]){"date", e->date, "event", e->event, NULL}, rc);
    }

    array = put_array(root, "players", doc->n_players, rc);
    for (size_t i = 0; array != NULL && i < doc->n_players; i++) {
        const brief_player_t *p = &doc->players[i];
        put_item(array, (const char *const[]){"name", p->name, "role", p->role, NULL}, rc);
    }

    array = put_array(root, "broadcasts", doc->n_broadcasts, rc);
    for (size_t i = 0; array != NULL && i < doc->n_broadcasts; i++)
        put_item(array, (const char *const[]){"title", doc->broadcasts[i], NULL}, rc);
}

brief_status_t brief_doc_to_json(const brief_doc_t *doc, char **out)
{
    brief_status_t rc = BRIEF_OK;
    json_t *root;
    char *text;

    if (out == NULL)
        return BRIEF_ERR_INVALID;
    *out = NULL;
    if (doc == NULL)
        return BRIEF_ERR_INVALID;
    root = json_object();
    if (root == NULL)
        return BRIEF_ERR_NOMEM;
    build(doc, root, &rc);
    if (rc != BRIEF_OK) {
        json_decref(root);
        return rc;
    }
    /* Insertion order is kept by jansson >= 2.8; JSON_PRESERVE_ORDER says so
     * for older versions too. */
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL)
        return BRIEF_ERR_NOMEM;
    *out = text;
    return BRIEF_OK;
}
