package migrations

// Indexes the candidat search by name prefix, which lowercases both sides.
// PostgreSQL needs text_pattern_ops for LIKE 'abc%' to use an index whatever
// the database's collation; SQLite lowercases through an application
// function no index can hold, so it gets none.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`CREATE INDEX candidats_nom_naissance_lower_idx ON candidats (lower(nom_naissance) text_pattern_ops)`,
				`CREATE INDEX candidats_nom_usage_lower_idx ON candidats (lower(nom_usage) text_pattern_ops)`,
			},
			down: []string{
				`DROP INDEX candidats_nom_usage_lower_idx`,
				`DROP INDEX candidats_nom_naissance_lower_idx`,
			},
		},
		"sqlite": {},
	})
}
