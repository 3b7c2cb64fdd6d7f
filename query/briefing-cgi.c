/* briefing-cgi.c - bin/briefing.cgi: the web search, a CGI/1.1 program (RFC 3875).
 *
 * One request per process: read REQUEST_METHOD, QUERY_STRING and
 * HTTP_IF_NONE_MATCH (CONTENT_LENGTH only to drop a refused body); open the index named by BRIEFING_DB (never by the
 * request) read-only; answer an HTML page or JSON. Every answer is built
 * in memory first, so its headers (status, length, ETag) are known before
 * a byte is written and a failure half-way never leaves a torn page.
 *
 * Environment, set by the server's configuration:
 *   BRIEFING_DB          the index (default BRIEF_CGI_DEFAULT_DB)
 *   BRIEFING_WORK_LIMIT  SQLite VM steps one search may take (default below)
 *   BRIEFING_TIME_LIMIT  seconds before a search is interrupted (default 10)
 *
 * Status codes: 200, 304 (If-None-Match), 400 (bad parameter), 405 (not
 * GET/HEAD), 414 (query string too long), 503 (index missing or unreadable,
 * or the search hit its work or time cap; with Retry-After), 500 (a bug or
 * out of memory). Details of 5xx go to stderr, the server's error log.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "brief_cgi.h"
#include "brief_heap.h"
#include "brief_index.h"
#include "brief_search.h"

#ifndef BRIEF_CGI_DEFAULT_DB
#define BRIEF_CGI_DEFAULT_DB "/var/lib/briefing-search/index.db"
#endif
#ifndef BRIEF_VERSION
#define BRIEF_VERSION "0"
#endif

/* SQLite VM steps one search may take before it is stopped with 503. A
 * typical search of a few thousand briefings takes well under a million;
 * the cap is there for pathological queries (hundreds of prefix words). */
#define DEFAULT_WORK_LIMIT 50000000LL
/* Wall-clock backstop, in seconds, should the step count not catch it. */
#define DEFAULT_TIME_LIMIT 10
/* What browsers and proxies may cache: one minute for results (the index
 * changes nightly, and the ETag tells a new index apart), a day for CSS. */
#define CACHE_RESULTS "public, max-age=60"
#define CACHE_ASSET "public, max-age=86400"
#define RETRY_AFTER "60"

#define CSP_HTML "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " \
                 "frame-ancestors 'none'; base-uri 'none'"
#define CSP_OTHER "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

static const char *progname = "briefing.cgi";
static sqlite3 *running_db;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
    if (running_db != NULL)
        sqlite3_interrupt(running_db);
}

/* One response, built before anything is written. */
typedef struct {
    int status;
    const char *content_type;
    const char *cache;   /* Cache-Control */
    char etag[64];       /* "" : none */
    int allow;           /* add Allow: GET, HEAD */
    int retry;           /* add Retry-After */
    brief_htmlbuf_t body;
} response_t;

static void response_init(response_t *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    r->cache = "no-store";
    brief_htmlbuf_init(&r->body);
}

