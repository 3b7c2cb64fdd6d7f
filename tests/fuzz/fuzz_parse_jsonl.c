/* fuzz_parse_jsonl.c - libFuzzer target: brief_parse_jsonl_line.
 * fuzz-requires: brief_parse_jsonl_line brief_doc_free
 *
 * One line of a JSON Lines file: a document (which must have an id) or a
 * parse error with a reason and line 0; never a crash or a leak.
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
    brief_doc_t *doc = NULL;
    brief_parse_error_t err;
    brief_status_t st;

    memset(&err, 0, sizeof err);
    st = brief_parse_jsonl_line((const char *)data, size, &doc, &err);
    if (st == BRIEF_OK) {
        if (doc == NULL || doc->id == NULL) {
            fprintf(stderr, "fuzz_parse_jsonl: a line parsed without an id\n");
            abort();
        }
    } else if (doc != NULL || (st == BRIEF_ERR_PARSE && err.reason[0] == '\0')) {
        fprintf(stderr, "fuzz_parse_jsonl: failure without reason or with a document\n");
        abort();
    }
    brief_doc_free(doc);
    return 0;
}
