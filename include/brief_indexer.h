/* brief_indexer.h - building and incrementally refreshing an index from briefing files. */
#ifndef BRIEF_INDEXER_H
#define BRIEF_INDEXER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "brief_doc.h"
#include "brief_parse.h"
#include "brief_status.h"

/* ---- hash.c: a fast 64-bit content hash (an xxHash64-style mix) ---- */

/* Streaming state; fill with brief_hash_init(), feed with brief_hash_update(). */
typedef struct {
    uint64_t acc[4];
    unsigned char buf[32];
    size_t buffered;
    uint64_t total;
} brief_hash_t;

void brief_hash_init(brief_hash_t *h);
void brief_hash_update(brief_hash_t *h, const void *data, size_t len);
/* The hash of everything fed so far; h is not changed. */
uint64_t brief_hash_final(const brief_hash_t *h);
/* One-shot: brief_hash_final() of len bytes. */
uint64_t brief_hash64(const void *data, size_t len);
/* Writes the hash as 16 lowercase hex digits and a NUL into out. */
void brief_hash_hex(uint64_t hash, char out[17]);

/* ---- lock.c: the single-writer lock FILE.lock ---- */

typedef struct brief_lock brief_lock_t;

/* Takes an exclusive flock() on "<db_path>.lock" (created 0644 when
 * missing) and writes our pid into it. The kernel drops the lock when the
 * process dies, so a killed indexer never blocks the next one.
 * wait_seconds <= 0: give up at once; otherwise retry until that many
 * seconds have passed. Returns BRIEF_OK with *out set; BRIEF_ERR_LOCKED
 * when another process holds it (*holder_pid, when non-NULL, is the pid it
 * wrote, or 0 when unknown); BRIEF_ERR_INVALID when the lock file cannot
 * be made (no such folder, no permission, read-only file system);
 * BRIEF_ERR_IO for other failures. *errmsg (when non-NULL) is set on failure; the caller frees it. */
brief_status_t brief_lock_acquire(const char *db_path, double wait_seconds, brief_lock_t **out,
                                  long *holder_pid, char **errmsg);

/* Releases and frees the lock (the file stays). brief_lock_release(NULL) is harmless. */
void brief_lock_release(brief_lock_t *lock);

/* ---- scan.c: walking the corpus roots ---- */

typedef enum {
    BRIEF_SCAN_FILE = 0, /* a regular file with a briefing extension */
    BRIEF_SCAN_SKIP,     /* skipped: FIFO, device, socket, symlink loop... (reason set) */
    BRIEF_SCAN_ERROR     /* a directory or file could not be read (reason set) */
} brief_scan_kind_t;

typedef struct {
    brief_scan_kind_t kind;
    const char *path;    /* the path to open: the root's path joined with rel */
    const char *display; /* the same under the root as the user wrote it, for messages */
    const char *rel;     /* relative to the root; the root's base name when the root is a file */
    brief_format_t format;
    const struct stat *st; /* stat() of the file (symlinks followed), for BRIEF_SCAN_FILE */
    const char *reason;  /* why it was skipped or failed */
} brief_scan_entry_t;

/* Called once per entry, borrowed for the call only. Return 0 to go on,
 * non-zero to stop the walk (brief_scan() then returns BRIEF_ERR_LIMIT). */
typedef int (*brief_scan_fn)(void *ctx, const brief_scan_entry_t *entry);

/* Walks root (a file or a folder) recursively in name order, calling fn for
 * every .json, .jsonl and .txt regular file (brief_format_of_path) and for
 * every special file met. Hidden entries (names starting with '.') below
 * the root are skipped; symlinks are followed, and a folder already walked
 * (same device and inode) is not walked again, so loops end. Nothing is
 * opened but folders. path is root as it is to be opened (normally an
 * absolute path) and display the root as the user wrote it (NULL: path).
 * Returns BRIEF_OK, BRIEF_ERR_IO when root itself cannot be read (with
 * *errmsg), BRIEF_ERR_NOMEM, or BRIEF_ERR_LIMIT when fn stopped it. */
brief_status_t brief_scan(const char *path, const char *display, brief_scan_fn fn, void *ctx,
                          char **errmsg);

