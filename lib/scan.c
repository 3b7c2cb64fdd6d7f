/* scan.c - walking corpus roots: briefing files in name order, symlinks followed without loops.
 *
 * The walk opens folders only. Every other entry is stat()ed (following
 * symlinks) and handed to the caller, who opens regular files without
 * blocking; FIFOs, devices and sockets are reported and never opened.
 * Folders already walked are remembered by (device, inode) in a small hash
 * set, so a symlink to an ancestor (a loop) or a second path to the same
 * folder is walked once. Memory grows with the number of folders and the
 * entries of one folder, never with the number of files. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brief_indexer.h"
#include "internal.h"

/* Deeper folders than this are skipped with a message: a guard against
 * pathological trees, far beyond any real corpus. */
#define SCAN_MAX_DEPTH 128

typedef struct {
    dev_t dev;
    ino_t ino;
    int used;
} dir_key_t;

typedef struct {
    brief_scan_fn fn;
    void *ctx;
    dir_key_t *seen;
    size_t n_seen, cap_seen;
    int stopped;
} scan_t;

static size_t key_slot(const scan_t *s, dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)dev;
    return (size_t)(h ^ (h >> 29)) & (s->cap_seen - 1);
}

/* Marks a folder walked. Returns 1 when it was new, 0 when already seen, -1 on OOM. */
static int mark_dir(scan_t *s, dev_t dev, ino_t ino)
{
    size_t i;

    if (s->n_seen * 2 >= s->cap_seen) {
        size_t old_cap = s->cap_seen, j;
        dir_key_t *old = s->seen;
        s->cap_seen = old_cap ? old_cap * 2 : 64;
        s->seen = calloc(s->cap_seen, sizeof *s->seen);
        if (s->seen == NULL) {
            s->seen = old;
            s->cap_seen = old_cap;
            return -1;
        }
        for (j = 0; j < old_cap; j++) {
            if (!old[j].used)
                continue;
            i = key_slot(s, old[j].dev, old[j].ino);
            while (s->seen[i].used)
                i = (i + 1) & (s->cap_seen - 1);
            s->seen[i] = old[j];
        }
        free(old);
    }
    i = key_slot(s, dev, ino);
    while (s->seen[i].used) {
        if (s->seen[i].dev == dev && s->seen[i].ino == ino)
            return 0;
        i = (i + 1) & (s->cap_seen - 1);
    }
    s->seen[i].dev = dev;
    s->seen[i].ino = ino;
    s->seen[i].used = 1;
    s->n_seen++;
    return 1;
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    int slash = na > 0 && a[na - 1] != '/';
    char *r = malloc(na + (size_t)slash + nb + 1);

    if (r == NULL)
        return NULL;
    memcpy(r, a, na);
    if (slash)
        r[na] = '/';
    memcpy(r + na + slash, b, nb + 1);
    return r;
}

static int emit(scan_t *s, brief_scan_kind_t kind, const char *path, const char *display,
                const char *rel, const struct stat *st, const char *reason)
{
    brief_scan_entry_t e;

    if (s->stopped)
        return 1;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.path = path;
    e.display = display;
    e.rel = rel;
    e.st = st;
    e.reason = reason;
    e.format = kind == BRIEF_SCAN_FILE ? brief_format_of_path(path) : BRIEF_FORMAT_UNKNOWN;
    if (s->fn(s->ctx, &e) != 0)
        s->stopped = 1;
    return s->stopped;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the visible names of a folder, sorted. Returns 0, or an errno. */
static int read_names(const char *path, char ***names, size_t *n)
{
    DIR *d = opendir(path);
    struct dirent *de;
    size_t cap = 0;
    int err = 0;

    *names = NULL;
    *n = 0;
    if (d == NULL)
        return errno;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ".", ".." and hidden entries */
        if (*n == cap) {
            char **grown = realloc(*names, (cap ? cap * 2 : 32) * sizeof **names);
            if (grown == NULL) {
                err = ENOMEM;
                break;
            }
            *names = grown;
            cap = cap ? cap * 2 : 32;
        }
        if (((*names)[*n] = brief_strdup(de->d_name)) == NULL) {
            err = ENOMEM;
            break;
        }
        (*n)++;
        errno = 0;
    }
    if (err == 0 && errno != 0)
        err = errno;
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof **names, cmp_names);
    return err;
}

