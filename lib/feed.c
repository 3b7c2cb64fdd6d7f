/* feed.c - the reader and analyser threads of a full build: walk the roots, read, parse and analyse files, queue the results.
 *
 * Reading, hashing and parsing (jansson, the text parser) took about a
 * fifth of a full build's CPU, and SQLite's writes most of the rest; on a
 * thread of their own they overlap the writes. The reader walks the roots
 * (lib/scan.c), reads each file once (a file met twice, through two roots
 * or a symlink, is read the first time only, as before: the paths met are
 * kept in a private SQLite temporary database, so memory stays flat), and
 * appends what it learns to a bounded FIFO: the calling thread takes the
 * items in that order and does what the walk's callbacks did in place.
 *
 * The queue is bounded (FEED_MAX_BYTES, FEED_MAX_ITEMS below), so the
 * reader is never more than a few MB ahead and the indexer's memory does
 * not grow with the corpus. The reader uses no
 * SQLite connection of the writer and calls no callback of the caller:
 * everything it shares is the queue, under one mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief_feed.h"
#include "brief_parse.h"
#include "brief_prep.h"
#include "internal.h"

/* The reader waits when the writer is this far behind: FEED_MAX_BYTES of
 * analysis (brief_index_prep_bytes; the documents hold about as much
 * again), or FEED_MAX_ITEMS items. The writer takes briefings fast while
 * it fills a chunk of FTS5 entries (lib/index_write.c), then takes none
 * while it writes the chunk; the queue must hold what the reader makes in
 * that time, or the two threads take turns instead of overlapping. With 64
 * items, a build of 16,000 briefings used 1.06 CPUs and took 11.4 s
 * wall; with 4 MB it takes 5.9 s, and the indexer's peak memory is flat
 * from 20,000 to 100,000 briefings (52 and 51 MB with the build's 8 MiB
 * page cache, 42 and 44 MB since briefings are counted into batches and
 * carry no maps of their own; each MB here costs about 3.5 MB of resident
 * memory, the documents' many small blocks included). */
#define FEED_MAX_BYTES (4 * 1024 * 1024)
#define FEED_MAX_ITEMS 4096

/* The analyser
 *
 * Analysing a briefing ahead (brief_index_prepare: tokenizing, stemming,
 * counting words) runs on a third thread, the analyser. Parsing and
 * analysing on one thread had become the longer of the two threads
 * (1,000 briefings: 1.54 G instructions against the writer's 0.87 G), so
 * the writer waited for it; three threads on two cores keep both cores
 * busy instead. The analyser works on the queue in place: the reader
 * appends items, the analyser walks them from next_prep on and analyses
 * the briefings among them, and the writer takes only items before
 * next_prep, so the order stays the reader's. The reader waits when
 * FEED_MAX_WAITING items are not analysed yet; their documents are all
 * the memory this adds. */
#define FEED_MAX_WAITING 64

/* The reader wakes the analyser once FEED_PREP_WAKE items wait for it (or
 * when it must wait itself, or the writer waits), not for each item: the
 * analyser, faster than the reader, slept and was woken for nearly every
 * item (20,000 briefings: 9,000 of the 22,000 futex calls). */
#define FEED_PREP_WAKE 8

/* Counting ahead
 *
 * The analyser also adds the word and stem counts of the briefings it
 * analyses to a batch (brief_prep.h; "Counting ahead" in lib/index_write.c
 * says why), and queues the batch as a COUNTS item after the last of its
 * briefings once it holds FEED_BATCH_SIZE distinct words and stems (or
 * the reader is done): the writer then adds each distinct word of the
 * batch to its map once, instead of each distinct word of each briefing.
 * A batch costs about 80 bytes a word: 16,384 words and stems, some 1.3
 * MB, are those of about 630 generated briefings, so the writer looks up
 * some 26 words and stems per briefing instead of its 530 distinct words
 * and their stems. */
#define FEED_BATCH_SIZE 16384

