-- Accounts get an e-mail address, where their invitation and their
-- password reset links are sent. A candidat's account takes its candidat's
-- address; the other accounts get theirs from the administrator who invites
-- them, and an account without one cannot reset its password by e-mail.
--
-- liens_compte are the one-time links sent by e-mail: an invitation to set
-- one's first password, or a password reset. The row is written with the
-- change that asks for it; the job that sends the e-mail draws the token
-- and stores its SHA-256 only, so that the token exists in clear nowhere but
-- in the message (not in the job's arguments, nor in the recorded text).

-- +goose Up
ALTER TABLE utilisateurs ADD COLUMN email TEXT NOT NULL DEFAULT '';
UPDATE utilisateurs SET email = (SELECT c.email FROM candidats c WHERE c.id = utilisateurs.candidat_id)
    WHERE candidat_id IS NOT NULL;
CREATE INDEX utilisateurs_email_idx ON utilisateurs (lower(email));

CREATE TABLE liens_compte (
    id              TEXT PRIMARY KEY,
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateurs (id),
    genre           TEXT NOT NULL CHECK (genre IN ('invitation', 'reinitialisation')),
    -- NULL until the job draws the token.
    hash            TEXT UNIQUE,
    created_at      TIMESTAMP NOT NULL,
    expire_at       TIMESTAMP NOT NULL,
    -- Set when the link is used, or when a newer link of the same account
    -- replaces it.
    utilise_at      TIMESTAMP
);
CREATE INDEX liens_compte_utilisateur_idx ON liens_compte (utilisateur_id);

-- +goose Down
DROP TABLE liens_compte;
DROP INDEX utilisateurs_email_idx;
ALTER TABLE utilisateurs DROP COLUMN email;
