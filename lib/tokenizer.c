/* tokenizer.c - the "snowball" FTS5 tokenizer (unicode61 + libstemmer) and the analyzer for C callers.
 *
 * Text is split, case-folded and stripped of diacritics by FTS5's own
 * unicode61 tokenizer ("remove_diacritics 2"), found through
 * xFindTokenizer, and each token it produces is stemmed by libstemmer
 * before it reaches FTS5. The analyzer (brief_analyzer_*) runs the very
 * same pipeline through the very same stem_token() so that the query
 * parser, the highlighter and the indexer's word list see exactly the
 * stems the index holds.
 *
 * SQLite 3.40 has only the v1 fts5_tokenizer interface, so a tokenizer
 * cannot report why its constructor failed: an unknown language makes
 * CREATE VIRTUAL TABLE fail with FTS5's "error in tokenizer constructor".
 */
#include "sqlite_api.h"

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "brief_tokenizer.h"
#include "internal.h"

/* BRIEF_STEM_MAX_BYTES (brief_tokenizer.h) is 256: a limit in bytes, not
 * letters, and Tamil, Hindi or Nepali letters take three bytes in UTF-8,
 * Greek, Russian or Armenian two, so 64 would have left long agglutinated
 * Tamil words and 63-letter German compounds unstemmed. 256 bytes is still
 * far below what base64 blobs, URLs without punctuation and hostile input
 * bring, which stemming would only slow down. */

#define BRIEF_DEFAULT_LANG "english"

/* ---------------------------------------------------------------- */
/* Shared pieces                                                      */

/* Stemming is about half of what tokenizing costs at index time, and the
 * words of a text are Zipf-distributed: a few thousand words make up most
 * tokens. So each stemmer keeps a direct-mapped cache of recent words and
 * their stems, and a hit skips the Snowball program. It starts with 512
 * slots of 64 bytes (32 KiB), which hold the working vocabulary of a
 * query or a page of results: each page of a cache is a page fault when
 * first touched (about 12 us on our VMs), and marking a page of results
 * touched most of 4096 slots, 45 more faults per CGI request than 512 for
 * 0.1 M more instructions (100,000 briefings: `rules` 260 faults against
 * 218). After STEM_CACHE_GROW_AFTER misses (only an indexer gets there) it
 * is replaced by one of 65536 slots (4 MiB): with 4096, collisions evicted
 * so many words that stemming was still a quarter of the indexer's reader
 * thread (1,000 briefings: 1.84 G instructions, 1.54 G with 65536). A
 * query process that made the large cache up front took 3 MB more memory
 * and twice the time. Words or stems longer than STEM_CACHE_BYTES bypass
 * the cache. Slots are overwritten on collision, so the cache never
 * changes a stem, only how fast it is found. */
#define STEM_CACHE_SLOTS 512 /* powers of two */
#define STEM_CACHE_SLOTS_LARGE 65536
#define STEM_CACHE_GROW_AFTER 20000
#define STEM_CACHE_BYTES 31

typedef struct StemSlot {
    unsigned char nWord; /* 0: empty */
    unsigned char nStem;
    char aWord[STEM_CACHE_BYTES];
    char aStem[STEM_CACHE_BYTES];
} StemSlot;

typedef struct Stemmer {
    struct sb_stemmer *pSb;
    StemSlot *aSlot; /* nSlot slots, or NULL */
    unsigned nSlot;
    unsigned nMiss;  /* misses so far, while the cache is the small one */
} Stemmer;

/* SQLITE_OK, SQLITE_ERROR for a language libstemmer does not know, or
 * SQLITE_NOMEM. The cache is optional: without memory for it, stemming
 * still works. */
static int stemmer_init(Stemmer *p, const char *zLang)
{
    p->aSlot = NULL;
    p->nSlot = 0;
    p->nMiss = 0;
    p->pSb = sb_stemmer_new(zLang, NULL);
    if (p->pSb == NULL)
        return brief_language_known(zLang) ? SQLITE_NOMEM : SQLITE_ERROR;
    /* calloc, not malloc and memset: glibc does not clear memory it takes
     * fresh from the kernel, so a page of the cache costs only when a slot
     * on it is first used. A query process stems a few words with
     * the FTS5 tokenizer and a few thousand with the analyzer; zeroing both
     * caches up front was 128 page faults, about 1.5 ms of a 25 ms query
     * (a page fault costs about 12 us on our VMs). */
    p->aSlot = calloc(STEM_CACHE_SLOTS, sizeof(StemSlot));
    if (p->aSlot != NULL)
        p->nSlot = STEM_CACHE_SLOTS;
    return SQLITE_OK;
}

