/*
 * json.h: the small JSON writer of the command line's --json outputs. It writes compact objects
 * ({"key":value,...}: strings, whole numbers, booleans, numbers with fixed decimals) alone, or as
 * an array with one object a line. The order of calls:
 *   1. struct json j; json_init(&j, stdout);
 *   2. per object: json_item(&j) when it is an array's (the first opens the array), then
 *      json_open(&j), its fields (json_str_field and the others), json_close(&j);
 *   3. json_array_end(&j) after an array: closes it ("[]" when it stayed empty) and the line.
 * Keys are the caller's literals and are written as they are; string values are escaped.
 */
#ifndef RL_GATEWAY_JSON_H
#define RL_GATEWAY_JSON_H

#include <stdio.h>

struct json {
    FILE *fp;
    int items;  /* objects begun in the array */
    int fields; /* fields written in the open object */
};

void json_init(struct json *j, FILE *fp);
/* Writes s as a JSON string: quotes, backslashes and control characters escaped. */
void json_string(FILE *fp, const char *s);
void json_item(struct json *j);
void json_open(struct json *j);
void json_close(struct json *j);
void json_array_end(struct json *j);
void json_str_field(struct json *j, const char *key, const char *v);
void json_long_field(struct json *j, const char *key, long long v);
void json_bool_field(struct json *j, const char *key, int v);
/* A number with decimals digits after the point (printf's %.*f). */
void json_double_field(struct json *j, const char *key, int decimals, double v);

#endif
