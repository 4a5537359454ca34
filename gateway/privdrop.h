/*
 * privdrop.h: `remitline run --user NAME`. The gateway starts as root only to open what needs
 * root (the modem's device, a port below 1024), then becomes NAME for good: its supplementary
 * groups (dialout, for a modem that reconnects), its group, its user, checked by trying to get
 * root back. Order of calls:
 *   1. gw_user_lookup(NAME)            who NAME is; refuses root and unknown users;
 *   2. gw_state_give(DIR, names, uid)  hands the gateway's own state directory to NAME: DIR and
 *                                      the entries of it that are the gateway's (the database,
 *                                      its WAL, SHM, journal and lock, the dummy phone), never
 *                                      anything else; a DIR holding anything else is refused;
 *   3. gw_drop_privileges(NAME)        becomes NAME for good.
 * Root never follows a symbolic link here, nor hands over a file with a second hard link: the
 * directory may already belong to NAME, who could have planted either to reach a root file.
 */
#ifndef RL_GW_PRIVDROP_H
#define RL_GW_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* Finds user: 0 with *uid and *gid set, or -1 (logged) when there is no such user, when it is
 * root, or when this process is neither root nor that user already. */
int gw_user_lookup(const char *user, uid_t *uid, gid_t *gid);

/* Refuses, changing nothing, when the directory dir holds an entry not among names (the first
 * one found is named in why); otherwise gives dir and each entry of names that exists to
 * uid:gid, directories with everything below them. Symbolic links, special files and files with
 * more than one link are not given (a link is logged). 0, or -1 (why says what; nothing is
 * logged, the caller says it in its words). */
int gw_state_give(const char *dir, const char *const *names, int nnames, uid_t uid, gid_t gid,
                  char *why, size_t whysz);

/* Becomes user (looked up again) for good. 0, or -1 (logged). A process that is already user
 * returns 0 at once. */
int gw_drop_privileges(const char *user);

#endif