static void stemmer_release(Stemmer *p)
{
    sb_stemmer_delete(p->pSb);
    free(p->aSlot);
    p->pSb = NULL;
    p->aSlot = NULL;
    p->nSlot = 0;
}

/* Swaps the small cache for the large one (kept small without memory). */
static void stemmer_grow(Stemmer *p)
{
    StemSlot *aNew = calloc(STEM_CACHE_SLOTS_LARGE, sizeof(StemSlot));

    p->nMiss = 0;
    if (aNew == NULL)
        return;
    free(p->aSlot);
    p->aSlot = aNew;
    p->nSlot = STEM_CACHE_SLOTS_LARGE;
}

static StemSlot *stem_slot(Stemmer *p, const char *word, int n)
{
    unsigned h = 2166136261u; /* FNV-1a */
    int i;

    if (p->aSlot == NULL || n > STEM_CACHE_BYTES)
        return NULL;
    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)word[i]) * 16777619u;
    return &p->aSlot[h & (p->nSlot - 1)];
}

/* Stems one folded token. Returns the text to index and sets *pn, or
 * returns NULL when libstemmer ran out of memory. The result is word
 * itself, a cache slot or the stemmer's buffer, valid until the next call
 * on p. */
static const char *stem_token(Stemmer *p, const char *word, int n, int *pn)
{
    const sb_symbol *stem;
    StemSlot *slot;
    int n_stem;

    *pn = n;
    if (n <= 0 || n > BRIEF_STEM_MAX_BYTES)
        return word;
    slot = stem_slot(p, word, n);
    if (slot != NULL && slot->nWord == n && memcmp(slot->aWord, word, (size_t)n) == 0) {
        *pn = slot->nStem;
        return slot->aStem;
    }
    if (slot != NULL && p->nSlot < STEM_CACHE_SLOTS_LARGE && ++p->nMiss > STEM_CACHE_GROW_AFTER) {
        stemmer_grow(p);
        slot = stem_slot(p, word, n);
    }
    stem = sb_stemmer_stem(p->pSb, (const sb_symbol *)word, n);
    if (stem == NULL)
        return NULL;
    n_stem = sb_stemmer_length(p->pSb);
    /* An empty stem would be an empty term; keep the word instead. */
    if (n_stem <= 0) {
        stem = (const sb_symbol *)word;
        n_stem = n;
    }
    if (slot != NULL && n_stem <= STEM_CACHE_BYTES) {
        slot->nWord = (unsigned char)n;
        slot->nStem = (unsigned char)n_stem;
        memcpy(slot->aWord, word, (size_t)n);
        memcpy(slot->aStem, stem, (size_t)n_stem);
    }
    *pn = n_stem;
    return (const char *)stem;
}

/* Gets the fts5_api of db the way SQLite's documentation prescribes. */
static int fts5_api_from_db(sqlite3 *db, fts5_api **ppApi)
{
    sqlite3_stmt *pStmt = NULL;
    int rc;

    *ppApi = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &pStmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(pStmt, 1, (void *)ppApi, "fts5_api_ptr", NULL);
        sqlite3_step(pStmt);
        rc = sqlite3_finalize(pStmt);
    }
    if (rc == SQLITE_OK && *ppApi == NULL)
        rc = SQLITE_ERROR;
    return rc;
}

/* Creates FTS5's unicode61 tokenizer with the options our index uses. */
static int unicode61_new(fts5_api *pApi, fts5_tokenizer *pMethods, Fts5Tokenizer **ppTok)
{
    static const char *azArg[] = {"remove_diacritics", "2"};
    void *pUserData = NULL;
    int rc;

    *ppTok = NULL;
    rc = pApi->xFindTokenizer(pApi, "unicode61", &pUserData, pMethods);
    if (rc == SQLITE_OK)
        rc = pMethods->xCreate(pUserData, azArg, 2, ppTok);
    return rc;
}

int brief_language_known(const char *lang)
{
    struct sb_stemmer *stemmer;

    if (lang == NULL)
        return 0;
    /* libstemmer accepts its canonical names (sb_stemmer_list) and the two-
     * and three-letter ISO 639 codes it maps onto them ("en", "eng", "deu",
     * "ger"...), in lower case only; asking it is the one exact test. */
    stemmer = sb_stemmer_new(lang, NULL);
    if (stemmer == NULL)
        return 0;
    sb_stemmer_delete(stemmer);
    return 1;
}

const char **brief_languages(void)
{
    return sb_stemmer_list();
}

/* ---------------------------------------------------------------- */
/* The FTS5 tokenizer                                                 */

