-- Incidents and observations of a session, recorded by the jury per
-- candidat (an épreuve interrupted, a candidat late…) and printed on the
-- PV. A category from a fixed list, so that they can be counted and read
-- the same way everywhere, and a free text for the circumstances. An
-- incident recorded in error is withdrawn, never deleted: the PV a member
-- signed may have shown it.

-- +goose Up
CREATE TABLE incidents (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (id),
    inscription_id  TEXT NOT NULL REFERENCES inscriptions (id),
    categorie       TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    saisi_par       TEXT NOT NULL REFERENCES utilisateurs (id),
    created_at      TIMESTAMP NOT NULL,
    retire_at       TIMESTAMP
);
CREATE INDEX incidents_session_idx ON incidents (session_id, created_at);

-- +goose Down
DROP TABLE incidents;
