/*
 * vocab.h: the content schema's closed vocabularies: which kinds a `word` row may have and
 * which names a `template` row may have. They are facts about what the tables hold, like a
 * CHECK constraint, so they live with the schema: the importer (conf/) rejects a misspelt
 * kind or template name with the list of known ones, and the query path (handlers/), which
 * gives these words and templates their meaning, checks its own tables against them
 * (tests/test_handlers.c). Neither layer needs to include the other.
 *
 * Adding a keyword: add its kind here and its row in handlers/router.c; adding a template: add
 * its name here and use it in handlers/. Nothing here allocates; all functions are thread-safe.
 */
#ifndef RL_DB_VOCAB_H
#define RL_DB_VOCAB_H

/* Word kinds a language file stores for currency words and country words (demonyms,
 * abbreviations): "ccy:USD", "country:PH", a prefix and a code. */
#define DB_KIND_CURRENCY "ccy:"
#define DB_KIND_COUNTRY  "country:"
/* Kind of the word rows that say where a language is spoken (the word is an ISO2 code). */
#define DB_KIND_SPOKEN "spoken"

/* Prefix of the stored name of a template written in the language's own script (a language file's
 * `native` group: Arabic, Devanagari, Bengali), beside the template of the same name in its
 * `templates` group (for those languages, the romanised form people type on basic phones). */
#define DB_TEMPLATE_NATIVE "native:"

/* 1 if content may define words of this kind (a keyword's or fixed kinds), else 0. The
 * prefixed kinds above are stored by the importer itself and are not listed. */
int db_word_kind_known(const char *kind);
/* The known kinds as one ", "-separated line, for error messages (static, never freed). */
const char *db_word_kinds(void);

/* 1 if name is a template the query path or the USSD menus use, else 0. */
int db_template_known(const char *name);
/* The known template names as one ", "-separated line (static, never freed). */
const char *db_template_names(void);
/* The placeholders template name may use, space-separated ("" for none), or NULL when the name
 * is no template. Static. */
const char *db_template_keys(const char *name);
/* 1 when the template is a whole reply, which must fit one SMS with typical values. */
int db_template_is_reply(const char *name);
/* A typical value of a placeholder in a compact reply ("" when none is needed). Static. */
const char *db_placeholder_example(const char *key);

#endif
