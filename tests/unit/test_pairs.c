/* test_pairs.c - unit tests of the filter of adjacent stem pairs (lib/pairs.c) and of the writer keeping it (lib/index_write.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "brief_doc.h"
#include "brief_index.h"
#include "brief_pairs.h"
#include "brief_prep.h"
#include "brief_tokenizer.h"
#include "fixture.h"

static int setup(void **state)
{
    *state = brief_fixture_new_index("brief-pairs");
    return *state != NULL ? 0 : -1;
}

static uint32_t h(const char *stem)
{
    return brief_stem_hash(stem, strlen(stem));
}

/* The stored filter's answer for the stems left, right. */
static int stored(sqlite3 *db, const char *left, const char *right)
{
    return brief_pairs_lookup(db, h(left), h(right));
}

static void every_pair_added_is_held_and_few_others_are(void **state)
{
    brief_pairs_t *p = brief_pairs_new(1000); /* 1024 words: 65,536 bits */
    uint32_t i;
    int false_hits = 0;
    (void)state;

    assert_non_null(p);
    for (i = 0; i < 6554; i++) /* 10 bits a pair */
        brief_pairs_add(p, i, i + 1);
    for (i = 0; i < 6554; i++)
        assert_true(brief_pairs_may_touch(p, i, i + 1));
    for (i = 0; i < 100000; i++)
        false_hits += brief_pairs_may_touch(p, i + 1, i); /* never added */
    /* about 3.3% by the formula, more for 2 bits in one word; a broken key (one
     * bit, or bits not spread over the words) gives far more */
    assert_true(false_hits > 2000 && false_hits < 8000);
    /* the order of a pair counts */
    assert_false(brief_pairs_may_touch(p, 7, 3) && brief_pairs_may_touch(p, 9, 5) &&
                 brief_pairs_may_touch(p, 11, 7) && brief_pairs_may_touch(p, 13, 9));
    brief_pairs_free(p);
}

static void a_saved_filter_folds_to_its_pairs_and_loads_back(void **state)
{
    brief_fixture_t *f = *state;
    brief_pairs_t *p = brief_pairs_new((size_t)1 << 16), *back = NULL;
    uint32_t i;

    assert_non_null(p);
    for (i = 0; i < 3000; i++)
        brief_pairs_add(p, 7 * i, 11 * i + 1);
    assert_int_equal(brief_pairs_save(f->db, p, 1), SQLITE_OK);
    /* 3,000 pairs at 6 bits or more: 512 words (4 KiB) in 2 rows of 500
     * words, not 65,536 */
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT value FROM meta WHERE key = 'pairs'"),
                     512);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM pairs"), 2);
    assert_int_equal(brief_pairs_load(f->db, &back), BRIEF_OK);
    assert_non_null(back);
    for (i = 0; i < 3000; i++) {
        assert_true(brief_pairs_may_touch(back, 7 * i, 11 * i + 1));
        assert_int_equal(brief_pairs_lookup(f->db, 7 * i, 11 * i + 1), 1);
    }
    /* and it says no to most others, through the table as in memory */
    {
        int no = 0;
        for (i = 0; i < 1000; i++) {
            int m = brief_pairs_may_touch(back, 11 * i + 1, 7 * i);
            assert_int_equal(brief_pairs_lookup(f->db, 11 * i + 1, 7 * i), m);
            no += !m;
        }
        assert_true(no > 800);
    }
    brief_pairs_free(back);
    /* Without its meta row there is no filter: every pair may touch. */
    assert_int_equal(brief_pairs_forget(f->db), SQLITE_OK);
    assert_int_equal(brief_pairs_load(f->db, &back), BRIEF_OK);
    assert_null(back);
    assert_int_equal(brief_pairs_lookup(f->db, 11, 7), 1);
    /* Nor with a size no writer makes (a hostile file): no 8 TiB is asked for. */
    brief_fixture_exec(f->db, "INSERT INTO meta VALUES ('pairs', 1099511627776)");
    assert_int_equal(brief_pairs_load(f->db, &back), BRIEF_OK);
    assert_null(back);
    assert_int_equal(brief_pairs_lookup(f->db, 11, 7), 1);
    brief_fixture_exec(f->db, "UPDATE meta SET value = 3 WHERE key = 'pairs'");
    assert_int_equal(brief_pairs_load(f->db, &back), BRIEF_OK);
    assert_null(back);
    /* A row missing: what it held is unknown, so is the filter. */
    brief_fixture_exec(f->db, "UPDATE meta SET value = 512 WHERE key = 'pairs';"
                              " DELETE FROM pairs WHERE chunk = 1");
    assert_int_equal(brief_pairs_load(f->db, &back), BRIEF_OK);
    assert_null(back);
    brief_pairs_free(p);
}

