/*
 * html.c: the HTML escaper (see html.h).
 */
#include "util/html.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

void html_escn(FILE *fp, const char *s, size_t n)
{
    const char *end;

    if (s == NULL)
        return;
    end = s + strnlen(s, n);
    while (s < end) {
        uint32_t cp = 0;
        int len = utf8_decode(s, &cp);

        if (len < 0 || s + len > end) {
            /* Ill-formed, or cut short by n: one U+FFFD for the maximal invalid subpart. */
            fputs("\xEF\xBF\xBD", fp);
            s = len < 0 ? s - len : end;
            continue;
        }
        switch (cp) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f ||
                (cp >= 0x80 && cp < 0xa0))
                break; /* a control character has no business on a page */
            fwrite(s, 1, (size_t)len, fp);
        }
        s += len;
    }
}

void html_esc(FILE *fp, const char *s)
{
    html_escn(fp, s, (size_t)-1);
}
