package migrations

// A duplicata is a new document, numbered in its own right, that the
// autorité issues when a holder has lost its parchemin or livret: it names
// the original (duplicata_de), which stays valid beside it. An enrolment
// therefore holds one valid original of a kind, and any number of valid
// duplicatas, so the uniqueness of valid documents leaves the duplicatas
// out. Which document a duplicata copies never changes.
//
// SQLite gets no foreign key on the column: it cannot drop a column that
// has one, and the down must. Documents are never deleted, so the id it
// holds always names a row.
func init() {
	const (
		unValide         = `CREATE UNIQUE INDEX documents_un_valide_idx ON documents (session_id, type, COALESCE(inscription_id, '')) WHERE statut = 'valide'`
		unValideOriginal = unValide + ` AND duplicata_de IS NULL`
	)
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`ALTER TABLE documents ADD COLUMN duplicata_de TEXT REFERENCES documents (id)`,
				`DROP INDEX documents_un_valide_idx`,
				unValideOriginal,
				`CREATE FUNCTION documents_duplicata_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.duplicata_de IS DISTINCT FROM OLD.duplicata_de THEN
					RAISE EXCEPTION 'an issued document never changes';
				END IF;
				RETURN NEW;
			END $$`,
				`CREATE TRIGGER documents_duplicata_immuable BEFORE UPDATE ON documents
			FOR EACH ROW EXECUTE FUNCTION documents_duplicata_immuable()`,
			},
			down: []string{
				`DROP TRIGGER documents_duplicata_immuable ON documents`,
				`DROP FUNCTION documents_duplicata_immuable()`,
				`DROP INDEX documents_un_valide_idx`,
				unValide,
				`ALTER TABLE documents DROP COLUMN duplicata_de`,
			},
		},
		"sqlite": {
			up: []string{
				`ALTER TABLE documents ADD COLUMN duplicata_de TEXT`,
				`DROP INDEX documents_un_valide_idx`,
				unValideOriginal,
				`CREATE TRIGGER documents_duplicata_immuable BEFORE UPDATE OF duplicata_de ON documents
			BEGIN SELECT RAISE(ABORT, 'an issued document never changes'); END`,
			},
			down: []string{
				`DROP TRIGGER documents_duplicata_immuable`,
				`DROP INDEX documents_un_valide_idx`,
				unValide,
				`ALTER TABLE documents DROP COLUMN duplicata_de`,
			},
		},
	})
}
