/* heap.c - SQLite's and jansson's heap on one huge page, for the one-query programs (see include/brief_heap.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <jansson.h>
#include <sqlite3.h>

#include "brief_heap.h"

/* Every block starts with a header of HEADER bytes, so that the block
 * handed out keeps malloc's 16-byte alignment. cls is the size class of a
 * block carved from the region (its whole size, header included, is
 * MIN_BLOCK << cls), or FROM_MALLOC with the usable size in `size`. */
#define HEADER 16u
#define MIN_BLOCK 32u
#define FROM_MALLOC (-1)
#define N_CLASSES 14 /* MIN_BLOCK << 13 = 256 KiB = BRIEF_HEAP_MAX_BLOCK */

typedef struct {
    int32_t cls;
    uint32_t unused;
    uint64_t size;
} header_t;

typedef struct free_block {
    struct free_block *next;
} free_block_t;

struct brief_heap {
    char *lo, *next, *hi;               /* the region, and where its unused part begins */
    free_block_t *free_list[N_CLASSES]; /* freed blocks, by class */
};

_Static_assert(sizeof(header_t) == HEADER, "the header keeps blocks 16-aligned");
_Static_assert((MIN_BLOCK << (N_CLASSES - 1)) == BRIEF_HEAP_MAX_BLOCK, "the largest class");

static header_t *header_of(const void *p)
{
    return (header_t *)((char *)(uintptr_t)p - HEADER);
}

/* The class of the block that serves a request of n bytes, or -1 when
 * none does (malloc() serves it). */
static int class_for(size_t n)
{
    int c = 0;
    size_t size = MIN_BLOCK;

    if (n > BRIEF_HEAP_MAX_BLOCK - HEADER)
        return -1;
    while (size < n + HEADER) {
        c++;
        size <<= 1;
    }
    return c;
}

brief_heap_t *brief_heap_init(void *mem, size_t len)
{
    brief_heap_t *h = mem;
    size_t used = (sizeof *h + 15u) & ~(size_t)15u;

    if (mem == NULL || ((uintptr_t)mem & 15u) != 0 || len < used)
        return NULL;
    memset(h, 0, sizeof *h);
    h->lo = (char *)mem + used;
    h->next = h->lo;
    h->hi = (char *)mem + len;
    return h;
}

int brief_heap_owns(const brief_heap_t *h, const void *p)
{
    const char *c = p;
    return c >= h->lo && c < h->next;
}

static void *from_malloc(size_t n)
{
    header_t *b;

    if (n > SIZE_MAX - HEADER || (b = malloc(HEADER + n)) == NULL)
        return NULL;
    b->cls = FROM_MALLOC;
    b->size = n;
    return (char *)b + HEADER;
}

void *brief_heap_alloc(brief_heap_t *h, size_t n)
{
    int c = class_for(n);
    header_t *b;

    if (c < 0)
        return from_malloc(n);
    if (h->free_list[c] != NULL) {
        free_block_t *f = h->free_list[c];
        h->free_list[c] = f->next;
        b = header_of(f);
    } else if ((size_t)(h->hi - h->next) >= (MIN_BLOCK << c)) {
        b = (header_t *)h->next;
        h->next += MIN_BLOCK << c;
    } else {
        return from_malloc(n); /* the region is used up */
    }
    b->cls = c;
    return (char *)b + HEADER;
}

void brief_heap_free(brief_heap_t *h, void *p)
{
    header_t *b;

    if (p == NULL)
        return;
    b = header_of(p);
    if (b->cls == FROM_MALLOC) {
        free(b);
    } else {
        free_block_t *f = p;
        f->next = h->free_list[b->cls];
        h->free_list[b->cls] = f;
    }
}

size_t brief_heap_size(const brief_heap_t *h, const void *p)
{
    const header_t *b = header_of(p);

    (void)h;
    return b->cls == FROM_MALLOC ? (size_t)b->size : (MIN_BLOCK << b->cls) - HEADER;
}

void *brief_heap_realloc(brief_heap_t *h, void *p, size_t n)
{
    size_t have;
    void *q;

    if (p == NULL)
        return brief_heap_alloc(h, n);
    have = brief_heap_size(h, p);
    if (n <= have)
        return p; /* a block keeps its class: it never shrinks */
    if ((q = brief_heap_alloc(h, n)) == NULL)
        return NULL;
    memcpy(q, p, have);
    brief_heap_free(h, p);
    return q;
}

/* ---- the installed heap, as SQLite and jansson see it */

static brief_heap_t *installed;

static void *sq_malloc(int n)
{
    return n > 0 ? brief_heap_alloc(installed, (size_t)n) : NULL;
}

/* SQLite's xFree and jansson's free function alike */
static void heap_free(void *p)
{
    brief_heap_free(installed, p);
}

static void *sq_realloc(void *p, int n)
{
    return n > 0 ? brief_heap_realloc(installed, p, (size_t)n) : NULL;
}

static int sq_size(void *p)
{
    return p != NULL ? (int)brief_heap_size(installed, p) : 0;
}

/* What a request of n bytes gets: SQLite uses the slack (a page cache
 * sizes its slots from it). */
static int sq_roundup(int n)
{
    int c = n > 0 ? class_for((size_t)n) : -1;
    return c < 0 ? (n + 7) & ~7 : (int)((MIN_BLOCK << c) - HEADER);
}

static int sq_init(void *app)
{
    (void)app;
    return SQLITE_OK;
}

static void sq_shutdown(void *app)
{
    (void)app;
}

static void *js_malloc(size_t n)
{
    return brief_heap_alloc(installed, n);
}

/* AddressSanitizer watches malloc's blocks, not ours: its build keeps malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

int brief_heap_install(void)
{
    static const sqlite3_mem_methods methods = {sq_malloc,  heap_free, sq_realloc,  sq_size,
                                                sq_roundup, sq_init,   sq_shutdown, NULL};
    const char *env = getenv("BRIEF_HEAP");
    size_t len = 2 * (size_t)BRIEF_HEAP_REGION, head;
    char *map, *region;
    brief_heap_t *h;

    if (UNDER_ASAN || installed != NULL || (env != NULL && strcmp(env, "system") == 0))
        return -1;
    /* Twice the region, to find an aligned one inside: a huge page can
     * only back an aligned 2 MiB. The rest is given back at once. */
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    region = (char *)(((uintptr_t)map + BRIEF_HEAP_REGION - 1) &
                      ~(uintptr_t)(BRIEF_HEAP_REGION - 1));
    head = (size_t)(region - map);
    if (head > 0)
        munmap(map, head);
    if (len - head > BRIEF_HEAP_REGION)
        munmap(region + BRIEF_HEAP_REGION, len - head - BRIEF_HEAP_REGION);
#ifdef MADV_HUGEPAGE
    /* Before the first touch, which is where the kernel picks the page
     * size. Without it (THP off) the region is plain 4 KiB pages. */
    madvise(region, BRIEF_HEAP_REGION, MADV_HUGEPAGE);
#endif
    h = brief_heap_init(region, BRIEF_HEAP_REGION);
    installed = h;
    if (h == NULL || sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK) {
        installed = NULL;
        munmap(region, BRIEF_HEAP_REGION);
        return -1;
    }
    json_set_alloc_funcs(js_malloc, heap_free);
    return 0;
}

void brief_json_free(void *p)
{
    json_free_t f;

    json_get_alloc_funcs(NULL, &f);
    f(p);
}
