/* db.h: placeholder, filled in by the SQLite layer. */
#ifndef RL_DB_H
#define RL_DB_H
extern const char db_schema_sql[];
#endif
