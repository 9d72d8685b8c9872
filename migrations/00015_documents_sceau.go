package migrations

// Every document issued from now on carries the issuing authority's
// electronic seal. Each one records which certificate sealed it (the SHA-256
// of the certificate and its common name), so that after a key rotation
// the public verification still names who sealed an earlier document.
// Documents issued before keep both empty: they were not sealed. Like the
// bytes, what sealed a document never changes.
func init() {
	immuables := func(extra string) string {
		return `CREATE OR REPLACE FUNCTION documents_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'documents are never deleted'; END IF;
				IF NEW.contenu IS DISTINCT FROM OLD.contenu OR NEW.sha256 IS DISTINCT FROM OLD.sha256
					OR NEW.numero IS DISTINCT FROM OLD.numero OR NEW.code_verification IS DISTINCT FROM OLD.code_verification` + extra + ` THEN
					RAISE EXCEPTION 'an issued document never changes';
				END IF;
				RETURN NEW;
			END $$`
	}
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`ALTER TABLE documents ADD COLUMN sceau_empreinte TEXT NOT NULL DEFAULT ''`,
				`ALTER TABLE documents ADD COLUMN sceau_nom TEXT NOT NULL DEFAULT ''`,
				immuables("\n\t\t\t\t\tOR NEW.sceau_empreinte IS DISTINCT FROM OLD.sceau_empreinte OR NEW.sceau_nom IS DISTINCT FROM OLD.sceau_nom"),
			},
			down: []string{
				immuables(""),
				`ALTER TABLE documents DROP COLUMN sceau_nom`,
				`ALTER TABLE documents DROP COLUMN sceau_empreinte`,
			},
		},
		"sqlite": {
			up: []string{
				`ALTER TABLE documents ADD COLUMN sceau_empreinte TEXT NOT NULL DEFAULT ''`,
				`ALTER TABLE documents ADD COLUMN sceau_nom TEXT NOT NULL DEFAULT ''`,
				`CREATE TRIGGER documents_sceau_immuable BEFORE UPDATE OF sceau_empreinte, sceau_nom ON documents
			BEGIN SELECT RAISE(ABORT, 'an issued document never changes'); END`,
			},
			down: []string{
				`DROP TRIGGER documents_sceau_immuable`,
				`ALTER TABLE documents DROP COLUMN sceau_nom`,
				`ALTER TABLE documents DROP COLUMN sceau_empreinte`,
			},
		},
	})
}
