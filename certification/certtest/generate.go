package certtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cipcert/cipcert/certification"
)

// GenCentre is a centre of a generated data set.
type GenCentre struct{ ID, Nom, Siret, Region string }

// GenResultats fills db, in a few INSERT … SELECT statements, with n
// candidats of TP-00403 spread over the centres, twenty to a session titre,
// one session in seventeen cancelled and one candidat in twenty-three
// withdrawn; the others are deliberated with the outcome i*7 % 10 chooses
// (0–3 titre, 4–5 partial success with CCP2 non acquis, 6–7 failure, 8–9
// absent). It is the data set of the statistics and export tests and of
// their benchmarks, at any size.
func GenResultats(tb testing.TB, db *certification.DB, n int, centres []GenCentre) {
	tb.Helper()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i, c := range centres {
		if err := db.Exec(`INSERT INTO centres (id, nom, siret, adresse, code_postal, ville, region, departement, created_at, updated_at)
			VALUES (?, ?, ?, '1 rue', '69001', 'Lyon', ?, ?, ?, ?)`, c.ID, c.Nom, c.Siret, c.Region, fmt.Sprintf("%02d", 10+i), at, at).Error; err != nil {
			tb.Fatal(err)
		}
	}
	jury := uuid.NewString()
	if err := db.Exec(`INSERT INTO utilisateurs (id, identifiant, nom, mot_de_passe_hash, role, created_at) VALUES (?, ?, 'Jury', 'x', 'jury', ?)`,
		jury, "gen-"+jury, at).Error; err != nil {
		tb.Fatal(err)
	}
	var ids struct{ TitreID, VersionID string }
	if err := db.Raw(`SELECT t.id AS titre_id, v.id AS version_id FROM titres t JOIN titre_versions v ON v.titre_id = t.id
		WHERE v.code = 'TP-00403-2023'`).Scan(&ids).Error; err != nil || ids.VersionID == "" {
		tb.Fatalf("version TP-00403-2023: %v", err)
	}
	centre := "CASE"
	for k, c := range centres {
		centre += fmt.Sprintf(" WHEN (i / 20) %% %d = %d THEN '%s'", len(centres), k, c.ID)
	}
	centre += " END"
	day := "date('2026-01-05', '+' || ((i / 20) % 300) || ' days')"
	stamp := "?"
	if db.Dialect == "postgres" {
		day = "(DATE '2026-01-05' + ((i / 20) % 300))"
		// A parameter in a CASE is text to PostgreSQL.
		stamp = "CAST(? AS TIMESTAMP)"
	}
	series := func(count int) string {
		return fmt.Sprintf("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ", count-1)
	}
	sessions := (n + 19) / 20
	stmts := []struct {
		name string
		sql  string
		args []any
	}{
		{"sessions", series(sessions*20) + `INSERT INTO sessions (id, reference, centre_id, version_id, type, debut, fin, lieu, responsable, statut,
			deliberee_at, created_at, updated_at)
			SELECT 'gs-' || CAST(i / 20 AS TEXT), 'G-' || CAST(i / 20 AS TEXT), ` + centre + `, ?, 'titre', ` + day + `, ` + day + `,
			'Lyon', 'Sophie Garnier', CASE WHEN (i / 20) % 17 = 5 THEN 'annulee' ELSE 'validee' END, ?, ?, ?
			FROM n WHERE i % 20 = 0`, []any{ids.VersionID, at, at, at}},
		{"session_blocs", `INSERT INTO session_blocs (session_id, bloc_id)
			SELECT s.id, b.id FROM sessions s JOIN blocs b ON b.version_id = s.version_id WHERE s.id LIKE 'gs-%'`, nil},
		{"candidats", series(n) + `INSERT INTO candidats (id, centre_id, titre_id, parcours, nom_naissance, nom_usage, prenoms, date_naissance,
			lieu_naissance, email, created_at, updated_at)
			SELECT 'gc-' || CAST(i AS TEXT), ` + centre + `, ?,
			CASE i % 4 WHEN 0 THEN 'formation' WHEN 1 THEN 'vae' WHEN 2 THEN 'capitalisation' ELSE 'formation' END,
			'Nom' || CAST(i AS TEXT), '', 'Camille', '1990-01-01', 'Lyon (69)', 'c@example.fr', ?, ? FROM n`, []any{ids.TitreID, at, at}},
		{"inscriptions", series(n) + `INSERT INTO inscriptions (id, session_id, candidat_id, entretien_final_du, presence, entretien_final, issue,
			retiree_at, motif_retrait, created_at, updated_at)
			SELECT 'gi-' || CAST(i AS TEXT), 'gs-' || CAST(i / 20 AS TEXT), 'gc-' || CAST(i AS TEXT), TRUE,
			CASE WHEN (i * 7) % 10 >= 8 THEN 'absent' ELSE 'present' END,
			CASE WHEN (i * 7) % 10 >= 8 THEN NULL ELSE 'favorable' END,
			CASE WHEN (i * 7) % 10 < 4 THEN 'titre' WHEN (i * 7) % 10 < 6 THEN 'partiel' WHEN (i * 7) % 10 < 8 THEN 'echec' ELSE 'absent' END,
			CASE WHEN i % 23 = 3 THEN ` + stamp + ` END, CASE WHEN i % 23 = 3 THEN 'Déménagement' ELSE '' END, ?, ? FROM n`, []any{at, at, at}},
		{"inscription_blocs", `INSERT INTO inscription_blocs (inscription_id, bloc_id)
			SELECT i.id, sb.bloc_id FROM inscriptions i JOIN session_blocs sb ON sb.session_id = i.session_id WHERE i.id LIKE 'gi-%'`, nil},
		{"evaluations", `INSERT INTO evaluations (id, inscription_id, bloc_id, decision, motifs, saisi_par, created_at, updated_at)
			SELECT i.id || '-' || b.code, i.id, b.id,
				CASE WHEN i.issue = 'titre' OR (i.issue = 'partiel' AND b.code <> 'CCP2') THEN 'acquis' ELSE 'non_acquis' END,
				CASE WHEN i.issue = 'titre' OR (i.issue = 'partiel' AND b.code <> 'CCP2') THEN '' ELSE 'Compétence non démontrée.' END,
				?, ?, ?
			FROM inscriptions i JOIN inscription_blocs ib ON ib.inscription_id = i.id JOIN blocs b ON b.id = ib.bloc_id
			WHERE i.id LIKE 'gi-%' AND i.issue <> 'absent'`, []any{jury, at, at}},
	}
	for _, s := range stmts {
		if err := db.Exec(s.sql, s.args...).Error; err != nil {
			tb.Fatalf("generate %s: %v", s.name, err)
		}
	}
	// The rows went in around the service: its statistics summary is
	// built from them as a migration builds it from existing rows.
	if err := certification.RecompterStatistiques(context.Background(), db); err != nil {
		tb.Fatal(err)
	}
	if db.Dialect == "postgres" {
		// VACUUM as autovacuum would on a database in service: it sets the
		// visibility map that index-only scans need, which a freshly
		// loaded table lacks.
		if err := db.Exec("VACUUM ANALYZE").Error; err != nil {
			tb.Fatal(err)
		}
	}
}

// GenCentres returns k centres, alternately in two regions.
func GenCentres(k int) []GenCentre {
	var out []GenCentre
	for i := range k {
		region := "Auvergne-Rhône-Alpes"
		if i%2 == 1 {
			region = "Pays de la Loire"
		}
		out = append(out, GenCentre{ID: uuid.NewString(), Nom: fmt.Sprintf("Centre %02d", i), Siret: fmt.Sprintf("%014d", 90000000000000+i), Region: region})
	}
	return out
}
