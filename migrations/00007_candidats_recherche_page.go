package migrations

// Makes the name indexes covering: the search takes a page of ids from each
// name's index, filtered by the columns a list filters on, without reading
// the rows of the thousands of candidats a short prefix matches (an
// index-only scan, once VACUUM has marked the pages visible). The name
// itself is included because PostgreSQL rechecks LIKE on the column, not on
// the indexed expression.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: []string{
				`CREATE INDEX candidats_nom_naissance_page_idx ON candidats (lower(nom_naissance) text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at, nom_naissance)`,
				`CREATE INDEX candidats_nom_usage_page_idx ON candidats (lower(nom_usage) text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at, nom_usage)`,
				`DROP INDEX candidats_nom_usage_lower_idx`,
				`DROP INDEX candidats_nom_naissance_lower_idx`,
			},
			down: []string{
				`CREATE INDEX candidats_nom_naissance_lower_idx ON candidats (lower(nom_naissance) text_pattern_ops)`,
				`CREATE INDEX candidats_nom_usage_lower_idx ON candidats (lower(nom_usage) text_pattern_ops)`,
				`DROP INDEX candidats_nom_usage_page_idx`,
				`DROP INDEX candidats_nom_naissance_page_idx`,
			},
		},
		"sqlite": {},
	})
}
