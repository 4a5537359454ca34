/* The USSD menus on the synthetic world: screens, paging, results, SMS requests, replays. */
#include "testutil.h"

#include "handlers/handler.h"
#include "handlers/ussd.h"

#define US_CALLER "+14155550100"

struct fx {
    db *d;
    handler_ctx *h;
    ussd_ctx *u;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};

    f->d = test_world_db();
    f->h = handler_open(f->d, &o);
    assert_non_null(f->h);
    f->u = ussd_open(f->h);
    assert_non_null(f->u);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    ussd_close(f->u);
    handler_close(f->h);
    db_close(f->d);
    free(f);
    return 0;
}

static size_t chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void screen(struct fx *f, const char *text, const char *from, struct ussd_screen *out)
{
    assert_int_equal(ussd_answer(f->u, text, from, NULL, 1700000000, out), 0);
    assert_true(chars(out->text) <= USSD_SCREEN_MAX);
    assert_true(strncmp(out->text, out->end ? "END " : "CON ", 4) == 0);
}

static void test_main_menu(void **state)
{
    struct ussd_screen s;

    screen(*state, "", US_CALLER, &s);
    assert_false(s.end);
    assert_non_null(strstr(s.text, "1 Cost of sending"));
    assert_non_null(strstr(s.text, "5 Language"));
    assert_null(strstr(s.text, "0 Back")); /* nowhere to go back to */
    screen(*state, NULL, NULL, &s);
    assert_non_null(strstr(s.text, "2 Exchange rates"));
}

static void test_fee_path(void **state)
{
    struct ussd_screen s;

    screen(*state, "1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Send money to:"));
    assert_non_null(strstr(s.text, "6 Philippines"));
    /* Origin: the caller's own country first. */
    screen(*state, "1*6", US_CALLER, &s);
    assert_non_null(strstr(s.text, "1 United States"));
    screen(*state, "1*6*1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "3 USD 200"));
    screen(*state, "1*6*1*3", US_CALLER, &s);
    assert_false(s.end);
    assert_string_equal(s.intent, "fee");
    assert_non_null(strstr(s.text, "Alpha Remit"));
    assert_non_null(strstr(s.text, "1 Send me this by SMS"));
    assert_string_equal(s.sms, "");
    /* Send me this by SMS: the whole answer, to queue, and the session ends. */
    screen(*state, "1*6*1*3*1", US_CALLER, &s);
    assert_true(s.end);
    assert_non_null(strstr(s.sms, "Alpha Remit"));
}

/* "Send from" puts the caller's own country first, by the same resolution as an SMS: a +1
 * number is the United States or Canada by its area code, not whichever is listed first. */
static void test_send_from_by_area_code(void **state)
{
    static const char *const paths[] = {TEST_LANGS, TEST_WORLD, RL_FIXTURES "/content/nanp.conf"};
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    handler_ctx *h = handler_open(d, &o);
    ussd_ctx *u;
    struct ussd_screen s;
    const char *ph;
    char path[16];

    (void)state;
    assert_non_null(h);
    assert_non_null(u = ussd_open(h));
    assert_int_equal(ussd_answer(u, "1", "+14155550100", NULL, 1700000000, &s), 0);
    assert_non_null(ph = strstr(s.text, " Philippines"));
    while (ph > s.text && ph[-1] >= '0' && ph[-1] <= '9')
        ph--;
    snprintf(path, sizeof(path), "1*%ld", strtol(ph, NULL, 10));
    assert_int_equal(ussd_answer(u, path, "+14155550100", NULL, 1700000000, &s), 0);
    assert_non_null(strstr(s.text, "Send from:\n1 United States"));
    assert_int_equal(ussd_answer(u, path, "+14165550100", NULL, 1700000000, &s), 0);
    assert_non_null(strstr(s.text, "Send from:\n1 Canada"));
    ussd_close(u);
    handler_close(h);
    db_close(d);
}

