/* search_fixture.h - builds small indexes from folders of JSON briefings for the search unit tests. */
#ifndef BRIEF_SEARCH_FIXTURE_H
#define BRIEF_SEARCH_FIXTURE_H

#include <jansson.h>

#include "brief_index.h"
#include "brief_search.h"

/* Creates (replacing any old file) the index db_path and puts every *.json
 * briefing of dir into it, in name order, with brief_parse_json and
 * brief_index_put; a briefing without an id gets its file name without
 * ".json". Returns BRIEF_OK or the first failure, with *errmsg set. */
brief_status_t brief_fixture_index_dir(const char *db_path, const char *dir, char **errmsg);

/* The folder of this source tree's tests/data/<name>, found from the
 * current directory or the BRIEF_TOP environment variable (static buffer). */
const char *brief_fixture_data_dir(const char *name);

/* brief_search_run(idx, o), which must succeed (a failure fails the test,
 * with its message on stderr); the answer, for json_decref. */
json_t *brief_fixture_search(brief_index_t *idx, const brief_search_opts_t *o);

#endif
