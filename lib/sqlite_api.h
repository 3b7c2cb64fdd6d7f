/* sqlite_api.h - includes SQLite either directly or, in the loadable extension, through its API table. */
#ifndef BRIEF_SQLITE_API_H
#define BRIEF_SQLITE_API_H

/* Built into build/briefing_ext.so (-DBRIEF_SQLITE_EXTENSION), the sqlite3_*
 * calls of a file must go through the host's sqlite3_api routine table,
 * which ext/briefing_ext.c defines (SQLITE_EXTENSION_INIT1) and fills in
 * (SQLITE_EXTENSION_INIT2). Include this header before any other header
 * that includes <sqlite3.h>. */
#ifdef BRIEF_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#endif
