-- Reminders are swept from the database, possibly by several server
-- instances and several times a day: a reminder's key (its kind, the
-- session, the recipient and the day or period) is written here in the
-- transaction that enqueues its message, so that the same reminder is never
-- enqueued twice. An account gains an e-mail address, which the autorité's
-- reminders go to ('' for accounts created before: they receive nothing).

-- +goose Up
CREATE TABLE rappels (
    cle      TEXT PRIMARY KEY,
    cree_at  TIMESTAMP NOT NULL
);
ALTER TABLE utilisateurs ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE utilisateurs DROP COLUMN email;
DROP TABLE rappels;
