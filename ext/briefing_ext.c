/* briefing_ext.c - the loadable SQLite extension: registers the "snowball" FTS5 tokenizer.
 *
 * In the sqlite3 shell:  .load build/briefing_ext
 * SQLite derives the entry point from the file name: it drops the folder,
 * a leading "lib" and everything from the first '.', keeps only the
 * letters, lower-cased, so briefing_ext.so gives sqlite3_briefingext_init.
 */
#include <stddef.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "brief_tokenizer.h"

int sqlite3_briefingext_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

int sqlite3_briefingext_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    SQLITE_EXTENSION_INIT2(pApi);
    if (brief_tokenizer_register(db) != BRIEF_OK) {
        if (pzErrMsg != NULL)
            *pzErrMsg = sqlite3_mprintf("briefing_ext: cannot register the %s tokenizer:"
                                        " FTS5 is missing",
                                        BRIEF_TOKENIZER_NAME);
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}