/* ---- source.c: reading the briefings of one file ---- */

/* What brief_source_read() and brief_source_hash() learnt about the file. */
typedef struct {
    off_t size;
    long long mtime_ns;
    char hash[17]; /* hex brief_hash64 of all the file's bytes */
} brief_source_info_t;

/* Largest file (.json, .txt) or line (.jsonl) read, in bytes; larger ones
 * are rejected ("file too large (N bytes, limit M)", "line too large ...")
 * rather than loaded into memory. A briefing is kilobytes; 32 MiB is far
 * beyond any real one yet bounds a run to about 150 MB of memory and 20 s
 * for that file (indexing costs ~4.5x the file's size in memory; a 200 MB
 * file took 700 MB and 100 s). */
#define BRIEF_SOURCE_MAX_BYTES (32L * 1024 * 1024)

/* Called for each good briefing: doc is borrowed for the call (doc->id is
 * set: defaulted from the path for .json/.txt when absent), line is the
 * .jsonl line or 0, hash the hex hash of the briefing's bytes (the line, or
 * the whole file). Return BRIEF_OK to go on; another status stops the read,
 * which then returns it. */
typedef brief_status_t (*brief_source_doc_fn)(void *ctx, brief_doc_t *doc, long line,
                                               const char *hash);
/* Called for each rejected file or line; err->line is set for .jsonl lines. */
typedef void (*brief_source_reject_fn)(void *ctx, const brief_parse_error_t *err);

/* Reads path (opened without blocking, refused unless a regular file),
 * hashing its bytes and parsing it as format: a .json or .txt file whole,
 * a .jsonl file line by line, each kept up to the cap, so memory stays flat. Blank
 * .jsonl lines are ignored. default_id is the id given to a .json/.txt
 * briefing without one; text_date (may be NULL) overrides the date of a
 * .txt export. info (may be NULL) receives size, mtime and hash.
 * Returns BRIEF_OK (also when briefings were rejected: reject was called),
 * BRIEF_ERR_IO when the file cannot be read (*errmsg says why; nothing of
 * it should be trusted), BRIEF_ERR_NOMEM, or what doc returned. */
brief_status_t brief_source_read(const char *path, brief_format_t format, const char *default_id,
                                 const char *text_date, brief_source_doc_fn doc,
                                 brief_source_reject_fn reject, void *ctx,
                                 brief_source_info_t *info, char **errmsg);

/* Hashes the file's bytes without parsing them. Returns BRIEF_OK,
 * BRIEF_ERR_IO (with *errmsg). */
brief_status_t brief_source_hash(const char *path, brief_source_info_t *info, char **errmsg);

/* The default id of a file: rel without its extension (a malloc'd string,
 * NULL when out of memory). */
char *brief_source_default_id(const char *rel);

/* ---- swap.c: the copy the indexer writes, and its atomic replacement ---- */

/* Removes "<db_path>.tmp-*" files left by killed runs (call under the lock).
 * Returns the number removed. */
int brief_swap_clean_stale(const char *db_path);

/* "<db_path>.tmp-<pid>" (malloc'd), or NULL when out of memory. */
char *brief_swap_tmp_path(const char *db_path);

/* Copies the live index src to dst (created new, with src's permission
 * bits). Returns BRIEF_OK, BRIEF_ERR_FULL (ENOSPC, EFBIG, EDQUOT),
 * BRIEF_ERR_IO; on failure dst is removed. */
brief_status_t brief_swap_copy(const char *src, const char *dst, char **errmsg);

/* Starts writing out, on a thread of its own, the pages of tmp already in
 * the kernel's cache and not yet on disk (sync_file_range(2)), so that
 * brief_swap_commit()'s fsync() has less left to do: a full build calls it
 * when its reader threads are done and its writer has only merges left.
 * Returns NULL when the thread cannot start (nothing is lost: the fsync()
 * writes everything, as without it). */
typedef struct brief_writeback brief_writeback_t;
brief_writeback_t *brief_swap_writeback_start(const char *tmp);

/* Waits for the thread brief_swap_writeback_start() started, and frees it.
 * NULL is a no-op. */
