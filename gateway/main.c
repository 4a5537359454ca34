/* Placeholder entry point; the subcommand table replaces it. */
#include <stdio.h>

int main(void)
{
    puts("remitline");
    return 0;
}
