/* check-conf: parse libconfig files and report syntax errors.
 * Build: cc -o check-conf scripts/check-conf.c -lconfig
 * Usage: ./check-conf conf/content/countries.conf conf/content/guides.conf */
#include <stdio.h>
#include <libconfig.h>

int main(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		config_t cfg;

		config_init(&cfg);
		if (config_read_file(&cfg, argv[i]) != CONFIG_TRUE) {
			fprintf(stderr, "%s:%d: %s\n", argv[i],
				config_error_line(&cfg), config_error_text(&cfg));
			rc = 1;
		} else {
			printf("%s: ok\n", argv[i]);
		}
		config_destroy(&cfg);
	}
	return rc;
}
