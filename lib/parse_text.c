/* parse_text.c - briefings from the plain-text export of a briefing page.
 *
 * The export is what a browser copies from the page: one line per block of
 * the layout, with section headings, badges and counters among the content
 * (../shared/briefing-format.md, section 3). The parser works in two passes.
 *
 * 1. The input is checked (valid UTF-8, no NUL byte), a byte order mark is
 *    dropped, and the text is cut into lines at LF, CRLF or a lone CR. Each
 *    line is trimmed; blank lines are not kept, but the line after one
 *    remembers it (blank_before), which is all the layout needs of them:
 *    blank lines separate paragraphs of the deep analysis.
 *
 * 2. The first line is the title, the next one the category when it looks
 *    like a tag (upper case, short). Then a line that is exactly a section
 *    heading ("Deep Analysis", "The Crowd", ...) switches the section, in
 *    whatever order the sections come, and each section reads its own
 *    shape:
 *      Strategic Overview  "• 01." bullets, the point on the same or the next
 *                          lines
 *      Deep Analysis       a short line without closing punctuation is a
 *                          heading; the paragraphs under it are its body,
 *                          joined with a blank line
 *      Historical Context  a date line ("2015", "May 2024", "2026-05-19"),
 *                          then the event
 *      Power Map           a two-letter badge ("AN"), a name, a description;
 *                          the "Subject" block (the briefing's own title) is
 *                          layout
 *      Fact Check          "[n] title" citations, optionally numbered "1."
 *      Source Articles     further article titles, if any
 *      Analysts, The Crowd a quoted line, then the speaker and the role
 *      Broadcast           titles, each once (the page repeats them)
 *    Layout that is not content is skipped wherever it appears: "31+"
 *    followed by "Signals" (which gives the signal count), "Subject",
 *    "THE SIGNAL.", "Top 5", "6 cited".
 *
 * The publication date is the latest full date in the whole text, ISO
 * ("2026-05-19", also inside a date-time) or written out ("May 19, 2026",
 * "19 May 2026", "Sept. 3, 2025"); year-only and month-only dates do not
 * count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brief_parse.h"
#include "internal.h"

/* ---- input checks and lines --------------------------------------------- */

/* Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included) or is NUL; len when there is none. */
static size_t first_bad_byte(const unsigned char *s, size_t len)
{
    size_t i = 0, n;

    while (i < len && s[i] != 0 && (n = brief_utf8_seq(s + i, len - i)) > 0)
        i += n;
    return i;
}

typedef struct {
    char *s;          /* trimmed, NUL-terminated, inside the parser's copy */
    size_t n;         /* strlen(s), never 0 */
    int lineno;       /* from 1 */
    int blank_before; /* a blank line (or the start) came just before */
} line_t;

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Trims ASCII blanks and no-break spaces (U+00A0, "\xC2\xA0") at both ends. */
static char *trim(char *s, size_t *n)
{
    size_t len = *n;

    for (;;) {
        if (len > 0 && is_space((unsigned char)*s)) {
            s++;
            len--;
        } else if (len > 1 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
            s += 2;
            len -= 2;
        } else {
            break;
        }
    }
    for (;;) {
        if (len > 0 && is_space((unsigned char)s[len - 1])) {
            len--;
        } else if (len > 1 && (unsigned char)s[len - 2] == 0xC2
                   && (unsigned char)s[len - 1] == 0xA0) {
            len -= 2;
        } else {
            break;
        }
    }
    s[len] = '\0';
    *n = len;
    return s;
}

/* Cuts text (a private, writable copy of len bytes plus a NUL) into its
 * non-blank lines. Returns the array (caller frees) or NULL on OOM; *count
 * may be 0. */
static line_t *split_lines(char *text, size_t len, size_t *count)
{
    size_t cap = 64, n = 0;
    line_t *lines = malloc(cap * sizeof *lines);
    int lineno = 1, blank = 1;
    size_t i = 0;

    if (lines == NULL)
        return NULL;
    while (i <= len) {
        size_t start = i, end;
        char *s;
        size_t sn;
        while (i < len && text[i] != '\n' && text[i] != '\r')
            i++;
        end = i;
        if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        i++; /* past the line end (or past len, which ends the loop) */
        sn = end - start;
        s = trim(text + start, &sn);
        if (sn == 0) {
            blank = 1;
        } else {
            if (n == cap) {
                line_t *bigger = realloc(lines, 2 * cap * sizeof *lines);
                if (bigger == NULL) {
                    free(lines);
                    return NULL;
                }
                lines = bigger;
                cap *= 2;
            }
            lines[n].s = s;
            lines[n].n = sn;
            lines[n].lineno = lineno;
            lines[n].blank_before = blank;
            n++;
            blank = 0;
        }
        lineno++;
    }
    *count = n;
    return lines;
}

