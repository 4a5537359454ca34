/*
 * alertfile.h: alert files, the way operators broadcast without a phone. A file in the alerts
 * directory (libconfig syntax) holds one alert:
 *
 *   alert = {
 *     id = "2026-11-scam-01";              # queued once, ever: dropping it again does nothing
 *     topics = ["PH", "USA-MEX", "SCAMS"]; # countries, corridors, named topics
 *     priority = 5;                        # 0 urgent .. 9; replies to questions always first
 *     valid_from = "2026-11-27 08:00";     # local time; default: now
 *     valid_until = "2026-12-04";          # never sent after this; default: 7 days on
 *     text = { en = "..."; fr = "..."; };  # the default language's text is required
 *   };
 *
 * conf_alert_read() validates one file and reports every problem as file:line. Resolving the
 * topics needs the content (gateway/broadcast.h does that).
 */
#ifndef RL_CONF_ALERTFILE_H
#define RL_CONF_ALERTFILE_H

#include <stdint.h>

#include "conf/errs.h"

#define CONF_ALERT_MAX_TOPICS 8
#define CONF_ALERT_MAX_TEXTS  16

struct conf_alert {
    char id[64];
    char topics[CONF_ALERT_MAX_TOPICS][64];
    long topic_line[CONF_ALERT_MAX_TOPICS];
    int ntopics;
    int priority;
    int64_t valid_from, valid_until; /* Unix time; 0 = not given */
    struct {
        char lang[8];
        char text[1024];
    } texts[CONF_ALERT_MAX_TEXTS];
    int ntexts;
};

/* Reads path into *a. Returns 0, or -1 with every problem in errs. */
int conf_alert_read(const char *path, struct conf_alert *a, struct conf_errs *errs);

/* "2026-11-27", "2026-11-27 08:00", "2026-11-27T08:00" or with seconds, "2026-11-27 08:00:30",
 * in local time: 0 and *out, or -1. */
int conf_parse_time(const char *s, int64_t *out);

/* Whether path is a readable libconfig file with a top-level `alert` (an alert file, not
 * content): what `remitline check FILE` tells apart. 1 or 0. */
int conf_is_alert_file(const char *path);

#endif
