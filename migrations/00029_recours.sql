-- A candidat, or its centre on its behalf, contests a validated decision:
-- a recours gracieux to the autorité or hiérarchique to the minister. The
-- recours keeps the last day of the period computed from the notification
-- and whether it came after it (hors_delai): the software never refuses a
-- late recours, the autorité decides whether it is tardif. rejet_implicite_le
-- is the day silence turns into a rejection (CRPA L231-4). proposition holds,
-- during a new deliberation, the decisions the jury members sign.

-- +goose Up
CREATE TABLE recours (
    id                 TEXT PRIMARY KEY,
    inscription_id     TEXT NOT NULL REFERENCES inscriptions (id),
    session_id         TEXT NOT NULL REFERENCES sessions (id),
    candidat_id        TEXT NOT NULL REFERENCES candidats (id),
    centre_id          TEXT NOT NULL REFERENCES centres (id),
    type               TEXT NOT NULL CHECK (type IN ('gracieux', 'hierarchique')),
    motifs             TEXT NOT NULL,
    depose_par         TEXT NOT NULL REFERENCES utilisateurs (id),
    depose_role        TEXT NOT NULL,
    depose_at          TIMESTAMP NOT NULL,
    delai_jusqu_au     DATE,
    hors_delai         BOOLEAN NOT NULL,
    rejet_implicite_le DATE NOT NULL,
    statut             TEXT NOT NULL CHECK (statut IN ('depose', 'deliberation', 'rejete', 'erreur_materielle_corrigee', 'nouvelle_deliberation')),
    motif_rejet        TEXT NOT NULL DEFAULT '',
    reponse            TEXT NOT NULL DEFAULT '',
    proposition        TEXT NOT NULL DEFAULT '',
    decide_par         TEXT REFERENCES utilisateurs (id),
    decide_at          TIMESTAMP,
    version            INTEGER NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX recours_candidat_idx ON recours (candidat_id, depose_at);
CREATE INDEX recours_centre_idx ON recours (centre_id, rejet_implicite_le);

-- Attached files, PDF or image, kept with their SHA-256 like documents.
CREATE TABLE recours_pieces (
    id           TEXT PRIMARY KEY,
    recours_id   TEXT NOT NULL REFERENCES recours (id),
    nom          TEXT NOT NULL,
    type_contenu TEXT NOT NULL CHECK (type_contenu IN ('application/pdf', 'image/png', 'image/jpeg')),
    taille       INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    contenu      BYTEA NOT NULL,
    ajoutee_par  TEXT NOT NULL REFERENCES utilisateurs (id),
    ajoutee_at   TIMESTAMP NOT NULL
);
CREATE INDEX recours_pieces_recours_idx ON recours_pieces (recours_id);

-- The jury members who signed the proposition whose digest they saw; a
-- new proposition withdraws them.
CREATE TABLE recours_signatures (
    recours_id TEXT NOT NULL REFERENCES recours (id),
    membre_id  TEXT NOT NULL REFERENCES jury_membres (id),
    empreinte  TEXT NOT NULL,
    signe_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (recours_id, membre_id)
);

-- +goose Down
DROP TABLE recours_signatures;
DROP TABLE recours_pieces;
DROP TABLE recours;
