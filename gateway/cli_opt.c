/* cli_opt.c: a subcommand's option table turned into getopt_long's arrays (cli.h). */
#include "gateway/cli.h"

#include <assert.h>
#include <stddef.h>

int cli_getopt(int argc, char **argv, const struct cli_opt *t, struct cli_parser *p)
{
    size_t n = 0, k = 0;

    if (!p->ready) {
        for (; t[n].name != NULL; n++) {
            assert(n < CLI_MAX_OPTS);
            p->o[n].name = t[n].name;
            p->o[n].has_arg = t[n].arg ? required_argument : no_argument;
            p->o[n].flag = NULL;
            p->o[n].val = t[n].val;
            if (t[n].is_short) {
                p->shorts[k++] = (char)t[n].val;
                if (t[n].arg)
                    p->shorts[k++] = ':';
            }
        }
        p->o[n].name = NULL;
        p->shorts[k] = '\0';
        p->ready = 1;
    }
    return getopt_long(argc, argv, p->shorts, p->o, NULL);
}