typedef struct SnowballTokenizer {
    fts5_tokenizer unicode;   /* unicode61's methods */
    Fts5Tokenizer *pUnicode;  /* our unicode61 instance */
    Stemmer stemmer;
} SnowballTokenizer;

static void snowballDelete(Fts5Tokenizer *pTok)
{
    SnowballTokenizer *p = (SnowballTokenizer *)pTok;

    if (p == NULL)
        return;
    if (p->pUnicode != NULL)
        p->unicode.xDelete(p->pUnicode);
    stemmer_release(&p->stemmer);
    sqlite3_free(p);
}

/* pCtx is the fts5_api the tokenizer was registered with. */
static int snowballCreate(void *pCtx, const char **azArg, int nArg, Fts5Tokenizer **ppOut)
{
    fts5_api *pApi = (fts5_api *)pCtx;
    const char *zLang = nArg > 0 ? azArg[0] : BRIEF_DEFAULT_LANG;
    SnowballTokenizer *p;
    int rc = SQLITE_OK;

    *ppOut = NULL;
    if (nArg > 1)
        return SQLITE_ERROR;
    p = sqlite3_malloc(sizeof *p);
    if (p == NULL)
        return SQLITE_NOMEM;
    memset(p, 0, sizeof *p);
    rc = stemmer_init(&p->stemmer, zLang);
    if (rc == SQLITE_OK)
        rc = unicode61_new(pApi, &p->unicode, &p->pUnicode);
    if (rc != SQLITE_OK) {
        snowballDelete((Fts5Tokenizer *)p);
        return rc;
    }
    *ppOut = (Fts5Tokenizer *)p;
    return SQLITE_OK;
}

/* One xTokenize call. With FTS5_TOKENIZE_PREFIX FTS5 treats only the last
 * token of the text as a prefix ("united stat"*), so in that mode each
 * token is held back until the next arrives: all but the last are stemmed,
 * the last is passed on as it is, since a stem is no prefix of the longer
 * words it came from. */
typedef struct SnowballCall {
    SnowballTokenizer *p;
    void *pCtx;
    int (*xToken)(void *, int, const char *, int, int, int);
    int bPrefix;
    char *aPend;  /* held-back token (prefix mode), sqlite3_malloc'd */
    int nPend, nPendAlloc, iPendStart, iPendEnd, tflagsPend, bPend;
    brief_pairs_t *pairs; /* where document tokens' pairs go, or NULL */
    uint32_t hPrev;
    int bPrev;
} SnowballCall;

/* The pair filter that document tokens go to on this thread
 * (brief_tokenizer_collect_pairs), and the stem hash of the token before,
 * in the text being tokenized (bPrev: there is one). */
static _Thread_local brief_pairs_t *tlsPairs;

static void note_pair(SnowballCall *pCall, const char *zStem, int nStem)
{
    uint32_t h = brief_stem_hash(zStem, (size_t)nStem);
    if (pCall->bPrev)
        brief_pairs_add(pCall->pairs, pCall->hPrev, h);
    pCall->hPrev = h;
    pCall->bPrev = 1;
}

static int snowballForward(SnowballCall *pCall, int tflags, const char *pToken, int nToken,
                           int iStart, int iEnd)
{
    int nStem;
    const char *zStem = stem_token(&pCall->p->stemmer, pToken, nToken, &nStem);

    if (zStem == NULL)
        return SQLITE_NOMEM;
    if (pCall->pairs != NULL)
        note_pair(pCall, zStem, nStem);
    return pCall->xToken(pCall->pCtx, tflags, zStem, nStem, iStart, iEnd);
}

static int snowballToken(void *pCtx, int tflags, const char *pToken, int nToken, int iStart,
                         int iEnd)
{
    SnowballCall *pCall = (SnowballCall *)pCtx;
    int rc = SQLITE_OK;

    if (!pCall->bPrefix)
        return snowballForward(pCall, tflags, pToken, nToken, iStart, iEnd);
    if (pCall->bPend)
        rc = snowballForward(pCall, pCall->tflagsPend, pCall->aPend, pCall->nPend,
                             pCall->iPendStart, pCall->iPendEnd);
    if (rc != SQLITE_OK)
        return rc;
    if (nToken > pCall->nPendAlloc) {
        char *aNew = sqlite3_realloc(pCall->aPend, nToken);
        if (aNew == NULL)
            return SQLITE_NOMEM;
        pCall->aPend = aNew;
        pCall->nPendAlloc = nToken;
    }
    if (nToken > 0)
        memcpy(pCall->aPend, pToken, (size_t)nToken);
    pCall->nPend = nToken;
    pCall->iPendStart = iStart;
    pCall->iPendEnd = iEnd;
    pCall->tflagsPend = tflags;
    pCall->bPend = 1;
    return SQLITE_OK;
}

