/* sql.c - small SQL helpers shared inside the library: the one integer a query answers. */
#include "internal.h"

int brief_sql_int64(sqlite3 *db, const char *sql, sqlite3_int64 *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *value = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}
