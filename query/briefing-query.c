/* briefing-query.c - the command-line search: options, one query or a batch, text or JSON output. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "brief_doc.h"
#include "brief_heap.h"
#include "brief_index.h"
#include "brief_query.h"
#include "brief_search.h"
#include "render_text.h"

#define PROG "briefing-query"

/* Exit codes, as grep's. */
#define EXIT_FOUND 0
#define EXIT_NONE 1
#define EXIT_ERROR 2

static const char usage_text[] =
    "Usage: " PROG " --db FILE [options] QUERY...\n"
    "       " PROG " --db FILE FILTER-OPTIONS [QUERY...]\n"
    "       " PROG " --db FILE --batch [options] < QUERIES\n"
    "Search a briefing index made by briefing-index. The words of QUERY are\n"
    "joined by spaces into one query. With a filter option (--category,\n"
    "--kind, --speaker, --after, --before) the query may be left out: the\n"
    "briefings that pass the filters are listed, newest first.\n"
    "\n"
    "Options:\n"
    "  -d, --db FILE         the index to search (required)\n"
    "  -n, --limit N         results per page, 1 to 1000 (default 10)\n"
    "  -o, --offset N        skip the first N results (default 0)\n"
    "  -s, --sort ORDER      hybrid: relevance times recency (default);\n"
    "                        date: newest first; relevance: ignore dates\n"
    "      --half-life DAYS  half-life of the recency factor (default 365)\n"
    "      --now DATE        take DATE (YYYY-MM-DD) as today\n"
    "      --after DATE      only briefings dated on or after DATE\n"
    "      --before DATE     only briefings dated before DATE\n"
    "                        (DATE: YYYY, YYYY-MM or YYYY-MM-DD; a year or month\n"
    "                        stands for its first day)\n"
    "  -c, --category CAT    only briefings of category CAT (TECH, POLITICS...)\n"
    "  -k, --kind KIND       match only in passages of KIND: quote, analysis or\n"
    "                        article (repeat or separate with commas)\n"
    "      --speaker NAME    only quotes by NAME\n"
    "  -a, --all             every word must match (no partial matches)\n"
    "  -p, --passages        list matching passages (e.g. every matching quote\n"
    "                        with its speaker) instead of briefings\n"
    "      --max-passages N  best passages shown per briefing (default 3)\n"
    "      --facets          count the matches by category, kind and year\n"
    "      --explain         show each result's score: bm25 by column,\n"
    "                        proximity, recency factor\n"
    "  -v, --verbose         print the query as understood, and its warnings\n"
    "  -j, --json            print the JSON answer (README, \"JSON output\")\n"
    "      --color WHEN      highlight matches: auto (on a terminal, unless\n"
    "                        NO_COLOR is set), always or never\n"
    "      --batch           read queries from standard input, one per line\n"
    "                        (plain query text, or a JSON object such as\n"
    "                        {\"q\":\"chips\",\"limit\":5}); write one JSON answer\n"
    "                        per line, each as soon as its line is read\n"
    "      --work-limit N    give up a search after about N SQLite steps\n"
    "      --no-suggest      no \"did you mean\" when nothing matched\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "Query syntax:\n"
    "  word word             briefings with all the words rank first, then those\n"
    "                        with most of them; words are stemmed (regulating\n"
    "                        finds regulation)\n"
    "  \"exact phrase\"        the words side by side\n"
    "  +word  -word          word required / excluded\n"
    "  a OR b, a AND b, NOT a, ( )   boolean operators (upper case)\n"
    "  word*                 prefix: every index word that starts so\n"
    "  title:  speaker:  quote:  analysis:  article:  outlet:\n"
    "                        match in that part only (title:chips)\n"
    "  category:TECH  kind:quote  after:2024-06  before:2025\n"
    "                        filters, combined with the options above\n"
    "  Text that is not valid syntax is searched as plain words, with a warning.\n"
    "\n"
    "Exit status: 0 when something matched, 1 when nothing did, 2 on a usage\n"
    "error or an unusable index (missing, not an index, other schema version).\n"
    "With --batch: 0 once every line is answered (a bad line gets an error\n"
    "object and the batch goes on), 2 when the index cannot be used.\n";

static void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, PROG ": ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\ntry '" PROG " --help' for more information\n");
}

static int parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_sort(const char *s, brief_sort_t *out)
{
    if (strcmp(s, "hybrid") == 0)
        *out = BRIEF_SORT_HYBRID;
    else if (strcmp(s, "date") == 0)
        *out = BRIEF_SORT_DATE;
    else if (strcmp(s, "relevance") == 0)
        *out = BRIEF_SORT_RELEVANCE;
    else
        return -1;
    return 0;
}

