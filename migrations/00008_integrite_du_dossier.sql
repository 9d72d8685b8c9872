-- What keeps the certification record truthful: withdrawals from a session
-- not yet held, late declarations, every notification de recevabilité.

-- +goose Up
-- A withdrawn enrolment is kept, with its reason, and counts no longer: the
-- candidat may then be enrolled elsewhere for the same blocs.
ALTER TABLE inscriptions ADD COLUMN retiree_at TIMESTAMP;
ALTER TABLE inscriptions ADD COLUMN motif_retrait TEXT NOT NULL DEFAULT ''
    CHECK (retiree_at IS NULL OR motif_retrait <> '');

-- A session is declared before its first day; a declaration the autorité
-- records later (a régularisation) keeps its reason.
ALTER TABLE sessions ADD COLUMN motif_regularisation TEXT NOT NULL DEFAULT '';

-- Every notification de recevabilité a candidat received, oldest first: a
-- new one never erases the previous, and eligibility takes the one in force
-- for a session's date and type. candidats.vae_* keeps the latest, as
-- entered. Rows are only inserted.
CREATE TABLE candidat_recevabilites (
    id                 TEXT PRIMARY KEY,
    candidat_id        TEXT NOT NULL REFERENCES candidats (id),
    date_notification  DATE NOT NULL,
    reference          TEXT NOT NULL,
    ddets              TEXT NOT NULL,
    mois_experience    INTEGER NOT NULL CHECK (mois_experience >= 0),
    type_session       TEXT NOT NULL CHECK (type_session IN ('titre', 'ccp')),
    enregistree_at     TIMESTAMP NOT NULL,
    enregistree_par    TEXT REFERENCES utilisateurs (id)
);
CREATE INDEX candidat_recevabilites_candidat_idx ON candidat_recevabilites (candidat_id, enregistree_at);
INSERT INTO candidat_recevabilites (id, candidat_id, date_notification, reference, ddets, mois_experience, type_session, enregistree_at)
SELECT id, id, vae_date_notification, COALESCE(vae_reference, ''), COALESCE(vae_ddets, ''), COALESCE(vae_mois_experience, 0),
       COALESCE(vae_type_session, 'titre'), updated_at
FROM candidats WHERE vae_date_notification IS NOT NULL;

-- +goose Down
DROP TABLE candidat_recevabilites;
ALTER TABLE sessions DROP COLUMN motif_regularisation;
ALTER TABLE inscriptions DROP COLUMN motif_retrait;
ALTER TABLE inscriptions DROP COLUMN retiree_at;
