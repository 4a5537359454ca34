/*
 * privdrop.h: `remitline run --user NAME`. The gateway starts as root only to open what needs
 * root (the modem's device, a port below 1024), then becomes NAME for good: its supplementary
 * groups (dialout, for a modem that reconnects), its group, its user, checked by trying to get
 * root back. The files it must keep writing (the database and its WAL, the dummy phone, the
 * alerts directory) are handed to NAME first.
 */
#ifndef RL_GW_PRIVDROP_H
#define RL_GW_PRIVDROP_H

/* Gives paths (recursively, those that exist) to user, then becomes user. 0, or -1 (logged). */
int gw_drop_privileges(const char *user, const char *const *paths, int npaths);

#endif