static int write_response(response_t *r, int head)
{
    int is_html = r->content_type && strncmp(r->content_type, "text/html", 9) == 0;

    printf("Status: %d %s\r\n", r->status, brief_html_reason(r->status));
    if (r->content_type != NULL)
        printf("Content-Type: %s\r\n", r->content_type);
    if (r->status != 304)
        printf("Content-Length: %zu\r\n", r->body.len);
    printf("Cache-Control: %s\r\n", r->cache);
    if (r->etag[0] != '\0')
        printf("ETag: %s\r\n", r->etag);
    if (r->allow)
        printf("Allow: GET, HEAD\r\n");
    if (r->retry)
        printf("Retry-After: %s\r\n", RETRY_AFTER);
    printf("X-Content-Type-Options: nosniff\r\n"
           "Content-Security-Policy: %s\r\n"
           "Referrer-Policy: no-referrer\r\n"
           "\r\n",
           is_html ? CSP_HTML : CSP_OTHER);
    if (!head && r->status != 304 && r->body.len > 0)
        fwrite(r->body.data, 1, r->body.len, stdout);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* Fills r with an error answer in the format asked for. */
static void make_error(response_t *r, const brief_cgi_params_t *p, int status, const char *msg)
{
    brief_htmlbuf_release(&r->body);
    r->status = status;
    r->cache = "no-store";
    r->etag[0] = '\0';
    r->retry = status == 503;
    if (p->format == BRIEF_CGI_JSON) {
        json_t *err = json_pack("{s:{s:i,s:s}}", "error", "status", status, "message",
                                msg ? msg : brief_html_reason(status));
        char *text;
        if (err == NULL) /* msg not UTF-8 (a bug upstream): the error still gets a body */
            err = json_pack("{s:{s:i,s:s}}", "error", "status", status, "message",
                            brief_html_reason(status));
        text = err ? json_dumps(err, JSON_COMPACT) : NULL;
        r->content_type = "application/json; charset=utf-8";
        if (text != NULL) {
            brief_htmlbuf_puts(&r->body, text);
            brief_htmlbuf_puts(&r->body, "\n");
        }
        brief_json_free(text);
        json_decref(err);
    } else {
        brief_html_page_t page = {p, status, msg, ""};
        r->content_type = "text/html; charset=utf-8";
        brief_html_render(&r->body, &page, NULL);
    }
}

static long long env_number(const char *name, long long dflt)
{
    const char *v = getenv(name);
    char *end;
    long long n;

    if (v == NULL || *v == '\0')
        return dflt;
    n = strtoll(v, &end, 10);
    return *end == '\0' && n >= 0 ? n : dflt;
}

/* The entity tag of a search answer: the index's generation and file
 * identity (so a rebuilt index, even one renamed into place with the same
 * generation, changes it), the program version and the raw query string. */
static void make_etag(char *out, size_t size, long long gen, const struct stat *sb,
                      const char *query_string)
{
    unsigned long long h = BRIEF_CGI_FNV_SEED;
    long long fields[6] = {gen,
                           (long long)sb->st_mtim.tv_sec,
                           (long long)sb->st_mtim.tv_nsec,
                           (long long)sb->st_size,
                           (long long)sb->st_ino,
                           (long long)sb->st_dev};

    h = brief_cgi_hash(h, fields, sizeof fields);
    h = brief_cgi_hash(h, BRIEF_VERSION, strlen(BRIEF_VERSION));
    h = brief_cgi_hash(h, query_string, strlen(query_string) + 1);
    /* weak: two answers to one request differ in took_ms, not in meaning */
    snprintf(out, size, "W/\"%lld-%016llx\"", gen, h);
}

static void serve_css(response_t *r, const char *if_none_match)
{
    const char *css = brief_html_css();
    unsigned long long h = brief_cgi_hash(BRIEF_CGI_FNV_SEED, css, strlen(css));

    h = brief_cgi_hash(h, BRIEF_VERSION, strlen(BRIEF_VERSION));
    snprintf(r->etag, sizeof r->etag, "\"css-%016llx\"", h);
    r->cache = CACHE_ASSET;
    r->content_type = "text/css; charset=utf-8";
    if (brief_cgi_etag_matches(if_none_match, r->etag)) {
        r->status = 304;
        return;
    }
    brief_htmlbuf_puts(&r->body, css);
}

/* A request body (a POST, a PUT) is read and dropped before the 405:
 * servers that hand the body over a socket (Apache's mod_cgid) reset the
 * connection, or wait seconds, when the program exits with it unread. At
 * most BODY_DRAIN_MAX bytes are read; a larger body is the server's
 * problem, not a reason to read on. */
#define BODY_DRAIN_MAX (1024 * 1024)

static void discard_request_body(void)
{
    const char *cl = getenv("CONTENT_LENGTH");
    char buf[8192];
    long long left;
    char *end;

    if (cl == NULL || *cl == '\0')
        return;
    errno = 0;
    left = strtoll(cl, &end, 10);
    if (errno != 0 || *end != '\0' || left <= 0)
        return;
    if (left > BODY_DRAIN_MAX)
        left = BODY_DRAIN_MAX;
    while (left > 0) {
        size_t want = left < (long long)sizeof buf ? (size_t)left : sizeof buf;
        size_t got = fread(buf, 1, want, stdin);

        if (got == 0)
            break;
        left -= (long long)got;
    }
}

static int status_of_search_error(brief_status_t st)
{
    switch (st) {
    case BRIEF_ERR_INVALID:
    case BRIEF_ERR_PARSE:
        return 400;
    case BRIEF_ERR_LIMIT:
    case BRIEF_ERR_LOCKED:
    case BRIEF_ERR_IO:
    case BRIEF_ERR_CORRUPT:
    case BRIEF_ERR_NOT_INDEX:
    case BRIEF_ERR_VERSION:
        return 503;
    default:
        return 500;
    }
}

/* Runs the search for p and fills r. */
static void serve_search(response_t *r, const brief_cgi_params_t *p, const char *query_string,
                         const char *if_none_match)
{
    const char *path = getenv("BRIEFING_DB");
    brief_index_t *idx = NULL;
    char *errmsg = NULL, *when = NULL;
    long long gen = 0;
    struct stat sb;
    brief_status_t st;
    json_t *result = NULL;
    int run;

    if (path == NULL || *path == '\0')
        path = BRIEF_CGI_DEFAULT_DB;
    st = brief_index_open(path, BRIEF_OPEN_READ, NULL, &idx, &errmsg);
    if (st == BRIEF_OK && stat(path, &sb) != 0)
        st = BRIEF_ERR_IO;
    if (st == BRIEF_OK)
        st = brief_index_generation(idx, &gen, &when);
    if (st != BRIEF_OK) {
        fprintf(stderr, "%s: %s\n", progname, errmsg ? errmsg : brief_status_str(st));
        make_error(r, p, st == BRIEF_ERR_NOMEM ? 500 : 503,
                   "the search index is not available");
        goto done;
    }

    make_etag(r->etag, sizeof r->etag, gen, &sb, query_string);
    r->cache = CACHE_RESULTS;
    if (brief_cgi_etag_matches(if_none_match, r->etag)) {
        r->status = 304;
        goto done;
    }

    /* The start page (nothing asked yet, blanks are nothing) needs no search. */
    run = p->format == BRIEF_CGI_JSON || p->q[strspn(p->q, " \t")] != '\0' || *p->kind
          || *p->category || *p->speaker || *p->after || *p->before;
    if (run) {
        brief_search_opts_t opts;
        struct sigaction sa;
        long long limit = env_number("BRIEFING_TIME_LIMIT", DEFAULT_TIME_LIMIT);

        brief_search_opts_init(&opts);
        opts.query = p->q;
        opts.sort = p->sort;
        opts.after_day = p->after_day;
        opts.before_day = p->before_day;
        opts.category = *p->category ? p->category : NULL;
        opts.speaker = *p->speaker ? p->speaker : NULL;
        opts.kinds = p->kinds;
        opts.limit = p->per_page;
        opts.offset = (int)((p->page - 1) * p->per_page);
        opts.work_limit = env_number("BRIEFING_WORK_LIMIT", DEFAULT_WORK_LIMIT);
        /* the page offers refinements; JSON keeps briefing-query's default shape */
        opts.facets = p->format == BRIEF_CGI_HTML;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        running_db = brief_index_db(idx);
        if (limit > 0)
            alarm((unsigned)(limit > 3600 ? 3600 : limit));
        st = brief_search_run(idx, &opts, &result, &errmsg);
        alarm(0);
        running_db = NULL;
        /* The alarm's sqlite3_interrupt() can surface as a plain SQLite
         * error (the work limit is told apart by brief_search_run). */
        if (st == BRIEF_ERR_SQLITE && timed_out)
            st = BRIEF_ERR_LIMIT;
        if (st != BRIEF_OK) {
            int code = timed_out ? 503 : status_of_search_error(st);
            const char *msg = code == 400 && errmsg ? errmsg
                              : code == 503 && (timed_out || st == BRIEF_ERR_LIMIT)
                                  ? "the search needed too much work: try fewer or more "
                                    "specific words"
                              : code == 503 ? "the search index is not available"
                                            : "internal error";
            if (code != 400)
                fprintf(stderr, "%s: '%s': search failed: %s (%s)\n", progname, p->q,
                        errmsg ? errmsg : brief_status_str(st),
                        timed_out ? "time limit" : brief_status_str(st));
            make_error(r, p, code, msg);
            goto done;
        }
    }

    if (p->format == BRIEF_CGI_JSON) {
        /* briefing-query --json's member order; 10 digits keep scores
         * exact and took_ms free of binary noise */
        char *text = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER
                                            | JSON_REAL_PRECISION(10));
        r->content_type = "application/json; charset=utf-8";
        if (text == NULL) {
            make_error(r, p, 500, "internal error");
            goto done;
        }
        brief_htmlbuf_puts(&r->body, text);
        brief_htmlbuf_puts(&r->body, "\n");
        brief_json_free(text);
    } else {
        brief_html_page_t page = {p, 200, NULL, when ? when : ""};
        r->content_type = "text/html; charset=utf-8";
        brief_html_render(&r->body, &page, result);
    }
    if (brief_htmlbuf_failed(&r->body))
        make_error(r, p, 500, "out of memory");

done:
    json_decref(result);
    free(errmsg);
    free(when);
    brief_index_close(idx);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s (run by a web server as a CGI program)\n"
            "Answers GET and HEAD requests with search results as HTML or JSON.\n"
            "Parameters: q kind category speaker after before sort page per_page "
            "format=html|json\n"
            "Environment: BRIEFING_DB (index, default %s), BRIEFING_WORK_LIMIT,\n"
            "BRIEFING_TIME_LIMIT. Exit status: 0 answered, 1 could not write the answer,\n"
            "2 not run as a CGI program.\n",
            progname, BRIEF_CGI_DEFAULT_DB);
}