/* Tapes of the texts being indexed on this thread (brief_tokenizer_replay):
 * the indexer's writer thread then spends no time on unicode61 and
 * Snowball, a quarter of a full build's instructions (callgrind, 1,000
 * briefings), which its reader thread did while the writer wrote. */
static _Thread_local const brief_tape_t *tlsTapes;
static _Thread_local int tlsNTapes, tlsNextTape;

void brief_tokenizer_replay(const brief_tape_t *tapes, int n)
{
    tlsTapes = n > 0 ? tapes : NULL;
    tlsNTapes = n > 0 ? n : 0;
    tlsNextTape = 0;
}

/* Passes on the tokens of the tape of pText, if there is one; returns -1
 * when there is none. */
static int snowballReplay(void *pCtx, const char *pText, int nText,
                          int (*xToken)(void *, int, const char *, int, int, int))
{
    int i, j, rc = SQLITE_OK;
    uint32_t prev = 0;

    for (i = tlsNextTape; i < tlsNTapes; i++) {
        const brief_tape_t *t = &tlsTapes[i];
        if (t->n_text != nText || (nText > 0 && memcmp(t->text, pText, (size_t)nText) != 0))
            continue;
        tlsNextTape = i + 1;
        for (j = 0; j < t->n_tokens && rc == SQLITE_OK; j++) {
            const int *k = &t->tokens[BRIEF_TAPE_INTS * j];
            if (tlsPairs != NULL && !t->pairs_noted) {
                uint32_t h = (uint32_t)k[4];
                if (j > 0)
                    brief_pairs_add(tlsPairs, prev, h);
                prev = h;
            }
            rc = xToken(pCtx, 0, t->stems + k[2], k[3], k[0], k[1]);
        }
        return rc;
    }
    return -1;
}

void brief_tokenizer_collect_pairs(brief_pairs_t *pairs)
{
    tlsPairs = pairs;
}

static int snowballTokenize(Fts5Tokenizer *pTok, void *pCtx, int flags, const char *pText,
                            int nText,
                            int (*xToken)(void *, int, const char *, int, int, int))
{
    SnowballTokenizer *p = (SnowballTokenizer *)pTok;
    SnowballCall sCall;
    int rc;

    if (tlsTapes != NULL && flags == FTS5_TOKENIZE_DOCUMENT &&
        (rc = snowballReplay(pCtx, pText, nText, xToken)) >= 0)
        return rc;

    memset(&sCall, 0, sizeof sCall);
    sCall.p = p;
    sCall.pCtx = pCtx;
    sCall.xToken = xToken;
    sCall.bPrefix = (flags & FTS5_TOKENIZE_PREFIX) != 0;
    if (flags == FTS5_TOKENIZE_DOCUMENT)
        sCall.pairs = tlsPairs;
    rc = p->unicode.xTokenize(p->pUnicode, (void *)&sCall, flags, pText, nText, snowballToken);
    if (rc == SQLITE_OK && sCall.bPend)
        rc = xToken(pCtx, sCall.tflagsPend, sCall.aPend, sCall.nPend, sCall.iPendStart,
                    sCall.iPendEnd);
    sqlite3_free(sCall.aPend);
    return rc;
}

brief_status_t brief_tokenizer_register(sqlite3 *db)
{
    static fts5_tokenizer methods = {snowballCreate, snowballDelete, snowballTokenize};
    fts5_api *pApi = NULL;
    int rc = fts5_api_from_db(db, &pApi);

    if (rc == SQLITE_OK)
        rc = pApi->xCreateTokenizer(pApi, BRIEF_TOKENIZER_NAME, (void *)pApi, &methods, NULL);
    return rc == SQLITE_OK ? BRIEF_OK : BRIEF_ERR_SQLITE;
}

/* ---------------------------------------------------------------- */
/* The analyzer                                                       */

struct brief_analyzer {
    fts5_tokenizer unicode;
    Fts5Tokenizer *pUnicode;
    Stemmer stemmer;
    int keeps_first_byte; /* the stemmer never changes a word's first byte */
};

typedef struct AnalyzerCall {
    brief_analyzer_t *an;
    brief_token_fn fn;
    void *ctx;
    int stopped;
    int unstemmed;              /* tokens go to fn without their stems */
    const unsigned char *first; /* NULL, or the first bytes worth stemming */
} AnalyzerCall;

