/*
 * test_migrate.c: db_open() brings a database of any earlier schema version to the current one.
 * A database's PRAGMA user_version counts the migrations applied, and migration NNN is the one
 * that brings it to version NNN (CMakeLists.txt refuses a gap or a duplicate), so a database
 * left at version k by an older remitline gets exactly migrations k+1..n, and ends with the same
 * schema as one created today.
 */
#include "testutil.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/rl-migrate-XXXXXX";

static int user_version(sqlite3 *c)
{
    sqlite3_stmt *s = NULL;
    int v = -1;

    assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The schema as text: every table, index, view and trigger, in name order. Caller frees. */
static char *schema_text(sqlite3 *c)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 1 << 20, len = 0;
    char *buf = calloc(1, cap);

    assert_non_null(buf);
    assert_int_equal(sqlite3_prepare_v2(c,
                                        "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
                                        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int n = snprintf(buf + len, cap - len, "%s %s: %s\n", sqlite3_column_text(s, 0),
                         sqlite3_column_text(s, 1), sqlite3_column_text(s, 2));
        assert_true(n > 0 && (size_t)n < cap - len);
        len += (size_t)n;
    }
    sqlite3_finalize(s);
    return buf;
}

/* Writes a database as a remitline that knew only the first k migrations left it. */
static void make_old(const char *path, int k)
{
    sqlite3 *c = NULL;
    char sql[64];

    unlink(path);
    assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
    for (int i = 0; i < k; i++) {
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", i + 1);
        assert_int_equal(sqlite3_exec(c, db_migrations[i], NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_close(c);
}

/* Opens path with SQLite alone: its version and schema after db_open() and db_close(). */
static char *read_back(const char *path, int *version)
{
    sqlite3 *c = NULL;
    char *text;

    assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
    *version = user_version(c);
    text = schema_text(c);
    sqlite3_close(c);
    return text;
}

static void test_every_old_version_migrates(void **state)
{
    char path[64], *fresh, *migrated;
    int v;

    (void)state;
    assert_true(db_nmigrations >= 1);
    snprintf(path, sizeof(path), "%s/fresh.db", dir);
    db_close(db_open(path));
    fresh = read_back(path, &v);
    assert_int_equal(v, db_nmigrations);

    for (int k = 0; k <= db_nmigrations; k++) {
        db *d;

        snprintf(path, sizeof(path), "%s/v%d.db", dir, k);
        make_old(path, k);
        d = db_open(path);
        assert_non_null(d);
        db_close(d);
        migrated = read_back(path, &v);
        assert_int_equal(v, db_nmigrations);
        assert_string_equal(migrated, fresh);
        free(migrated);
    }
    free(fresh);
}

/* A database from a newer remitline is refused, never half understood. */
static void test_newer_database_refused(void **state)
{
    char path[64], sql[64];
    sqlite3 *c = NULL;

    (void)state;
    snprintf(path, sizeof(path), "%s/newer.db", dir);
    make_old(path, db_nmigrations);
    assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", db_nmigrations + 1);
    assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(c);
    assert_null(db_open(path));
}

/* Processes that open one new database at once (the daemon and `remitline phone`, as
 * e2e_privdrop once saw) each find it whole: no step is applied twice. Several rounds of several
 * processes, each round on a new file; every process must open it. */
static void test_concurrent_first_open(void **state)
{
    char path[64];
    int round, k, status, failed = 0;
    pid_t pids[6];

    (void)state;
    for (round = 0; round < 5; round++) {
        snprintf(path, sizeof(path), "%s/race%d.db", dir, round);
        for (k = 0; k < 6; k++) {
            if ((pids[k] = fork()) == 0) {
                db *d = db_open(path);
                _exit(d == NULL ? 1 : (db_close(d), 0));
            }
            assert_true(pids[k] > 0);
        }
        for (k = 0; k < 6; k++) {
            assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_old_version_migrates),
        cmocka_unit_test(test_newer_database_refused),
        cmocka_unit_test(test_concurrent_first_open),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
