#include "gateway/privdrop.h"

#include <errno.h>
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/log.h"

/* Gives path, and everything below it, to uid:gid; links are not followed. Returns 0 or -1. */
static int give(const char *path, uid_t uid, gid_t gid, int depth)
{
    struct dirent *e;
    struct stat st;
    DIR *dp;
    int rc = 0;

    if (lstat(path, &st) < 0)
        return 0; /* gone: nothing to give */
    if (lchown(path, uid, gid) < 0) {
        log_warn("giving %s to the gateway's user", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || depth > 8 || (dp = opendir(path)) == NULL)
        return 0;
    while ((e = readdir(dp)) != NULL) {
        char sub[4096];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub))
            continue;
        if (give(sub, uid, gid, depth + 1) < 0)
            rc = -1;
    }
    closedir(dp);
    return rc;
}

int gw_drop_privileges(const char *user, const char *const *paths, int npaths)
{
    struct passwd pwbuf, *pw = NULL;
    char buf[4096];
    int i;

    if (getpwnam_r(user, &pwbuf, buf, sizeof(buf), &pw) != 0 || pw == NULL) {
        log_warnx("--user %s: no such user (create one: adduser --system --group %s)", user, user);
        return -1;
    }
    if (getuid() != 0) {
        if (getuid() == pw->pw_uid)
            return 0; /* already that user */
        log_warnx("--user %s: only root can become another user", user);
        return -1;
    }
    if (pw->pw_uid == 0) {
        log_warnx("--user %s: that is root; name an unprivileged user", user);
        return -1;
    }
    for (i = 0; i < npaths; i++)
        if (paths[i] != NULL && give(paths[i], pw->pw_uid, pw->pw_gid, 0) < 0)
            return -1;
    if (initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
        log_warn("becoming %s", user);
        return -1;
    }
    if (setuid(0) == 0) {
        log_warnx("--user %s: root could be taken back; refusing to run", user);
        return -1;
    }
    log_info("privileges user=%s uid=%u gid=%u", user, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
    return 0;
}