void brief_swap_writeback_wait(brief_writeback_t *wb);

/* fsync()s tmp, rename()s it over live and fsync()s their folder.
 * Returns BRIEF_OK, BRIEF_ERR_FULL or BRIEF_ERR_IO (tmp left for the caller to remove). */
brief_status_t brief_swap_commit(const char *tmp, const char *live, char **errmsg);

/* ---- indexer.c: one indexing run ---- */

typedef enum {
    BRIEF_RUN_ADD = 0, /* a briefing added (id, path) */
    BRIEF_RUN_UPDATE,  /* a briefing updated (id, path) */
    BRIEF_RUN_REMOVE,  /* a briefing removed (id, path) */
    BRIEF_RUN_REJECT,  /* a file or .jsonl line rejected (path, line, column, reason) */
    BRIEF_RUN_SKIP,    /* a special file or unreadable entry skipped (path, reason) */
    BRIEF_RUN_NOTE,    /* something worth telling with --verbose (reason) */
    BRIEF_RUN_PROGRESS /* files and briefings so far */
} brief_run_event_kind_t;

typedef struct {
    brief_run_event_kind_t kind;
    const char *path; /* as the user wrote it (or as stored, for removed files) */
    const char *id;
    long line;   /* 0: unknown */
    int column;  /* 0: unknown */
    const char *reason;
    long long files;
    long long briefings;
} brief_run_event_t;

typedef void (*brief_run_event_fn)(void *ctx, const brief_run_event_t *event);

typedef struct {
    const char *db_path;       /* the live index FILE */
    const char *const *roots;  /* corpus files/folders; NULL or n_roots 0: the remembered roots */
    size_t n_roots;
    const char *lang;          /* stemming language; NULL: the index's, or english */
    const char *text_date;     /* overrides the date of .txt exports; may be NULL */
    int full;                  /* rebuild from scratch */
    int dry_run;               /* report what would change, change nothing */
    double wait_lock;          /* seconds to wait for the lock; 0: none */
    brief_run_event_fn on_event;   /* may be NULL */
    void *ctx;
} brief_indexer_opts_t;

typedef struct {
    long long added, updated, removed, unchanged, rejected, skipped;
    long long files;           /* files read */
    long long generation;      /* the index's generation after the run */
    int wrote;                 /* a new index was put in place */
    int segments;              /* with wrote: FTS5 segments in it (brief_segments.h), which
                                * every query reads; -1 when unknown */
    long holder_pid;           /* with BRIEF_ERR_LOCKED: the holder's pid, or 0 */
} brief_indexer_stats_t;

/* Runs the indexer: takes the lock, then either builds a new index from
 * scratch (opts->full, or no index yet) or brings the existing one up to
 * date with the files under the roots. Changes are applied to a copy
 * (FILE.tmp-PID) in one transaction and the copy is renamed over FILE, so
 * readers see the old or the new index; a run that changes nothing writes
 * nothing. Rejected files/lines are reported through on_event and counted
 * in stats->rejected; they are no failure of the run.
 * Returns BRIEF_OK; BRIEF_ERR_INVALID (configuration: no roots, a root that
 * cannot be read, another language); BRIEF_ERR_NOT_INDEX / BRIEF_ERR_VERSION
 * (FILE is not an index of ours); BRIEF_ERR_LOCKED; BRIEF_ERR_FULL /
 * BRIEF_ERR_IO (the copy is removed, FILE untouched); BRIEF_ERR_NOMEM;
 * BRIEF_ERR_SQLITE. *errmsg (when non-NULL) says why; the caller frees it. */
brief_status_t brief_indexer_run(const brief_indexer_opts_t *opts, brief_indexer_stats_t *stats,
                                 char **errmsg);

/* Runs PRAGMA integrity_check and FTS5's integrity-check on the index, read
 * only. Returns BRIEF_OK, BRIEF_ERR_CORRUPT (*errmsg lists the problems),
 * BRIEF_ERR_NOT_INDEX, BRIEF_ERR_VERSION, BRIEF_ERR_NOMEM, BRIEF_ERR_SQLITE. */
brief_status_t brief_indexer_check(const char *db_path, char **errmsg);

#endif
