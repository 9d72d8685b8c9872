-- Activation links of candidat accounts. A centre opens the account of one
-- of its candidats without ever choosing or seeing its password: it hands
-- over a one-time link, and the candidat sets its own password there.
-- Only the SHA-256 of a link's token is stored, as for the session tokens.

-- +goose Up
CREATE TABLE activations (
    hash            TEXT PRIMARY KEY,
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateurs (id),
    candidat_id     TEXT NOT NULL REFERENCES candidats (id),
    cree_par        TEXT NOT NULL REFERENCES utilisateurs (id),
    created_at      TIMESTAMP NOT NULL,
    expire_at       TIMESTAMP NOT NULL,
    -- Set when the link is used, or when a newer link replaces it.
    utilise_at      TIMESTAMP
);
CREATE INDEX activations_utilisateur_idx ON activations (utilisateur_id);

-- +goose Down
DROP TABLE activations;
