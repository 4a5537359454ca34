/*
 * html.h: the one HTML escaper of the program, for the operator's console (gateway/console.c) and
 * the charts it draws (util/chart.c). Every string that did not come from this program's own
 * source code goes into a page through html_esc(): message texts, numbers, modem and source
 * names, alert texts, query parameters, whatever a file or a sender put there.
 *
 * The output is safe in element content and in a double- or single-quoted attribute value:
 * & < > " ' are written as character references; C0 controls (but tab, line feed and carriage
 * return), DEL and C1 controls are dropped; bytes that are not UTF-8 become U+FFFD, so the page
 * stays valid UTF-8 whatever the database holds. Nothing allocates.
 */
#ifndef RL_UTIL_HTML_H
#define RL_UTIL_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Writes s (NULL writes nothing) escaped to fp. */
void html_esc(FILE *fp, const char *s);
/* The same for at most n bytes of s (stopping early at a NUL). */
void html_escn(FILE *fp, const char *s, size_t n);

#endif
