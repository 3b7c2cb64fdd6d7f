/* brief_feed.h - the reader and analyser threads of a full build: walk, read, parse and analyse, handed over in order. */
#ifndef BRIEF_FEED_H
#define BRIEF_FEED_H

#include <stddef.h>

#include "brief_doc.h"
#include "brief_indexer.h"
#include "brief_pairs.h"
#include "brief_status.h"

/* A full build walks its roots and reads and parses every file on a second
 * thread, and analyses the briefings on a third (lib/feed.c), while the
 * calling thread writes SQLite. The reader hands over
 * what the single-threaded walk would have told, one item at a time and in
 * the same order, so the writer replays exactly the events, rejects and
 * errors of a walk done in place. */

typedef enum {
    BRIEF_FEED_SKIP,       /* the walk skipped display: reason */
    BRIEF_FEED_SCAN_ERROR, /* the walk could not read display: reason */
    BRIEF_FEED_FILE,       /* path (display) is read next; its DOC and REJECT items follow */
    BRIEF_FEED_DOC,        /* a briefing: doc, line, hash */
    BRIEF_FEED_REJECT,     /* a rejected briefing or line: line, column, reason */
    BRIEF_FEED_FILE_END,   /* the file is read: status, reason (the message of an error), info */
    BRIEF_FEED_ROOT_END,   /* a root is walked: status, reason (the message of an error) */
    BRIEF_FEED_COUNTS      /* batch: the counts of the briefings analysed since the last
                            * COUNTS item, to apply now (brief_index_batch_apply) */
} brief_feed_kind_t;

typedef struct {
    brief_feed_kind_t kind;
    char *path;         /* FILE */
    char *display;      /* SKIP, SCAN_ERROR, FILE */
    char *reason;       /* SKIP, SCAN_ERROR, REJECT; FILE_END and ROOT_END: NULL or the error */
    brief_doc_t *doc;   /* DOC, owned by the item */
    struct brief_index_prep *prep; /* DOC, owned by the item: doc analysed ahead, or NULL */
    struct brief_index_batch *batch; /* COUNTS, owned by the item */
    long line;          /* DOC, REJECT */
    int column;         /* REJECT */
    char hash[17];      /* DOC */
    brief_status_t status;     /* FILE_END: brief_source_read's; ROOT_END: brief_scan's */
    brief_source_info_t info;  /* FILE_END */
} brief_feed_item_t;

typedef struct brief_feed brief_feed_t;

/* One root to walk: path to open, display as the user wrote it. */
typedef struct {
    const char *path;
    const char *display;
} brief_feed_root_t;

/* Starts the reader on the roots (copied; text_date too, may be NULL).
 * With lang (the index's stemming language), each briefing also comes
 * analysed (brief_prep.h); NULL: not (a dry run writes nothing).
 * Returns BRIEF_OK with *out set, BRIEF_ERR_NOMEM, or BRIEF_ERR_IO when
 * no thread can be started (*out NULL then). */
brief_status_t brief_feed_start(const brief_feed_root_t *roots, size_t n_roots,
                                const char *text_date, const char *lang, brief_feed_t **out);

/* Waits for the next item. BRIEF_OK with *item set, or with *item NULL
 * once every root has been walked; BRIEF_ERR_NOMEM or BRIEF_ERR_SQLITE
 * when the reader failed. The item is the feed's, valid until the next
 * call or brief_feed_free(); the caller may take its strings (setting the
 * fields to NULL) and its doc and prep likewise. */
brief_status_t brief_feed_next(brief_feed_t *feed, brief_feed_item_t **item);

/* The pairs of neighbouring stems of every briefing analysed
 * (brief_index_batch_note_pairs), for brief_index_take_pairs() once
 * brief_feed_next() has told the last item; NULL when the writer notes
 * them itself (no analyser, or no memory). Freed with the feed. */
const brief_pairs_t *brief_feed_pairs(const brief_feed_t *feed);

/* Stops the reader (at once when it is not done), waits for it, frees
 * every item not taken and the feed. brief_feed_free(NULL) is harmless. */
void brief_feed_free(brief_feed_t *feed);

#endif
