/* brief_prep.h - the part of writing a briefing that needs no index, done ahead on another thread. */
#ifndef BRIEF_PREP_H
#define BRIEF_PREP_H

#include "brief_doc.h"
#include "brief_index.h"
#include "brief_status.h"
#include "brief_tokenizer.h"

/* A briefing's column texts analysed (the stems FTS5 will index, as tapes
 * for brief_tokenizer_replay) and its surface words counted for `words`:
 * the CPU-heavy half of brief_index_put() that reads no index, so a reader
 * thread can do it while the writer thread writes the previous briefings
 * (lib/feed.c). Implemented in lib/index_write.c. */
typedef struct brief_index_prep brief_index_prep_t;

/* Analyses doc with an (made for the index's language; one per thread).
 * Returns BRIEF_OK with *out set (the caller frees it with
 * brief_index_prep_free), BRIEF_ERR_NOMEM, or the analyzer's failure
 * (*out NULL then). */
brief_status_t brief_index_prepare(brief_analyzer_t *an, const brief_doc_t *doc,
                                   brief_index_prep_t **out);

/* The bytes prep holds (its texts and stems), to bound the memory of
 * briefings analysed ahead; 0 for NULL. */
size_t brief_index_prep_bytes(const brief_index_prep_t *prep);

/* brief_index_prep_free(NULL) is harmless. */
void brief_index_prep_free(brief_index_prep_t *prep);

/* brief_index_put() for a doc that *prep was made from (by an analyzer of
 * idx's language): the same rows, stems and word counts, without
 * analysing the texts again. Same arguments and statuses. Inside a
 * transaction the FTS5 entry waits, with the analysis, for
 * brief_index_flush() or a full chunk (lib/index_write.c): the call then
 * takes *prep (sets it to NULL); otherwise the caller keeps it. */
brief_status_t brief_index_put_prepared(brief_index_t *idx, const brief_doc_t *doc,
                                        brief_index_prep_t **prep, const char *source_path,
                                        long source_line, const char *hash, long long *docid,
                                        char **errmsg);

#endif
