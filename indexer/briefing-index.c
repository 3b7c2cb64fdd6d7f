/* briefing-index.c - the briefing-index command: options, messages, progress, summary, exit codes. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "brief_doc.h"
#include "brief_indexer.h"
#include "brief_parse.h"
#include "brief_tokenizer.h"

#ifndef BRIEF_VERSION
#define BRIEF_VERSION "unknown"
#endif

/* Exit codes: a contract with cron and monitoring (README, "Nightly reindex"). */
enum {
    EXIT_ALL_INDEXED = 0,
    EXIT_REJECTED = 1,
    EXIT_USAGE = 2,
    EXIT_LOCKED = 3,
    EXIT_CORRUPT = 4,
    EXIT_IO = 5
};

/* Rejections kept for --report; more are counted, not listed. */
#define REPORT_MAX_REJECTIONS 1000

/* A progress line appears on a terminal once a run has lasted this long. */
#define PROGRESS_AFTER_SECONDS 1.0

static const char usage_text[] =
    "usage: briefing-index --db FILE [options] [PATH...]\n"
    "       briefing-index --db FILE --check\n"
    "       briefing-index --parse [--text-date DATE] PATH...\n"
    "\n"
    "Indexes every .json, .jsonl and .txt briefing under the PATHs (files or\n"
    "folders, walked recursively; hidden entries skipped, symlinks followed)\n"
    "into the index FILE. On an existing index the run is incremental: new\n"
    "briefings are added, changed ones updated, those whose files are gone\n"
    "removed, the rest left alone. Without PATHs, the folders the index was\n"
    "built from are used again. Changes are written to FILE.tmp-PID and renamed\n"
    "over FILE, so readers always see a whole index; a run that changes\n"
    "nothing writes nothing.\n"
    "\n"
    "options:\n"
    "  --db FILE             the index file (created when missing)\n"
    "  --full                rebuild the index from scratch\n"
    "  --dry-run             print what would change, change nothing\n"
    "  --lang LANG           stemming language of a new index (default english);\n"
    "                        an existing index keeps its own unless --full\n"
    "  --text-date DATE      publication date (YYYY-MM-DD) of .txt exports\n"
    "  --wait-lock SECONDS   wait for another indexer instead of exiting with 3\n"
    "  --report FILE         also write the summary as JSON to FILE\n"
    "  --check               check the index's integrity (SQLite and FTS5), change nothing\n"
    "  --parse               print each briefing as parsed, one JSON object per\n"
    "                        line, and write no index\n"
    "  -v, --verbose         tell each briefing added, updated or removed\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "A one-line summary goes to stderr:\n"
    "  briefing-index: added N, updated N, removed N, unchanged N, rejected N in S.SSs\n"
    "and each rejected file or line as  briefing-index: 'path':LINE:COL: reason\n"
    "\n"
    "exit status:\n"
    "  0  every briefing indexed (or nothing to do)\n"
    "  1  some files or lines rejected; the rest indexed, and rejected briefings\n"
    "     keep their last good version\n"
    "  2  usage or configuration error (bad option, missing PATH, other language,\n"
    "     FILE not an index, FILE's folder missing or not writable)\n"
    "  3  FILE is locked by another indexer\n"
    "  4  integrity check failed (--check)\n"
    "  5  I/O error (disk full...): nothing changed, the old index keeps serving\n";

typedef struct {
    int verbose;
    int dry_run;
    int tty;
    int progress_shown;
    double start;
    json_t *rejections; /* for --report, or NULL */
    long long n_rejections;
} ui_t;

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "briefing-index: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\ntry 'briefing-index --help'\n");
    return EXIT_USAGE;
}

static void clear_progress(ui_t *ui)
{
    if (ui->progress_shown) {
        fputs("\r\033[K", stderr);
        ui->progress_shown = 0;
    }
}

/* Prints "briefing-index: NAME" + rest to stream, NAME (a file name or an
 * id) quoted by brief_quote(): a newline, a quote or an escape sequence in
 * a name can neither split the message nor reach the terminal. */
