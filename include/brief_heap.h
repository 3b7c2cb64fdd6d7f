/* brief_heap.h - a heap on one huge page for the short-lived, one-thread programs.
 *
 * A query process (briefing-query, briefing.cgi) lives for a few
 * milliseconds, and on our VMs most of its cost beyond the query itself is
 * memory: every 4 KiB page a process touches for the first time costs
 * about 13 us to fault in and tear down (tests/bench/touch_pages.c, which
 * make bench runs: a program touching 400 pages ran 5 ms longer than one
 * touching none), and SQLite, jansson
 * and glibc's malloc between them touch 100 to 170 fresh pages per query.
 * The same 400 pages in one transparent huge page (madvise MADV_HUGEPAGE)
 * cost 0.4 ms.
 *
 * brief_heap_install() maps one 2 MiB-aligned region, asks the kernel to
 * back it with a huge page, and hands it to SQLite (SQLITE_CONFIG_MALLOC)
 * and jansson (json_set_alloc_funcs) as their heap: blocks are carved
 * from it in power-of-two size classes, freed blocks are kept on one list
 * per class, and what does not fit (a block over BRIEF_HEAP_MAX_BLOCK, or
 * the region used up) comes from malloc(). Where the kernel gives no huge
 * page the region is ordinary memory and costs what malloc's would; where
 * memory is fragmented, the first touch may wait for the kernel to compact
 * it (THP "defrag" policy), which BRIEF_HEAP=system avoids.
 *
 * Not thread-safe: for programs that run SQLite and jansson in one thread
 * (the indexer's threads keep malloc). Call it before SQLite or jansson
 * allocate anything, and at most once. */
#ifndef BRIEF_HEAP_H
#define BRIEF_HEAP_H

#include <stddef.h>

/* The region: one huge page on x86-64 and arm64. */
#define BRIEF_HEAP_REGION (2u << 20)
/* Larger blocks come from malloc(). */
#define BRIEF_HEAP_MAX_BLOCK (256u << 10)

/* Installs the heap. Returns 0, or -1 when it could not (no memory, SQLite
 * already initialised, an AddressSanitizer build, or BRIEF_HEAP=system in
 * the environment, which valgrind runs use so that memcheck sees every
 * block): the programs then run on malloc as before. */
int brief_heap_install(void);

/* Frees what jansson allocated for the caller (json_dumps()'s text) with
 * jansson's free function, which is not free() once the heap is installed. */
void brief_json_free(void *p);

/* The allocator itself, for the unit tests: the block functions SQLite
 * and jansson are given. brief_heap_init() sets up a heap over memory the
 * caller owns (len bytes, 16-aligned); the test then calls the rest. */
typedef struct brief_heap brief_heap_t;
brief_heap_t *brief_heap_init(void *mem, size_t len);
void *brief_heap_alloc(brief_heap_t *h, size_t n);
void brief_heap_free(brief_heap_t *h, void *p);
void *brief_heap_realloc(brief_heap_t *h, void *p, size_t n);
/* The usable size of block p (at least what was asked). */
size_t brief_heap_size(const brief_heap_t *h, const void *p);
/* Whether p was carved from the region (not from malloc()). */
int brief_heap_owns(const brief_heap_t *h, const void *p);

#endif
