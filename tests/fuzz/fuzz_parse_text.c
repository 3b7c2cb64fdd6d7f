/* fuzz_parse_text.c - libFuzzer target: brief_parse_text, the plain-text export parser.
 * fuzz-requires: brief_parse_text brief_doc_to_json brief_parse_json brief_doc_free
 *
 * Any bytes must give a document or a parse error with a reason; never a
 * crash, a hang or a leak. A document must serialise to canonical JSON
 * that brief_parse_json accepts: the text parser may only produce valid
 * briefings.
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
    char *json = NULL;
    brief_status_t st;

    memset(&err, 0, sizeof err);
    st = brief_parse_text((const char *)data, size, NULL, &doc, &err);
    if (st == BRIEF_OK) {
        if (doc == NULL || doc->title == NULL) {
            fprintf(stderr, "fuzz_parse_text: a document without a title\n");
            abort();
        }
        if (brief_doc_to_json(doc, &json) != BRIEF_OK) {
            fprintf(stderr, "fuzz_parse_text: a parsed document does not serialise\n");
            abort();
        }
        memset(&err, 0, sizeof err);
        if (brief_parse_json(json, strlen(json), &again, &err) != BRIEF_OK) {
            fprintf(stderr, "fuzz_parse_text: its JSON is refused: %d:%d: %s\n%s\n", err.line,
                    err.column, err.reason, json);
            abort();
        }
        free(json);
        brief_doc_free(again);
    } else if (doc != NULL || (st == BRIEF_ERR_PARSE && err.reason[0] == '\0')) {
        fprintf(stderr, "fuzz_parse_text: failure without reason or with a document\n");
        abort();
    }
    brief_doc_free(doc);
    return 0;
}
