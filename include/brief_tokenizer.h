/* brief_tokenizer.h - the Snowball FTS5 tokenizer and the same analysis for C callers. */
#ifndef BRIEF_TOKENIZER_H
#define BRIEF_TOKENIZER_H

#include <sqlite3.h>
#include "brief_pairs.h"
#include "brief_status.h"

/* Name under which the tokenizer is registered with FTS5. Use it as
 *   tokenize='snowball english'
 * Arguments: a libstemmer language name or code ("english", "en", "german",
 * ...); default english. Text is split and case-folded by FTS5's own
 * unicode61 tokenizer with remove_diacritics 2, then each token is stemmed.
 * Tokens over BRIEF_STEM_MAX_BYTES are kept unstemmed. In a prefix query
 * ("regul*", "united stat"*) the last token, the prefix, is not stemmed.
 * An unknown language or a second argument makes CREATE VIRTUAL TABLE fail
 * with FTS5's "error in tokenizer constructor" (v1 tokenizers cannot say
 * more). */
#define BRIEF_TOKENIZER_NAME "snowball"

/* Registers the "snowball" tokenizer on db (through SELECT fts5(?1)).
 * Returns BRIEF_OK, or BRIEF_ERR_SQLITE when FTS5 is missing. */
brief_status_t brief_tokenizer_register(sqlite3 *db);

/* Longest token, in bytes, that is stemmed; longer ones are indexed as
 * they are (no word comes near it; base64 and hostile input do). */
#define BRIEF_STEM_MAX_BYTES 256

/* Non-zero when libstemmer knows the language: a name of brief_languages()
 * or a two- or three-letter ISO 639 code libstemmer maps onto one ("en",
 * "eng", "de", "deu", "ger", "ru"...). Lower case only; NULL is unknown. */
int brief_language_known(const char *lang);

/* The NULL-terminated list of libstemmer's language names (static). */
const char **brief_languages(void);

/* The same analysis the index uses, for C callers (query parser,
 * highlighter, word list). Made on a db where brief_tokenizer_register()
 * has run. Not thread-safe; one per thread. */
typedef struct brief_analyzer brief_analyzer_t;

/* *out = a new analyzer for lang, or NULL with *errmsg (caller frees) set.
 * Returns BRIEF_OK, BRIEF_ERR_INVALID (unknown language), BRIEF_ERR_NOMEM
 * or BRIEF_ERR_SQLITE. errmsg may be NULL. */
brief_status_t brief_analyzer_new(sqlite3 *db, const char *lang, brief_analyzer_t **out,
                                  char **errmsg);
void brief_analyzer_free(brief_analyzer_t *an);

/* Called once per token: word is the case-folded, diacritic-free token as
 * unicode61 produced it, stem its Snowball stem; both are borrowed for the
 * call only. start/end are byte offsets of the token in the input.
 * Return 0 to go on, non-zero to stop (brief_analyzer_run then returns
 * BRIEF_ERR_LIMIT). */
typedef int (*brief_token_fn)(void *ctx, const char *word, int n_word, const char *stem,
                              int n_stem, int start, int end);

brief_status_t brief_analyzer_run(brief_analyzer_t *an, const char *text, int n_text,
                                  brief_token_fn fn, void *ctx);

/* As brief_analyzer_run, for a caller that only wants the tokens whose
 * stem could be one of a few (highlighting): first[b] is non-zero for the
 * first bytes of those stems. Where the language's stemmer keeps a word's
 * first byte (English), other tokens are skipped unstemmed, which spares
 * most of the stemming; elsewhere every token is passed on. first may be
 * NULL (every token). */
brief_status_t brief_analyzer_run_some(brief_analyzer_t *an, const char *text, int n_text,
                                       const unsigned char first[256], brief_token_fn fn,
                                       void *ctx);

/* As brief_analyzer_run, but fn gets each token without its stem (stem
 * NULL, n_stem 0) and stems with brief_analyzer_stem() what it needs: a
 * caller that keeps each distinct word of a text with its stem looks a
 * repeated word up once instead of stemming it again. */
brief_status_t brief_analyzer_run_unstemmed(brief_analyzer_t *an, const char *text, int n_text,
                                            brief_token_fn fn, void *ctx);

/* Stems one already-folded word exactly as the index does; returns a
 * pointer valid until the next call on an (libstemmer reuses its buffer),
 * or word itself when it is not stemmed (empty, or longer than
 * BRIEF_STEM_MAX_BYTES), and sets *n_stem. NULL when out of memory. */
const char *brief_analyzer_stem(brief_analyzer_t *an, const char *word, int n_word,
                                int *n_stem);

/* Tokens analysed ahead (lib/index_write.c, on the indexer's reader
 * thread) for one text: what the FTS5 tokenizer would pass on for it.
 * tokens holds BRIEF_TAPE_INTS ints per token: start, end, where its stem
 * lies in stems (offset, length), and the stem's brief_stem_hash() (as an
 * int), so that the writer notes the token's pair without hashing. */
#define BRIEF_TAPE_INTS 5
typedef struct {
    const char *text;
    int n_text;
    const int *tokens;
    int n_tokens;
    const char *stems;
    int pairs_noted; /* its pairs are in a filter already (brief_prep.h): replaying
                      * it adds none to brief_tokenizer_collect_pairs()'s */
} brief_tape_t;

/* Until the next call, on the calling thread only, an FTS5 tokenizer call
 * that indexes a document (FTS5_TOKENIZE_DOCUMENT) whose text equals, byte
 * for byte, one of tapes[0..n) (looked for from the one after the last
 * used) passes on that tape's tokens instead of analysing the text again.
 * (NULL, 0) ends it. The tapes are borrowed until then. */
void brief_tokenizer_replay(const brief_tape_t *tapes, int n);

/* Until the next call, on the calling thread only, each token an FTS5
 * tokenizer call indexing a document (FTS5_TOKENIZE_DOCUMENT) passes on,
 * replayed or not, is added to pairs with the token before it in the same
 * text (brief_pairs.h): the writer's filter sees every token FTS5 indexes.
 * NULL ends it. */
void brief_tokenizer_collect_pairs(brief_pairs_t *pairs);

#endif
