-- What keeps the certification record truthful: withdrawals from a session
-- not yet held, late declarations, every notification de recevabilité, the
-- territory of the autorité.

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

-- Territorial competence: a DREETS acts for the centres of its region, a
-- DDETS for those of its départements. The département of existing centres
-- comes from their code postal (Corsica and overseas are set by hand).
ALTER TABLE centres ADD COLUMN departement TEXT NOT NULL DEFAULT '';
UPDATE centres SET departement = SUBSTR(code_postal, 1, 2)
WHERE LENGTH(code_postal) = 5 AND SUBSTR(code_postal, 1, 2) NOT IN ('20', '97', '98');
UPDATE centres SET departement = SUBSTR(code_postal, 1, 3)
WHERE LENGTH(code_postal) = 5 AND SUBSTR(code_postal, 1, 2) IN ('97', '98');
-- autorite is the authority an autorité account acts for, as printed on
-- documents; region (a DREETS) or departements (a DDETS, comma-separated)
-- its territory. An account without one acts on nothing.
ALTER TABLE utilisateurs ADD COLUMN autorite TEXT NOT NULL DEFAULT '';
ALTER TABLE utilisateurs ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE utilisateurs ADD COLUMN departements TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE utilisateurs DROP COLUMN departements;
ALTER TABLE utilisateurs DROP COLUMN region;
ALTER TABLE utilisateurs DROP COLUMN autorite;
ALTER TABLE centres DROP COLUMN departement;
DROP TABLE candidat_recevabilites;
ALTER TABLE sessions DROP COLUMN motif_regularisation;
ALTER TABLE inscriptions DROP COLUMN motif_retrait;
ALTER TABLE inscriptions DROP COLUMN retiree_at;