brief_status_t brief_analyzer_new(sqlite3 *db, const char *lang, brief_analyzer_t **out,
                                  char **errmsg)
{
    brief_analyzer_t *an;
    fts5_api *pApi = NULL;
    int rc;

    *out = NULL;
    if (lang == NULL)
        lang = BRIEF_DEFAULT_LANG;
    an = calloc(1, sizeof *an);
    if (an == NULL)
        return BRIEF_ERR_NOMEM;
    /* English Snowball only strips and rewrites endings (its exceptions,
     * such as dying -> die, keep the first letter too). Other languages'
     * stemmers are not relied on for this. */
    an->keeps_first_byte = strcmp(lang, "english") == 0 || strcmp(lang, "porter") == 0;
    rc = stemmer_init(&an->stemmer, lang);
    if (rc != SQLITE_OK) {
        brief_analyzer_free(an);
        if (rc == SQLITE_ERROR) {
            brief_set_error(errmsg, "unknown stemming language '%s'", lang);
            return BRIEF_ERR_INVALID;
        }
        return BRIEF_ERR_NOMEM;
    }
    rc = fts5_api_from_db(db, &pApi);
    if (rc == SQLITE_OK)
        rc = unicode61_new(pApi, &an->unicode, &an->pUnicode);
    if (rc != SQLITE_OK) {
        brief_set_error(errmsg, "cannot make the text analyzer: %s", sqlite3_errstr(rc));
        brief_analyzer_free(an);
        return rc == SQLITE_NOMEM ? BRIEF_ERR_NOMEM : BRIEF_ERR_SQLITE;
    }
    *out = an;
    return BRIEF_OK;
}

void brief_analyzer_free(brief_analyzer_t *an)
{
    if (an == NULL)
        return;
    if (an->pUnicode != NULL)
        an->unicode.xDelete(an->pUnicode);
    stemmer_release(&an->stemmer);
    free(an);
}

static int analyzerToken(void *pCtx, int tflags, const char *pToken, int nToken, int iStart,
                         int iEnd)
{
    AnalyzerCall *pCall = (AnalyzerCall *)pCtx;
    const char *zStem;
    int nStem;

    (void)tflags;
    if (pCall->first != NULL && nToken > 0 && !pCall->first[(unsigned char)pToken[0]])
        return SQLITE_OK;
    if (pCall->unstemmed) {
        zStem = NULL;
        nStem = 0;
    } else if ((zStem = stem_token(&pCall->an->stemmer, pToken, nToken, &nStem)) == NULL) {
        return SQLITE_NOMEM;
    }
    if (pCall->fn(pCall->ctx, pToken, nToken, zStem, nStem, iStart, iEnd) != 0) {
        pCall->stopped = 1;
        return SQLITE_DONE;
    }
    return SQLITE_OK;
}

brief_status_t brief_analyzer_run(brief_analyzer_t *an, const char *text, int n_text,
                                  brief_token_fn fn, void *ctx)
{
    return brief_analyzer_run_some(an, text, n_text, NULL, fn, ctx);
}

static brief_status_t analyze(brief_analyzer_t *an, const char *text, int n_text,
                              const unsigned char *first, int unstemmed, brief_token_fn fn,
                              void *ctx)
{
    AnalyzerCall call;
    int rc;

    if (text == NULL || n_text <= 0)
        return BRIEF_OK;
    call.an = an;
    call.fn = fn;
    call.ctx = ctx;
    call.stopped = 0;
    call.unstemmed = unstemmed;
    call.first = an->keeps_first_byte ? first : NULL;
    rc = an->unicode.xTokenize(an->pUnicode, &call, FTS5_TOKENIZE_DOCUMENT, text, n_text,
                               analyzerToken);
    if (call.stopped)
        return BRIEF_ERR_LIMIT;
    if (rc == SQLITE_OK)
        return BRIEF_OK;
    return rc == SQLITE_NOMEM ? BRIEF_ERR_NOMEM : BRIEF_ERR_SQLITE;
}

brief_status_t brief_analyzer_run_some(brief_analyzer_t *an, const char *text, int n_text,
                                       const unsigned char first[256], brief_token_fn fn,
                                       void *ctx)
{
    return analyze(an, text, n_text, first, 0, fn, ctx);
}

brief_status_t brief_analyzer_run_unstemmed(brief_analyzer_t *an, const char *text, int n_text,
                                            brief_token_fn fn, void *ctx)
{
    return analyze(an, text, n_text, NULL, 1, fn, ctx);
}

const char *brief_analyzer_stem(brief_analyzer_t *an, const char *word, int n_word,
                                int *n_stem)
{
    return stem_token(&an->stemmer, word, n_word, n_stem);
}
