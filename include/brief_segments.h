/* brief_segments.h - how an FTS5 index is laid out in segments and levels.
 *
 * FTS5 keeps its index as segments on levels: a write adds a segment to
 * level 0, and merging a level's segments makes one segment on the next.
 * A query reads every segment, so how many there are is what a full
 * build's merge policy trades against its own time (lib/indexer.c). SQL
 * offers no view of it; it is read here from FTS5's structure record, row
 * 10 of the table's %_data (described at the top of SQLite's
 * ext/fts5/fts5_index.c). Both the record SQLite 3.40 writes and the
 * later one with tombstone fields (3.43 on) are read; any other is
 * refused, and the caller goes on without the figures. */
#ifndef BRIEF_SEGMENTS_H
#define BRIEF_SEGMENTS_H

#include <sqlite3.h>

/* Levels reported; FTS5 keeps far fewer in practice (about log16 of the
 * number of writes). Segments above are counted in n_segments only. */
#define BRIEF_SEGMENT_LEVELS 16

typedef struct {
    int n_levels;   /* as FTS5 counts them, empty ones included */
    int n_segments; /* on all levels */
    int segments[BRIEF_SEGMENT_LEVELS];    /* per level */
    int merging[BRIEF_SEGMENT_LEVELS];     /* per level: its first segments an unfinished
                                            * merge reads (0: none) */
    long long pages[BRIEF_SEGMENT_LEVELS]; /* leaf pages per level */
} brief_segments_t;

/* Reads the layout of the FTS5 table `table` (its %_data row 10) into
 * *out. SQLITE_OK; SQLITE_CORRUPT when the record is not one this code
 * reads; else an SQLite error reading it. An index nothing was ever
 * written to reads as no levels. */
int brief_segments_read(sqlite3 *db, const char *table, brief_segments_t *out);

/* The same from the record itself (a, n bytes). */
int brief_segments_decode(const unsigned char *a, int n, brief_segments_t *out);

#endif
