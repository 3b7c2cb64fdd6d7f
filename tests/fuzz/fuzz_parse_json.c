/* fuzz_parse_json.c - libFuzzer target: brief_parse_json and the canonical JSON round trip.
 * fuzz-requires: brief_parse_json brief_doc_to_json brief_doc_free
 *
 * Any input must give a document or a parse error with a reason, never a
 * crash or a leak. A document must serialise (brief_doc_to_json), parse
 * back, and serialise to the very same text (brief_doc.h promises that
 * parsing the canonical form gives back an equal document).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief_doc.h"
#include "brief_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    brief_doc_t *doc = NULL, *again = NULL;
    brief_parse_error_t err;
    brief_status_t st;
    char *json = NULL, *json2 = NULL;

    memset(&err, 0, sizeof err);
    st = brief_parse_json((const char *)data, size, &doc, &err);
    if (st != BRIEF_OK) {
        if (doc != NULL || (st == BRIEF_ERR_PARSE && err.reason[0] == '\0')) {
            fprintf(stderr, "fuzz_parse_json: failure without reason or with a document\n");
            abort();
        }
        return 0;
    }
    if (doc == NULL)
        abort();
    st = brief_doc_to_json(doc, &json);
    if (st != BRIEF_OK) {
        fprintf(stderr, "fuzz_parse_json: a parsed document does not serialise (%d)\n", st);
        abort();
    }
    memset(&err, 0, sizeof err);
    st = brief_parse_json(json, strlen(json), &again, &err);
    if (st != BRIEF_OK) {
        fprintf(stderr, "fuzz_parse_json: canonical JSON does not parse: %d:%d: %s\n%s\n",
                err.line, err.column, err.reason, json);
        abort();
    }
    if (brief_doc_to_json(again, &json2) != BRIEF_OK || strcmp(json, json2) != 0) {
        fprintf(stderr, "fuzz_parse_json: round trip changed the document:\n%s\n%s\n", json,
                json2 ? json2 : "(null)");
        abort();
    }
    free(json);
    free(json2);
    brief_doc_free(doc);
    brief_doc_free(again);
    return 0;
}