/* "quote,analysis" -> mask; -1 when a kind is unknown. */
static int parse_kinds(const char *s, unsigned *mask)
{
    char buf[128];
    char *tok, *save = NULL;
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (strcasecmp(tok, "quote") == 0 || strcasecmp(tok, "quotes") == 0)
            *mask |= BRIEF_KIND_QUOTE;
        else if (strcasecmp(tok, "analysis") == 0)
            *mask |= BRIEF_KIND_ANALYSIS;
        else if (strcasecmp(tok, "article") == 0 || strcasecmp(tok, "articles") == 0)
            *mask |= BRIEF_KIND_ARTICLE;
        else
            return -1;
    }
    return 0;
}

static int parse_half_life(const char *s, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0.0) || v > 1e7)
        return -1;
    *out = v;
    return 0;
}

static int parse_day(const char *s, long *out)
{
    long d = brief_date_to_day(s);
    if (d < 0)
        return -1;
    *out = d;
    return 0;
}

enum {
    OPT_HALF_LIFE = 256,
    OPT_NOW,
    OPT_AFTER,
    OPT_BEFORE,
    OPT_SPEAKER,
    OPT_MAX_PASSAGES,
    OPT_FACETS,
    OPT_EXPLAIN,
    OPT_COLOR,
    OPT_BATCH,
    OPT_WORK_LIMIT,
    OPT_NO_SUGGEST
};

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, 'o'},
    {"sort", required_argument, NULL, 's'},
    {"half-life", required_argument, NULL, OPT_HALF_LIFE},
    {"now", required_argument, NULL, OPT_NOW},
    {"after", required_argument, NULL, OPT_AFTER},
    {"before", required_argument, NULL, OPT_BEFORE},
    {"category", required_argument, NULL, 'c'},
    {"kind", required_argument, NULL, 'k'},
    {"speaker", required_argument, NULL, OPT_SPEAKER},
    {"all", no_argument, NULL, 'a'},
    {"passages", no_argument, NULL, 'p'},
    {"max-passages", required_argument, NULL, OPT_MAX_PASSAGES},
    {"facets", no_argument, NULL, OPT_FACETS},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"verbose", no_argument, NULL, 'v'},
    {"json", no_argument, NULL, 'j'},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"batch", no_argument, NULL, OPT_BATCH},
    {"work-limit", required_argument, NULL, OPT_WORK_LIMIT},
    {"no-suggest", no_argument, NULL, OPT_NO_SUGGEST},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}};

/* Applies the members of a batch line's JSON object to opts. Returns NULL
 * or a static message naming what was wrong. */
static const char *apply_json_line(json_t *obj, brief_search_opts_t *o)
{
    const char *key;
    json_t *v;

    if (!json_is_object(obj))
        return "a batch line that starts with '{' must be a JSON object";
    if (!json_is_string(json_object_get(obj, "q")))
        return "member 'q' (the query text) is required and must be a string";
    json_object_foreach(obj, key, v)
    {
        if (strcmp(key, "q") == 0) {
            o->query = json_string_value(v);
        } else if (strcmp(key, "limit") == 0 || strcmp(key, "offset") == 0 ||
                   strcmp(key, "max_passages") == 0) {
            json_int_t n = json_integer_value(v);
            if (!json_is_integer(v) || n < 0 || n > INT_MAX)
                return "members 'limit', 'offset' and 'max_passages' must be integers";
            if (key[0] == 'l')
                o->limit = (int)n;
            else if (key[0] == 'o')
                o->offset = (int)n;
            else
                o->max_passages = (int)n;
        } else if (strcmp(key, "sort") == 0) {
            if (!json_is_string(v) || parse_sort(json_string_value(v), &o->sort) != 0)
                return "member 'sort' must be \"hybrid\", \"date\" or \"relevance\"";
        } else if (strcmp(key, "half_life") == 0) {
            if (!json_is_number(v) || !(json_number_value(v) > 0.0))
                return "member 'half_life' must be a positive number";
            o->half_life_days = json_number_value(v);
        } else if (strcmp(key, "now") == 0 || strcmp(key, "after") == 0 ||
                   strcmp(key, "before") == 0) {
            long d;
            if (!json_is_string(v) || parse_day(json_string_value(v), &d) != 0)
                return "members 'now', 'after' and 'before' must be dates (YYYY[-MM[-DD]])";
            if (key[0] == 'n')
                o->now_day = d;
            else if (key[0] == 'a')
                o->after_day = d;
            else
                o->before_day = d;
        } else if (strcmp(key, "category") == 0 || strcmp(key, "speaker") == 0) {
            if (!json_is_string(v) && !json_is_null(v))
                return "members 'category' and 'speaker' must be strings";
            if (key[0] == 'c')
                o->category = json_string_value(v);
            else
                o->speaker = json_string_value(v);
        } else if (strcmp(key, "kind") == 0) {
            unsigned m = 0;
            if (!json_is_string(v) || parse_kinds(json_string_value(v), &m) != 0)
                return "member 'kind' must be \"quote\", \"analysis\" or \"article\"";
            o->kinds = m;
        } else if (strcmp(key, "all") == 0 || strcmp(key, "passages") == 0 ||
                   strcmp(key, "facets") == 0 || strcmp(key, "explain") == 0) {
            int b;
            if (!json_is_boolean(v))
                return "members 'all', 'passages', 'facets' and 'explain' must be true or false";
            b = json_is_true(v);
            if (key[0] == 'a')
                o->all_required = b;
            else if (key[0] == 'p')
                o->passages = b;
            else if (key[0] == 'f')
                o->facets = b;
            else
                o->explain = b;
        } else {
            return "unknown member (known: q, limit, offset, sort, half_life, now, after, "
                   "before, category, kind, speaker, all, passages, facets, explain, "
                   "max_passages)";
        }
    }
    return NULL;
}