/* ---- recognising layout ------------------------------------------------- */

typedef enum {
    SEC_HEADER = 0,
    SEC_OVERVIEW,
    SEC_ANALYSIS,
    SEC_TIMELINE,
    SEC_PLAYERS,
    SEC_FACTS,
    SEC_SOURCES,
    SEC_ANALYSTS,
    SEC_CROWD,
    SEC_BROADCAST,
    SEC_NONE /* not a heading */
} section_t;

static section_t heading_of(const char *s)
{
    static const struct {
        const char *text;
        section_t section;
    } headings[] = {
        {"Strategic Overview", SEC_OVERVIEW}, {"Deep Analysis", SEC_ANALYSIS},
        {"Historical Context", SEC_TIMELINE}, {"Power Map", SEC_PLAYERS},
        {"Key Players", SEC_PLAYERS},         {"Fact Check", SEC_FACTS},
        {"Source Articles", SEC_SOURCES},     {"Analysts", SEC_ANALYSTS},
        {"The Crowd", SEC_CROWD},             {"Broadcast", SEC_BROADCAST},
        {"Broadcasts", SEC_BROADCAST},
    };

    if (strlen(s) > 18) /* longer than any heading: the common case */
        return SEC_NONE;
    for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++)
        if (strcasecmp(s, headings[i].text) == 0)
            return headings[i].section;
    return SEC_NONE;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* "31+" or "31": the counter above "Signals". */
static int is_counter(const char *s, size_t n)
{
    if (n > 1 && s[n - 1] == '+')
        n--;
    return n <= 12 && all_digits(s, n);
}

/* Badges and labels of the page that carry no content of their own. */
static int is_layout(const char *s, size_t n)
{
    if (n > 18) /* longer than any badge */
        return 0;
    if (strcasecmp(s, "Signals") == 0 || strcasecmp(s, "Subject") == 0
        || strcasecmp(s, "THE SIGNAL.") == 0 || strcasecmp(s, "THE SIGNAL") == 0)
        return 1;
    if (n > 4 && strncasecmp(s, "Top ", 4) == 0 && all_digits(s + 4, n - 4))
        return 1; /* "Top 5" */
    if (n > 6 && strcasecmp(s + n - 6, " cited") == 0 && all_digits(s, n - 6))
        return 1; /* "6 cited" */
    return s[n - 1] == '+' && is_counter(s, n); /* a lone "31+" */
}

/* A player badge: exactly two upper-case ASCII letters ("AN", "NI"). */
static int is_badge(const char *s, size_t n)
{
    return n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* A category tag: 1-40 bytes of upper-case letters, digits, spaces and
 * "&/-", with at least one letter ("TECH", "US POLITICS", "M&A"). */
static int is_category(const char *s, size_t n)
{
    int letters = 0;

    if (n > 40)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            letters++;
        else if (!is_digit(c) && c != ' ' && c != '&' && c != '/' && c != '-')
            return 0;
    }
    return letters > 0;
}

/* Does the line end like a sentence (or a citation, or a quotation)? */
static int ends_like_prose(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[n - 1];

    if (c == '.' || c == ';' || c == ':' || c == ',' || c == ']' || c == ')' || c == '"'
        || c == '\'')
        return 1;
    /* ” ’ … as UTF-8 */
    if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80
        && (c == 0x9D || c == 0x99 || c == 0xA6))
        return 1;
    return 0;
}

/* A heading of the deep analysis: short, and not ending like a sentence
 * (a question or exclamation mark is fine: "Why now?"). 160 bytes is about
 * twice the longest heading such pages use. */
#define HEADING_MAX 160

static int looks_like_heading(const line_t *l)
{
    return l->n <= HEADING_MAX && !ends_like_prose(l->s, l->n);
}

/* A name in the power map when there are no badges: short, no full stop. */
#define PLAYER_NAME_MAX 80

/* A date line of the historical context: short and with a digit in it
 * ("2015", "May 2024", "2026-05-19", "Q3 2025"), not a sentence. */
#define DATE_LINE_MAX 40

static int looks_like_date_line(const line_t *l)
{
    if (l->n > DATE_LINE_MAX || ends_like_prose(l->s, l->n))
        return 0;
    for (size_t i = 0; i < l->n; i++)
        if (is_digit(l->s[i]))
            return 1;
    return 0;
}

