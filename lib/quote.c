/* quote.c - a name or id from a corpus quoted for a message, unambiguous and safe for a terminal.
 *
 * File names are bytes and ids are text from the corpus: either may hold a
 * newline (which would split one message into two), a quote (which would
 * end the quoted part early), escape sequences (which a terminal obeys) or
 * bytes that are not UTF-8. brief_quote() writes them C-style between
 * single quotes: \\ \' \n \t \r, \xHH for every other control byte (C0,
 * DEL), for the C1 controls U+0080..U+009F (as their two UTF-8 bytes) and
 * for each byte that is not part of valid UTF-8. Everything else, including
 * any printable non-ASCII character, is kept as it is, so ordinary names
 * read as they are: 'corpus/café.json'.
 */
#include <stdlib.h>
#include <string.h>

#include "brief_status.h"
#include "internal.h"

char *brief_quote(const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), i = 0, o = 0;
    char *out = malloc(4 * n + 3); /* every byte at most \xHH, and the quotes */

    if (out == NULL)
        return NULL;
    out[o++] = '\'';
    while (i < n) {
        size_t k = brief_utf8_seq(p + i, n - i);
        unsigned char c = p[i];
        const char *esc = NULL;

        switch (c) {
        case '\\': esc = "\\\\"; break;
        case '\'': esc = "\\'"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        default: break;
        }
        if (esc != NULL) {
            out[o++] = esc[0];
            out[o++] = esc[1];
            i++;
        } else if (k == 0 || c < 0x20 || c == 0x7f || (k == 2 && c == 0xc2 && p[i + 1] < 0xa0)) {
            /* a control byte, a C1 control (both its bytes), or not UTF-8 */
            size_t m = k == 2 ? 2 : 1, j;
            for (j = 0; j < m; j++) {
                out[o++] = '\\';
                out[o++] = 'x';
                out[o++] = hex[p[i + j] >> 4];
                out[o++] = hex[p[i + j] & 15];
            }
            i += m;
        } else {
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
    return out;
}
