/* brief_prep.h - the part of writing a briefing that needs no index, done ahead on another thread. */
#ifndef BRIEF_PREP_H
#define BRIEF_PREP_H

#include "brief_doc.h"
#include "brief_index.h"
#include "brief_pairs.h"
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

/* Counting ahead (lib/index_write.c, "Counting ahead"): the analyser
 * thread adds the word and stem counts of many preps to a batch, and the
 * writer adds the batch to the index's pending counts after it has put
 * (or discarded) them, once per distinct word of the batch instead of
 * once per word of each briefing. */
typedef struct brief_index_batch brief_index_batch_t;

/* Returns BRIEF_OK with *out set (free it with brief_index_batch_free), or
 * BRIEF_ERR_NOMEM (*out NULL). */
brief_status_t brief_index_batch_new(brief_index_batch_t **out);

/* brief_index_batch_free(NULL) is harmless. */
void brief_index_batch_free(brief_index_batch_t *batch);

/* The distinct words and stems batch holds (its memory is about 80 bytes
 * each); 0 for NULL. */
size_t brief_index_batch_size(const brief_index_batch_t *batch);

/* brief_index_prepare(), the briefing's word and stem counts added to
 * batch instead of kept in *out: brief_index_put_prepared() of it then
 * counts nothing, and it must be freed with brief_index_prep_discard().
 * Same statuses; a failure other than BRIEF_ERR_INVALID may leave part
 * of the counts in batch, which brief_index_batch_apply() then refuses
 * (BRIEF_ERR_NOMEM), as does this call with that batch. */
brief_status_t brief_index_prepare_batched(brief_analyzer_t *an, const brief_doc_t *doc,
                                           brief_index_batch_t *batch, brief_index_prep_t **out);

/* Preps made into batch from now on add their pairs of neighbouring stems
 * to pairs (brief_pairs.h; the caller's, used on this thread only until
 * brief_index_take_pairs()) instead of leaving them to the writer: the
 * random writes to a filter of megabytes were a tenth of a build's CPU on
 * the writer thread (perf, 20,000 briefings), which bounds a full build. */
void brief_index_batch_note_pairs(brief_index_batch_t *batch, brief_pairs_t *pairs);

/* Adds the pairs of every prep noted into pairs (brief_index_batch_note_pairs)
 * so far to idx's filter. Until it is called, a prep noted that way and put
 * leaves the index without a filter when it is flushed, rather than with
 * one that lacks its pairs. Call it when no thread adds to pairs any more.
 * Returns BRIEF_OK, BRIEF_ERR_NOMEM or BRIEF_ERR_SQLITE. */
brief_status_t brief_index_take_pairs(brief_index_t *idx, const brief_pairs_t *pairs);

/* Adds batch's counts (NULL: none) to idx's pending counts, written as
 * those of brief_index_put, together with what brief_index_prep_discard
 * took back since the last call. Call it once every prep of batch is put
 * or discarded, before the next batch's. batch stays the caller's.
 * Returns BRIEF_OK, BRIEF_ERR_NOMEM, BRIEF_ERR_SQLITE, BRIEF_ERR_FULL;
 * *errmsg (when non-NULL) says why. */
brief_status_t brief_index_batch_apply(brief_index_t *idx, brief_index_batch_t *batch,
                                       char **errmsg);

/* Frees prep (NULL is harmless). When its counts went into a batch and it
 * was not put (brief_index_put_prepared failed, or was not called), they
 * are taken back when the batch is applied (idx may be NULL only when prep
 * is in no batch); id names the briefing in *errmsg. Returns BRIEF_OK,
 * BRIEF_ERR_NOMEM, or the analyzer's failure; prep is freed either way. */
brief_status_t brief_index_prep_discard(brief_index_t *idx, brief_index_prep_t *prep,
                                        const char *id, char **errmsg);

/* brief_index_put() for a doc that *prep was made from (by an analyzer of
 * idx's language): the same rows, stems and word counts (those of a prep
 * counted into a batch come with the batch), without analysing the texts
 * again. Same arguments and statuses. Inside a
 * transaction the FTS5 entry waits, with the analysis, for
 * brief_index_flush() or a full chunk (lib/index_write.c): the call then
 * takes *prep (sets it to NULL); otherwise the caller keeps it. */
brief_status_t brief_index_put_prepared(brief_index_t *idx, const brief_doc_t *doc,
                                        brief_index_prep_t **prep, const char *source_path,
                                        long source_line, const char *hash, long long *docid,
                                        char **errmsg);

#endif
