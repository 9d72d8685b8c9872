-- Reminders are swept from the database, possibly by several server
-- instances and several times a day: a reminder's key (its kind, the
-- session, the recipient and the day or period) is written here in the
-- transaction that enqueues its message, so that the same reminder is never
-- enqueued twice.
-- The autorité's reminders go to the accounts' e-mail addresses (00026).

-- +goose Up
CREATE TABLE rappels (
    cle      TEXT PRIMARY KEY,
    cree_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE rappels;