static void print_named(FILE *stream, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void print_named(FILE *stream, const char *name, const char *fmt, ...)
{
    char *q = brief_quote(name);
    va_list ap;

    fprintf(stream, "%s", q != NULL ? q : "'?'");
    free(q);
    va_start(ap, fmt);
    vfprintf(stream, fmt, ap);
    va_end(ap);
}

/* 'path':LINE:COL: reason, with line and column only when known. */
static void print_located(const char *path, long line, int column, const char *reason)
{
    fputs("briefing-index: ", stderr);
    if (line > 0 && column > 0)
        print_named(stderr, path, ":%ld:%d: %s\n", line, column, reason);
    else if (line > 0)
        print_named(stderr, path, ":%ld: %s\n", line, reason);
    else
        print_named(stderr, path, ": %s\n", reason);
}

static void record_rejection(ui_t *ui, const char *path, long line, int column,
                             const char *reason)
{
    ui->n_rejections++;
    if (ui->rejections == NULL || json_array_size(ui->rejections) >= REPORT_MAX_REJECTIONS)
        return;
    json_array_append_new(ui->rejections, json_pack("{s:s, s:I, s:I, s:s}", "path", path, "line",
                                                    (json_int_t)line, "column",
                                                    (json_int_t)column, "reason", reason));
}

static void on_event(void *ctx, const brief_run_event_t *ev)
{
    ui_t *ui = ctx;
    static const char *const verbs[] = {"add", "update", "remove"};

    switch (ev->kind) {
    case BRIEF_RUN_PROGRESS:
        if (ui->tty && now_seconds() - ui->start >= PROGRESS_AFTER_SECONDS) {
            fprintf(stderr, "\r\033[Kbriefing-index: %lld files, %lld briefings read...",
                    ev->files, ev->briefings);
            ui->progress_shown = 1;
        }
        return;
    case BRIEF_RUN_REJECT:
        clear_progress(ui);
        print_located(ev->path, ev->line, ev->column, ev->reason);
        record_rejection(ui, ev->path, ev->line, ev->column, ev->reason);
        return;
    case BRIEF_RUN_SKIP:
        clear_progress(ui);
        fputs("briefing-index: ", stderr);
        print_named(stderr, ev->path, ": %s, skipped\n", ev->reason);
        return;
    case BRIEF_RUN_NOTE:
        if (ui->verbose) {
            clear_progress(ui);
            fputs("briefing-index: ", stderr);
            print_named(stderr, ev->path, ": %s\n", ev->reason);
        }
        return;
    case BRIEF_RUN_ADD:
    case BRIEF_RUN_UPDATE:
    case BRIEF_RUN_REMOVE:
        if (ui->dry_run) {
            printf("would %s ", verbs[ev->kind]);
            print_named(stdout, ev->id, " (");
            print_named(stdout, ev->path, ")\n");
        } else if (ui->verbose) {
            clear_progress(ui);
            fprintf(stderr, "briefing-index: %s ", verbs[ev->kind]);
            print_named(stderr, ev->id, " (");
            print_named(stderr, ev->path, ")\n");
        }
        return;
    }
}

static int exit_code(brief_status_t status, long long rejected)
{
    switch (status) {
    case BRIEF_OK: return rejected > 0 ? EXIT_REJECTED : EXIT_ALL_INDEXED;
    case BRIEF_ERR_INVALID:
    case BRIEF_ERR_NOT_INDEX:
    case BRIEF_ERR_VERSION:
    case BRIEF_ERR_PARSE: return EXIT_USAGE;
    case BRIEF_ERR_LOCKED: return EXIT_LOCKED;
    case BRIEF_ERR_CORRUPT: return EXIT_CORRUPT;
    default: return EXIT_IO;
    }
}

static int write_report(const char *path, const char *db, const brief_indexer_stats_t *st,
                        double seconds, int dry_run, int code, const char *error, ui_t *ui)
{
    json_t *o = json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:b,"
                          " s:f, s:i, s:s?, s:O}",
                          "version", 1, "db", db, "added", (json_int_t)st->added, "updated",
                          (json_int_t)st->updated, "removed", (json_int_t)st->removed,
                          "unchanged", (json_int_t)st->unchanged, "rejected",
                          (json_int_t)st->rejected, "skipped", (json_int_t)st->skipped, "files",
                          (json_int_t)st->files, "generation", (json_int_t)st->generation,
                          "wrote", st->wrote, "segments",
                          st->wrote && st->segments >= 0 ? json_integer(st->segments)
                                                         : json_null(),
                          "dry_run", dry_run, "seconds", seconds, "exit",
                          code, "error", error, "rejections", ui->rejections);
    int rc;

    if (o == NULL)
        return -1;
    rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    return rc;
}

/* ---- --parse ---- */

typedef struct {
    const char *display;
    const char *text_date;
    long long rejected;
    int failed;
} parse_ctx_t;