typedef struct node {
    brief_feed_item_t item;
    struct node *next;
    size_t bytes; /* brief_index_prep_bytes of item.prep */
} node_t;

struct brief_feed {
    pthread_t thread, prep_thread;
    int started, prep_started;
    pthread_mutex_t mu;
    pthread_cond_t can_put;  /* the queue has room, or the feed is stopping */
    pthread_cond_t can_take; /* the queue has an item ready, or the feed is done */
    pthread_cond_t can_prep; /* an item waits for the analyser, or the reader is done */
    node_t *head, *tail;
    size_t n;
    size_t bytes;           /* of the items queued */
    node_t *next_prep;      /* the first item the analyser has not seen, or NULL */
    size_t n_waiting;       /* items from next_prep on */
    int reader_waiting;     /* the reader waits for room */
    node_t *lent;           /* the item the writer holds, until it asks for the next */
    node_t *used;           /* items the writer is done with, for the reader to free */
    int read_done;          /* the reader has queued its last item */
    int done;               /* ... and the analyser has seen it */
    int stop;               /* the writer wants no more */
    brief_status_t failure; /* why the reader gave up, when it did */
    /* the reader's own */
    brief_feed_root_t *roots;
    size_t n_roots;
    char *text_date;
    sqlite3 *seen;
    sqlite3_stmt *seen_ins;
    char *lang;
    brief_analyzer_t *an; /* the analyser's, or NULL: no analyser runs */
    brief_pairs_t *pairs; /* the analyser's: its briefings' neighbouring stems, or NULL */
};

/* ------------------------------------------------------------ the queue */

static void item_free(brief_feed_item_t *item)
{
    if (item == NULL)
        return;
    free(item->path);
    free(item->display);
    free(item->reason);
    brief_doc_free(item->doc);
    brief_index_prep_free(item->prep);
    brief_index_batch_free(item->batch);
    free(item); /* the first member of its node: this frees the node */
}

/* Whether the queue is full: the reader must wait. */
static int queue_full(const brief_feed_t *f)
{
    return f->n >= FEED_MAX_ITEMS || (f->n > 0 && f->bytes > FEED_MAX_BYTES) ||
           f->n_waiting >= FEED_MAX_WAITING;
}

/* Whether a full queue has room enough again to wake the reader: a
 * quarter of it, or half of the items waiting for the analyser. Woken for
 * each item taken, the reader queued one item per wake-up, and the three
 * threads made 104,000 futex calls for 20,000 briefings. */
static int queue_roomy(const brief_feed_t *f)
{
    return f->n == 0 || (f->n <= FEED_MAX_ITEMS / 4 * 3 && f->bytes <= FEED_MAX_BYTES / 4 * 3 &&
                         f->n_waiting <= FEED_MAX_WAITING / 2);
}

/* Wakes the reader when it waits and there is room (under f->mu). */
static void wake_reader(brief_feed_t *f)
{
    if (f->reader_waiting && queue_roomy(f))
        pthread_cond_signal(&f->can_put);
}

/* Queues an item the reader filled (ownership passes to the queue, also on
 * failure, when it is freed). Returns 0, or -1 when the writer stopped. */
static int put(brief_feed_t *f, node_t *nd)
{
    int stopped;
    node_t *used;

    nd->next = NULL;
    nd->bytes = 0; /* the analyser counts the analysis it adds */
    pthread_mutex_lock(&f->mu);
    used = f->used;
    f->used = NULL;
    if (queue_full(f) && !f->stop) {
        f->reader_waiting = 1;
        pthread_cond_signal(&f->can_prep);
        while (!queue_roomy(f) && !f->stop)
            pthread_cond_wait(&f->can_put, &f->mu);
        f->reader_waiting = 0;
    }
    stopped = f->stop;
    if (!stopped) {
        if (f->tail != NULL)
            f->tail->next = nd;
        else
            f->head = nd;
        f->tail = nd;
        f->n++;
        if (f->prep_started) {
            if (f->next_prep == NULL)
                f->next_prep = nd;
            if (++f->n_waiting >= FEED_PREP_WAKE)
                pthread_cond_signal(&f->can_prep);
        } else {
            pthread_cond_signal(&f->can_take);
        }
    }
    pthread_mutex_unlock(&f->mu);
    /* Freed here rather than by the writer: a briefing is a hundred small
     * blocks allocated on this thread, and the writer is the busier one. */
    while (used != NULL) {
        node_t *next = used->next;
        item_free(&used->item);
        used = next;
    }
    if (stopped) {
        item_free(&nd->item); /* the node starts with its item: this frees the node */
        return -1;
    }
    return 0;
}

