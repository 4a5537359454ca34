#include "gateway/privdrop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/log.h"

#define GIVE_DEPTH 8 /* the dummy phone is three levels deep; nothing of ours goes deeper */

int gw_user_lookup(const char *user, uid_t *uid, gid_t *gid)
{
    struct passwd pwbuf, *pw = NULL;
    char buf[4096];

    if (getpwnam_r(user, &pwbuf, buf, sizeof(buf), &pw) != 0 || pw == NULL) {
        log_warnx("--user %s: no such user (create one: adduser --system --group %s)", user, user);
        return -1;
    }
    if (pw->pw_uid == 0) {
        log_warnx("--user %s: that is root; name an unprivileged user", user);
        return -1;
    }
    if (getuid() != 0 && getuid() != pw->pw_uid) {
        log_warnx("--user %s: only root can become another user", user);
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

static int give_at(int dirfd, const char *name, uid_t uid, gid_t gid, int depth);

/* Gives every entry below the open directory fd (borrowed). 0 or -1 (logged). */
static int give_below(int fd, uid_t uid, gid_t gid, int depth)
{
    struct dirent *e;
    DIR *dp;
    int rc = 0, dfd = dup(fd);

    if (dfd < 0 || (dp = fdopendir(dfd)) == NULL) {
        if (dfd >= 0)
            close(dfd);
        log_warn("reading a directory of the gateway's state");
        return -1;
    }
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (give_at(fd, e->d_name, uid, gid, depth + 1) < 0)
            rc = -1;
    }
    closedir(dp);
    return rc;
}

/*
 * Gives name, in the open directory dirfd, to uid:gid. It is opened without following a link and
 * checked to be what was looked at, then changed through its descriptor: whatever is swapped in
 * meanwhile, root changes only the file it opened. A regular file with a second hard link may be
 * someone else's file linked in, and is left alone. 0, or -1 (logged).
 */
static int give_at(int dirfd, const char *name, uid_t uid, gid_t gid, int depth)
{
    struct stat before, st;
    int fd = -1, rc = -1;

    if (fstatat(dirfd, name, &before, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0; /* not there (yet): nothing to give */
        log_warn("looking at %s", name);
        return -1;
    }
    if (S_ISLNK(before.st_mode)) {
        log_warnx("--user: %s is a symbolic link; not following it", name);
        return 0;
    }
    if (!S_ISREG(before.st_mode) && !S_ISDIR(before.st_mode))
        return 0; /* a socket or a device is no state of ours */
    fd = openat(dirfd, name,
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                    (S_ISDIR(before.st_mode) ? O_DIRECTORY : 0));
    if (fd < 0) {
        log_warn("opening %s to hand it over", name);
        return -1;
    }
    if (fstat(fd, &st) < 0 || st.st_dev != before.st_dev || st.st_ino != before.st_ino) {
        log_warnx("--user: %s changed while it was being handed over; not touching it", name);
        goto out;
    }
    if (S_ISREG(st.st_mode) && st.st_nlink != 1) {
        log_warnx("--user: %s has %lu hard links; a file of the gateway has one, so it is left "
                  "alone",
                  name, (unsigned long)st.st_nlink);
        rc = 0;
        goto out;
    }
    if ((st.st_uid != uid || st.st_gid != gid) && fchown(fd, uid, gid) < 0) {
        log_warn("giving %s to the gateway's user", name);
        goto out;
    }
    rc = 0;
    if (S_ISDIR(st.st_mode) && depth < GIVE_DEPTH)
        rc = give_below(fd, uid, gid, depth);
out:
    close(fd);
    return rc;
}

static int named(const char *name, const char *const *names, int nnames)
{
    int i;

    for (i = 0; i < nnames; i++)
        if (names[i] != NULL && strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

int gw_state_give(const char *dir, const char *const *names, int nnames, uid_t uid, gid_t gid,
                  char *why, size_t whysz)
{
    struct dirent *e;
    struct stat st;
    DIR *dp = NULL;
    int fd, rc = -1, i;

    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        snprintf(why, whysz, "cannot open the directory %s: %s", dir, strerror(errno));
        return -1;
    }
    /* First look, change nothing: one foreign entry and the whole directory is refused. */
    if ((i = dup(fd)) < 0 || (dp = fdopendir(i)) == NULL) {
        if (i >= 0)
            close(i);
        snprintf(why, whysz, "cannot read the directory %s: %s", dir, strerror(errno));
        goto out;
    }
    while ((e = readdir(dp)) != NULL) {
        /* lost+found: the directory may be a file system of its own; it is never given. */
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "lost+found") == 0 || named(e->d_name, names, nnames))
            continue;
        snprintf(why, whysz,
                 "%s holds '%s', which is not the gateway's: the database needs a directory of "
                 "its own (such as /var/lib/remitline/), so that handing it to the gateway's "
                 "user hands over nothing else; nothing was changed",
                 dir, e->d_name);
        goto out;
    }
    if (fstat(fd, &st) < 0 ||
        ((st.st_uid != uid || st.st_gid != gid) && fchown(fd, uid, gid) < 0)) {
        snprintf(why, whysz, "cannot give %s to the gateway's user: %s", dir, strerror(errno));
        goto out;
    }
    /* Then only the names we own: an entry added since the look is not ours to give. */
    for (i = 0; i < nnames; i++)
        if (names[i] != NULL && names[i][0] != '\0' && give_at(fd, names[i], uid, gid, 0) < 0) {
            snprintf(why, whysz, "cannot give %s/%s to the gateway's user (see above)", dir,
                     names[i]);
            goto out;
        }
    rc = 0;
out:
    if (dp != NULL)
        closedir(dp);
    close(fd);
    return rc;
}

int gw_drop_privileges(const char *user)
{
    uid_t uid;
    gid_t gid;

    if (gw_user_lookup(user, &uid, &gid) < 0)
        return -1;
    if (getuid() == uid && geteuid() == uid)
        return 0; /* already that user */
    if (initgroups(user, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
        log_warn("becoming %s", user);
        return -1;
    }
    if (setuid(0) == 0) {
        log_warnx("--user %s: root could be taken back; refusing to run", user);
        return -1;
    }
    log_info("privileges user=%s uid=%u gid=%u", user, (unsigned)uid, (unsigned)gid);
    return 0;
}