static brief_status_t walk(scan_t *s, const char *path, const char *display, const char *rel,
                           int depth)
{
    char **names = NULL;
    size_t n = 0, i;
    int err;
    brief_status_t status = BRIEF_OK;

    err = read_names(path, &names, &n);
    if (err == ENOMEM) {
        status = BRIEF_ERR_NOMEM;
        goto done;
    }
    if (err != 0) {
        emit(s, BRIEF_SCAN_ERROR, path, display, rel, NULL, strerror(err));
        goto done;
    }
    for (i = 0; i < n && !s->stopped && status == BRIEF_OK; i++) {
        char *cpath = join(path, names[i]);
        char *cdisplay = join(display, names[i]);
        char *crel = *rel ? join(rel, names[i]) : brief_strdup(names[i]);
        struct stat st;

        if (cpath == NULL || cdisplay == NULL || crel == NULL) {
            status = BRIEF_ERR_NOMEM;
        } else if (stat(cpath, &st) != 0) {
            struct stat lst;
            int e = errno;
            if (lstat(cpath, &lst) == 0 && S_ISLNK(lst.st_mode))
                emit(s, BRIEF_SCAN_SKIP, cpath, cdisplay, crel, NULL,
                     e == ELOOP ? "symlink loop" : "broken symlink");
            else if (e != ENOENT) /* ENOENT: gone since the listing, as if never there */
                emit(s, BRIEF_SCAN_ERROR, cpath, cdisplay, crel, NULL, strerror(e));
        } else if (S_ISDIR(st.st_mode)) {
            int fresh = mark_dir(s, st.st_dev, st.st_ino);
            if (fresh < 0)
                status = BRIEF_ERR_NOMEM;
            else if (fresh == 0)
                emit(s, BRIEF_SCAN_SKIP, cpath, cdisplay, crel, NULL,
                     "folder already walked (symlink loop or second path)");
            else if (depth >= SCAN_MAX_DEPTH)
                emit(s, BRIEF_SCAN_SKIP, cpath, cdisplay, crel, NULL, "folders nested too deep");
            else
                status = walk(s, cpath, cdisplay, crel, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            if (brief_format_of_path(cpath) != BRIEF_FORMAT_UNKNOWN)
                emit(s, BRIEF_SCAN_FILE, cpath, cdisplay, crel, &st, NULL);
        } else {
            emit(s, BRIEF_SCAN_SKIP, cpath, cdisplay, crel, &st,
                 S_ISFIFO(st.st_mode)   ? "a FIFO, not a regular file"
                 : S_ISSOCK(st.st_mode) ? "a socket, not a regular file"
                                        : "a device, not a regular file");
        }
        free(cpath);
        free(cdisplay);
        free(crel);
    }
done:
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return status;
}

brief_status_t brief_scan(const char *path, const char *display, brief_scan_fn fn, void *ctx,
                          char **errmsg)
{
    scan_t s;
    struct stat st;
    brief_status_t status = BRIEF_OK;

    if (display == NULL)
        display = path;
    memset(&s, 0, sizeof s);
    s.fn = fn;
    s.ctx = ctx;
    if (stat(path, &st) != 0) {
        brief_set_error(errmsg, "cannot read '%s': %s", display, strerror(errno));
        return BRIEF_ERR_IO;
    }
    if (S_ISDIR(st.st_mode)) {
        if (mark_dir(&s, st.st_dev, st.st_ino) < 0)
            return BRIEF_ERR_NOMEM;
        status = walk(&s, path, display, "", 0);
    } else {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (S_ISREG(st.st_mode)) {
            if (brief_format_of_path(path) != BRIEF_FORMAT_UNKNOWN)
                emit(&s, BRIEF_SCAN_FILE, path, display, base, &st, NULL);
            else
                emit(&s, BRIEF_SCAN_SKIP, path, display, base, &st,
                     "not a .json, .jsonl or .txt file");
        } else {
            emit(&s, BRIEF_SCAN_SKIP, path, display, base, &st, "not a regular file");
        }
    }
    free(s.seen);
    if (status == BRIEF_OK && s.stopped)
        status = BRIEF_ERR_LIMIT;
    return status;
}