/* ---- dates -------------------------------------------------------------- */

static const struct {
    const char *name;
    int month;
} month_names[] = {
    {"January", 1},  {"February", 2}, {"March", 3},     {"April", 4},    {"May", 5},
    {"June", 6},     {"July", 7},     {"August", 8},    {"September", 9}, {"October", 10},
    {"November", 11}, {"December", 12}, {"Sept", 9},     {"Jan", 1},      {"Feb", 2},
    {"Mar", 3},      {"Apr", 4},      {"Jun", 6},       {"Jul", 7},      {"Aug", 8},
    {"Sep", 9},      {"Oct", 10},     {"Nov", 11},      {"Dec", 12},
};

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A month name at s[i] ending at a word boundary, optionally with a full
 * stop after an abbreviation. Returns the month and sets *end, or 0. */
static int month_at(const char *s, size_t len, size_t i, size_t *end)
{
    char first;

    if (i >= len)
        return 0;
    first = (char)(s[i] | 0x20); /* ASCII lower case */
    if (strchr("jfmasond", first) == NULL)
        return 0; /* the common case: no month starts with this letter */
    for (size_t m = 0; m < sizeof month_names / sizeof month_names[0]; m++) {
        size_t k = strlen(month_names[m].name);
        if ((month_names[m].name[0] | 0x20) == first && i + k <= len && strncasecmp(s + i, month_names[m].name, k) == 0
            && (i + k == len || !is_alpha(s[i + k]))) {
            if (k <= 4 && i + k < len && s[i + k] == '.')
                k++;
            *end = i + k;
            return month_names[m].month;
        }
    }
    return 0;
}

/* 1 or 2 digits of a day at s[i], with an optional "st"/"nd"/"rd"/"th". */
static int day_at(const char *s, size_t len, size_t i, size_t *end)
{
    int day = 0;
    size_t k = i;

    while (k < len && k - i < 2 && is_digit(s[k]))
        day = day * 10 + (s[k++] - '0');
    if (k == i || (k < len && is_digit(s[k])))
        return 0;
    if (k + 1 < len && is_alpha(s[k]) && is_alpha(s[k + 1])
        && (strncasecmp(s + k, "st", 2) == 0 || strncasecmp(s + k, "nd", 2) == 0
            || strncasecmp(s + k, "rd", 2) == 0 || strncasecmp(s + k, "th", 2) == 0)
        && (k + 2 == len || !is_alpha(s[k + 2])))
        k += 2;
    *end = k;
    return day;
}

/* 4 digits of a year at s[i], not followed by another digit. */
static int year_at(const char *s, size_t len, size_t i, size_t *end)
{
    int year = 0;

    if (i + 4 > len || (i + 4 < len && is_digit(s[i + 4])))
        return -1;
    for (size_t k = i; k < i + 4; k++) {
        if (!is_digit(s[k]))
            return -1;
        year = year * 10 + (s[k] - '0');
    }
    *end = i + 4;
    return year;
}

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ')
        i++;
    return i;
}


/* The latest full date seen so far. */
typedef struct {
    int found;
    long day;
    char iso[11]; /* YYYY-MM-DD */
} latest_t;

static void consider(latest_t *latest, int year, int month, int day)
{
    char text[48];
    long d;

    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31)
        return;
    snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    if (brief_date_parse(text, &d) && (!latest->found || d > latest->day)) {
        latest->found = 1;
        latest->day = d;
        memcpy(latest->iso, text, sizeof latest->iso);
    }
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Finds the full dates in one line: "2026-05-19", "May 19, 2026",
 * "19 May 2026", "Sept. 3rd, 2025". */
