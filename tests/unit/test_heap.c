/* test_heap.c - unit tests of the one-page heap of the query programs (lib/heap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "brief_heap.h"

/* A heap over a buffer of the test's own; 16-aligned as the region is. */
static _Alignas(16) char arena[64 << 10];

static brief_heap_t *fresh(size_t len)
{
    brief_heap_t *h = brief_heap_init(arena, len);
    assert_non_null(h);
    return h;
}

static void blocks_are_aligned_and_sized_by_class(void **state)
{
    brief_heap_t *h = fresh(sizeof arena);
    static const size_t asks[] = {1, 16, 17, 100, 4096, 4200};
    static const size_t gets[] = {16, 16, 48, 112, 8176, 8176};
    (void)state;

    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        char *p = brief_heap_alloc(h, asks[i]);
        assert_non_null(p);
        assert_true(brief_heap_owns(h, p));
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal(brief_heap_size(h, p), gets[i]);
        memset(p, 0xab, brief_heap_size(h, p)); /* all of it is the caller's */
    }
}

static void a_freed_block_is_used_again_by_its_class(void **state)
{
    brief_heap_t *h = fresh(sizeof arena);
    char *a, *b, *c;
    (void)state;

    a = brief_heap_alloc(h, 40);
    b = brief_heap_alloc(h, 40);
    assert_ptr_not_equal(a, b);
    brief_heap_free(h, a);
    c = brief_heap_alloc(h, 200); /* another class: not a's block */
    assert_ptr_not_equal(c, a);
    assert_ptr_equal(brief_heap_alloc(h, 33), a);
    brief_heap_free(h, NULL); /* as free(NULL) */
}

static void large_blocks_and_an_exhausted_region_fall_back_to_malloc(void **state)
{
    brief_heap_t *h = fresh(4096);
    char *big, *p[8], *over;
    int owned = 0;
    (void)state;

    big = brief_heap_alloc(h, BRIEF_HEAP_MAX_BLOCK);
    assert_non_null(big);
    assert_false(brief_heap_owns(h, big));
    assert_int_equal(brief_heap_size(h, big), BRIEF_HEAP_MAX_BLOCK);
    memset(big, 1, BRIEF_HEAP_MAX_BLOCK);
    brief_heap_free(h, big);

    /* 4 KiB holds a few 1 KiB blocks (1008 usable each), then malloc takes over */
    for (int i = 0; i < 8; i++) {
        p[i] = brief_heap_alloc(h, 1000);
        assert_non_null(p[i]);
        owned += brief_heap_owns(h, p[i]);
    }
    assert_int_equal(owned, 3);
    over = p[7];
    assert_false(brief_heap_owns(h, over));
    assert_int_equal(brief_heap_size(h, over), 1000);
    for (int i = 0; i < 8; i++)
        brief_heap_free(h, p[i]);
}

static void realloc_keeps_the_contents(void **state)
{
    brief_heap_t *h = fresh(sizeof arena);
    char *p, *q;
    (void)state;

    p = brief_heap_realloc(h, NULL, 10);
    assert_non_null(p);
    memcpy(p, "0123456789", 10);
    assert_ptr_equal(brief_heap_realloc(h, p, 16), p); /* fits its block */
    q = brief_heap_realloc(h, p, 3000);
    assert_ptr_not_equal(q, p);
    assert_memory_equal(q, "0123456789", 10);
    assert_true(brief_heap_size(h, q) >= 3000);
    p = brief_heap_realloc(h, q, BRIEF_HEAP_MAX_BLOCK + 1); /* out to malloc */
    assert_false(brief_heap_owns(h, p));
    assert_memory_equal(p, "0123456789", 10);
    brief_heap_free(h, p);
}

static void init_refuses_a_misaligned_or_tiny_buffer(void **state)
{
    (void)state;
    assert_null(brief_heap_init(NULL, 4096));
    assert_null(brief_heap_init(arena + 8, 4096));
    assert_null(brief_heap_init(arena, 8));
}

/* The installed heap serves SQLite (FTS5 included) and jansson; this runs
 * last, as installing is for the life of the process. */
static void installed_sqlite_and_jansson_run_on_it(void **state)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    json_t *j;
    char *text;
    int got;
    (void)state;

    setenv("BRIEF_HEAP", "system", 1);
    assert_int_equal(brief_heap_install(), -1); /* the valgrind runs' way out */
    unsetenv("BRIEF_HEAP");
    got = brief_heap_install();
#if defined(__SANITIZE_ADDRESS__)
    assert_int_equal(got, -1);
#else
    assert_int_equal(got, 0);
    assert_int_equal(brief_heap_install(), -1); /* once */
    {
        /* SQLite's blocks are the heap's (40 bytes: the 64-byte class,
         * 48 usable; malloc would give 40), and so are jansson's */
        void *p = sqlite3_malloc(40);
        json_malloc_t m;
        json_free_t f;
        assert_int_equal(sqlite3_msize(p), 48);
        sqlite3_free(p);
        json_get_alloc_funcs(&m, &f);
        assert_ptr_not_equal(m, malloc);
        assert_ptr_not_equal(f, free);
    }
#endif

    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE t USING fts5(a);"
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                  "WHERE i < 2000) INSERT INTO t SELECT 'word' || (i % 97) || ' "
                                  "common ' || hex(randomblob(300)) FROM n",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH 'word5'", -1,
                                        &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 21); /* 5, 102, ... 1945 */
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);

    j = json_pack("{s:s,s:[i,i]}", "q", "export controls", "n", 1, 2);
    assert_non_null(j);
    text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(text, "{\"q\":\"export controls\",\"n\":[1,2]}");
    brief_json_free(text);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_are_aligned_and_sized_by_class),
        cmocka_unit_test(a_freed_block_is_used_again_by_its_class),
        cmocka_unit_test(large_blocks_and_an_exhausted_region_fall_back_to_malloc),
        cmocka_unit_test(realloc_keeps_the_contents),
        cmocka_unit_test(init_refuses_a_misaligned_or_tiny_buffer),
        cmocka_unit_test(installed_sqlite_and_jansson_run_on_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