static void test_same_answer_as_sms(void **state)
{
    struct fx *f = *state;
    struct handler_reply r;
    struct handler_query q = {.text = "FEE USA PHL 200 USD", .now = 1700000000};
    struct ussd_screen s;

    handler_answer(f->h, &q, &r);
    screen(f, "1*6*1*3*1", US_CALLER, &s);
    assert_string_equal(s.sms, r.text);
}

static void test_back_and_invalid(void **state)
{
    struct ussd_screen a, b;

    /* 0 goes back a screen: "1*6*0" is the destination list again. */
    screen(*state, "1*6*0", US_CALLER, &a);
    screen(*state, "1", US_CALLER, &b);
    assert_string_equal(a.text, b.text);
    /* A choice that is not on the screen shows it again, saying so. */
    screen(*state, "1*42", US_CALLER, &a);
    assert_true(a.invalid);
    assert_non_null(strstr(a.text, "Invalid choice"));
    assert_non_null(strstr(a.text, "Send money to:"));
    screen(*state, "abc", US_CALLER, &a);
    assert_true(a.invalid);
    /* Back from the main menu is not a choice. */
    screen(*state, "0", US_CALLER, &a);
    assert_true(a.invalid);
}

static void test_paging(void **state)
{
    struct ussd_screen s, t;

    /* The currencies of the world do not all fit with their labels on one page of 9. */
    screen(*state, "2", US_CALLER, &s);
    assert_non_null(strstr(s.text, "1 USD")); /* the caller's currency first */
    screen(*state, "2*1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Rate USD to:"));
    assert_null(strstr(s.text, "USD\n"));
    /* 98 on a list with no more pages is invalid; on the result it pages the answer. */
    screen(*state, "4*98", US_CALLER, &t);
    assert_true(t.invalid);
    screen(*state, "2*1*98", US_CALLER, &t);
    assert_true(t.invalid || strstr(t.text, "0 Back") != NULL);
}

static void test_rate_and_guide(void **state)
{
    struct ussd_screen s;
    char *p;
    int n;

    screen(*state, "2*1", US_CALLER, &s);
    /* Pick PHP wherever it is listed on the first page. */
    p = strstr(s.text, " PHP");
    assert_non_null(p);
    n = p[-1] - '0';
    {
        char text[16];
        snprintf(text, sizeof(text), "2*1*%d", n);
        screen(*state, text, US_CALLER, &s);
    }
    assert_string_equal(s.intent, "rate");
    assert_non_null(strstr(s.text, "1 USD = "));
    /* Guidance: the caller's country first, then its topics. */
    screen(*state, "3", "+639170000001", &s);
    assert_non_null(strstr(s.text, "1 Philippines"));
    screen(*state, "3*1", "+639170000001", &s);
    assert_non_null(strstr(s.text, "Topic:"));
    screen(*state, "3*1*1", "+639170000001", &s);
    assert_string_equal(s.intent, "guide");
    assert_non_null(strstr(s.text, "1 Send me this by SMS"));
}

