/* source.c - reading one briefing file: opened without blocking, hashed, parsed, streamed.
 *
 * A .json or .txt file is one briefing and is read whole (up to
 * BRIEF_SOURCE_MAX_BYTES); a .jsonl file is read a line at a time (each
 * line kept up to the same cap), each briefing handed on and freed before
 * the next line is read, so memory stays flat however large the file. The bytes are hashed
 * as they go past, for the `files` table. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brief_indexer.h"
#include "internal.h"

#define CHUNK (64 * 1024)

/* Opens a regular file for reading. O_NONBLOCK keeps a FIFO swapped in
 * after the walk's stat() from blocking us; fstat() then refuses it. */
static int open_regular(const char *path, struct stat *st, char **errmsg)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    int flags;

    if (fd < 0) {
        brief_set_error(errmsg, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, st) != 0) {
        brief_set_error(errmsg, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        brief_set_error(errmsg, "not a regular file");
        close(fd);
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

static void fill_info(brief_source_info_t *info, const struct stat *st, const brief_hash_t *h)
{
    if (info == NULL)
        return;
    info->size = st->st_size;
    info->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    brief_hash_hex(brief_hash_final(h), info->hash);
}

/* File names are bytes, ids are UTF-8 text: each byte of rel that is not
 * part of valid UTF-8 becomes U+FFFD, so the id can be shown and written
 * as JSON (two names that differ only there then collide as duplicate ids). */
char *brief_source_default_id(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    const char *dot = strrchr(slash ? slash : rel, '.');
    size_t n = dot && dot != (slash ? slash + 1 : rel) ? (size_t)(dot - rel) : strlen(rel);
    char *id = malloc(3 * n + 1);
    size_t i = 0, o = 0;

    if (id == NULL)
        return NULL;
    while (i < n) {
        size_t k = brief_utf8_seq((const unsigned char *)rel + i, n - i);
        if (k == 0) {
            memcpy(id + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(id + o, rel + i, k);
            o += k;
            i += k;
        }
    }
    id[o] = '\0';
    return id;
}

brief_status_t brief_source_hash(const char *path, brief_source_info_t *info, char **errmsg)
{
    struct stat st;
    brief_hash_t h;
    char *buf;
    ssize_t n;
    int fd = open_regular(path, &st, errmsg);

    if (fd < 0)
        return BRIEF_ERR_IO;
    buf = malloc(CHUNK);
    if (buf == NULL) {
        close(fd);
        return BRIEF_ERR_NOMEM;
    }
    brief_hash_init(&h);
    while ((n = read(fd, buf, CHUNK)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            brief_set_error(errmsg, "%s", strerror(errno));
            free(buf);
            close(fd);
            return BRIEF_ERR_IO;
        }
        brief_hash_update(&h, buf, (size_t)n);
    }
    free(buf);
    close(fd);
    fill_info(info, &st, &h);
    return BRIEF_OK;
}

/* bytes: the size of the file (line 0) or of the .jsonl line. */
static void reject_too_large(brief_source_reject_fn reject, void *ctx, long line,
                             unsigned long long bytes)
{
    brief_parse_error_t err;

    memset(&err, 0, sizeof err);
    err.line = (int)line;
    snprintf(err.reason, sizeof err.reason, "%s too large (%llu bytes, limit %ld)",
             line ? "line" : "file", bytes, (long)BRIEF_SOURCE_MAX_BYTES);
    reject(ctx, &err);
}

/* Hands a parsed document on, after giving it its default id. */
static brief_status_t deliver(brief_doc_t *doc, const char *default_id, long line,
                              const char *hash, brief_source_doc_fn fn, void *ctx)
{
    brief_status_t status;

    if (doc->id == NULL && (doc->id = brief_strdup(default_id)) == NULL) {
        brief_doc_free(doc);
        return BRIEF_ERR_NOMEM;
    }
    status = fn(ctx, doc, line, hash);
    brief_doc_free(doc);
    return status;
}

static brief_status_t read_whole(int fd, const struct stat *st, brief_format_t format,
                                 const char *default_id, const char *text_date,
                                 brief_source_doc_fn fn, brief_source_reject_fn reject, void *ctx,
                                 brief_source_info_t *info, char **errmsg)
{
    size_t cap = (size_t)st->st_size + 1, len = 0;
    char *buf;
    brief_hash_t h;
    char hex[17];
    brief_doc_t *doc = NULL;
    brief_parse_error_t err;
    brief_status_t status;
    int too_large = st->st_size > BRIEF_SOURCE_MAX_BYTES;

    if (too_large)
        cap = CHUNK;
    buf = malloc(cap);
    if (buf == NULL)
        return BRIEF_ERR_NOMEM;
    brief_hash_init(&h);
    for (;;) {
        ssize_t n;
        if (len == cap) {
            char *grown;
            if (too_large || cap > (size_t)BRIEF_SOURCE_MAX_BYTES) {
                /* Grew past the limit while we read: hash the rest only. */
                brief_hash_update(&h, buf, len);
                len = 0;
                too_large = 1;
            } else {
                grown = realloc(buf, cap * 2);
                if (grown == NULL) {
                    free(buf);
                    return BRIEF_ERR_NOMEM;
                }
                buf = grown;
                cap *= 2;
            }
        }
        n = read(fd, buf + len, cap - len);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            brief_set_error(errmsg, "%s", strerror(errno));
            free(buf);
            return BRIEF_ERR_IO;
        }
        len += (size_t)n;
    }
    brief_hash_update(&h, buf, len);
    fill_info(info, st, &h);
    if (too_large) {
        free(buf);
        reject_too_large(reject, ctx, 0, (unsigned long long)h.total);
        return BRIEF_OK;
    }
    brief_hash_hex(brief_hash_final(&h), hex);
    memset(&err, 0, sizeof err);
    if (format == BRIEF_FORMAT_TEXT)
        status = brief_parse_text(buf, len, text_date, &doc, &err);
    else
        status = brief_parse_json(buf, len, &doc, &err);
    free(buf);
    if (status == BRIEF_ERR_PARSE) {
        reject(ctx, &err);
        return BRIEF_OK;
    }
    if (status != BRIEF_OK)
        return status;
    return deliver(doc, default_id, 0, hex, fn, ctx);
}

static int blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* A .jsonl reader over the descriptor: lines are cut out of 64 KiB reads,
 * and a line is kept only up to the size cap (the rest of it is hashed
 * and counted, not stored), so a huge line costs no more memory than a
 * capped one. getline() would hold the whole line. */
typedef struct {
    int fd;
    char *chunk;
    size_t pos, end;
    char *line; /* the kept bytes of the current line, '\n' included */
    size_t len, cap;
    unsigned long long total; /* all the line's bytes, kept or not */
    int nl_end;               /* the line ended in '\n' (not the end of the file) */
    int cr_nl;                /* ... in "\r\n" */
} line_reader_t;

/* Reads the next line. Returns 1 with a line, 0 at the end, -1 on a read
 * error (errno set), -2 when out of memory. Every byte goes through h. */
static int next_line(line_reader_t *lr, brief_hash_t *h)
{
    const size_t keep = (size_t)BRIEF_SOURCE_MAX_BYTES + 2;
    char last = 0;

    lr->len = 0;
    lr->total = 0;
    lr->nl_end = 0;
    lr->cr_nl = 0;
    for (;;) {
        char *start, *nl;
        size_t take;

        if (lr->pos == lr->end) {
            ssize_t n = read(lr->fd, lr->chunk, CHUNK);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return -1;
            }
            if (n == 0)
                return lr->total > 0 ? 1 : 0;
            lr->pos = 0;
            lr->end = (size_t)n;
        }
        start = lr->chunk + lr->pos;
        nl = memchr(start, '\n', lr->end - lr->pos);
        take = nl ? (size_t)(nl - start) + 1 : lr->end - lr->pos;
        brief_hash_update(h, start, take);
        if (nl != NULL) {
            lr->nl_end = 1;
            lr->cr_nl = (nl > start ? nl[-1] : last) == '\r';
        }
        last = start[take - 1];
        lr->total += take;
        if (lr->len < keep) {
            size_t add = take < keep - lr->len ? take : keep - lr->len;
            if (lr->len + add + 1 > lr->cap) {
                size_t ncap = lr->cap ? lr->cap : 256;
                char *grown;
                while (ncap < lr->len + add + 1)
                    ncap *= 2;
                if ((grown = realloc(lr->line, ncap)) == NULL)
                    return -2;
                lr->line = grown;
                lr->cap = ncap;
            }
            memcpy(lr->line + lr->len, start, add);
            lr->len += add;
            lr->line[lr->len] = '\0';
        }
        lr->pos += take;
        if (nl != NULL)
            return 1;
    }
}

static brief_status_t read_lines(int fd, const struct stat *st, brief_source_doc_fn fn,
                                 brief_source_reject_fn reject, void *ctx,
                                 brief_source_info_t *info, char **errmsg)
{
    line_reader_t lr;
    int got;
    long lineno = 0;
    brief_hash_t h;
    brief_status_t status = BRIEF_OK;

    memset(&lr, 0, sizeof lr);
    lr.fd = fd;
    lr.chunk = malloc(CHUNK);
    if (lr.chunk == NULL) {
        close(fd);
        return BRIEF_ERR_NOMEM;
    }
    brief_hash_init(&h);
    while (status == BRIEF_OK && (got = next_line(&lr, &h)) == 1) {
        char *line = lr.line;
        size_t len = lr.len;
        brief_doc_t *doc = NULL;
        brief_parse_error_t err;
        char hex[17];

        lineno++;
        if (lr.total > lr.len) { /* cut at the cap: its length without the line end */
            reject_too_large(reject, ctx, lineno,
                             lr.total - (lr.nl_end ? 1 + (unsigned)lr.cr_nl : 0));
            continue;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (blank(line, len))
            continue;
        if (len > (size_t)BRIEF_SOURCE_MAX_BYTES) {
            reject_too_large(reject, ctx, lineno, (unsigned long long)len);
            continue;
        }
        memset(&err, 0, sizeof err);
        status = brief_parse_jsonl_line(line, len, &doc, &err);
        if (status == BRIEF_ERR_PARSE) {
            err.line = (int)lineno;
            reject(ctx, &err);
            status = BRIEF_OK;
            continue;
        }
        if (status != BRIEF_OK)
            break;
        brief_hash_hex(brief_hash64(line, len), hex);
        if (doc->id == NULL) { /* the parser requires it; be safe all the same */
            brief_doc_free(doc);
            snprintf(err.reason, sizeof err.reason, "missing required field 'id'");
            err.line = (int)lineno;
            reject(ctx, &err);
            continue;
        }
        status = deliver(doc, NULL, lineno, hex, fn, ctx);
    }
    if (status == BRIEF_OK && got == -1) {
        brief_set_error(errmsg, "%s", strerror(errno));
        status = BRIEF_ERR_IO;
    } else if (status == BRIEF_OK && got == -2) {
        status = BRIEF_ERR_NOMEM;
    }
    free(lr.line);
    free(lr.chunk);
    close(fd);
    fill_info(info, st, &h);
    return status;
}

brief_status_t brief_source_read(const char *path, brief_format_t format, const char *default_id,
                                 const char *text_date, brief_source_doc_fn doc,
                                 brief_source_reject_fn reject, void *ctx,
                                 brief_source_info_t *info, char **errmsg)
{
    struct stat st;
    brief_status_t status;
    int fd;

    if (format == BRIEF_FORMAT_UNKNOWN)
        format = brief_format_of_path(path);
    fd = open_regular(path, &st, errmsg);
    if (fd < 0)
        return BRIEF_ERR_IO;
    if (format == BRIEF_FORMAT_JSONL)
        return read_lines(fd, &st, doc, reject, ctx, info, errmsg); /* closes fd */
    status = read_whole(fd, &st, format, default_id, text_date, doc, reject, ctx, info, errmsg);
    close(fd);
    return status;
}