static void scan_dates(const char *s, size_t len, latest_t *latest)
{
    for (size_t i = 0; i < len; i++) {
        int boundary = i == 0 || (!is_digit(s[i - 1]) && !is_alpha(s[i - 1]));
        size_t e, e2;
        int year, month, day;

        if (!boundary)
            continue;
        if (is_digit(s[i])) {
            /* ISO: YYYY-MM-DD, not inside a longer run like 1-2026-05-19-3. */
            if (i + 10 <= len && (i == 0 || s[i - 1] != '-') && s[i + 4] == '-'
                && s[i + 7] == '-' && all_digits(s + i, 4) && all_digits(s + i + 5, 2)
                && all_digits(s + i + 8, 2) && (i + 10 == len || (!is_digit(s[i + 10])
                                                                  && s[i + 10] != '-'))) {
                consider(latest, (int)strtol(s + i, NULL, 10), two_digits(s + i + 5),
                         two_digits(s + i + 8));
                i += 9;
                continue;
            }
            /* Day first: 19 May 2026 */
            day = day_at(s, len, i, &e);
            if (day > 0 && e < len && s[e] == ' ') {
                e = skip_blanks(s, len, e);
                month = month_at(s, len, e, &e2);
                if (month > 0) {
                    e = e2;
                    if (e < len && s[e] == ',')
                        e++;
                    if (e < len && s[e] == ' ') {
                        year = year_at(s, len, skip_blanks(s, len, e), &e2);
                        if (year >= 0)
                            consider(latest, year, month, day);
                    }
                }
            }
        } else if (is_alpha(s[i])) {
            /* Month first: May 19, 2026 */
            month = month_at(s, len, i, &e);
            if (month == 0 || e >= len || s[e] != ' ')
                continue;
            e = skip_blanks(s, len, e);
            day = day_at(s, len, e, &e2);
            if (day == 0)
                continue;
            e = e2;
            if (e < len && s[e] == ',')
                e++;
            if (e >= len || s[e] != ' ')
                continue;
            year = year_at(s, len, skip_blanks(s, len, e), &e2);
            if (year >= 0)
                consider(latest, year, month, day);
        }
    }
}

/* ---- building the document ---------------------------------------------- */

typedef struct {
    brief_doc_t *doc;
    brief_status_t rc;
    size_t cap_overview, cap_analysis, cap_articles, cap_quotes, cap_timeline, cap_players,
        cap_broadcasts;
    /* The string that continuation lines are appended to, or NULL. It points
     * into one of the doc's arrays, which only grow when an item is added,
     * and every add sets cur afresh, so it never dangles. */
    char **cur;
    size_t cur_len, cur_cap;

    section_t sec;
    int expect_name;   /* power map: a badge came, a name follows */
    int after_subject; /* "Subject" came: its title repeat follows */
    int quote_open;    /* a quotation runs over several lines */
    int attribution;   /* lines since the quote: 0 speaker, 1 role */
    int in_quote;      /* a quote of this section is current */
} text_parser_t;

/* Grows an array of *cap items of size bytes to hold n + 1. Returns the
 * (maybe moved) array; on failure the old one, with rc set. */
static void *grow(text_parser_t *p, void *array, size_t n, size_t *cap, size_t size)
{
    size_t ncap;
    void *bigger;

    if (p->rc != BRIEF_OK || n < *cap)
        return array;
    ncap = *cap != 0 ? 2 * *cap : 8;
    bigger = realloc(array, ncap * size);
    if (bigger == NULL) {
        p->rc = BRIEF_ERR_NOMEM;
        return array;
    }
    memset((char *)bigger + *cap * size, 0, (ncap - *cap) * size);
    *cap = ncap;
    return bigger;
}

/* Adds a zeroed item to a doc array; evaluates to its address or NULL. */
#define ADD_ITEM(p, array, n, cap)                                          \
    ((array) = grow((p), (array), (n), &(cap), sizeof *(array)),           \
     (p)->rc == BRIEF_OK ? &(array)[(n)++] : NULL)