static void test_language(void **state)
{
    struct ussd_screen s;

    screen(*state, "5", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Français"));
    /* French (3rd in code order: en, es, fr): the main menu again, results in French. */
    screen(*state, "5*3", US_CALLER, &s);
    assert_string_equal(s.lang, "fr");
    assert_non_null(strstr(s.text, "1 Coût d'envoi"));
    screen(*state, "5*3*1*6*1*3", US_CALLER, &s);
    assert_string_equal(s.lang, "fr");
    assert_string_equal(s.intent, "fee");
}

/* The screens in the chosen language, like the results. French is 3rd, Tagalog 5th in code
 * order (en, es, fr, pt, tl). */
static void test_labels_french(void **state)
{
    struct ussd_screen s;

    screen(*state, "5*3", US_CALLER, &s);
    assert_string_equal(s.text, "CON Remitline : infos gratuites sur l'envoi d'argent\n"
                                "1 Coût d'envoi\n2 Taux de change\n3 Conseils\n4 Alertes\n"
                                "5 Langue");
    screen(*state, "5*3*1", US_CALLER, &s);
    assert_true(starts(s.text, "CON Envoyer de l'argent vers :\n1 "));
    assert_non_null(strstr(s.text, "\n0 Retour"));
    screen(*state, "5*3*2", US_CALLER, &s);
    assert_true(starts(s.text, "CON Taux de :\n1 USD\n"));
    screen(*state, "5*3*2*1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "CON Taux USD vers :\n"));
    screen(*state, "5*3*4", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Alertes par SMS :\n1 S'abonner aux alertes\n2 Arrêter"));
    screen(*state, "5*3*1*42", US_CALLER, &s);
    assert_true(s.invalid);
    assert_non_null(strstr(s.text, "Envoyer de l'argent vers :"));
    screen(*state, "5*3*5", US_CALLER, &s);
    assert_non_null(strstr(s.text, "CON Langue :\n1 English"));
    /* A result: the answer in French under French choices, then the SMS confirmation. */
    screen(*state, "5*3*2*1*1", US_CALLER, &s);
    assert_string_equal(s.intent, "rate");
    assert_non_null(strstr(s.text, "\n1 Recevoir par SMS"));
    assert_non_null(strstr(s.text, "\n0 Retour"));
    screen(*state, "5*3*2*1*1*1", US_CALLER, &s);
    assert_true(s.end);
    assert_string_equal(s.text, "END Merci : la réponse arrive par SMS.");
    assert_string_not_equal(s.sms, "");
}

static void test_labels_tagalog(void **state)
{
    struct ussd_screen s;

    screen(*state, "5*5", "+639170000001", &s);
    assert_string_equal(s.lang, "tl");
    assert_non_null(strstr(s.text, "\n1 Bayad sa padala\n2 Palitan ng pera\n3 Gabay\n"));
    screen(*state, "5*5*1", "+639170000001", &s);
    assert_non_null(strstr(s.text, "CON Magpadala ng pera sa:\n"));
    assert_non_null(strstr(s.text, "\n0 Bumalik"));
    screen(*state, "5*5*2", "+639170000001", &s);
    assert_true(starts(s.text, "CON Palitan mula sa:\n1 PHP\n"));
    screen(*state, "5*5*3*1", "+639170000001", &s);
    assert_non_null(strstr(s.text, "CON Paksa:\n"));
    screen(*state, "5*5*3*1*1", "+639170000001", &s);
    assert_non_null(strstr(s.text, "\n1 Ipadala sa SMS"));
    screen(*state, "5*5*3*1*1*1", "+639170000001", &s);
    assert_string_equal(s.text, "END Salamat: darating ang sagot sa SMS.");
}

/* English, the default here, stays word for word what it was before the labels were content. */
static void test_labels_english(void **state)
{
    struct ussd_screen s;

    screen(*state, "", US_CALLER, &s);
    assert_string_equal(s.text, "CON Remitline: free money transfer info\n1 Cost of sending\n"
                                "2 Exchange rates\n3 Guidance\n4 Alerts\n5 Language");
    screen(*state, "1", US_CALLER, &s);
    assert_true(starts(s.text, "CON Send money to:\n1 "));
    assert_non_null(strstr(s.text, "\n0 Back"));
    screen(*state, "2", US_CALLER, &s);
    assert_true(starts(s.text, "CON Rate from:\n1 USD\n"));
    screen(*state, "4", US_CALLER, &s);
    assert_string_equal(s.text, "CON Alerts by SMS:\n1 Join alerts\n2 Leave alerts\n0 Back");
    screen(*state, "3*1", US_CALLER, &s);
    assert_true(starts(s.text, "CON Topic:\n"));
    screen(*state, "1*6*1*3", US_CALLER, &s);
    assert_non_null(strstr(s.text, "\n1 Send me this by SMS"));
    screen(*state, "1*6*1*3*1", US_CALLER, &s);
    assert_string_equal(s.text, "END Thank you: the answer is on its way by SMS.");
    /* English chosen in the menu is the same as English by default. */
    {
        struct ussd_screen e;
        screen(*state, "5*1*1", US_CALLER, &e);
        screen(*state, "1", US_CALLER, &s);
        assert_string_equal(e.text, s.text);
    }
}

/* A caller's saved language (LANG by SMS, or a choice in an earlier session) starts the menus;
 * a language not loaded is the default; a choice in the menu overrides it and is reported. */
static void test_saved_language(void **state)
{
    struct fx *f = *state;
    struct ussd_screen s;

    assert_int_equal(ussd_answer(f->u, "", US_CALLER, "fr", 1700000000, &s), 0);
    assert_non_null(strstr(s.text, "\n1 Coût d'envoi\n"));
    assert_string_equal(s.lang, "fr");
    assert_int_equal(ussd_answer(f->u, "", US_CALLER, "xx", 1700000000, &s), 0);
    assert_true(starts(s.text, "CON Remitline: free money transfer info\n"));
    assert_string_equal(s.lang, "");
    assert_int_equal(ussd_answer(f->u, "5*4", US_CALLER, "fr", 1700000000, &s), 0);
    assert_string_equal(s.lang, "pt");
    assert_non_null(strstr(s.text, "\n1 Custo de envio\n"));
}

/* What the HTTP layer says about the session itself, in the caller's language. */
static void test_notices(void **state)
{
    struct fx *f = *state;
    struct ussd_screen s;

    ussd_notice(f->u, "fr", USSD_EXPIRED, &s);
    assert_string_equal(s.text, "END Votre session a expiré. Veuillez recomposer le code.");
    assert_int_equal(s.end, 1);
    ussd_notice(f->u, "tl", USSD_OTHER_PHONE, &s);
    assert_string_equal(s.text, "END Ang session na ito ay sa ibang telepono.");
    ussd_notice(f->u, NULL, USSD_EXPIRED, &s);
    assert_string_equal(s.text, "END Your session has expired. Please dial again.");
    ussd_notice(f->u, "zz", USSD_OTHER_PHONE, &s);
    assert_string_equal(s.text, "END This session belongs to another phone.");
    ussd_notice(f->u, "es", USSD_ERROR, &s);
    assert_string_equal(s.text, "END Lo sentimos, hay un problema técnico.");
}

/* Before a language is chosen, the screens are in the gateway's default language. */
static void test_labels_default_lang(void **state)
{
    struct fx *f = *state;
    struct handler_opts o = {.default_lang = "pt", .max_parts = 3};
    handler_ctx *h = handler_open(f->d, &o);
    ussd_ctx *u;
    struct ussd_screen s;

    assert_non_null(h);
    u = ussd_open(h);
    assert_non_null(u);
    assert_int_equal(ussd_answer(u, "", US_CALLER, NULL, 1700000000, &s), 0);
    assert_string_equal(s.lang, "");
    assert_non_null(strstr(s.text, "\n1 Custo de envio\n"));
    assert_int_equal(ussd_answer(u, "1*1*1", US_CALLER, NULL, 1700000000, &s), 0);
    assert_non_null(strstr(s.text, "CON Valor:\n"));
    assert_non_null(strstr(s.text, "\n0 Voltar"));
    ussd_close(u);
    handler_close(h);
}

/* The synthetic world and 30 more countries, so the country lists need several pages. */
static db *big_world_db(void)
{
    static const char *const more[][4] = {
        {"KE", "KEN", "KES", "Kenya"},    {"NG", "NGA", "NGN", "Nigeria"},
        {"GH", "GHA", "GHS", "Ghana"},    {"IN", "IND", "INR", "India"},
        {"PK", "PAK", "PKR", "Pakistan"}, {"BD", "BGD", "BDT", "Bangladesh"},
        {"NP", "NPL", "NPR", "Nepal"},    {"LK", "LKA", "LKR", "Sri Lanka"},
        {"VN", "VNM", "VND", "Viet Nam"}, {"ID", "IDN", "IDR", "Indonesia"},
        {"TH", "THA", "THB", "Thailand"}, {"MY", "MYS", "MYR", "Malaysia"},
        {"JP", "JPN", "JPY", "Japan"},    {"KR", "KOR", "KRW", "South Korea"},
        {"EG", "EGY", "EGP", "Egypt"},    {"MA", "MAR", "MAD", "Morocco"},
        {"DZ", "DZA", "DZD", "Algeria"},  {"TN", "TUN", "TND", "Tunisia"},
        {"CM", "CMR", "XAF", "Cameroon"}, {"CI", "CIV", "XOF", "Ivory Coast"},
        {"ML", "MLI", "XOF", "Mali"},     {"BF", "BFA", "XOF", "Burkina Faso"},
        {"NE", "NER", "XOF", "Niger"},    {"TG", "TGO", "XOF", "Togo"},
        {"BJ", "BEN", "XOF", "Benin"},    {"GT", "GTM", "GTQ", "Guatemala"},
        {"HN", "HND", "HNL", "Honduras"}, {"SV", "SLV", "USD", "El Salvador"},
        {"CO", "COL", "COP", "Colombia"}, {"BR", "BRA", "BRL", "Brazil"},
    };
    static const char *paths[] = {TEST_LANGS, TEST_WORLD, NULL};
    char conf[4096], path[256];
    size_t o, i;

    o = (size_t)snprintf(conf, sizeof(conf), "countries = (\n");
    for (i = 0; i < sizeof(more) / sizeof(more[0]) && o < sizeof(conf); i++)
        o += (size_t)snprintf(conf + o, sizeof(conf) - o,
                              "%s{ iso2 = \"%s\"; iso3 = \"%s\"; currency = \"%s\"; "
                              "names = { en = [\"%s\"]; }; }\n",
                              i ? "," : "", more[i][0], more[i][1], more[i][2], more[i][3]);
    snprintf(conf + o, sizeof(conf) - o, ");\n");
    test_write_file(path, sizeof(path), "ussd-more.conf", conf);
    paths[sizeof(paths) / sizeof(paths[0]) - 1] = path;
    {
        db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
        unlink(path);
        return d;
    }
}

/* Every screen fits 182 characters in every shipped language: the lists, paged, each result
 * page, the invalid notice, the alerts and SMS endings. */
static void test_labels_fit_every_language(void **state)
{
    static const char *const paths[] = {
        "",      "1",       "1*98",      "1*98*98",  "1*98*98*98", "1*1",         "1*1*98",
        "1*1*1", "1*1*1*1", "1*1*1*5",   "1*1*1*99", "1*42",       "1*98*42",     "2",
        "2*98",  "2*98*98", "2*1",       "2*1*98",   "2*1*1",      "2*1*2",       "2*1*1*1",
        "3",     "3*1",     "3*1*1",     "3*1*2",    "3*1*42",     "3*1*1*1",     "3*98*1",
        "4",     "4*1",     "4*1*98",    "4*1*1",    "4*2",        "4*42",        "5",
        "0",     "42",      "1*0*2*0*3", "1*6*1*3",  "1*6*1*3*1",  "1*6*1*3*1*1",
    };
    struct fx big = {.d = big_world_db()}, *f = &big;
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    struct ussd_screen s;
    char text[64];
    int li, i, p, nlangs, paged = 0;

    (void)state;
    big.h = handler_open(big.d, &o);
    assert_non_null(big.h);
    big.u = ussd_open(big.h);
    assert_non_null(big.u);
    nlangs = handler_languages(f->h);
    assert_int_equal(nlangs, 5);
    for (li = 1; li <= nlangs; li++) {
        for (i = 0; i < (int)(sizeof(paths) / sizeof(paths[0])); i++) {
            snprintf(text, sizeof(text), "5*%d%s%s", li, paths[i][0] ? "*" : "", paths[i]);
            screen(f, text, US_CALLER, &s);
            assert_null(strchr(s.text, '{')); /* no placeholder left */
            paged += strstr(s.text, "\n98 ") != NULL;
            /* A result: every page of it too. */
            for (p = 0; p < 8 && !s.end && strstr(s.text, "\n98 ") != NULL &&
                        strlen(text) + 4 < sizeof(text);
                 p++) {
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "*98");
                screen(f, text, US_CALLER, &s);
            }
        }
    }
    assert_true(paged > 5 * nlangs); /* the lists did page, in every language */
    /* "98 More" and "0 Back" in each language, in code order. */
    for (li = 1; li <= nlangs; li++) {
        static const char *const foot[] = {"\n98 More\n0 Back", "\n98 Más\n0 Atrás",
                                           "\n98 Suite\n0 Retour", "\n98 Mais\n0 Voltar",
                                           "\n98 Susunod\n0 Bumalik"};
        snprintf(text, sizeof(text), "5*%d*1", li);
        screen(f, text, US_CALLER, &s);
        assert_non_null(strstr(s.text, foot[li - 1]));
        snprintf(text, sizeof(text), "5*%d*1*98", li);
        screen(f, text, US_CALLER, &s);
        assert_false(s.invalid);
        assert_non_null(strstr(s.text, foot[li - 1] + 1 + strcspn(foot[li - 1] + 1, "\n")));
    }
    ussd_close(big.u);
    handler_close(big.h);
    db_close(big.d);
}

static void test_alerts(void **state)
{
    struct ussd_screen s;

    screen(*state, "4", US_CALLER, &s);
    assert_non_null(strstr(s.text, "1 Join alerts"));
    /* JOIN goes through the SMS path, which owns subscriptions: the request is handed on to
     * be stored as if texted, and the screen says what will happen. */
    screen(*state, "4*1*6", US_CALLER, &s);
    assert_true(s.end);
    assert_string_equal(s.intent, "alerts");
    assert_non_null(strstr(s.text, "You will get alerts on Philippines"));
    assert_string_equal(s.inject, "JOIN PH");
    assert_string_equal(s.sms, "");
    screen(*state, "4*2", US_CALLER, &s);
    assert_true(s.end);
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    struct ussd_screen s;
    char big[USSD_TEXT_MAX + 8];

    assert_int_equal(ussd_answer(f->u, "1*\xff\xfe", US_CALLER, NULL, 0, &s), -1);
    assert_true(s.end);
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(ussd_answer(f->u, big, US_CALLER, NULL, 0, &s), -1);
    /* After the session ended, more input is not a choice. */
    screen(f, "1*6*1*3*1*1", US_CALLER, &s);
    assert_true(s.invalid);
    /* Many inputs, each valid: bounded depth, no crash. */
    {
        char deep[USSD_TEXT_MAX];
        size_t i;
        for (i = 0; i + 2 < sizeof(deep); i += 2) {
            deep[i] = i % 4 ? '0' : '1';
            deep[i + 1] = '*';
        }
        deep[i] = '\0';
        screen(f, deep, US_CALLER, &s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_main_menu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_answer_as_sms, setup, teardown),
        cmocka_unit_test(test_send_from_by_area_code),
        cmocka_unit_test_setup_teardown(test_back_and_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_and_guide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_french, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_tagalog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_english, setup, teardown),
        cmocka_unit_test_setup_teardown(test_saved_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_default_lang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_fit_every_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
