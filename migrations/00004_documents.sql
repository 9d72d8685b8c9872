-- Issued documents: parchemins, livrets de certification, PV de session.
-- An issued document never changes: its bytes are stored with their SHA-256
-- and served as they are forever; only its status moves, from valide to
-- remplace (a newer livret or the parchemin supersedes it) or revoque.

-- +goose Up
CREATE TABLE documents (
    id                  TEXT PRIMARY KEY,
    type                TEXT NOT NULL CHECK (type IN ('parchemin', 'livret', 'pv')),
    numero              TEXT NOT NULL UNIQUE,
    titre_id            TEXT NOT NULL REFERENCES titres (id),
    annee               INTEGER NOT NULL,
    rang                INTEGER NOT NULL,
    code_verification   TEXT NOT NULL UNIQUE,
    sha256              TEXT NOT NULL,
    gabarit             TEXT NOT NULL,
    contenu             BYTEA NOT NULL,
    taille              INTEGER NOT NULL,
    session_id          TEXT NOT NULL REFERENCES sessions (id),
    candidat_id         TEXT REFERENCES candidats (id),
    inscription_id      TEXT REFERENCES inscriptions (id),
    -- What the public verification may disclose, kept apart from the bytes.
    titulaire_nom       TEXT NOT NULL DEFAULT '',
    titulaire_prenoms   TEXT NOT NULL DEFAULT '',
    titulaire_naissance DATE,
    statut              TEXT NOT NULL CHECK (statut IN ('valide', 'remplace', 'revoque')),
    remplace_par        TEXT REFERENCES documents (id),
    motif_revocation    TEXT NOT NULL DEFAULT '',
    revoque_at          TIMESTAMP,
    revoque_par         TEXT REFERENCES utilisateurs (id),
    emis_at             TIMESTAMP NOT NULL,
    emis_par            TEXT NOT NULL REFERENCES utilisateurs (id),
    -- Numbers are gap-free per titre, type and year.
    UNIQUE (titre_id, type, annee, rang)
);
-- At most one valid document of a kind per enrolment (one PV per session):
-- two concurrent issuances cannot both succeed.
CREATE UNIQUE INDEX documents_un_valide_idx ON documents (session_id, type, COALESCE(inscription_id, '')) WHERE statut = 'valide';
CREATE INDEX documents_candidat_idx ON documents (candidat_id, emis_at);
CREATE INDEX documents_session_idx ON documents (session_id, type);

-- The last number given per titre, type and year. Incremented inside the
-- issuing transaction, so a failed issuance gives its number back.
CREATE TABLE numerotation (
    titre_id  TEXT NOT NULL REFERENCES titres (id),
    type      TEXT NOT NULL,
    annee     INTEGER NOT NULL,
    dernier   INTEGER NOT NULL,
    PRIMARY KEY (titre_id, type, annee)
);

-- +goose Down
DROP TABLE numerotation;
DROP TABLE documents;