static char *copy_n(text_parser_t *p, const char *s, size_t n)
{
    char *c;

    if (p->rc != BRIEF_OK)
        return NULL;
    c = malloc(n + 1);
    if (c == NULL) {
        p->rc = BRIEF_ERR_NOMEM;
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static void set_cur(text_parser_t *p, char **target)
{
    p->cur = target;
    p->cur_len = target != NULL && *target != NULL ? strlen(*target) : 0;
    p->cur_cap = p->cur_len;
}

/* Appends s to the current string, after sep unless the string is empty. */
static void append(text_parser_t *p, const char *sep, const char *s, size_t n)
{
    size_t seplen, need;

    if (p->rc != BRIEF_OK || p->cur == NULL)
        return;
    seplen = *p->cur != NULL ? strlen(sep) : 0;
    need = p->cur_len + seplen + n + 1;
    if (*p->cur == NULL || need > p->cur_cap) {
        size_t ncap = need > 2 * p->cur_cap ? need : 2 * p->cur_cap;
        char *bigger = realloc(*p->cur, ncap);
        if (bigger == NULL) {
            p->rc = BRIEF_ERR_NOMEM;
            return;
        }
        *p->cur = bigger;
        p->cur_cap = ncap;
    }
    memcpy(*p->cur + p->cur_len, sep, seplen);
    memcpy(*p->cur + p->cur_len + seplen, s, n);
    p->cur_len += seplen + n;
    (*p->cur)[p->cur_len] = '\0';
}

/* ---- sections ----------------------------------------------------------- */

/* A bullet of the overview: "• 01.", "- 2)", "3." or "•", then maybe the
 * point itself. Sets *rest to what follows the marker. */
static int is_bullet(const line_t *l, const char **rest)
{
    const unsigned char *s = (const unsigned char *)l->s;
    size_t i = 0, d;

    if (l->n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xA2) /* • */
        i = 3;
    else if (l->n >= 3 && s[0] == 0xE2 && s[1] == 0x96 && s[2] == 0xAA) /* ▪ */
        i = 3;
    else if (l->n >= 2 && s[0] == 0xC2 && s[1] == 0xB7) /* · */
        i = 2;
    else if (l->n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ')
        i = 1;
    i = skip_blanks(l->s, l->n, i);
    for (d = i; d < l->n && d - i < 3 && is_digit(l->s[d]); d++)
        ;
    if (d > i && d < l->n && (l->s[d] == '.' || l->s[d] == ')')
        && (d + 1 == l->n || l->s[d + 1] == ' ')) {
        i = d + 1;
    } else if (i == 0) {
        return 0; /* neither a bullet sign nor a number */
    }
    *rest = l->s + skip_blanks(l->s, l->n, i);
    return 1;
}

static void on_overview(text_parser_t *p, const line_t *l)
{
    brief_doc_t *doc = p->doc;
    const char *rest;
    char **point;

    if (is_bullet(l, &rest)) {
        point = ADD_ITEM(p, doc->overview, doc->n_overview, p->cap_overview);
        set_cur(p, point);
        if (*rest != '\0')
            append(p, " ", rest, strlen(rest));
        return;
    }
    /* The text of a bullet, or a line continuing it; after a blank line a
     * point that has its text is over and a new one (without bullet) starts. */
    if (p->cur == NULL || (*p->cur != NULL && l->blank_before)) {
        point = ADD_ITEM(p, doc->overview, doc->n_overview, p->cap_overview);
        set_cur(p, point);
    }
    append(p, " ", l->s, l->n);
}

static void on_analysis(text_parser_t *p, const line_t *l)
{
    brief_doc_t *doc = p->doc;
    brief_section_t *section;

    /* A heading opens a section when it comes first or after a blank line,
     * and the current section already has a body (two heading-like lines in
     * a row: the second is a short paragraph). */
    if (looks_like_heading(l) && (p->cur == NULL || (l->blank_before && *p->cur != NULL))) {
        section = ADD_ITEM(p, doc->analysis, doc->n_analysis, p->cap_analysis);
        if (section != NULL) {
            section->heading = copy_n(p, l->s, l->n);
            set_cur(p, &section->body);
        }
        return;
    }
    if (p->cur == NULL) {
        section = ADD_ITEM(p, doc->analysis, doc->n_analysis, p->cap_analysis);
        set_cur(p, section != NULL ? &section->body : NULL);
    }
    /* Paragraphs are joined with a blank line, a wrapped line with a space. */
    append(p, l->blank_before ? "\n\n" : " ", l->s, l->n);
}

static void on_timeline(text_parser_t *p, const line_t *l)
{
    brief_doc_t *doc = p->doc;
    brief_event_t *event;

    if (p->cur != NULL && *p->cur == NULL) { /* the event of a date line */
        append(p, " ", l->s, l->n);
        return;
    }
    if (looks_like_date_line(l)) {
        event = ADD_ITEM(p, doc->timeline, doc->n_timeline, p->cap_timeline);
        if (event != NULL) {
            event->date = copy_n(p, l->s, l->n);
            set_cur(p, &event->event);
        }
        return;
    }
    if (p->cur == NULL || l->blank_before) { /* an event without a date */
        event = ADD_ITEM(p, doc->timeline, doc->n_timeline, p->cap_timeline);
        set_cur(p, event != NULL ? &event->event : NULL);
    }
    append(p, " ", l->s, l->n);
}

static void on_players(text_parser_t *p, const line_t *l)
{
    brief_doc_t *doc = p->doc;
    brief_player_t *player;
    int name_like = l->n <= PLAYER_NAME_MAX && !ends_like_prose(l->s, l->n);

    if (is_badge(l->s, l->n)) {
        p->expect_name = 1;
        p->cur = NULL;
        return;
    }
    /* The briefing's own title heads the map as its subject: layout. */
    if (doc->n_players == 0 && !p->expect_name && strcmp(l->s, doc->title) == 0)
        return;
    /* A name after a badge; without badges, a short line after a blank one
     * once the current player has a description. */
    if (p->expect_name || p->cur == NULL || (name_like && l->blank_before && *p->cur != NULL)) {
        player = ADD_ITEM(p, doc->players, doc->n_players, p->cap_players);
        if (player != NULL) {
            player->name = copy_n(p, l->s, l->n);
            set_cur(p, &player->role);
        }
        p->expect_name = 0;
        return;
    }
    append(p, l->blank_before ? "\n\n" : " ", l->s, l->n);
}

/* A citation: "[3] Title", "3. [3] Title" or "3. Title". Sets *title. */
static int is_citation(const line_t *l, const char **title)
{
    const char *s = l->s;
    size_t i = 0, d;

    for (d = 0; d < l->n && d < 4 && is_digit(s[d]); d++)
        ;
    if (d > 0 && d < l->n && (s[d] == '.' || s[d] == ')') && d + 1 < l->n && s[d + 1] == ' ')
        i = skip_blanks(s, l->n, d + 1);
    else if (s[0] != '[')
        return 0;
    if (i < l->n && s[i] == '[') {
        for (d = i + 1; d < l->n && d - i <= 4 && is_digit(s[d]); d++)
            ;
        if (d == i + 1 || d >= l->n || s[d] != ']')
            return 0;
        i = skip_blanks(s, l->n, d + 1);
    }
    if (i >= l->n)
        return 0;
    *title = s + i;
    return 1;
}

static void add_article(text_parser_t *p, const char *title, size_t n)
{
    brief_doc_t *doc = p->doc;
    brief_article_t *article;

    /* The same title twice (Fact Check, then Source Articles) is one
     * article; only recent ones are compared, to stay linear. */
    for (size_t k = doc->n_articles, seen = 0; k > 0 && seen < 64; k--, seen++)
        if (strlen(doc->articles[k - 1].title) == n
            && memcmp(doc->articles[k - 1].title, title, n) == 0)
            return;
    article = ADD_ITEM(p, doc->articles, doc->n_articles, p->cap_articles);
    if (article != NULL)
        article->title = copy_n(p, title, n);
    if (article != NULL && article->title == NULL)
        doc->n_articles--; /* out of memory: keep no item without a title */
}

static void on_facts(text_parser_t *p, const line_t *l)
{
    const char *title;

    /* Lines other than citations (outlets, notes) are not kept. */
    if (is_citation(l, &title))
        add_article(p, title, strlen(title));
}

static void on_sources(text_parser_t *p, const line_t *l)
{
    const char *title;

    if (is_citation(l, &title))
        add_article(p, title, strlen(title));
    else
        add_article(p, l->s, l->n);
}

/* The opening and closing quotation marks: " and “ ”. */
static size_t open_quote_len(const line_t *l)
{
    const unsigned char *s = (const unsigned char *)l->s;

    if (s[0] == '"')
        return 1;
    if (l->n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x9C)
        return 3;
    return 0;
}

static size_t close_quote_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    if (n >= 1 && u[n - 1] == '"')
        return 1;
    if (n >= 3 && u[n - 3] == 0xE2 && u[n - 2] == 0x80 && u[n - 1] == 0x9D)
        return 3;
    return 0;
}

/* The page renders a crowd post's attribution as "@", the author's handle
 * and the post's like count run together: "@@karpathy0" is @karpathy with 0
 * likes, "@u/SomeRedditor5500" is u/SomeRedditor with 5500. The speaker is
 * the handle: the first "@" goes, then the count, the trailing digits. A
 * count has no leading zero unless it is 0 itself, so a digit run that
 * starts with 0 and is longer than one digit ends the handle but for its
 * last digit ("@@scaling010" is @scaling01 with 0 likes). A handle that
 * itself ends in digits with a non-zero count loses those digits: the page
 * keeps no separator to tell them apart. A line with a space, or one that
 * would be left empty, is kept as it is. */
static char *crowd_speaker(text_parser_t *p, const char *s, size_t n)
{
    const char *h = s + 1;
    size_t hn = n - 1, d;

    if (n < 2 || s[0] != '@' || memchr(s, ' ', n) != NULL)
        return copy_n(p, s, n);
    for (d = hn; d > 0 && is_digit(h[d - 1]); d--)
        ;
    if (d < hn) {
        if (hn - d > 1 && h[d] == '0')
            d = hn - 1;
        if (d > 0 && !(d == 1 && h[0] == '@'))
            hn = d;
    }
    return copy_n(p, h, hn);
}

static void on_quotes(text_parser_t *p, const line_t *l, brief_group_t group)
{
    brief_doc_t *doc = p->doc;
    brief_quote_t *quote;
    size_t open, close, n;

    if (p->quote_open) { /* a quotation over several lines */
        close = close_quote_len(l->s, l->n);
        if (l->n > close)
            append(p, l->blank_before ? "\n\n" : " ", l->s, l->n - close);
        if (close > 0) {
            p->quote_open = 0;
            p->cur = NULL;
        }
        return;
    }
    open = open_quote_len(l);
    if (open > 0) {
        quote = ADD_ITEM(p, doc->quotes, doc->n_quotes, p->cap_quotes);
        if (quote == NULL)
            return;
        quote->group = group;
        close = l->n > open ? close_quote_len(l->s + open, l->n - open) : 0;
        n = l->n - open - close;
        set_cur(p, &quote->text);
        append(p, "", l->s + open, n);
        if (quote->text == NULL)
            quote->text = copy_n(p, "", 0);
        p->quote_open = close == 0;
        if (!p->quote_open)
            p->cur = NULL;
        p->attribution = 0;
        p->in_quote = 1;
        return;
    }
    if (!p->in_quote)
        return; /* nothing to attribute: a stray line */
    quote = &doc->quotes[doc->n_quotes - 1];
    if (p->attribution == 0 && quote->speaker == NULL)
        quote->speaker = group == BRIEF_GROUP_CROWD ? crowd_speaker(p, l->s, l->n)
                                                    : copy_n(p, l->s, l->n);
    else if (p->attribution == 1 && quote->role == NULL)
        quote->role = copy_n(p, l->s, l->n);
    p->attribution++;
}

static void on_broadcast(text_parser_t *p, const line_t *l)
{
    brief_doc_t *doc = p->doc;
    char **title;

    /* The page shows each title twice; recent titles are compared, which
     * keeps this linear. */
    for (size_t k = doc->n_broadcasts, seen = 0; k > 0 && seen < 8; k--, seen++)
        if (strcmp(doc->broadcasts[k - 1], l->s) == 0)
            return;
    title = ADD_ITEM(p, doc->broadcasts, doc->n_broadcasts, p->cap_broadcasts);
    if (title != NULL) {
        *title = copy_n(p, l->s, l->n);
        if (*title == NULL)
            doc->n_broadcasts--;
    }
}

static void start_section(text_parser_t *p, section_t sec)
{
    p->sec = sec;
    p->cur = NULL;
    p->expect_name = 0;
    p->after_subject = 0;
    p->quote_open = 0;
    p->attribution = 0;
    p->in_quote = 0;
}

static void on_line(text_parser_t *p, const line_t *l)
{
    switch (p->sec) {
    case SEC_OVERVIEW: on_overview(p, l); break;
    case SEC_ANALYSIS: on_analysis(p, l); break;
    case SEC_TIMELINE: on_timeline(p, l); break;
    case SEC_PLAYERS: on_players(p, l); break;
    case SEC_FACTS: on_facts(p, l); break;
    case SEC_SOURCES: on_sources(p, l); break;
    case SEC_ANALYSTS: on_quotes(p, l, BRIEF_GROUP_ANALYST); break;
    case SEC_CROWD: on_quotes(p, l, BRIEF_GROUP_CROWD); break;
    case SEC_BROADCAST: on_broadcast(p, l); break;
    case SEC_HEADER: /* the title repeated, a subtitle: not kept */
    case SEC_NONE: break;
    }
}

/* Drops the items a section opened but never filled (a bullet without a
 * point, a quote mark alone), so every kept item has its required text. */
static void drop_empty(brief_doc_t *doc)
{
    size_t k = 0;

    for (size_t i = 0; i < doc->n_overview; i++)
        if (doc->overview[i] != NULL)
            doc->overview[k++] = doc->overview[i];
    doc->n_overview = k;

    k = 0;
    for (size_t i = 0; i < doc->n_quotes; i++) {
        brief_quote_t *q = &doc->quotes[i];
        if (q->text != NULL && q->text[0] != '\0') {
            doc->quotes[k++] = *q;
        } else {
            free(q->text);
            free(q->speaker);
            free(q->role);
            free(q->date);
        }
    }
    doc->n_quotes = k;
}

/* Walks the lines after the title (and category). */
static void read_body(text_parser_t *p, const line_t *lines, size_t n, size_t i)
{
    brief_doc_t *doc = p->doc;

    for (; i < n && p->rc == BRIEF_OK; i++) {
        const line_t *l = &lines[i];
        section_t sec = heading_of(l->s);

        if (sec != SEC_NONE) {
            start_section(p, sec);
            continue;
        }
        if (is_counter(l->s, l->n) && i + 1 < n && strcasecmp(lines[i + 1].s, "Signals") == 0) {
            if (doc->signals < 0)
                doc->signals = strtoll(l->s, NULL, 10);
            i++;
            continue;
        }
        if (is_layout(l->s, l->n)) {
            if (strcasecmp(l->s, "Subject") == 0)
                p->after_subject = 1;
            continue;
        }
        if (p->after_subject) {
            p->after_subject = 0;
            if (strcmp(l->s, doc->title) == 0)
                continue;
        }
        on_line(p, l);
    }
}

brief_status_t brief_parse_text(const char *buf, size_t len, const char *default_published,
                                brief_doc_t **out, brief_parse_error_t *err)
{
    brief_parse_error_t scratch;
    text_parser_t p;
    char *text = NULL;
    line_t *lines = NULL;
    size_t n = 0, bad, i = 0;
    latest_t latest;

    if (err == NULL)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (out == NULL || (buf == NULL && len > 0))
        return BRIEF_ERR_INVALID;
    *out = NULL;
    if (default_published != NULL && !brief_date_is_full(default_published)) {
        snprintf(err->reason, sizeof err->reason, "default publication date is not an ISO 8601 date");
        return BRIEF_ERR_INVALID;
    }
    if (buf == NULL)
        buf = "";
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }

    bad = first_bad_byte((const unsigned char *)buf, len);
    if (bad < len) {
        int line = 1, column = 1;
        for (size_t k = 0; k < bad; k++) {
            if (buf[k] == '\n' || (buf[k] == '\r' && (k + 1 >= bad || buf[k + 1] != '\n'))) {
                line++;
                column = 1;
            } else if (((unsigned char)buf[k] & 0xC0) != 0x80) {
                column++;
            }
        }
        err->line = line;
        err->column = column;
        if (buf[bad] == '\0')
            snprintf(err->reason, sizeof err->reason, "NUL byte in text");
        else
            snprintf(err->reason, sizeof err->reason, "invalid UTF-8 byte 0x%02x",
                     (unsigned char)buf[bad]);
        return BRIEF_ERR_PARSE;
    }

    memset(&p, 0, sizeof p);
    p.rc = BRIEF_OK;
    text = malloc(len + 1);
    p.doc = brief_doc_new();
    if (text == NULL || p.doc == NULL)
        goto nomem;
    memcpy(text, buf, len);
    text[len] = '\0';
    lines = split_lines(text, len, &n);
    if (lines == NULL)
        goto nomem;

    if (n == 0 || heading_of(lines[0].s) != SEC_NONE || is_layout(lines[0].s, lines[0].n)
        || (is_counter(lines[0].s, lines[0].n) && n > 1
            && strcasecmp(lines[1].s, "Signals") == 0)) {
        err->line = n > 0 ? lines[0].lineno : 1;
        err->column = 1;
        snprintf(err->reason, sizeof err->reason, "no title");
        brief_doc_free(p.doc);
        free(lines);
        free(text);
        return BRIEF_ERR_PARSE;
    }
    p.doc->title = copy_n(&p, lines[0].s, lines[0].n);
    i = 1;
    if (n > 1 && is_category(lines[1].s, lines[1].n) && heading_of(lines[1].s) == SEC_NONE
        && !is_layout(lines[1].s, lines[1].n)) {
        p.doc->category = copy_n(&p, lines[1].s, lines[1].n);
        i = 2;
    }
    if (p.rc == BRIEF_OK)
        read_body(&p, lines, n, i);

    memset(&latest, 0, sizeof latest);
    for (size_t k = 0; k < n; k++)
        scan_dates(lines[k].s, lines[k].n, &latest);
    free(lines);
    free(text);
    lines = NULL;
    text = NULL;
    if (p.rc != BRIEF_OK)
        goto nomem;
    drop_empty(p.doc);

    if (default_published != NULL) {
        p.doc->published = copy_n(&p, default_published, strlen(default_published));
    } else if (latest.found) {
        p.doc->published = copy_n(&p, latest.iso, strlen(latest.iso));
    } else {
        err->line = 0;
        err->column = 0;
        snprintf(err->reason, sizeof err->reason, "no publication date found");
        brief_doc_free(p.doc);
        return BRIEF_ERR_PARSE;
    }
    if (p.rc != BRIEF_OK)
        goto nomem;
    *out = p.doc;
    return BRIEF_OK;

nomem:
    brief_doc_free(p.doc);
    free(lines);
    free(text);
    snprintf(err->reason, sizeof err->reason, "out of memory");
    return BRIEF_ERR_NOMEM;
}
