/* hash.c - a fast 64-bit content hash (the xxHash64 construction) for change detection.
 *
 * The indexer hashes every file whose size or mtime changed, to tell a real
 * edit from a touch. FNV-1a works a byte at a time; this mixes 32-byte
 * stripes in four independent lanes: 0.8-1.0 GB/s against FNV-1a's 0.23 GB/s,
 * measured side by side on a busy machine. Its output is the xxHash64
 * value with seed 0 (so it can be checked against other tools).
 * It is not cryptographic: it detects edits, it does not resist forgery. */
#include <string.h>

#include "brief_indexer.h"

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* Little-endian loads, whatever the host's byte order. */
static uint64_t load64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static uint32_t load32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t lane_round(uint64_t acc, uint64_t input)
{
    acc += input * P2;
    acc = rotl(acc, 31);
    return acc * P1;
}

static uint64_t merge_round(uint64_t h, uint64_t acc)
{
    h ^= lane_round(0, acc);
    return h * P1 + P4;
}

static void stripe(uint64_t acc[4], const unsigned char *p)
{
    acc[0] = lane_round(acc[0], load64(p));
    acc[1] = lane_round(acc[1], load64(p + 8));
    acc[2] = lane_round(acc[2], load64(p + 16));
    acc[3] = lane_round(acc[3], load64(p + 24));
}

void brief_hash_init(brief_hash_t *h)
{
    memset(h, 0, sizeof *h);
    h->acc[0] = P1 + P2;
    h->acc[1] = P2;
    h->acc[2] = 0;
    h->acc[3] = 0 - P1;
}

void brief_hash_update(brief_hash_t *h, const void *data, size_t len)
{
    const unsigned char *p = data;

    h->total += len;
    if (h->buffered > 0) {
        size_t take = 32 - h->buffered;
        if (take > len)
            take = len;
        memcpy(h->buf + h->buffered, p, take);
        h->buffered += take;
        p += take;
        len -= take;
        if (h->buffered < 32)
            return;
        stripe(h->acc, h->buf);
        h->buffered = 0;
    }
    while (len >= 32) {
        stripe(h->acc, p);
        p += 32;
        len -= 32;
    }
    if (len > 0) {
        memcpy(h->buf, p, len);
        h->buffered = len;
    }
}

uint64_t brief_hash_final(const brief_hash_t *h)
{
    const unsigned char *p = h->buf;
    size_t left = h->buffered;
    uint64_t r;

    if (h->total >= 32) {
        r = rotl(h->acc[0], 1) + rotl(h->acc[1], 7) + rotl(h->acc[2], 12) + rotl(h->acc[3], 18);
        r = merge_round(r, h->acc[0]);
        r = merge_round(r, h->acc[1]);
        r = merge_round(r, h->acc[2]);
        r = merge_round(r, h->acc[3]);
    } else {
        r = P5;
    }
    r += h->total;
    while (left >= 8) {
        r ^= lane_round(0, load64(p));
        r = rotl(r, 27) * P1 + P4;
        p += 8;
        left -= 8;
    }
    if (left >= 4) {
        r ^= (uint64_t)load32(p) * P1;
        r = rotl(r, 23) * P2 + P3;
        p += 4;
        left -= 4;
    }
    while (left > 0) {
        r ^= (uint64_t)*p * P5;
        r = rotl(r, 11) * P1;
        p++;
        left--;
    }
    r ^= r >> 33;
    r *= P2;
    r ^= r >> 29;
    r *= P3;
    r ^= r >> 32;
    return r;
}

uint64_t brief_hash64(const void *data, size_t len)
{
    brief_hash_t h;

    brief_hash_init(&h);
    brief_hash_update(&h, data, len);
    return brief_hash_final(&h);
}

void brief_hash_hex(uint64_t hash, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    int i;

    for (i = 15; i >= 0; i--) {
        out[i] = digits[hash & 15];
        hash >>= 4;
    }
    out[16] = '\0';
}
