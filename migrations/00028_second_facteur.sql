-- The second factor (TOTP, RFC 6238) of the State's and the operator's
-- accounts. The shared secret is sealed with the operator's key
-- (CIPCERT_TOTP_CLE) when one is set; it is never sent again once the
-- enrolment page is left. dernier_pas is the last time step accepted, so
-- that a code is good once: a code of that step or an earlier one is
-- refused. Recovery codes are stored as their SHA-256, each used once.

-- +goose Up
CREATE TABLE totp (
    utilisateur_id  TEXT PRIMARY KEY REFERENCES utilisateurs (id),
    secret          TEXT NOT NULL,
    -- False while the enrolment waits for its first code.
    actif           BOOLEAN NOT NULL DEFAULT FALSE,
    dernier_pas     BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    active_at       TIMESTAMP
);
CREATE TABLE totp_secours (
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateurs (id),
    hash            TEXT NOT NULL,
    utilise_at      TIMESTAMP,
    PRIMARY KEY (utilisateur_id, hash)
);

-- +goose Down
DROP TABLE totp_secours;
DROP TABLE totp;
