/* brief_parse.h - reading briefings from JSON, JSON Lines and text exports. */
#ifndef BRIEF_PARSE_H
#define BRIEF_PARSE_H

#include <stddef.h>
#include "brief_doc.h"

/* Where and why an input was rejected. line and column count from 1; 0 when
 * unknown. Columns count characters, not bytes. reason is lowercase with no
 * full stop ("expected ',' or '}'", "missing required field 'title'",
 * "field 'signals' must be a non-negative integer"), printable UTF-8 (bytes
 * of the input quoted by jansson that are not are shown as '?'). The caller
 * prefixes the path. Every parser accepts err == NULL. */
typedef struct {
    int line;
    int column;
    char reason[512];
} brief_parse_error_t;

typedef enum {
    BRIEF_FORMAT_UNKNOWN = 0,
    BRIEF_FORMAT_JSON,  /* .json: one briefing */
    BRIEF_FORMAT_JSONL, /* .jsonl: one briefing per line */
    BRIEF_FORMAT_TEXT   /* .txt: the plain-text export of a briefing page */
} brief_format_t;

/* The format a path's extension names (case-insensitive): .json, .jsonl,
 * .txt; anything else (no extension, a bare ".json", "x.json.bak") is
 * BRIEF_FORMAT_UNKNOWN. Only the last path component counts. */
brief_format_t brief_format_of_path(const char *path);

/* Parses one briefing object from a JSON text of len bytes (need not be
 * NUL-terminated). Validates types per ../shared/briefing.schema.json,
 * ignores unknown fields. id may be absent (doc->id stays NULL).
 * On success *out owns a new document. On failure *out is NULL, err is
 * filled and the status is BRIEF_ERR_PARSE (or BRIEF_ERR_NOMEM, or
 * BRIEF_ERR_INVALID for out == NULL or buf == NULL with len > 0).
 *
 * A leading UTF-8 byte order mark is skipped. Rejected, with reasons:
 *  - empty or all-whitespace input: "empty input" at 1:1;
 *  - bad syntax, invalid UTF-8, \u0000, duplicate keys, nesting deeper than
 *    jansson's limit (2048): jansson's message, line and column;
 *  - a top-level value other than an object: "expected a JSON object";
 *  - schema violations, located at the offending key (or, for a missing
 *    field, at the object lacking it): "missing required field 'title'",
 *    "field 'title' must not be empty", "field 'published' is not an ISO
 *    8601 date" (the schema's pattern and a real calendar date),
 *    "field 'quotes[2].text' must be a string", "field 'analysis[0]' must be
 *    an object", "field 'overview' must be an array", "field 'signals' must
 *    be a non-negative integer" (31.0 counts as an integer), "field 'lang'
 *    must be a two-letter lowercase language code", "field 'id' must be 1 to
 *    200 characters long", "field 'quotes[0].group' must be 'analyst' or
 *    'crowd'". null is not a valid value of any field.
 * Only updated is taken as it is (any string): brief_doc_day() ignores an
 * updated that is not a date. A broadcast without a title is dropped. */
brief_status_t brief_parse_json(const char *buf, size_t len, brief_doc_t **out,
                                brief_parse_error_t *err);

/* As brief_parse_json for one line of a JSON Lines file (without its line
 * end; a trailing CR is whitespace), where id is required ("missing
 * required field 'id'"; an empty line is "empty line"). err->line is left
 * 0: the caller knows the line number; err->column is set. */
brief_status_t brief_parse_jsonl_line(const char *line, size_t len, brief_doc_t **out,
                                      brief_parse_error_t *err);

/* Parses the plain-text export of a briefing page (the seed format; the
 * rules are in the essay at the top of lib/parse_text.c). published is the
 * latest full date (YYYY-MM-DD, also inside a date-time, or written out:
 * "May 19, 2026", "19 May 2026", "Sept. 3, 2025") found anywhere in the text,
 * stored as YYYY-MM-DD, unless default_published is non-NULL, which then
 * wins and is copied as it is. Headings, badges and other layout are not
 * content. id stays NULL; updated, lang, urls and outlets stay NULL.
 * Crowd speakers are normalised from the page's "@" + handle + like count
 * ("@@karpathy0" gives "@karpathy", "@u/someone5500" gives "u/someone").
 * LF, CRLF and lone CR line ends and a leading byte order mark are accepted.
 * Returns BRIEF_OK; BRIEF_ERR_PARSE with err filled for input that is not
 * valid UTF-8 or holds a NUL byte ("invalid UTF-8 byte 0xe9", "NUL byte in
 * text", at its line and column), whose first non-blank line is missing or
 * is a heading or badge ("no title"), or that has no full date when
 * default_published is NULL ("no publication date found", at 0:0);
 * BRIEF_ERR_INVALID when default_published is not a date as the schema
 * wants for published, or for out == NULL; BRIEF_ERR_NOMEM. */
brief_status_t brief_parse_text(const char *buf, size_t len, const char *default_published,
                                brief_doc_t **out, brief_parse_error_t *err);

#endif