static node_t *node_new(brief_feed_t *f, brief_feed_kind_t kind)
{
    node_t *nd = calloc(1, sizeof *nd);

    if (nd == NULL) {
        pthread_mutex_lock(&f->mu);
        if (f->failure == BRIEF_OK)
            f->failure = BRIEF_ERR_NOMEM;
        pthread_mutex_unlock(&f->mu);
        return NULL;
    }
    nd->item.kind = kind;
    return nd;
}

/* Queues an item with up to three strings (copied); -1 when it cannot be. */
static int put_strings(brief_feed_t *f, brief_feed_kind_t kind, const char *path,
                       const char *display, const char *reason)
{
    node_t *nd = node_new(f, kind);

    if (nd == NULL)
        return -1;
    nd->item.path = brief_strdup(path);
    nd->item.display = brief_strdup(display);
    nd->item.reason = brief_strdup(reason);
    if ((path && !nd->item.path) || (display && !nd->item.display) ||
        (reason && !nd->item.reason)) {
        item_free(&nd->item);
        pthread_mutex_lock(&f->mu);
        if (f->failure == BRIEF_OK)
            f->failure = BRIEF_ERR_NOMEM;
        pthread_mutex_unlock(&f->mu);
        return -1;
    }
    return put(f, nd);
}

/* ----------------------------------------------------------- the reader */

static brief_status_t on_doc(void *ctx, brief_doc_t *doc, long line, const char *hash)
{
    brief_feed_t *f = ctx;
    node_t *nd = node_new(f, BRIEF_FEED_DOC);
    brief_doc_t *mine;

    if (nd == NULL)
        return BRIEF_ERR_NOMEM;
    mine = malloc(sizeof *mine);
    if (mine == NULL) {
        free(nd);
        return BRIEF_ERR_NOMEM;
    }
    /* The document is the caller's to free after this call: take what it
     * owns and leave it empty. */
    *mine = *doc;
    memset(doc, 0, sizeof *doc);
    doc->signals = -1;
    nd->item.doc = mine;
    nd->item.line = line;
    snprintf(nd->item.hash, sizeof nd->item.hash, "%s", hash);
    return put(f, nd) == 0 ? BRIEF_OK : BRIEF_ERR_LIMIT;
}

static void on_reject(void *ctx, const brief_parse_error_t *err)
{
    brief_feed_t *f = ctx;
    node_t *nd = node_new(f, BRIEF_FEED_REJECT);

    if (nd == NULL)
        return;
    nd->item.line = err->line;
    nd->item.column = err->column;
    nd->item.reason = brief_strdup(err->reason);
    if (nd->item.reason == NULL) {
        free(nd);
        return;
    }
    put(f, nd);
}

