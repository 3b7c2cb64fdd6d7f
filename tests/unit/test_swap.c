/* test_swap.c - unit tests of the indexer's copy, its early writeback and its rename (lib/swap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "brief_indexer.h"

static char dir[] = "/tmp/brief-swap-XXXXXX";

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void read_file(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    size_t got;
    assert_non_null(f);
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

static void writeback_then_commit_replaces_the_live_file(void **state)
{
    char live[256], tmp[256], got[64], *err = NULL;
    brief_writeback_t *wb;
    (void)state;

    path_in(live, sizeof live, "index.db");
    path_in(tmp, sizeof tmp, "index.db.tmp-1");
    write_file(live, "old generation");
    write_file(tmp, "new generation");
    wb = brief_swap_writeback_start(tmp);
    assert_non_null(wb);
    write_file(tmp, "newer generation"); /* written while the thread runs */
    brief_swap_writeback_wait(wb);
    assert_int_equal(brief_swap_commit(tmp, live, &err), BRIEF_OK);
    assert_null(err);
    read_file(live, got, sizeof got);
    assert_string_equal(got, "newer generation");
    assert_int_equal(access(tmp, F_OK), -1);
    unlink(live);
}

static void writeback_of_a_missing_file_is_no_thread(void **state)
{
    char tmp[256];
    (void)state;

    path_in(tmp, sizeof tmp, "nothing-here");
    assert_null(brief_swap_writeback_start(tmp));
    brief_swap_writeback_wait(NULL); /* a no-op, as the indexer's error paths call it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writeback_then_commit_replaces_the_live_file),
        cmocka_unit_test(writeback_of_a_missing_file_is_no_thread),
    };
    int rc;

    if (mkdtemp(dir) == NULL)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
