/* fuzz_tokenizer.c - libFuzzer target: the snowball tokenizer through FTS5 tables and the analyzer.
 * fuzz-requires: brief_tokenizer_register brief_analyzer_new
 *
 * The first byte picks a language from brief_languages(); the rest is text.
 * Each input is inserted into (and deleted from) an in-memory FTS5 table
 * with that language, which must pass FTS5's integrity-check (the text
 * tokenized again gives the same index), used as a MATCH query (FTS5
 * syntax errors are fine),
 * and run through the analyzer. The analyzer's set of stems must be the
 * table's vocabulary (fts5vocab), and each stem must equal what
 * brief_analyzer_stem gives for its word: all three paths must agree, since
 * the query parser and the word list rely on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "brief_tokenizer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LANGS 64

static sqlite3 *db;
static int n_langs;
static sqlite3_stmt *ins[MAX_LANGS], *del[MAX_LANGS], *match[MAX_LANGS], *vocab[MAX_LANGS],
    *check[MAX_LANGS];
static brief_analyzer_t *analyzers[MAX_LANGS];
static brief_analyzer_t *checker[MAX_LANGS];

static void die(const char *what)
{
    fprintf(stderr, "fuzz_tokenizer: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char **langs = brief_languages();

    (void)argc, (void)argv;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || brief_tokenizer_register(db) != BRIEF_OK)
        die("open");
    for (n_langs = 0; langs[n_langs] != NULL && n_langs < MAX_LANGS; n_langs++) {
        const char *lang = langs[n_langs];
        char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE \"t_%w\" USING fts5(a, b,"
                                    " tokenize='snowball %q', prefix='2 3')",
                                    lang, lang);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            die(lang);
        sqlite3_free(sql);
        sql = sqlite3_mprintf("INSERT INTO \"t_%w\"(rowid, a, b) VALUES(1, ?1, ?1)", lang);
        if (sqlite3_prepare_v2(db, sql, -1, &ins[n_langs], NULL) != SQLITE_OK)
            die("prepare insert");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("CREATE VIRTUAL TABLE \"v_%w\" USING fts5vocab(\"t_%w\", row);"
                              , lang, lang);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            die("vocab");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("SELECT term FROM \"v_%w\"", lang);
        if (sqlite3_prepare_v2(db, sql, -1, &vocab[n_langs], NULL) != SQLITE_OK)
            die("prepare vocab");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("INSERT INTO \"t_%w\"(\"t_%w\") VALUES('integrity-check')",
                              lang, lang);
        if (sqlite3_prepare_v2(db, sql, -1, &check[n_langs], NULL) != SQLITE_OK)
            die("prepare integrity-check");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("DELETE FROM \"t_%w\"", lang);
        if (sqlite3_prepare_v2(db, sql, -1, &del[n_langs], NULL) != SQLITE_OK)
            die("prepare delete");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("SELECT rowid, highlight(\"t_%w\", 0, '[', ']') FROM \"t_%w\""
                              " WHERE \"t_%w\" MATCH ?1",
                              lang, lang, lang);
        if (sqlite3_prepare_v2(db, sql, -1, &match[n_langs], NULL) != SQLITE_OK)
            die("prepare match");
        sqlite3_free(sql);
        if (brief_analyzer_new(db, lang, &analyzers[n_langs], NULL) != BRIEF_OK ||
            brief_analyzer_new(db, lang, &checker[n_langs], NULL) != BRIEF_OK)
            die("analyzer");
    }
    return 0;
}

/* FTS5 keeps the first 32768 bytes of a term (FTS5_MAX_TOKEN_SIZE). */
#define FTS5_MAX_TOKEN 32768

struct term {
    char *p;
    int n;
};

struct check {
    brief_analyzer_t *other;
    const char *text;
    int n_text;
    int last_end;
    struct term *stems;
    int n_stems, cap;
};

static int term_cmp(const void *a, const void *b)
{
    const struct term *x = a, *y = b;
    int n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, (size_t)n);
    return c != 0 ? c : (x->n > y->n) - (x->n < y->n);
}

