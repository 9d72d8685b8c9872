-- Jury members and their habilitations, sessions and their lifecycle,
-- enrolments, the jury's evaluations, and the audit trail.

-- +goose Up
CREATE TABLE jury_membres (
    id              TEXT PRIMARY KEY,
    utilisateur_id  TEXT UNIQUE REFERENCES utilisateurs (id),
    nom             TEXT NOT NULL CHECK (nom <> ''),
    prenoms         TEXT NOT NULL CHECK (prenoms <> ''),
    email           TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

-- Granted by the DREETS for one titre over a period (Code de l'éducation R338-6).
CREATE TABLE habilitations (
    id          TEXT PRIMARY KEY,
    membre_id   TEXT NOT NULL REFERENCES jury_membres (id),
    titre_id    TEXT NOT NULL REFERENCES titres (id),
    debut       DATE NOT NULL,
    fin         DATE NOT NULL,
    reference   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    CHECK (fin >= debut)
);
CREATE INDEX habilitations_membre_idx ON habilitations (membre_id, titre_id);

-- A member who trained, tutors, employs or personally knows a candidat must
-- not evaluate nor deliberate on them.
CREATE TABLE liens (
    id           TEXT PRIMARY KEY,
    membre_id    TEXT NOT NULL REFERENCES jury_membres (id),
    candidat_id  TEXT NOT NULL REFERENCES candidats (id),
    nature       TEXT NOT NULL CHECK (nature IN ('formateur', 'tuteur', 'employeur', 'connaissance_personnelle')),
    declare_par  TEXT NOT NULL REFERENCES utilisateurs (id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (membre_id, candidat_id, nature)
);
CREATE INDEX liens_candidat_idx ON liens (candidat_id);

CREATE TABLE sessions (
    id                TEXT PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE,
    centre_id         TEXT NOT NULL REFERENCES centres (id),
    version_id        TEXT NOT NULL REFERENCES titre_versions (id),
    type              TEXT NOT NULL CHECK (type IN ('titre', 'ccp', 'ccs')),
    debut             DATE NOT NULL,
    fin               DATE NOT NULL,
    lieu              TEXT NOT NULL,
    responsable       TEXT NOT NULL,
    statut            TEXT NOT NULL CHECK (statut IN ('planifiee', 'declaree', 'tenue', 'deliberee', 'validee', 'annulee')),
    motif_annulation  TEXT NOT NULL DEFAULT '',
    declaree_at       TIMESTAMP,
    tenue_at          TIMESTAMP,
    deliberee_at      TIMESTAMP,
    validee_at        TIMESTAMP,
    validee_par       TEXT REFERENCES utilisateurs (id),
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CHECK (fin >= debut)
);
CREATE INDEX sessions_centre_idx ON sessions (centre_id, id);

CREATE TABLE session_blocs (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    bloc_id     TEXT NOT NULL REFERENCES blocs (id),
    PRIMARY KEY (session_id, bloc_id)
);

-- signe_at is the member's signature of the PV; empreinte is the digest of
-- the results signed, so a signature never covers results changed after it.
CREATE TABLE session_jury (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    membre_id   TEXT NOT NULL REFERENCES jury_membres (id),
    signe_at    TIMESTAMP,
    empreinte   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, membre_id)
);
CREATE INDEX session_jury_membre_idx ON session_jury (membre_id);

-- One candidat in one session. The outcome columns are written by the
-- deliberation from the rule engine and never edited by hand.
CREATE TABLE inscriptions (
    id                  TEXT PRIMARY KEY,
    session_id          TEXT NOT NULL REFERENCES sessions (id),
    candidat_id         TEXT NOT NULL REFERENCES candidats (id),
    entretien_final_du  BOOLEAN NOT NULL,
    presence            TEXT CHECK (presence IN ('present', 'absent', 'excuse', 'exclu_fraude')),
    entretien_final     TEXT CHECK (entretien_final IN ('favorable', 'defavorable')),
    issue               TEXT CHECK (issue IN ('titre', 'partiel', 'echec', 'absent')),
    explication         TEXT NOT NULL DEFAULT '',
    date_limite         DATE,
    notifie_le          DATE,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (session_id, candidat_id)
);
CREATE INDEX inscriptions_candidat_idx ON inscriptions (candidat_id);

CREATE TABLE inscription_blocs (
    inscription_id  TEXT NOT NULL REFERENCES inscriptions (id),
    bloc_id         TEXT NOT NULL REFERENCES blocs (id),
    PRIMARY KEY (inscription_id, bloc_id)
);

-- The jury's decision on one CCP. A correction after validation revokes the
-- row (kept, with its reason) and inserts a new one: at most one live row.
CREATE TABLE evaluations (
    id                          TEXT PRIMARY KEY,
    inscription_id              TEXT NOT NULL REFERENCES inscriptions (id),
    bloc_id                     TEXT NOT NULL REFERENCES blocs (id),
    decision                    TEXT NOT NULL CHECK (decision IN ('acquis', 'non_acquis')),
    motifs                      TEXT NOT NULL DEFAULT '',
    msp                         BOOLEAN NOT NULL DEFAULT FALSE,
    entretien_technique         BOOLEAN NOT NULL DEFAULT FALSE,
    questionnaire_professionnel BOOLEAN NOT NULL DEFAULT FALSE,
    questionnement_productions  BOOLEAN NOT NULL DEFAULT FALSE,
    dossier_professionnel       BOOLEAN NOT NULL DEFAULT FALSE,
    ecf_pris_en_compte          BOOLEAN NOT NULL DEFAULT FALSE,
    saisi_par                   TEXT NOT NULL REFERENCES utilisateurs (id),
    revoque_at                  TIMESTAMP,
    revoque_par                 TEXT REFERENCES utilisateurs (id),
    motif_revocation            TEXT NOT NULL DEFAULT '',
    version                     INTEGER NOT NULL DEFAULT 1,
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL,
    CHECK (decision = 'acquis' OR motifs <> '')
);
CREATE UNIQUE INDEX evaluations_vivante_idx ON evaluations (inscription_id, bloc_id) WHERE revoque_at IS NULL;

-- Append-only: triggers (migration 3) refuse UPDATE and DELETE.
CREATE TABLE evenements (
    id              TEXT PRIMARY KEY,
    at              TIMESTAMP NOT NULL,
    utilisateur_id  TEXT,
    role            TEXT NOT NULL,
    action          TEXT NOT NULL,
    objet           TEXT NOT NULL,
    objet_id        TEXT NOT NULL,
    session_id      TEXT,
    candidat_id     TEXT,
    avant           TEXT NOT NULL DEFAULT '',
    apres           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evenements_session_idx ON evenements (session_id, at);
CREATE INDEX evenements_candidat_idx ON evenements (candidat_id, at);

-- +goose Down
DROP TABLE evenements;
DROP TABLE evaluations;
DROP TABLE inscription_blocs;
DROP TABLE inscriptions;
DROP TABLE session_jury;
DROP TABLE session_blocs;
DROP TABLE sessions;
DROP TABLE liens;
DROP TABLE habilitations;
DROP TABLE jury_membres;