static brief_doc_t *doc(const char *id, const char *title, const char *overview)
{
    brief_doc_t *d = brief_doc_new();
    d->id = strdup(id);
    d->title = strdup(title);
    d->published = strdup("2025-03-04");
    brief_fixture_add_string(&d->overview, &d->n_overview, overview);
    return d;
}

static void put(brief_fixture_t *f, brief_doc_t *d, int prepared)
{
    char *err = NULL;
    brief_status_t st;

    if (prepared) {
        brief_index_prep_t *prep = NULL;
        assert_int_equal(brief_index_prepare(brief_index_analyzer(f->idx), d, &prep), BRIEF_OK);
        st = brief_index_put_prepared(f->idx, d, &prep, "p", 0, "h", NULL, &err);
        brief_index_prep_free(prep);
    } else {
        st = brief_index_upsert(f->idx, d, "p", 0, "h", NULL, &err);
    }
    if (st != BRIEF_OK)
        fail_msg("put: %s", err ? err : "?");
    brief_doc_free(d);
}

/* put() in a transaction of its own, flushed (the filter saved) and
 * committed. */
static void put_flushed(brief_fixture_t *f, brief_doc_t *d)
{
    brief_fixture_exec(f->db, "BEGIN");
    put(f, d, 0);
    assert_int_equal(brief_index_flush(f->idx, NULL), BRIEF_OK);
    brief_fixture_exec(f->db, "COMMIT");
}

/* The writer's filter holds every pair of neighbouring tokens of a column,
 * whether FTS5 tokenized the text or replayed a briefing analysed ahead,
 * and no pair across two columns. */
static void the_index_keeps_the_pairs_of_what_it_indexed(void **state)
{
    brief_fixture_t *f = *state;

    brief_fixture_exec(f->db, "BEGIN");
    put(f, doc("a", "Harbour cranes", "Dockers voted to strike."), 0);
    put(f, doc("b", "Orchard frost", "Growers counted their losses."), 1);
    assert_int_equal(brief_index_flush(f->idx, NULL), BRIEF_OK);
    brief_fixture_exec(f->db, "COMMIT");
    assert_int_equal(stored(f->db, "harbour", "crane"), 1);
    assert_int_equal(stored(f->db, "docker", "vote"), 1);
    assert_int_equal(stored(f->db, "vote", "to"), 1);
    assert_int_equal(stored(f->db, "orchard", "frost"), 1); /* replayed */
    assert_int_equal(stored(f->db, "count", "their"), 1);
    /* The same stems out of order, apart, or across columns: a small
     * filter could say yes by chance to one, hardly to all five. */
    assert_false(stored(f->db, "crane", "harbour") && stored(f->db, "harbour", "docker") &&
                 stored(f->db, "crane", "docker") && stored(f->db, "frost", "grower") &&
                 stored(f->db, "docker", "strike"));

    /* A later run adds to the stored filter; what was held stays held. */
    brief_fixture_exec(f->db, "BEGIN");
    put(f, doc("c", "Ferry fares", "Winter sailings were cut."), 0);
    put(f, doc("a", "Harbour cranes idle", "Dockers walked out."), 0); /* updated */
    put(f, doc("d", "Orchard thefts", "Ladders vanished overnight."), 1);
    assert_int_equal(brief_index_flush(f->idx, NULL), BRIEF_OK);
    brief_fixture_exec(f->db, "COMMIT");
    assert_int_equal(stored(f->db, "ferri", "fare"), 1);
    assert_int_equal(stored(f->db, "winter", "sail"), 1);
    assert_int_equal(stored(f->db, "crane", "idl"), 1);
    assert_int_equal(stored(f->db, "docker", "walk"), 1);
    assert_int_equal(stored(f->db, "ladder", "vanish"), 1);
    assert_int_equal(stored(f->db, "orchard", "frost"), 1);
}

/* A write outside a transaction, which brief_index_flush() does not
 * follow, leaves no filter rather than one that lacks its pairs (inside
 * one, COMMIT without a flush fails). */
static void a_write_without_a_flush_leaves_no_filter(void **state)
{
    brief_fixture_t *f = *state;

    put_flushed(f, doc("a", "Harbour cranes", "Dockers voted."));
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM meta WHERE key = 'pairs'"),
                     1);
    put(f, doc("b", "Orchard frost", "Growers counted."), 0);
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM meta WHERE key = 'pairs'"),
                     0);
    assert_int_equal(stored(f->db, "orchard", "frost"), 1);
    assert_int_equal(stored(f->db, "frost", "orchard"), 1); /* no filter: anything may */
}

/* A rolled back transaction leaves the stored filter, and the writer
 * knows its removal was undone (the rollback hook): a write with no flush
 * after it removes the filter again rather than leave it stale. The next
 * flushed transaction saves one that holds the old pairs and the new. */