/* Whether path is met for the first time (1), again (0), or -1 on failure. */
static int first_time(brief_feed_t *f, const char *path)
{
    int rc;

    sqlite3_bind_text(f->seen_ins, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(f->seen_ins);
    sqlite3_reset(f->seen_ins);
    sqlite3_clear_bindings(f->seen_ins);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(f->seen) > 0;
}

static int read_file(brief_feed_t *f, const brief_scan_entry_t *e)
{
    char *default_id, *msg = NULL;
    node_t *nd;
    brief_source_info_t info;
    brief_status_t status;

    if (put_strings(f, BRIEF_FEED_FILE, e->path, e->display, NULL) != 0)
        return -1;
    default_id = brief_source_default_id(e->rel);
    if (default_id == NULL) {
        pthread_mutex_lock(&f->mu);
        if (f->failure == BRIEF_OK)
            f->failure = BRIEF_ERR_NOMEM;
        pthread_mutex_unlock(&f->mu);
        return -1;
    }
    memset(&info, 0, sizeof info);
    status = brief_source_read(e->path, BRIEF_FORMAT_UNKNOWN, default_id, f->text_date, on_doc,
                               on_reject, f, &info, &msg);
    free(default_id);
    if (status == BRIEF_ERR_LIMIT) { /* the writer stopped */
        free(msg);
        return -1;
    }
    nd = node_new(f, BRIEF_FEED_FILE_END);
    if (nd == NULL) {
        free(msg);
        return -1;
    }
    nd->item.status = status;
    nd->item.reason = msg;
    nd->item.info = info;
    return put(f, nd);
}

static int scan_fn(void *ctx, const brief_scan_entry_t *e)
{
    brief_feed_t *f = ctx;
    int fresh;

    if (e->kind == BRIEF_SCAN_SKIP)
        return put_strings(f, BRIEF_FEED_SKIP, NULL, e->display, e->reason) != 0;
    if (e->kind == BRIEF_SCAN_ERROR)
        return put_strings(f, BRIEF_FEED_SCAN_ERROR, NULL, e->display, e->reason) != 0;
    fresh = first_time(f, e->path);
    if (fresh < 0) {
        pthread_mutex_lock(&f->mu);
        if (f->failure == BRIEF_OK)
            f->failure = BRIEF_ERR_SQLITE;
        pthread_mutex_unlock(&f->mu);
        return 1;
    }
    return fresh ? read_file(f, e) != 0 : 0;
}

static void *reader(void *arg)
{
    brief_feed_t *f = arg;
    size_t i;

    for (i = 0; i < f->n_roots; i++) {
        char *msg = NULL;
        brief_status_t status = brief_scan(f->roots[i].path, f->roots[i].display, scan_fn, f, &msg);
        node_t *nd;

        if (status == BRIEF_ERR_LIMIT) { /* stopped by scan_fn: the writer or a failure */
            free(msg);
            break;
        }
        nd = node_new(f, BRIEF_FEED_ROOT_END);
        if (nd == NULL) {
            free(msg);
            break;
        }
        nd->item.status = status;
        nd->item.reason = msg;
        if (put(f, nd) != 0 || status != BRIEF_OK)
            break;
    }
    pthread_mutex_lock(&f->mu);
    f->read_done = 1;
    if (f->prep_started) {
        pthread_cond_signal(&f->can_prep);
    } else {
        f->done = 1;
        pthread_cond_signal(&f->can_take);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

/* --------------------------------------------------------- the analyser */

/* Queues the batch as a COUNTS item after nd (the last item, when NULL),
 * under f->mu. Without memory for the item, the batch is lost: the
 * briefings put would miss its counts, so the feed fails. */
static void queue_counts(brief_feed_t *f, node_t *nd, brief_index_batch_t **batch)
{
    node_t *c = calloc(1, sizeof *c);

    if (c == NULL) {
        brief_index_batch_free(*batch);
        *batch = NULL;
        if (f->failure == BRIEF_OK)
            f->failure = BRIEF_ERR_NOMEM;
        f->stop = 1;
        pthread_cond_broadcast(&f->can_put);
        return;
    }
    c->item.kind = BRIEF_FEED_COUNTS;
    c->item.batch = *batch;
    *batch = NULL;
    if (nd == NULL)
        nd = f->tail;
    if (nd == NULL) {
        f->head = f->tail = c;
    } else {
        c->next = nd->next;
        nd->next = c;
        if (f->tail == nd)
            f->tail = c;
    }
    f->n++;
}

static void *analyser(void *arg)
{
    brief_feed_t *f = arg;
    brief_index_batch_t *batch = NULL; /* the open batch */
    int in_batch = 0;                  /* briefings in it */
    int no_batch = 0;                  /* a batch failed: no more */

    pthread_mutex_lock(&f->mu);
    for (;;) {
        node_t *nd;
        size_t bytes = 0;
        int counted = 0;

        while (f->next_prep == NULL && !f->read_done && !f->stop)
            pthread_cond_wait(&f->can_prep, &f->mu);
        if (f->stop || (nd = f->next_prep) == NULL)
            break;
        /* Items from next_prep on are the analyser's alone: the writer
         * takes none of them, and the reader only appends. */
        pthread_mutex_unlock(&f->mu);
        if (nd->item.kind == BRIEF_FEED_DOC && nd->item.doc != NULL) {
            /* On failure the item goes unanalysed and the writer analyses
             * the briefing itself (a column too large: brief_index_put
             * says so, with the message); without memory for a batch,
             * the writer counts the briefing's words itself. */
            brief_status_t status;
            if (batch == NULL && !no_batch &&
                brief_index_batch_new(&batch) == BRIEF_OK && f->pairs != NULL)
                brief_index_batch_note_pairs(batch, f->pairs); /* batch NULL without memory */
            status = batch != NULL
                         ? brief_index_prepare_batched(f->an, nd->item.doc, batch, &nd->item.prep)
                         : brief_index_prepare(f->an, nd->item.doc, &nd->item.prep);
            if (status != BRIEF_OK) {
                nd->item.prep = NULL;
                /* Counted in part, the batch is lost: so is the run (the
                 * writer fails at the end), but the reading goes on. */
                if (batch != NULL && status != BRIEF_ERR_INVALID) {
                    brief_index_batch_free(batch);
                    batch = NULL;
                    in_batch = 0;
                    no_batch = 1;
                    pthread_mutex_lock(&f->mu);
                    if (f->failure == BRIEF_OK)
                        f->failure = status;
                    pthread_mutex_unlock(&f->mu);
                }
            }
            counted = nd->item.prep != NULL && batch != NULL;
            bytes = brief_index_prep_bytes(nd->item.prep);
        }
        in_batch += counted;
        pthread_mutex_lock(&f->mu);
        nd->bytes = bytes;
        f->bytes += bytes;
        f->next_prep = nd->next;
        f->n_waiting--;
        if (in_batch > 0 && brief_index_batch_size(batch) >= FEED_BATCH_SIZE) {
            queue_counts(f, nd, &batch); /* after nd: before next_prep */
            in_batch = 0;
        }
        pthread_cond_signal(&f->can_take);
        wake_reader(f);
    }
    if (!f->stop && in_batch > 0)
        queue_counts(f, NULL, &batch);
    f->done = 1;
    pthread_cond_signal(&f->can_take);
    pthread_mutex_unlock(&f->mu);
    brief_index_batch_free(batch); /* stopped with a batch open */
    return NULL;
}

/* ------------------------------------------------------------- the API */

static void feed_release(brief_feed_t *f)
{
    size_t i;
    node_t *nd;

    while ((nd = f->head) != NULL) {
        f->head = nd->next;
        item_free(&nd->item);
    }
    while ((nd = f->used) != NULL) {
        f->used = nd->next;
        item_free(&nd->item);
    }
    if (f->lent != NULL)
        item_free(&f->lent->item);
    brief_analyzer_free(f->an);
    brief_pairs_free(f->pairs);
    sqlite3_finalize(f->seen_ins);
    sqlite3_close(f->seen);
    for (i = 0; i < f->n_roots; i++) {
        free((char *)f->roots[i].path);
        free((char *)f->roots[i].display);
    }
    free(f->roots);
    free(f->text_date);
    free(f->lang);
    pthread_cond_destroy(&f->can_put);
    pthread_cond_destroy(&f->can_take);
    pthread_cond_destroy(&f->can_prep);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

brief_status_t brief_feed_start(const brief_feed_root_t *roots, size_t n_roots,
                                const char *text_date, const char *lang, brief_feed_t **out)
{
    brief_feed_t *f = calloc(1, sizeof *f);
    size_t i;

    *out = NULL;
    if (f == NULL)
        return BRIEF_ERR_NOMEM;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->can_put, NULL);
    pthread_cond_init(&f->can_take, NULL);
    pthread_cond_init(&f->can_prep, NULL);
    f->roots = calloc(n_roots ? n_roots : 1, sizeof *f->roots);
    if (f->roots == NULL)
        goto nomem;
    for (i = 0; i < n_roots; i++, f->n_roots++) {
        f->roots[i].path = brief_strdup(roots[i].path);
        f->roots[i].display = brief_strdup(roots[i].display);
        if (f->roots[i].path == NULL || (roots[i].display && f->roots[i].display == NULL)) {
            f->n_roots++;
            goto nomem;
        }
    }
    if (text_date != NULL && (f->text_date = brief_strdup(text_date)) == NULL)
        goto nomem;
    if (lang != NULL && (f->lang = brief_strdup(lang)) == NULL)
        goto nomem;
    /* "": a private temporary database, spilled to a file that goes on close */
    if (sqlite3_open_v2("", &f->seen, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(f->seen,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE seen(path TEXT PRIMARY KEY) WITHOUT ROWID; BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(f->seen, "INSERT OR IGNORE INTO seen VALUES (?1)", -1, &f->seen_ins,
                           NULL) != SQLITE_OK)
        goto nomem;
    /* The analyser is made here, before the reader uses the connection
     * `seen` that it borrows to find FTS5's tokenizer (once made, it uses
     * no connection). Without it (out of memory, no thread), the writer
     * analyses the texts itself. */
    if (f->lang != NULL && brief_analyzer_new(f->seen, f->lang, &f->an, NULL) != BRIEF_OK)
        f->an = NULL;
    /* Without it (out of memory), the writer notes the pairs itself. */
    if (f->an != NULL)
        f->pairs = brief_pairs_new(BRIEF_PAIRS_BUILD_WORDS);
    if (f->an != NULL && pthread_create(&f->prep_thread, NULL, analyser, f) == 0)
        f->prep_started = 1;
    if (pthread_create(&f->thread, NULL, reader, f) != 0) {
        brief_feed_free(f);
        return BRIEF_ERR_IO;
    }
    f->started = 1;
    *out = f;
    return BRIEF_OK;
nomem:
    feed_release(f);
    return BRIEF_ERR_NOMEM;
}

brief_status_t brief_feed_next(brief_feed_t *f, brief_feed_item_t **item)
{
    node_t *nd;
    brief_status_t status = BRIEF_OK;

    *item = NULL;
    pthread_mutex_lock(&f->mu);
    if (f->lent != NULL) {
        f->lent->next = f->used;
        f->used = f->lent;
        f->lent = NULL;
    }
    /* Items from next_prep on wait for the analyser. */
    while ((f->head == NULL || f->head == f->next_prep) && !f->done) {
        pthread_cond_signal(&f->can_prep); /* items may wait for FEED_PREP_WAKE more */
        pthread_cond_wait(&f->can_take, &f->mu);
    }
    nd = f->head != f->next_prep ? f->head : NULL;
    if (nd != NULL) {
        f->head = nd->next;
        if (f->head == NULL)
            f->tail = NULL;
        f->n--;
        f->bytes -= nd->bytes;
        f->lent = nd;
        wake_reader(f);
    } else {
        status = f->failure;
    }
    pthread_mutex_unlock(&f->mu);
    if (nd != NULL)
        *item = &nd->item;
    return status;
}

const brief_pairs_t *brief_feed_pairs(const brief_feed_t *f)
{
    return f->pairs;
}

void brief_feed_free(brief_feed_t *f)
{
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_broadcast(&f->can_put);
    pthread_cond_broadcast(&f->can_prep);
    pthread_mutex_unlock(&f->mu);
    if (f->started)
        pthread_join(f->thread, NULL);
    if (f->prep_started)
        pthread_join(f->prep_thread, NULL);
    feed_release(f);
}
