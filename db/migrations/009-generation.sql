-- remitline schema version 9: the content generation. Every import adds one to it in the
-- transaction that changes the content; every thread that answers (modem threads, HTTP
-- workers) compares it with the generation its handler context was loaded from before each
-- answer, and reloads when they differ. So `remitline import` run beside the daemon, or a
-- SIGHUP, changes the answers of every door from the next message on.
CREATE TABLE content_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO content_generation (id, n) VALUES (1, 0);
