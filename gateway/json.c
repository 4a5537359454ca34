/* json.c: the command line's JSON writer (see json.h). */
#include "gateway/json.h"

void json_init(struct json *j, FILE *fp)
{
    j->fp = fp;
    j->items = 0;
    j->fields = 0;
}

void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(fp, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", fp);
        else if (ch < 0x20)
            fprintf(fp, "\\u%04x", ch);
        else
            fputc(ch, fp);
    }
    fputc('"', fp);
}

void json_item(struct json *j)
{
    fputs(j->items++ ? ",\n " : "[", j->fp);
}

void json_open(struct json *j)
{
    fputc('{', j->fp);
    j->fields = 0;
}

void json_close(struct json *j)
{
    fputc('}', j->fp);
}

void json_array_end(struct json *j)
{
    fputs(j->items ? "\n]\n" : "[]\n", j->fp);
}

/* The separator and the key of the next field. */
static void key(struct json *j, const char *k)
{
    fprintf(j->fp, "%s\"%s\":", j->fields++ ? "," : "", k);
}

void json_str_field(struct json *j, const char *k, const char *v)
{
    key(j, k);
    json_string(j->fp, v);
}

void json_long_field(struct json *j, const char *k, long long v)
{
    key(j, k);
    fprintf(j->fp, "%lld", v);
}

void json_bool_field(struct json *j, const char *k, int v)
{
    key(j, k);
    fputs(v ? "true" : "false", j->fp);
}

void json_double_field(struct json *j, const char *k, int decimals, double v)
{
    key(j, k);
    fprintf(j->fp, "%.*f", decimals, v);
}
