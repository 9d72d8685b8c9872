package migrations

// The fiche individuelle de résultats is a fourth kind of issued document,
// so the documents' type check admits it. An autorité account also records
// the function of its signatory, printed under « Pour le ministre et par
// délégation » on the documents it issues; accounts created before have
// none, and their documents print the authority alone.
//
// SQLite cannot change a CHECK constraint in place: the table is rebuilt
// with the same columns, indexes and triggers. Its triggers go with the old
// table before its rows do, so the rebuild deletes nothing they guard.
//
// The down keeps the check admitting fiches: an issued fiche is never
// deleted, and a narrower check would refuse the rows already stored.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`ALTER TABLE utilisateurs ADD COLUMN fonction TEXT NOT NULL DEFAULT ''`,
				`ALTER TABLE documents DROP CONSTRAINT documents_type_check`,
				`ALTER TABLE documents ADD CONSTRAINT documents_type_check CHECK (type IN ('parchemin', 'livret', 'pv', 'fiche'))`,
			},
			down: []string{`ALTER TABLE utilisateurs DROP COLUMN fonction`},
		},
		"sqlite": {
			up:   append([]string{`ALTER TABLE utilisateurs ADD COLUMN fonction TEXT NOT NULL DEFAULT ''`}, sqliteDocumentsTypes("'parchemin', 'livret', 'pv', 'fiche'")...),
			down: []string{`ALTER TABLE utilisateurs DROP COLUMN fonction`},
		},
	})
}

// sqliteDocumentsTypes rebuilds the documents table of SQLite with its type
// restricted to types, keeping every row, index and trigger.
func sqliteDocumentsTypes(types string) []string {
	return []string{
		// The new table's remplace_par refers to "documents", which is the
		// old table until the rename: its checks wait for the commit.
		`PRAGMA defer_foreign_keys = ON`,
		`CREATE TABLE documents_nouveaux (
    id                  TEXT PRIMARY KEY,
    type                TEXT NOT NULL CHECK (type IN (` + types + `)),
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
    categorie_revocation TEXT NOT NULL DEFAULT ''
        CHECK (categorie_revocation IN ('', 'erreur_materielle', 'decision_rectifiee', 'identite_rectifiee', 'fraude', 'recours')),
    sceau_empreinte     TEXT NOT NULL DEFAULT '',
    sceau_nom           TEXT NOT NULL DEFAULT '',
    UNIQUE (titre_id, type, annee, rang)
)`,
		`INSERT INTO documents_nouveaux (id, type, numero, titre_id, annee, rang, code_verification, sha256, gabarit, contenu, taille,
    session_id, candidat_id, inscription_id, titulaire_nom, titulaire_prenoms, titulaire_naissance, statut, remplace_par,
    motif_revocation, revoque_at, revoque_par, emis_at, emis_par, categorie_revocation, sceau_empreinte, sceau_nom)
SELECT id, type, numero, titre_id, annee, rang, code_verification, sha256, gabarit, contenu, taille,
    session_id, candidat_id, inscription_id, titulaire_nom, titulaire_prenoms, titulaire_naissance, statut, remplace_par,
    motif_revocation, revoque_at, revoque_par, emis_at, emis_par, categorie_revocation, sceau_empreinte, sceau_nom FROM documents`,
		`DROP TABLE documents`,
		`ALTER TABLE documents_nouveaux RENAME TO documents`,
		`CREATE UNIQUE INDEX documents_un_valide_idx ON documents (session_id, type, COALESCE(inscription_id, '')) WHERE statut = 'valide'`,
		`CREATE INDEX documents_candidat_idx ON documents (candidat_id, emis_at)`,
		`CREATE INDEX documents_session_idx ON documents (session_id, type)`,
		`CREATE TRIGGER documents_immuables BEFORE UPDATE OF contenu, sha256, numero, code_verification ON documents
			BEGIN SELECT RAISE(ABORT, 'an issued document never changes'); END`,
		`CREATE TRIGGER documents_jamais_supprimes BEFORE DELETE ON documents
			BEGIN SELECT RAISE(ABORT, 'documents are never deleted'); END`,
		`CREATE TRIGGER documents_sceau_immuable BEFORE UPDATE OF sceau_empreinte, sceau_nom ON documents
			BEGIN SELECT RAISE(ABORT, 'an issued document never changes'); END`,
	}
}