static void print_json_line(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (s != NULL) {
        fputs(s, stdout);
        brief_json_free(s);
    }
    fputc('\n', stdout);
    fflush(stdout);
}

static void batch_error(long line, const char *msg)
{
    json_t *e = json_pack("{s:i, s:I, s:s}", "version", 1, "line", (json_int_t)line, "error",
                          msg ? msg : "error");
    print_json_line(e);
    json_decref(e);
}

static int run_batch(brief_index_t *idx, const brief_search_opts_t *defaults)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long n = 0;

    while ((len = getline(&line, &cap, stdin)) >= 0) {
        brief_search_opts_t o = *defaults;
        json_t *obj = NULL, *ans = NULL;
        char *err = NULL;
        const char *bad = NULL;
        const char *p = line;
        brief_status_t st;

        n++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (strlen(line) != (size_t)len) {
            batch_error(n, "the line holds a NUL byte");
            continue;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '{') {
            json_error_t jerr;
            obj = json_loads(p, JSON_REJECT_DUPLICATES, &jerr);
            if (obj == NULL) {
                char msg[256];
                snprintf(msg, sizeof msg, "not valid JSON: %s (column %d)", jerr.text,
                         jerr.column);
                batch_error(n, msg);
                continue;
            }
            bad = apply_json_line(obj, &o);
        } else {
            o.query = line;
        }
        if (bad != NULL) {
            batch_error(n, bad);
            json_decref(obj);
            continue;
        }
        st = brief_search_run(idx, &o, &ans, &err);
        if (st != BRIEF_OK) {
            batch_error(n, err ? err : brief_status_str(st));
        } else {
            json_object_set_new(ans, "line", json_integer(n));
            print_json_line(ans);
        }
        json_decref(ans);
        json_decref(obj);
        free(err);
    }
    free(line);
    if (ferror(stdin)) {
        fprintf(stderr, PROG ": cannot read standard input: %s\n", strerror(errno));
        return EXIT_ERROR;
    }
    return EXIT_FOUND;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    int i;
    char *s;
    for (i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int main(int argc, char **argv)
{
    brief_search_opts_t o;
    const char *db = NULL, *color = "auto";
    int json = 0, verbose = 0, batch = 0, c, rc;
    long v;
    brief_index_t *idx = NULL;
    char *err = NULL, *query = NULL;
    json_t *ans = NULL;
    brief_status_t st;

    /* One thread, one connection: SQLite's mutexes and its memory
     * statistics (a mutex and counters around every malloc) buy nothing
     * here. Off, they saved 1.2 of 16.7 million instructions of a rare-word
     * query. Must come before SQLite is first used; a failure is harmless.
     * So must the heap (include/brief_heap.h): a failure leaves malloc. */
    brief_heap_install();
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    brief_search_opts_init(&o);
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:n:o:s:c:k:apvjhV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'n':
            if (parse_int(optarg, 1, BRIEF_MAX_LIMIT, &v) != 0) {
                usage_error("--limit must be a whole number from 1 to 1000, not '%s'", optarg);
                return EXIT_ERROR;
            }
            o.limit = (int)v;
            break;
        case 'o':
            if (parse_int(optarg, 0, 100000, &v) != 0) {
                usage_error("--offset must be a whole number from 0 to 100000, not '%s'", optarg);
                return EXIT_ERROR;
            }
            o.offset = (int)v;
            break;
        case 's':
            if (parse_sort(optarg, &o.sort) != 0) {
                usage_error("--sort must be hybrid, date or relevance, not '%s'", optarg);
                return EXIT_ERROR;
            }
            break;
        case OPT_HALF_LIFE:
            if (parse_half_life(optarg, &o.half_life_days) != 0) {
                usage_error("--half-life must be a positive number of days, not '%s'", optarg);
                return EXIT_ERROR;
            }
            break;
        case OPT_NOW:
            if (parse_day(optarg, &o.now_day) != 0) {
                usage_error("--now must be a date (YYYY-MM-DD), not '%s'", optarg);
                return EXIT_ERROR;
            }
            break;
        case OPT_AFTER:
            if (parse_day(optarg, &o.after_day) != 0) {
                usage_error("--after must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not '%s'",
                            optarg);
                return EXIT_ERROR;
            }
            break;
        case OPT_BEFORE:
            if (parse_day(optarg, &o.before_day) != 0) {
                usage_error("--before must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not '%s'",
                            optarg);
                return EXIT_ERROR;
            }
            break;
        case 'c': o.category = optarg; break;
        case 'k':
            if (parse_kinds(optarg, &o.kinds) != 0) {
                usage_error("--kind must be quote, analysis or article, not '%s'", optarg);
                return EXIT_ERROR;
            }
            break;
        case OPT_SPEAKER: o.speaker = optarg; break;
        case 'a': o.all_required = 1; break;
        case 'p': o.passages = 1; break;
        case OPT_MAX_PASSAGES:
            if (parse_int(optarg, 0, 50, &v) != 0) {
                usage_error("--max-passages must be a whole number from 0 to 50, not '%s'",
                            optarg);
                return EXIT_ERROR;
            }
            o.max_passages = (int)v;
            break;
        case OPT_FACETS: o.facets = 1; break;
        case OPT_EXPLAIN: o.explain = 1; break;
        case 'v': verbose = 1; break;
        case 'j': json = 1; break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 &&
                strcmp(optarg, "never") != 0) {
                usage_error("--color must be auto, always or never, not '%s'", optarg);
                return EXIT_ERROR;
            }
            color = optarg;
            break;
        case OPT_BATCH: batch = 1; break;
        case OPT_WORK_LIMIT:
            if (parse_int(optarg, 1, LONG_MAX, &v) != 0) {
                usage_error("--work-limit must be a positive whole number, not '%s'", optarg);
                return EXIT_ERROR;
            }
            o.work_limit = v;
            break;
        case OPT_NO_SUGGEST: o.suggest = 0; break;
        case 'h': fputs(usage_text, stdout); return EXIT_FOUND;
        case 'V': printf(PROG " " BRIEF_VERSION "\n"); return EXIT_FOUND;
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
            return EXIT_ERROR;
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
            return EXIT_ERROR;
        }
    }
    if (db == NULL) {
        usage_error("%s", "no index given: use --db FILE");
        return EXIT_ERROR;
    }
    if (batch && optind < argc) {
        usage_error("%s", "--batch reads its queries from standard input, not the command line");
        return EXIT_ERROR;
    }
    if (!batch && optind >= argc && o.category == NULL && o.kinds == 0 && o.speaker == NULL &&
        o.after_day < 0 && o.before_day < 0) {
        usage_error("%s", "no query given");
        return EXIT_ERROR;
    }

    st = brief_index_open(db, BRIEF_OPEN_READ, NULL, &idx, &err);
    if (st != BRIEF_OK) {
        fprintf(stderr, PROG ": %s\n", err ? err : brief_status_str(st));
        free(err);
        return EXIT_ERROR;
    }
    if (batch) {
        rc = run_batch(idx, &o);
        brief_index_close(idx);
        return rc;
    }

    query = join_args(argc - optind, argv + optind);
    if (query == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        brief_index_close(idx);
        return EXIT_ERROR;
    }
    o.query = query;
    st = brief_search_run(idx, &o, &ans, &err);
    if (st != BRIEF_OK) {
        fprintf(stderr, PROG ": %s\n", err ? err : brief_status_str(st));
        rc = EXIT_ERROR;
    } else {
        if (json) {
            char *s = json_dumps(ans, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
            if (s != NULL)
                puts(s);
            brief_json_free(s);
        } else {
            brief_render_opts_t ro;
            const char *nc = getenv("NO_COLOR");
            json_t *w;
            size_t i;
            ro.color = strcmp(color, "always") == 0 ||
                       (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) &&
                        (nc == NULL || *nc == '\0'));
            ro.verbose = verbose;
            ro.explain = o.explain;
            if (!verbose)
                json_array_foreach(json_object_get(ans, "warnings"), i, w)
                    fprintf(stderr, PROG ": warning: %s\n", json_string_value(w));
            brief_render_text(stdout, ans, &ro);
        }
        rc = json_integer_value(json_object_get(ans, "total")) > 0 ? EXIT_FOUND : EXIT_NONE;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the answer: %s\n", strerror(errno));
        rc = EXIT_ERROR;
    }
    json_decref(ans);
    free(err);
    free(query);
    brief_index_close(idx);
    return rc;
}
