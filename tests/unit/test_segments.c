/* test_segments.c - unit tests of reading FTS5's segments and levels (lib/segments.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "brief_segments.h"
#include "fixture.h"

static sqlite3 *open_fts(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    brief_fixture_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a);"
                           "INSERT INTO t(t, rank) VALUES('automerge', 0);"
                           "INSERT INTO t(t, rank) VALUES('crisismerge', 100)");
    return db;
}

static void each_commit_is_a_segment_on_level_0_until_merged(void **state)
{
    sqlite3 *db = open_fts();
    brief_segments_t seg;
    (void)state;

    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.n_segments, 0);
    for (int i = 0; i < 5; i++) /* each statement its own transaction: a segment */
        brief_fixture_exec(db, "INSERT INTO t VALUES('alpha beta gamma')");
    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.n_segments, 5);
    assert_true(seg.n_levels >= 1);
    assert_int_equal(seg.segments[0], 5);
    assert_int_equal(seg.pages[0], 5); /* a leaf page each */

    /* one transaction, rowids going down: FTS5 writes out at each */
    brief_fixture_exec(db, "BEGIN; INSERT INTO t(rowid, a) VALUES(100, 'x');"
                           "INSERT INTO t(rowid, a) VALUES(50, 'y'); COMMIT");
    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.segments[0], 7);

    brief_fixture_exec(db, "INSERT INTO t(t) VALUES('optimize')");
    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.n_segments, 1);
    assert_int_equal(seg.segments[0], 0);
    sqlite3_close(db);
}

/* Commits a segment of n distinct terms: several leaf pages. */
static void write_segment(sqlite3 *db, int seed, int n)
{
    sqlite3_stmt *st;
    brief_fixture_exec(db, "BEGIN");
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(printf('w%d_%d x', ?1, ?2))",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (int i = 0; i < n; i++) {
        sqlite3_bind_int(st, 1, seed);
        sqlite3_bind_int(st, 2, i);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    brief_fixture_exec(db, "COMMIT");
}

static void a_merge_under_way_is_told_with_its_inputs(void **state)
{
    sqlite3 *db = open_fts();
    brief_segments_t seg;
    (void)state;

    for (int i = 0; i < 3; i++)
        write_segment(db, i, 3000);
    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.segments[0], 3);
    assert_int_equal(seg.merging[0], 0);
    assert_true(seg.pages[0] > 10);
    /* two pages of work: the merge of level 0 begins, and stops */
    brief_fixture_exec(db, "INSERT INTO t(t, rank) VALUES('usermerge', 2);"
                           "INSERT INTO t(t, rank) VALUES('merge', 2)");
    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.merging[0], 3);
    assert_int_equal(seg.segments[0], 3);
    assert_int_equal(seg.segments[1], 1); /* its output, growing */
    brief_fixture_exec(db, "INSERT INTO t(t, rank) VALUES('merge', 100000)");
    assert_int_equal(brief_segments_read(db, "t", &seg), SQLITE_OK);
    assert_int_equal(seg.merging[0], 0);
    assert_int_equal(seg.segments[0], 0);
    assert_int_equal(seg.n_segments, 1);
    sqlite3_close(db);
}

static void a_missing_table_is_an_error(void **state)
{
    sqlite3 *db = open_fts();
    brief_segments_t seg;
    (void)state;

    assert_int_not_equal(brief_segments_read(db, "nosuch", &seg), SQLITE_OK);
    assert_int_equal(seg.n_segments, 0);
    sqlite3_close(db);
}

/* As SQLite 3.40 writes it: 4 segments of one page on level 0. */
static const unsigned char v1[] = {0x00, 0x00, 0x00, 0x02, 0x01, 0x04, 0x00, 0x00, 0x04,
                                   0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x03, 0x01, 0x01,
                                   0x04, 0x01, 0x01};

/* The later layout: a mark after the cookie, five more varints a segment.
 * Level 0 empty, level 1 one segment of leaves 1..300 (300 as a varint). */
static const unsigned char v2[] = {0x00, 0x00, 0x00, 0x09, 0xff, 0x00, 0x00, 0x01, 0x02,
                                   0x01, 0x07, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x82,
                                   0x2c, 0x01, 0x01, 0x00, 0x00, 0x81, 0x00};

static void both_layouts_are_read(void **state)
{
    brief_segments_t seg;
    (void)state;

    assert_int_equal(brief_segments_decode(v1, sizeof v1, &seg), SQLITE_OK);
    assert_int_equal(seg.n_levels, 1);
    assert_int_equal(seg.n_segments, 4);
    assert_int_equal(seg.segments[0], 4);
    assert_int_equal(seg.pages[0], 4);

    assert_int_equal(brief_segments_decode(v2, sizeof v2, &seg), SQLITE_OK);
    assert_int_equal(seg.n_levels, 2);
    assert_int_equal(seg.n_segments, 1);
    assert_int_equal(seg.segments[0], 0);
    assert_int_equal(seg.segments[1], 1);
    assert_int_equal(seg.pages[1], 300);
}

static void a_damaged_record_is_refused_whole(void **state)
{
    unsigned char bad[sizeof v1 + 1];
    brief_segments_t seg;
    (void)state;

    /* every truncation */
    for (size_t n = 0; n < sizeof v1; n++) {
        memset(&seg, 0x55, sizeof seg);
        assert_int_equal(brief_segments_decode(v1, (int)n, &seg), SQLITE_CORRUPT);
        assert_int_equal(seg.n_segments, 0);
        assert_int_equal(seg.segments[0], 0);
    }
    assert_int_equal(brief_segments_decode(NULL, 0, &seg), SQLITE_CORRUPT);
    /* a byte after the end */
    memcpy(bad, v1, sizeof v1);
    bad[sizeof v1] = 0;
    assert_int_equal(brief_segments_decode(bad, sizeof bad, &seg), SQLITE_CORRUPT);
    /* a total that the levels do not add up to */
    memcpy(bad, v1, sizeof v1);
    bad[5] = 0x05;
    assert_int_equal(brief_segments_decode(bad, sizeof v1, &seg), SQLITE_CORRUPT);
    /* more segments being merged than the level holds */
    memcpy(bad, v1, sizeof v1);
    bad[7] = 0x05;
    assert_int_equal(brief_segments_decode(bad, sizeof v1, &seg), SQLITE_CORRUPT);
    /* a last leaf before the first */
    memcpy(bad, v1, sizeof v1);
    bad[10] = 0x03; /* first segment: leaves 3..1 */
    assert_int_equal(brief_segments_decode(bad, sizeof v1, &seg), SQLITE_CORRUPT);
    /* a count past what FTS5 allows (2,000), as a 9-byte varint */
    {
        unsigned char big[] = {0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                               0x00, 0x00};
        assert_int_equal(brief_segments_decode(big, sizeof big, &seg), SQLITE_CORRUPT);
        assert_int_equal(seg.n_levels, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_commit_is_a_segment_on_level_0_until_merged),
        cmocka_unit_test(a_merge_under_way_is_told_with_its_inputs),
        cmocka_unit_test(a_missing_table_is_an_error),
        cmocka_unit_test(both_layouts_are_read),
        cmocka_unit_test(a_damaged_record_is_refused_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
