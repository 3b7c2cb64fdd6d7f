/* render_text.h - the terminal (plain text) rendering of a search answer. */
#ifndef BRIEF_RENDER_TEXT_H
#define BRIEF_RENDER_TEXT_H

#include <stdio.h>

#include <jansson.h>

typedef struct {
    int color;   /* ANSI bold/colour for titles and matched words */
    int verbose; /* print the query as understood first */
    int explain; /* print each result's score breakdown */
} brief_render_opts_t;

/* Writes answer (the JSON object of brief_search_run) as text for a person:
 * numbered results with their best passages and highlighted snippets, the
 * facets when present, the count and, when nothing matched, the suggestion.
 * Control characters in the index's text are printed as spaces, so a
 * briefing cannot send escape sequences to the terminal. */
void brief_render_text(FILE *out, const json_t *answer, const brief_render_opts_t *ro);

#endif
