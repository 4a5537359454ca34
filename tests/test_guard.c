/* The balance a SIM's USSD answer gives, as operators in several countries write it; what the
 * guards decline to answer at all. */
#include "testutil.h"

#include "gateway/guard.h"

static void expect(const char *pattern, const char *reply, double want)
{
    double got = -1;

    if (gw_balance_read(pattern, reply, &got) != 0)
        fail_msg("no balance read in \"%s\"", reply);
    if (got < want - 1e-9 || got > want + 1e-9)
        fail_msg("\"%s\": read %f, wanted %f", reply, got, want);
}

static void test_default_pattern(void **state)
{
    (void)state;
    expect(NULL, "Your balance is 12.50 XOF, valid until 31/12/2026.", 12.5);
    expect(NULL, "Solde: 1 234,50 FCFA", 1234.5);
    expect("", "Bal: N1,234.56. Dial *556# to recharge", 1234.56);
    expect(NULL, "Saldo 1.234.567,89 GTQ", 1234567.89);
    expect(NULL, "Votre solde est de 1.500 FCFA", 1500);
    expect(NULL, "Remaining 12,345,678 units", 12345678);
    expect(NULL, "balance 0.500 KWD", 0.5);
    expect(NULL, "Credito 7,5", 7.5);
    expect(NULL, "Load balance: P35.00", 35);
}

/* What is no question: binary SMS and numbers longer than E.164's 15 digits. */
static void test_message_guard(void **state)
{
    const char *why;

    (void)state;
    assert_int_equal(gw_guard_message("+639170000001", "gsm7", &why), GW_GUARD_ANSWER);
    assert_int_equal(gw_guard_message("+639170000001", NULL, &why), GW_GUARD_ANSWER);
    assert_int_equal(gw_guard_message("+123456789012345", "ucs2", &why), GW_GUARD_ANSWER);
    assert_int_equal(gw_guard_message("+1234567890123456", "gsm7", &why), GW_GUARD_SILENT);
    assert_string_equal(why, "number longer than E.164 allows");
    assert_int_equal(gw_guard_message("1234567890123456", "gsm7", &why), GW_GUARD_SILENT);
    assert_int_equal(gw_guard_message("+639170000001", "8bit", &why), GW_GUARD_SILENT);
    assert_string_equal(why, "binary (8-bit) SMS");
    /* Sender ids are the other guards' to judge. */
    assert_int_equal(gw_guard_message("MyBank", "gsm7", &why), GW_GUARD_ANSWER);
}

static void test_operator_pattern(void **state)
{
    double got = 42;

    (void)state;
    /* The first number is a bonus; the operator's pattern takes the main account. */
    expect("Main: ([0-9., ]+)", "Bonus: 100. Main: 45,20 PHP", 45.2);
    expect(NULL, "Bonus: 100. Main: 45,20 PHP", 100);
    /* Nothing to read, or a pattern that does not compile: -1 and the amount untouched. */
    assert_int_equal(gw_balance_read(NULL, "Service unavailable, try later", &got), -1);
    assert_int_equal(gw_balance_read("(", "Balance 10", &got), -1);
    assert_int_equal(gw_balance_read("Main: ([0-9.,]*)", "Main: ., PHP", &got), -1);
    assert_true(got == 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_pattern),
        cmocka_unit_test(test_operator_pattern),
        cmocka_unit_test(test_message_guard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
