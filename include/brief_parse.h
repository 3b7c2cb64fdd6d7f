/* brief_parse.h - reading briefings from JSON, JSON Lines and text exports. */
#ifndef BRIEF_PARSE_H
#define BRIEF_PARSE_H

#include <stddef.h>
#include "brief_doc.h"

/* Where and why an input was rejected. line and column count from 1; 0 when
 * unknown. reason is lowercase with no full stop ("expected ',' or '}'",
 * "missing required field 'title'", "field 'signals' must be a non-negative
 * integer"). The caller prefixes the path. */
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

/* The format a path's extension names (case-insensitive). */
brief_format_t brief_format_of_path(const char *path);

/* Parses one briefing object from a JSON text of len bytes (need not be
 * NUL-terminated). Validates types per ../shared/briefing.schema.json,
 * ignores unknown fields. id may be absent (doc->id stays NULL).
 * On success *out owns a new document. On failure *out is NULL, err is
 * filled and the status is BRIEF_ERR_PARSE (or BRIEF_ERR_NOMEM). */
brief_status_t brief_parse_json(const char *buf, size_t len, brief_doc_t **out,
                                brief_parse_error_t *err);

/* As brief_parse_json for one line of a JSON Lines file, where id is
 * required. err->line is left 0: the caller knows the line number. */
brief_status_t brief_parse_jsonl_line(const char *line, size_t len, brief_doc_t **out,
                                      brief_parse_error_t *err);

/* Parses the plain-text export of a briefing page (the seed format).
 * published is the latest full date (YYYY-MM-DD or "May 19, 2026") found in
 * the text unless default_published is non-NULL, which then wins. Headings,
 * badges and other layout are not content. id stays NULL. */
brief_status_t brief_parse_text(const char *buf, size_t len, const char *default_published,
                                brief_doc_t **out, brief_parse_error_t *err);

#endif
