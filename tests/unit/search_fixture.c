/* search_fixture.c - builds small indexes from folders of JSON briefings for the search unit tests. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "brief_doc.h"
#include "brief_parse.h"
#include "fixture.h"
#include "internal.h"
#include "search_fixture.h"

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

brief_status_t brief_fixture_index_dir(const char *db_path, const char *dir, char **errmsg)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    brief_index_t *idx = NULL;
    brief_status_t st;

    if (d == NULL) {
        brief_set_error(errmsg, "cannot open '%s'", dir);
        return BRIEF_ERR_IO;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
        }
        names[n++] = brief_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    unlink(db_path);
    st = brief_index_open(db_path, BRIEF_OPEN_CREATE, "english", &idx, errmsg);
    if (st == BRIEF_OK)
        sqlite3_exec(brief_index_db(idx), "BEGIN", NULL, NULL, NULL);
    for (i = 0; st == BRIEF_OK && i < n; i++) {
        char path[4096];
        size_t len = 0;
        char *buf;
        brief_doc_t *doc = NULL;
        brief_parse_error_t perr;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        buf = brief_fixture_read_file(path, &len);
        if (buf == NULL) {
            brief_set_error(errmsg, "cannot read '%s'", path);
            st = BRIEF_ERR_IO;
            break;
        }
        st = brief_parse_json(buf, len, &doc, &perr);
        free(buf);
        if (st != BRIEF_OK) {
            brief_set_error(errmsg, "'%s':%d:%d: %s", path, perr.line, perr.column, perr.reason);
            break;
        }
        if (doc->id == NULL) {
            doc->id = brief_strdup(names[i]);
            doc->id[strlen(doc->id) - 5] = '\0';
        }
        st = brief_index_put(idx, doc, path, 0, "0", NULL, errmsg);
        brief_doc_free(doc);
    }
    if (st == BRIEF_OK)
        st = brief_index_flush(idx, errmsg);
    if (st == BRIEF_OK &&
        sqlite3_exec(brief_index_db(idx), "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        brief_set_error(errmsg, "commit failed");
        st = BRIEF_ERR_SQLITE;
    }
    brief_index_close(idx);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

const char *brief_fixture_data_dir(const char *name)
{
    static char buf[4096];
    const char *top = getenv("BRIEF_TOP");
    const char *tries[] = {".", "..", "../..", "../../.."};
    struct stat sb;
    size_t i;

    if (top != NULL) {
        snprintf(buf, sizeof buf, "%s/tests/data/%s", top, name);
        return buf;
    }
    for (i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        snprintf(buf, sizeof buf, "%s/tests/data/%s", tries[i], name);
        if (stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))
            return buf;
    }
    snprintf(buf, sizeof buf, "tests/data/%s", name);
    return buf;
}

json_t *brief_fixture_search(brief_index_t *idx, const brief_search_opts_t *o)
{
    json_t *ans = NULL;
    char *err = NULL;
    brief_status_t st = brief_search_run(idx, o, &ans, &err);

    if (st != BRIEF_OK)
        fprintf(stderr, "search '%s': %s\n", o->query ? o->query : "", err ? err : "?");
    free(err);
    assert_int_equal(st, BRIEF_OK);
    assert_non_null(ans);
    return ans;
}