static brief_status_t parse_doc(void *ctx, brief_doc_t *doc, long line, const char *hash)
{
    char *json = NULL;
    brief_status_t status = brief_doc_to_json(doc, &json);

    (void)ctx;
    (void)line;
    (void)hash;
    if (status != BRIEF_OK)
        return status;
    puts(json);
    free(json);
    return BRIEF_OK;
}

static void parse_reject(void *ctx, const brief_parse_error_t *err)
{
    parse_ctx_t *p = ctx;

    p->rejected++;
    print_located(p->display, err->line, err->column, err->reason);
}

static int parse_entry(void *ctx, const brief_scan_entry_t *e)
{
    parse_ctx_t *p = ctx;
    char *msg = NULL, *id;
    brief_status_t status;

    p->display = e->display;
    if (e->kind != BRIEF_SCAN_FILE) {
        fputs("briefing-index: ", stderr);
        print_named(stderr, e->display, ": %s%s\n", e->reason,
                    e->kind == BRIEF_SCAN_SKIP ? ", skipped" : "");
        if (e->kind == BRIEF_SCAN_ERROR)
            p->rejected++;
        return 0;
    }
    id = brief_source_default_id(e->rel);
    if (id == NULL) {
        p->failed = 1;
        return 1;
    }
    status = brief_source_read(e->path, e->format, id, p->text_date, parse_doc, parse_reject, p,
                               NULL, &msg);
    free(id);
    if (status == BRIEF_ERR_IO) {
        print_located(e->display, 0, 0, msg ? msg : "cannot read");
        p->rejected++;
    } else if (status != BRIEF_OK) {
        fputs("briefing-index: ", stderr);
        print_named(stderr, e->display, ": %s\n", brief_status_str(status));
        p->failed = 1;
    }
    free(msg);
    return p->failed;
}

static int run_parse(char **paths, int n, const char *text_date)
{
    parse_ctx_t p;
    int i;

    memset(&p, 0, sizeof p);
    p.text_date = text_date;
    for (i = 0; i < n && !p.failed; i++) {
        char *msg = NULL;
        brief_status_t status = brief_scan(paths[i], NULL, parse_entry, &p, &msg);
        if (status == BRIEF_ERR_IO) {
            fprintf(stderr, "briefing-index: %s\n", msg ? msg : brief_status_str(status));
            free(msg);
            return EXIT_USAGE;
        }
        free(msg);
        if (status != BRIEF_OK && status != BRIEF_ERR_LIMIT)
            p.failed = 1;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "briefing-index: cannot write the output: %s\n", strerror(errno));
        return EXIT_IO;
    }
    if (p.failed)
        return EXIT_IO;
    return p.rejected > 0 ? EXIT_REJECTED : EXIT_ALL_INDEXED;
}

/* ---- main ---- */

static int valid_date(const char *s)
{
    int i;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    return brief_date_to_day(s) >= 0;
}

