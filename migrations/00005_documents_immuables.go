package migrations

// An issued document's bytes and identity never change, and it is never
// deleted, in the database itself whatever code runs against it.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`CREATE FUNCTION documents_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'documents are never deleted'; END IF;
				IF NEW.contenu IS DISTINCT FROM OLD.contenu OR NEW.sha256 IS DISTINCT FROM OLD.sha256
					OR NEW.numero IS DISTINCT FROM OLD.numero OR NEW.code_verification IS DISTINCT FROM OLD.code_verification THEN
					RAISE EXCEPTION 'an issued document never changes';
				END IF;
				RETURN NEW;
			END $$`,
				`CREATE TRIGGER documents_immuables BEFORE UPDATE OR DELETE ON documents
			FOR EACH ROW EXECUTE FUNCTION documents_immuables()`,
			},
			down: []string{
				`DROP TRIGGER documents_immuables ON documents`,
				`DROP FUNCTION documents_immuables()`,
			},
		},
		"sqlite": {
			up: []string{
				`CREATE TRIGGER documents_immuables BEFORE UPDATE OF contenu, sha256, numero, code_verification ON documents
			BEGIN SELECT RAISE(ABORT, 'an issued document never changes'); END`,
				`CREATE TRIGGER documents_jamais_supprimes BEFORE DELETE ON documents
			BEGIN SELECT RAISE(ABORT, 'documents are never deleted'); END`,
			},
			down: []string{
				`DROP TRIGGER documents_immuables`,
				`DROP TRIGGER documents_jamais_supprimes`,
			},
		},
	})
}