int main(int argc, char **argv)
{
    const char *method = getenv("REQUEST_METHOD");
    const char *query_string = getenv("QUERY_STRING");
    const char *inm = getenv("HTTP_IF_NONE_MATCH");
    brief_cgi_params_t p;
    response_t r;
    char *reason = NULL;
    brief_status_t st;
    int head, rc;

    /* One thread, one connection: as in briefing-query, SQLite's mutexes
     * and memory statistics are switched off (the SIGALRM handler's
     * sqlite3_interrupt() only sets a flag, which needs no mutex). SQLite
     * and jansson allocate from one huge page (include/brief_heap.h). */
    brief_heap_install();
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

    /* argv is only read outside CGI: a server may pass words of an
     * ISINDEX-style query as arguments (RFC 3875 4.4). */
    if (method == NULL) {
        if (argc > 1 && strcmp(argv[1], "--version") == 0) {
            printf("briefing.cgi %s\n", BRIEF_VERSION);
            return 0;
        }
        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "%s: REQUEST_METHOD is not set: run me from a web server\n"
                        "try '%s --help'\n", progname, progname);
        return 2;
    }
    if (query_string == NULL)
        query_string = "";

    brief_cgi_params_init(&p);
    response_init(&r);
    head = strcmp(method, "HEAD") == 0;
    st = brief_cgi_params_parse(query_string, &p, &reason);

    if (!head && strcmp(method, "GET") != 0) {
        discard_request_body();
        make_error(&r, &p, 405, "only GET and HEAD are allowed");
        r.allow = 1;
    } else if (st == BRIEF_ERR_NOMEM) {
        make_error(&r, &p, 500, "out of memory");
    } else if (st != BRIEF_OK) {
        make_error(&r, &p, st == BRIEF_ERR_LIMIT ? 414 : 400, reason);
    } else if (strcmp(p.asset, "css") == 0) {
        serve_css(&r, inm);
    } else {
        serve_search(&r, &p, query_string, inm);
    }
    rc = write_response(&r, head);
    brief_htmlbuf_release(&r.body);
    brief_cgi_params_release(&p);
    free(reason);
    return rc;
}