int main(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_FULL, OPT_DRY, OPT_LANG, OPT_TEXT_DATE, OPT_WAIT, OPT_REPORT,
           OPT_CHECK, OPT_PARSE };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"full", no_argument, NULL, OPT_FULL},
        {"dry-run", no_argument, NULL, OPT_DRY},
        {"lang", required_argument, NULL, OPT_LANG},
        {"text-date", required_argument, NULL, OPT_TEXT_DATE},
        {"wait-lock", required_argument, NULL, OPT_WAIT},
        {"report", required_argument, NULL, OPT_REPORT},
        {"check", no_argument, NULL, OPT_CHECK},
        {"parse", no_argument, NULL, OPT_PARSE},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    brief_indexer_opts_t opts;
    brief_indexer_stats_t stats;
    brief_status_t status;
    const char *report = NULL;
    int check = 0, parse = 0, c, code;
    char *errmsg = NULL, *end;
    ui_t ui;
    double seconds;

    /* Under a file size limit (ulimit -f, RLIMIT_FSIZE) the kernel would
     * kill us with SIGXFSZ mid-write; ignored, write() fails with EFBIG
     * instead, which the run reports as an I/O error (exit 5) after
     * removing its temporary copy. */
    signal(SIGXFSZ, SIG_IGN);
    /* Two threads (lib/feed.c), each with connections of its own: SQLite's
     * per-connection mutexes and its memory statistics (a global mutex and
     * counters around every malloc) protect nothing here. Must come before
     * SQLite is first used; a failure is harmless. */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    memset(&opts, 0, sizeof opts);
    memset(&ui, 0, sizeof ui);
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hvV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: opts.db_path = optarg; break;
        case OPT_FULL: opts.full = 1; break;
        case OPT_DRY: opts.dry_run = 1; break;
        case OPT_LANG:
            if (!brief_language_known(optarg))
                return usage_error("unknown stemming language '%s'", optarg);
            opts.lang = optarg;
            break;
        case OPT_TEXT_DATE:
            if (!valid_date(optarg))
                return usage_error("--text-date wants a date YYYY-MM-DD, not '%s'", optarg);
            opts.text_date = optarg;
            break;
        case OPT_WAIT:
            errno = 0;
            opts.wait_lock = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' || opts.wait_lock < 0 ||
                opts.wait_lock > 86400 * 7)
                return usage_error("--wait-lock wants a number of seconds, not '%s'", optarg);
            break;
        case OPT_REPORT: report = optarg; break;
        case OPT_CHECK: check = 1; break;
        case OPT_PARSE: parse = 1; break;
        case 'v': ui.verbose = 1; break;
        case 'h': fputs(usage_text, stdout); return fflush(stdout) == 0 ? 0 : EXIT_IO;
        case 'V': printf("briefing-index %s\n", BRIEF_VERSION); return 0;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'",
                               optopt ? (char[]){'-', (char)optopt, '\0'} : argv[optind - 1]);
        }
    }

    if (parse) {
        if (optind == argc)
            return usage_error("%s", "--parse needs at least one PATH");
        if (opts.db_path != NULL || check || opts.full || opts.dry_run)
            return usage_error("%s", "--parse writes no index: drop --db, --full, --dry-run and --check");
        return run_parse(argv + optind, argc - optind, opts.text_date);
    }
    if (opts.db_path == NULL)
        return usage_error("%s", "--db FILE is required");
    if (check) {
        if (optind < argc || opts.full || opts.dry_run)
            return usage_error("%s", "--check takes no PATH, --full or --dry-run");
        status = brief_indexer_check(opts.db_path, &errmsg);
        if (status == BRIEF_OK) {
            if (ui.verbose)
                fprintf(stderr, "briefing-index: '%s' passed its integrity check\n",
                        opts.db_path);
        } else if (status == BRIEF_ERR_CORRUPT) {
            fprintf(stderr, "briefing-index: INTEGRITY CHECK FAILED: %s\n",
                    errmsg ? errmsg : opts.db_path);
        } else {
            fprintf(stderr, "briefing-index: %s\n", errmsg ? errmsg : brief_status_str(status));
        }
        free(errmsg);
        return exit_code(status, 0);
    }

    opts.roots = (const char *const *)(argv + optind);
    opts.n_roots = (size_t)(argc - optind);
    opts.on_event = on_event;
    opts.ctx = &ui;
    ui.dry_run = opts.dry_run;
    ui.tty = isatty(STDERR_FILENO);
    ui.start = now_seconds();
    if (report != NULL)
        ui.rejections = json_array();

    status = brief_indexer_run(&opts, &stats, &errmsg);
    seconds = now_seconds() - ui.start;
    clear_progress(&ui);
    code = exit_code(status, stats.rejected);
    if (status != BRIEF_OK) {
        fprintf(stderr, "briefing-index: %s\n", errmsg ? errmsg : brief_status_str(status));
        if (code == EXIT_IO)
            fprintf(stderr, "briefing-index: nothing changed; '%s' still serves the previous "
                            "index\n", opts.db_path);
    } else {
        fprintf(stderr,
                "briefing-index: %sadded %lld, updated %lld, removed %lld, unchanged %lld,"
                " rejected %lld in %.2fs\n",
                opts.dry_run ? "dry run, would have " : "", stats.added, stats.updated,
                stats.removed, stats.unchanged, stats.rejected, seconds);
    }
    if (report != NULL &&
        write_report(report, opts.db_path, &stats, seconds, opts.dry_run, code,
                     status == BRIEF_OK ? NULL : (errmsg ? errmsg : brief_status_str(status)),
                     &ui) != 0) {
        fprintf(stderr, "briefing-index: cannot write the report '%s'\n", report);
        if (code == EXIT_ALL_INDEXED)
            code = EXIT_IO;
    }
    json_decref(ui.rejections);
    free(errmsg);
    if (fflush(stdout) != 0 && code == EXIT_ALL_INDEXED)
        code = EXIT_IO;
    return code;
}
