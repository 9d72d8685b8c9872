package migrations

// The audit trail is append-only in the database itself, whatever code
// runs against it.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`CREATE FUNCTION evenements_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'evenements is append-only'; END $$`,
				`CREATE TRIGGER evenements_pas_de_modification BEFORE UPDATE OR DELETE ON evenements
			FOR EACH ROW EXECUTE FUNCTION evenements_immuables()`,
			},
			down: []string{
				`DROP TRIGGER evenements_pas_de_modification ON evenements`,
				`DROP FUNCTION evenements_immuables()`,
			},
		},
		"sqlite": {
			up: []string{
				`CREATE TRIGGER evenements_pas_de_modification BEFORE UPDATE ON evenements
			BEGIN SELECT RAISE(ABORT, 'evenements is append-only'); END`,
				`CREATE TRIGGER evenements_pas_de_suppression BEFORE DELETE ON evenements
			BEGIN SELECT RAISE(ABORT, 'evenements is append-only'); END`,
			},
			down: []string{
				`DROP TRIGGER evenements_pas_de_modification`,
				`DROP TRIGGER evenements_pas_de_suppression`,
			},
		},
	})
}