static int check_token(void *ctx, const char *word, int n_word, const char *stem, int n_stem,
                       int start, int end)
{
    struct check *c = ctx;
    int n_again = -1;
    const char *again;

    if (n_word <= 0 || n_stem <= 0 || start < c->last_end || end < start || end > c->n_text) {
        fprintf(stderr, "fuzz_tokenizer: bad token: word %d stem %d range %d-%d of %d\n",
                n_word, n_stem, start, end, c->n_text);
        abort();
    }
    c->last_end = end;
    if (c->n_stems == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->stems = realloc(c->stems, (size_t)c->cap * sizeof *c->stems);
        if (c->stems == NULL)
            abort();
    }
    c->stems[c->n_stems].n = n_stem < FTS5_MAX_TOKEN ? n_stem : FTS5_MAX_TOKEN;
    c->stems[c->n_stems].p = malloc((size_t)c->stems[c->n_stems].n + 1);
    if (c->stems[c->n_stems].p == NULL)
        abort();
    memcpy(c->stems[c->n_stems].p, stem, (size_t)c->stems[c->n_stems].n);
    c->n_stems++;
    again = brief_analyzer_stem(c->other, word, n_word, &n_again);
    if (again == NULL || n_again != n_stem || memcmp(again, stem, (size_t)n_stem) != 0) {
        fprintf(stderr, "fuzz_tokenizer: stem of '%.*s' differs: '%.*s' vs '%.*s'\n", n_word,
                word, n_stem, stem, n_again, again ? again : "");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int lang, rc, i;
    const char *text;
    int n;
    struct check c;

    if (size < 1 || size > 1 << 20)
        return 0;
    lang = data[0] % n_langs;
    text = (const char *)data + 1;
    n = (int)size - 1;

    sqlite3_bind_text(ins[lang], 1, text, n, SQLITE_STATIC);
    rc = sqlite3_step(ins[lang]);
    sqlite3_reset(ins[lang]);
    if (rc != SQLITE_DONE)
        die("insert");
    /* re-tokenizes the stored text and compares: the tokenizer must give
     * the same tokens every time */
    rc = sqlite3_step(check[lang]);
    sqlite3_reset(check[lang]);
    if (rc != SQLITE_DONE)
        die("integrity-check");
    sqlite3_bind_text(match[lang], 1, text, n, SQLITE_STATIC);
    while ((rc = sqlite3_step(match[lang])) == SQLITE_ROW)
        ;
    sqlite3_reset(match[lang]);
    /* SQLITE_ERROR is an FTS5 syntax error in the query: expected */
    if (rc != SQLITE_DONE && rc != SQLITE_ERROR)
        die("match");
    memset(&c, 0, sizeof c);
    c.other = checker[lang];
    c.text = text;
    c.n_text = n;
    if (brief_analyzer_run(analyzers[lang], text, n, check_token, &c) != BRIEF_OK)
        die("analyzer run");
    if (c.n_stems > 0)
        qsort(c.stems, (size_t)c.n_stems, sizeof *c.stems, term_cmp);
    /* the distinct stems, in order, must be the vocabulary, in order */
    i = 0;
    while ((rc = sqlite3_step(vocab[lang])) == SQLITE_ROW) {
        struct term t;
        t.p = (char *)sqlite3_column_blob(vocab[lang], 0);
        t.n = sqlite3_column_bytes(vocab[lang], 0);
        if (i >= c.n_stems || term_cmp(&t, &c.stems[i]) != 0) {
            fprintf(stderr, "fuzz_tokenizer: index term '%.*s' is not the analyzer's '%.*s'\n",
                    t.n, t.p, i < c.n_stems ? c.stems[i].n : 0, i < c.n_stems ? c.stems[i].p : "");
            abort();
        }
        while (i < c.n_stems && term_cmp(&t, &c.stems[i]) == 0)
            i++;
    }
    sqlite3_reset(vocab[lang]);
    if (rc != SQLITE_DONE)
        die("vocab");
    if (i != c.n_stems) {
        fprintf(stderr, "fuzz_tokenizer: analyzer stem '%.*s' is not in the index\n",
                c.stems[i].n, c.stems[i].p);
        abort();
    }
    for (i = 0; i < c.n_stems; i++)
        free(c.stems[i].p);
    free(c.stems);

    rc = sqlite3_step(del[lang]);
    sqlite3_reset(del[lang]);
    if (rc != SQLITE_DONE)
        die("delete");
    return 0;
}
