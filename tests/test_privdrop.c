/* Least privilege and secrets at rest: handing over the state directory (gateway/privdrop.h),
 * the HTTP server's share of descriptors (gw_http_conn_limit), token files and the warning on a
 * configuration every local user can read (conf/config.h). The state directory is handed to
 * this process's own user, so the tests run as any user. */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "conf/config.h"
#include "gateway/http.h"
#include "gateway/privdrop.h"

/* A fresh scratch directory: dir holds its path. */
static void scratch(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/rl-privdrop-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void put(const char *dir, const char *name, const char *text, mode_t mode)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_non_null(fp = fopen(path, "w"));
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, mode), 0);
}

static void rm_rf(const char *dir)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static const char *const names[] = {"remitline.db",         "remitline.db-wal",  "remitline.db-shm",
                                    "remitline.db-journal", "remitline.db.lock", "phone"};

/* A file that is not the gateway's refuses the whole directory, and names it. */
static void test_foreign_file_refused(void **state)
{
    char dir[64], why[600];

    (void)state;
    scratch(dir, sizeof(dir));
    put(dir, "remitline.db", "", 0600);
    put(dir, "secret.key", "root only", 0600);
    assert_int_equal(gw_state_give(dir, names, 6, getuid(), getgid(), why, sizeof(why)), -1);
    assert_non_null(strstr(why, "'secret.key', which is not the gateway's"));
    assert_non_null(strstr(why, "nothing was changed"));
    rm_rf(dir);
}

/* The gateway's own entries, a phone directory with what is below it, are given; a link is
 * not followed and a file with a second link is left alone, but neither refuses the rest. */
static void test_own_entries_given(void **state)
{
    char dir[64], why[600], path[256], target[256];
    uid_t uid = getuid() == 0 ? 65534 : getuid();
    gid_t gid = getuid() == 0 ? 65534 : getgid();

    (void)state;
    scratch(dir, sizeof(dir));
    put(dir, "remitline.db", "", 0600);
    snprintf(path, sizeof(path), "%s/phone", dir);
    assert_int_equal(mkdir(path, 0750), 0);
    put(path, "1", "sms", 0600);
    snprintf(target, sizeof(target), "%s.outside", dir);
    put("/tmp", target + 5, "outside", 0600);
    snprintf(path, sizeof(path), "%s/remitline.db.lock", dir);
    assert_int_equal(symlink(target, path), 0);
    snprintf(path, sizeof(path), "%s/remitline.db-wal", dir);
    assert_int_equal(link(target, path), 0);
    assert_int_equal(gw_state_give(dir, names, 6, uid, gid, why, sizeof(why)), 0);
    if (getuid() == 0) {
        /* As root the files really change hands: what was given, and what was not. */
        struct stat st;
        snprintf(path, sizeof(path), "%s/phone/1", dir);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_uid, uid);
        assert_int_equal(stat(dir, &st), 0);
        assert_int_equal(st.st_uid, uid);
        assert_int_equal(stat(target, &st), 0);
        assert_int_equal(st.st_uid, 0); /* neither through the link nor the second name */
    }
    unlink(target);
    rm_rf(dir);
}

/* Nothing is lost to the default limit of 1024 descriptors: the server keeps below it with room
 * for the rest; a configured value that fits stays; a larger one is lowered. */
static void test_connection_limit(void **state)
{
    int room;

    (void)state;
    room = gw_http_conn_limit(1024, 0, 1, 8);
    assert_true(room > 500 && room < 1024 - 64);
    assert_int_equal(gw_http_conn_limit(1024, 4096, 1, 8), room);
    assert_int_equal(gw_http_conn_limit(1024, 100, 1, 8), 100);
    assert_true(gw_http_conn_limit(1024, 0, 8, 64) < room);
    assert_int_equal(gw_http_conn_limit(65536, 4096, 1, 8), 4096);
    assert_int_equal(gw_http_conn_limit(10, 0, 1, 8), 1);
    assert_int_equal(gw_http_conn_limit(1L << 30, 0, 1, 8), 60000);
}

static void test_token_file(void **state)
{
    char dir[64], path[128], tok[128], why[300];

    (void)state;
    scratch(dir, sizeof(dir));
    put(dir, "token", "a-token-of-twenty-chars \n", 0600);
    snprintf(path, sizeof(path), "%s/token", dir);
    assert_int_equal(conf_secret_read(path, tok, sizeof(tok), why, sizeof(why)), 0);
    assert_string_equal(tok, "a-token-of-twenty-chars");
    assert_int_equal(conf_exposed(path), 0);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(conf_exposed(path), 1);
    put(dir, "short", "short\n", 0600);
    snprintf(path, sizeof(path), "%s/short", dir);
    assert_int_equal(conf_secret_read(path, tok, sizeof(tok), why, sizeof(why)), -1);
    assert_non_null(strstr(why, "16 to 127 characters"));
    put(dir, "empty", "", 0600);
    snprintf(path, sizeof(path), "%s/empty", dir);
    assert_int_equal(conf_secret_read(path, tok, sizeof(tok), why, sizeof(why)), -1);
    assert_non_null(strstr(why, "is empty"));
    snprintf(path, sizeof(path), "%s/missing", dir);
    assert_int_equal(conf_secret_read(path, tok, sizeof(tok), why, sizeof(why)), -1);
    assert_non_null(strstr(why, "cannot read"));
    rm_rf(dir);
}

/* A configuration holding a token warns when every local user can read it, not otherwise. */
static void test_secrets_warning(void **state)
{
    char dir[64], path[128], why[600];
    struct conf_errs errs;
    struct conf c;

    (void)state;
    scratch(dir, sizeof(dir));
    put(dir, "remitline.conf",
        "http = { listen = \"127.0.0.1:8080\"; clients = ( { token = \"0123456789abcdef\"; } ); "
        "};\n",
        0644);
    put(dir, "plain.conf", "max_parts = 2;\n", 0644);
    snprintf(path, sizeof(path), "%s/remitline.conf", dir);
    conf_errs_init(&errs);
    assert_int_equal(conf_load(path, &c, &errs), 0);
    assert_int_equal(conf_secrets_warning(&c, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "chmod 0640"));
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(conf_secrets_warning(&c, why, sizeof(why)), 0);
    snprintf(path, sizeof(path), "%s/plain.conf", dir);
    assert_int_equal(conf_load(path, &c, &errs), 0);
    assert_int_equal(conf_secrets_warning(&c, why, sizeof(why)), 0);
    /* Operators' PINs are secrets too. */
    put(dir, "pins.conf", "operators = ( { number = \"+639171230000\"; pin = \"4821\"; } );\n",
        0644);
    snprintf(path, sizeof(path), "%s/pins.conf", dir);
    assert_int_equal(conf_load(path, &c, &errs), 0);
    assert_int_equal(conf_secrets_warning(&c, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "operator PINs"));
    conf_errs_free(&errs);
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_foreign_file_refused), cmocka_unit_test(test_own_entries_given),
        cmocka_unit_test(test_connection_limit),     cmocka_unit_test(test_token_file),
        cmocka_unit_test(test_secrets_warning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
