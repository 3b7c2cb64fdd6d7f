/* fts5_baseline_query.c - times the bench query set in process against the plain FTS5 baseline db.
 *
 *   fts5_baseline_query DB QUERIES REPEAT
 *
 * DB is the baseline made by tests/bench/run.sh: an FTS5 table
 * fts(id UNINDEXED, published UNINDEXED, title, body) with the built-in
 * 'porter unicode61' tokenizer. QUERIES has one query a line:
 * KIND<TAB>FTS5-MATCH-EXPRESSION[<TAB>AFTER-DATE]. Each query is run once
 * to warm the cache, then REPEAT times, each run being
 *     SELECT id, title FROM fts WHERE fts MATCH ?1 [AND published >= ?2]
 *     ORDER BY rank LIMIT 10
 * stepped to the end (rank is bm25()). Prints, per query,
 * KIND<TAB>MATCHES<TAB>t1,t2,... with the times in microseconds, and the
 * number of matches counted once with SELECT count(*).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int run_once(sqlite3 *db, sqlite3_stmt *st, const char *match, const char *after,
                    long long *rows)
{
    int rc;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    if (after != NULL)
        sqlite3_bind_text(st, 2, after, -1, SQLITE_STATIC);
    *rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* touch the columns, as a caller printing them would */
        (void)sqlite3_column_text(st, 0);
        (void)sqlite3_column_text(st, 1);
        (*rows)++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "fts5_baseline_query: '%s': %s\n", match, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    FILE *f;
    char line[4096];
    int repeat, status = 0;

    if (argc != 4 || (repeat = atoi(argv[3])) < 1) {
        fprintf(stderr, "usage: fts5_baseline_query DB QUERIES REPEAT\n");
        return 2;
    }
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_baseline_query: '%s': %s\n", argv[1], sqlite3_errmsg(db));
        return 2;
    }
    f = fopen(argv[2], "r");
    if (f == NULL) {
        perror(argv[2]);
        return 2;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *kind = line, *match, *after, *nl;
        sqlite3_stmt *st = NULL, *cnt = NULL;
        long long rows, matches = -1;
        int i;

        if ((nl = strchr(line, '\n')) != NULL)
            *nl = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        match = strchr(kind, '\t');
        if (match == NULL)
            continue;
        *match++ = '\0';
        after = strchr(match, '\t');
        if (after != NULL)
            *after++ = '\0';
        if (after != NULL && *after == '\0')
            after = NULL;
        if (sqlite3_prepare_v2(db,
                               after ? "SELECT id, title FROM fts WHERE fts MATCH ?1 AND "
                                       "published >= ?2 ORDER BY rank LIMIT 10"
                                     : "SELECT id, title FROM fts WHERE fts MATCH ?1 "
                                       "ORDER BY rank LIMIT 10",
                               -1, &st, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               after ? "SELECT count(*) FROM fts WHERE fts MATCH ?1 AND "
                                       "published >= ?2"
                                     : "SELECT count(*) FROM fts WHERE fts MATCH ?1",
                               -1, &cnt, NULL) != SQLITE_OK) {
            fprintf(stderr, "fts5_baseline_query: %s\n", sqlite3_errmsg(db));
            return 2;
        }
        sqlite3_bind_text(cnt, 1, match, -1, SQLITE_STATIC);
        if (after != NULL)
            sqlite3_bind_text(cnt, 2, after, -1, SQLITE_STATIC);
        if (sqlite3_step(cnt) == SQLITE_ROW)
            matches = sqlite3_column_int64(cnt, 0);
        sqlite3_finalize(cnt);
        if (run_once(db, st, match, after, &rows) != 0) {
            status = 1;
            sqlite3_finalize(st);
            continue;
        }
        printf("%s\t%lld\t", kind, matches);
        for (i = 0; i < repeat; i++) {
            double t0 = now_us(), t1;
            run_once(db, st, match, after, &rows);
            t1 = now_us();
            printf(i ? ",%.1f" : "%.1f", t1 - t0);
        }
        putchar('\n');
        fflush(stdout);
        sqlite3_finalize(st);
    }
    fclose(f);
    sqlite3_close(db);
    return status;
}