static void a_rollback_keeps_the_stored_filter(void **state)
{
    brief_fixture_t *f = *state;

    put_flushed(f, doc("a", "Harbour cranes", "Dockers voted."));
    brief_fixture_exec(f->db, "BEGIN");
    put(f, doc("b", "Orchard frost", "Growers counted."), 0);
    brief_fixture_exec(f->db, "ROLLBACK");
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM meta WHERE key = 'pairs'"),
                     1);
    put(f, doc("d", "Ladders vanished", "Orchards robbed."), 0); /* no transaction: no flush */
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM meta WHERE key = 'pairs'"),
                     0);
    brief_fixture_exec(f->db, "BEGIN");
    put(f, doc("c", "Ferry fares", "Sailings cut."), 0);
    assert_int_equal(brief_index_flush(f->idx, NULL), BRIEF_OK);
    brief_fixture_exec(f->db, "COMMIT");
    assert_int_equal(stored(f->db, "ferri", "fare"), 1);
    assert_int_equal(stored(f->db, "ladder", "vanish"), 1);
    assert_int_equal(stored(f->db, "harbour", "crane"), 1);
}

/* Briefings analysed ahead whose pairs went to the analyser's own filter
 * (lib/feed.c): until that filter is taken, a flush leaves the index with
 * no filter; once taken, the index's filter holds their pairs. */
static void pairs_noted_ahead_count_once_taken(void **state)
{
    brief_fixture_t *f = *state;
    brief_pairs_t *noted = brief_pairs_new(1 << 12);
    brief_index_batch_t *batch = NULL;
    brief_index_prep_t *prep[2];
    brief_doc_t *d[2];
    char *err = NULL;

    assert_non_null(noted);
    d[0] = doc("a", "Harbour cranes", "Dockers voted to strike.");
    d[1] = doc("b", "Orchard frost", "Growers counted their losses.");
    assert_int_equal(brief_index_batch_new(&batch), BRIEF_OK);
    brief_index_batch_note_pairs(batch, noted);
    for (int i = 0; i < 2; i++)
        assert_int_equal(brief_index_prepare_batched(brief_index_analyzer(f->idx), d[i], batch,
                                                     &prep[i]),
                         BRIEF_OK);
    assert_int_equal(brief_pairs_notes(noted), 2);
    assert_true(brief_pairs_may_touch(noted, h("orchard"), h("frost")));
    brief_fixture_exec(f->db, "BEGIN");
    for (int i = 0; i < 2; i++) {
        if (brief_index_put_prepared(f->idx, d[i], &prep[i], "p", 0, "h", NULL, &err) != BRIEF_OK)
            fail_msg("put: %s", err ? err : "?");
        assert_int_equal(brief_index_prep_discard(f->idx, prep[i], d[i]->id, NULL), BRIEF_OK);
    }
    assert_int_equal(brief_index_batch_apply(f->idx, batch, NULL), BRIEF_OK);
    assert_int_equal(brief_index_flush(f->idx, NULL), BRIEF_OK);
    /* owed: the writer's own filter lacks them */
    assert_int_equal(brief_fixture_sql_int(f->db, "SELECT count(*) FROM meta WHERE key = 'pairs'"),
                     0);
    assert_int_equal(brief_index_take_pairs(f->idx, noted), BRIEF_OK);
    assert_int_equal(brief_index_flush(f->idx, NULL), BRIEF_OK);
    brief_fixture_exec(f->db, "COMMIT");
    assert_int_equal(stored(f->db, "harbour", "crane"), 1);
    assert_int_equal(stored(f->db, "orchard", "frost"), 1);
    assert_int_equal(stored(f->db, "count", "their"), 1);
    assert_false(stored(f->db, "crane", "harbour") && stored(f->db, "harbour", "docker") &&
                 stored(f->db, "crane", "docker") && stored(f->db, "frost", "grower") &&
                 stored(f->db, "docker", "strike"));
    brief_index_batch_free(batch);
    brief_pairs_free(noted);
    for (int i = 0; i < 2; i++)
        brief_doc_free(d[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_pair_added_is_held_and_few_others_are),
        cmocka_unit_test_setup_teardown(a_saved_filter_folds_to_its_pairs_and_loads_back, setup,
                                        brief_fixture_teardown),
        cmocka_unit_test_setup_teardown(the_index_keeps_the_pairs_of_what_it_indexed, setup,
                                        brief_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_write_without_a_flush_leaves_no_filter, setup,
                                        brief_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_rollback_keeps_the_stored_filter, setup,
                                        brief_fixture_teardown),
        cmocka_unit_test_setup_teardown(pairs_noted_ahead_count_once_taken, setup,
                                        brief_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
