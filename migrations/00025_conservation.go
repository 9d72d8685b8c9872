package migrations

import "strings"

// Retention (RGPD): what the scheduled purge did, and the only change the
// audit trail ever accepts. The trail stays append-only; a personal field of
// an event is pseudonymised by writing the pseudonymised copy of the event
// into evenements_pseudonymises first, itself append-only, and the trigger on
// evenements accepts an update that sets exactly that copy's avant and apres
// and leaves every other column as it was. Nothing is rewritten silently:
// each rewritten row is named, with the purge that rewrote it, in a table no
// one can alter. demandes_droits holds the candidats' requests under their
// rights. candidats.pseudonymise_at marks a candidat whose personal
// data the purge has already reduced, so that it is not done twice.
func init() {
	commun := []string{
		`CREATE TABLE conservation_journal (
			id          TEXT PRIMARY KEY,
			at          TIMESTAMP NOT NULL,
			categorie   TEXT NOT NULL,
			objet       TEXT NOT NULL,
			traitement  TEXT NOT NULL CHECK (traitement IN ('suppression', 'pseudonymisation')),
			nombre      INTEGER NOT NULL CHECK (nombre > 0)
		)`,
		`CREATE INDEX conservation_journal_at_idx ON conservation_journal (at)`,
		`CREATE TABLE evenements_pseudonymises (
			evenement_id TEXT PRIMARY KEY REFERENCES evenements (id),
			purge_id     TEXT NOT NULL REFERENCES conservation_journal (id),
			avant        TEXT NOT NULL,
			apres        TEXT NOT NULL
		)`,
		`ALTER TABLE candidats ADD COLUMN pseudonymise_at TIMESTAMP`,
		// A candidat's requests under its rights (rectification, erasure),
		// addressed to its centre, or to the autorité once its identity is
		// the one the State certifies.
		`CREATE TABLE demandes_droits (
			id            TEXT PRIMARY KEY,
			candidat_id   TEXT NOT NULL REFERENCES candidats (id),
			type          TEXT NOT NULL CHECK (type IN ('rectification', 'effacement')),
			texte         TEXT NOT NULL,
			destinataire  TEXT NOT NULL CHECK (destinataire IN ('centre', 'autorite')),
			created_at    TIMESTAMP NOT NULL
		)`,
		`CREATE INDEX demandes_droits_candidat_idx ON demandes_droits (candidat_id, created_at)`,
	}
	communDown := []string{
		`DROP TABLE demandes_droits`,
		`ALTER TABLE candidats DROP COLUMN pseudonymise_at`,
		`DROP TABLE evenements_pseudonymises`,
		`DROP TABLE conservation_journal`,
	}
	// Every column but avant and apres is unchanged, and the new avant and
	// apres are the recorded pseudonymised copy.
	const autorise = `NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.role = OLD.role AND NEW.action = OLD.action
		AND NEW.objet = OLD.objet AND NEW.objet_id = OLD.objet_id
		AND NEW.utilisateur_id IS NOT DISTINCT FROM OLD.utilisateur_id
		AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id
		AND NEW.candidat_id IS NOT DISTINCT FROM OLD.candidat_id
		AND EXISTS (SELECT 1 FROM evenements_pseudonymises p
			WHERE p.evenement_id = OLD.id AND p.avant = NEW.avant AND p.apres = NEW.apres)`
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: append(commun,
				`CREATE OR REPLACE FUNCTION evenements_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'UPDATE' AND `+autorise+` THEN RETURN NEW; END IF;
				RAISE EXCEPTION 'evenements is append-only';
			END $$`,
				`CREATE FUNCTION journal_conservation_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
				`CREATE TRIGGER conservation_journal_immuable BEFORE UPDATE OR DELETE ON conservation_journal
			FOR EACH ROW EXECUTE FUNCTION journal_conservation_immuable()`,
				`CREATE TRIGGER evenements_pseudonymises_immuables BEFORE UPDATE OR DELETE ON evenements_pseudonymises
			FOR EACH ROW EXECUTE FUNCTION journal_conservation_immuable()`,
			),
			down: append([]string{
				`DROP TRIGGER evenements_pseudonymises_immuables ON evenements_pseudonymises`,
				`DROP TRIGGER conservation_journal_immuable ON conservation_journal`,
				`DROP FUNCTION journal_conservation_immuable()`,
				`CREATE OR REPLACE FUNCTION evenements_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'evenements is append-only'; END $$`,
			}, communDown...),
		},
		"sqlite": {
			up: append(commun,
				`DROP TRIGGER evenements_pas_de_modification`,
				// SQLite spells IS NOT DISTINCT FROM as IS.
				`CREATE TRIGGER evenements_pas_de_modification BEFORE UPDATE ON evenements
			WHEN NOT (`+sqliteIs(autorise)+`)
			BEGIN SELECT RAISE(ABORT, 'evenements is append-only'); END`,
				`CREATE TRIGGER conservation_journal_pas_de_modification BEFORE UPDATE ON conservation_journal
			BEGIN SELECT RAISE(ABORT, 'conservation_journal is append-only'); END`,
				`CREATE TRIGGER conservation_journal_pas_de_suppression BEFORE DELETE ON conservation_journal
			BEGIN SELECT RAISE(ABORT, 'conservation_journal is append-only'); END`,
				`CREATE TRIGGER evenements_pseudonymises_pas_de_modification BEFORE UPDATE ON evenements_pseudonymises
			BEGIN SELECT RAISE(ABORT, 'evenements_pseudonymises is append-only'); END`,
				`CREATE TRIGGER evenements_pseudonymises_pas_de_suppression BEFORE DELETE ON evenements_pseudonymises
			BEGIN SELECT RAISE(ABORT, 'evenements_pseudonymises is append-only'); END`,
			),
			down: append([]string{
				`DROP TRIGGER evenements_pseudonymises_pas_de_suppression`,
				`DROP TRIGGER evenements_pseudonymises_pas_de_modification`,
				`DROP TRIGGER conservation_journal_pas_de_suppression`,
				`DROP TRIGGER conservation_journal_pas_de_modification`,
				`DROP TRIGGER evenements_pas_de_modification`,
				`CREATE TRIGGER evenements_pas_de_modification BEFORE UPDATE ON evenements
			BEGIN SELECT RAISE(ABORT, 'evenements is append-only'); END`,
			}, communDown...),
		},
	})
}

// sqliteIs rewrites the standard null-safe comparison in SQLite's words.
func sqliteIs(cond string) string {
	return strings.ReplaceAll(cond, "IS NOT DISTINCT FROM", "IS")
}
