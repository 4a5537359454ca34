/*
 * phonefile.h: the phone's side of Gammu's dummy driver, for `remitline phone`, end-to-end tests
 * and benchmarks.
 *
 * With `model = dummy`, `connection = none`, `device = DIR`, libGammu keeps the phone as files:
 * DIR/sms/1 is the SIM inbox, one SMS part per file named by its location 1..9999, each in
 * Gammu's SMS-backup INI format. gw_phonefile_deliver() plays the network: it types one incoming
 * SMS (all its concatenated parts) into that inbox so the gateway, polling with GetNextSMS, finds
 * it as it would on a real modem. gw_phonefile_read() reads one such file back, independently of
 * libGammu, for tests and for diagnosing a file the gateway could not use. There is no handle and
 * no state: call either at any time, from any thread (two writers on one DIR are safe too: a
 * location is claimed with link(), which never overwrites).
 *
 * What the dummy driver needs on disk: only DIR, existing and writable. GSM_InitConnection
 * creates sms/1..5, pbk/{ME,SM,MC,RC,DC}, fs/incoming, note, todo, calendar and alarm under it
 * and truncates DIR/operations.log; it fails (ERR_DEVICENOPERMISSION) if it cannot. So a gateway
 * may start on an empty DIR, and deliver() may run before or after it; deliver() itself creates
 * only sms/ and sms/1/.
 *
 * The file written for each part (lines end "\n"; names are case-insensitive to Gammu):
 *   [SMSBackup000]
 *   Number = "+639171234567"     required; quoted, Gammu drops the first and last character
 *   PDU = Deliver                without it Gammu reads the message as Submit (outgoing)
 *   State = UnRead
 *   DateTime = 20260413T101500Z  the SMSC time, UTC; Gammu reports it as-is, Timezone 0
 *   Coding = Default             or Unicode; required (anything else reads as 8-bit)
 *   UDH = 050003A50301           only for parts: 8-bit reference A5, 3 parts, this is part 1
 *   Text00 = 00480069...         UTF-16BE as hex, 200 hex digits a line, Text01, Text02...
 * For both codings the text is stored as UTF-16: "Default" only says how the network sent it.
 * A reference above 255 gets the 16-bit concatenation element (UDH = 060804RRRRTTPP).
 *
 * Gammu facts the gateway is built on are in docs/gammu-dummy.md.
 */
#ifndef RL_GW_PHONEFILE_H
#define RL_GW_PHONEFILE_H

#include <time.h>

#include "db/queue.h"

#define GW_PHONEFILE_MAX_PARTS 16   /* longest message deliver() types: 16 x 153 septets */
#define GW_PHONEFILE_MAX_LOC   9999 /* the dummy driver reads locations 1..9999 of a folder */

/*
 * Writes one incoming SMS from sender (as given, "+639171234567"; printable ASCII without '"'
 * or '\\', under 32 bytes) with UTF-8 text into dir/sms/1/, creating sms/ and sms/1/ if missing
 * (dir must exist). Text is sent as GSM-7 ("Coding = Default") when every character is in GSM-7,
 * else as UCS-2 ("Unicode"), split as util/gsm.h splits it; text needing more than one SMS
 * becomes one file per part, each with a concatenation UDH carrying ref (0..65535), the part
 * count and the part number. "" is one empty SMS. when is the SMSC timestamp.
 *
 * Each part goes to the lowest free location, searching upward from 1 and then from the location
 * of the part written before, so parts never overwrite a file and keep their writing order (with
 * 1 and 2 taken, a 3-part message lands in 3, 4, 5; with 1 and 3 taken, in 2, 4, 5; location
 * 10000 is never used, see docs/gammu-dummy.md). Each file is written under a hidden
 * temporary name (".phonefile-*", which the driver never opens) and link()ed into place, so a
 * reader sees a whole file or none.
 *
 * order is NULL for parts written in natural order, else an array of the part count's length
 * (gsm_measure()'s parts, 1 for "") holding a permutation of 0..parts-1: order[i] is the
 * zero-based part written i-th, to test out-of-order arrival. Locations still increase in the
 * order of writing.
 *
 * Returns the number of files written, or -1 (logged) on bad arguments, invalid UTF-8, more than
 * GW_PHONEFILE_MAX_PARTS parts, a full inbox or an I/O error; then every part already linked
 * is unlinked again (a reader polling concurrently may have seen it) and no temporary file stays.
 */
int gw_phonefile_deliver(const char *dir, const char *sender, const char *text, time_t when,
                         unsigned ref, const int *order);

struct gw_phonefile_sms {
    char number[DB_NUMBER_MAX];
    char text[1024]; /* UTF-8, NUL-terminated; one part holds at most 160 UTF-16 units */
    int coding;      /* 0 GSM-7 ("Default"), 1 UCS-2 ("Unicode") */
    int has_udh;     /* a UDH line is present (a concatenation element or not) */
    unsigned ref;    /* concatenation reference, 8- or 16-bit; 0 without one */
    int parts, part; /* part count and 1-based number; 1 and 1 for a single SMS */
};

/*
 * Reads the first [SMSBackup...] section of one SMS-backup file (ours or Gammu's) into *out.
 * Number may be quoted or come as NumberUnicode hex (preferred, as Gammu does); Coding must be
 * Default or Unicode (with or without "_No_Compression"); Text00, Text01... must be consecutive.
 * Returns 0, or -1 (logged as path:line: problem) if the file cannot be read, has no such
 * section, lacks Number or Coding, or holds bad hex, bad UTF-16 or text over the buffer.
 */
int gw_phonefile_read(const char *path, struct gw_phonefile_sms *out);

#endif
