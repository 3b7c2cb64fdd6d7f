/* touch_pages.c - touches N fresh 4 KiB pages and exits: what a page costs a short-lived process, for make bench.
 *
 *   touch_pages N          N pages of an ordinary anonymous mapping
 *   touch_pages N huge     N pages (N <= 512) inside one 2 MiB region
 *                          advised MADV_HUGEPAGE, as lib/heap.c does
 *
 * bench.pl times it with N = 0 and N = 400 and prints the difference per
 * page beside the process floor: the reason the query programs keep their
 * heap on one huge page (include/brief_heap.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096u
#define HUGE (2u << 20)

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 0;
    int huge = argc > 2 && strcmp(argv[2], "huge") == 0;
    size_t len = huge ? 2 * (size_t)HUGE : n * PAGE + PAGE;
    char *map, *p;
    volatile char *v;

    if (huge && n > HUGE / PAGE)
        return 2;
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return 1;
    p = map;
    if (huge) {
        p = (char *)(((uintptr_t)map + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
#ifdef MADV_HUGEPAGE
        madvise(p, HUGE, MADV_HUGEPAGE);
#endif
    }
    v = p;
    for (size_t i = 0; i < n; i++)
        v[i * PAGE] = 1;
    return 0;
}
