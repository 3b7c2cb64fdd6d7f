/* utf8.c - reading encoded characters: the one UTF-8 validator of the library (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF) and hex digits. */
#include "internal.h"

size_t brief_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;

    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0)
            lo = 0xA0; /* below: overlong */
        else if (s[0] == 0xED)
            hi = 0x9F; /* above: surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0)
            lo = 0x90; /* below: overlong */
        else if (s[0] == 0xF4)
            hi = 0x8F; /* above: beyond U+10FFFF */
    } else {
        return 0; /* a continuation byte, C0, C1 or F5-FF */
    }
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

int brief_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
