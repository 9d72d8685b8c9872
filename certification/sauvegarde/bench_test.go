package sauvegarde_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/sauvegarde"
)

// BenchmarkRestaurer10000 restores a database of 10 000 candidats, each
// deliberated candidat holding a document of the size of a real livret,
// into a fresh database, and checks every document's hash as cipcert
// restore does.
func BenchmarkRestaurer10000(b *testing.B) {
	for _, dialect := range certtest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			source := newDatabase(b, dialect)
			db, svc := openService(b, source)
			seed(b, svc)
			certtest.GenResultats(b, db, 10000, certtest.GenCentres(4))
			// Each deliberated enrolment gets a copy of the bytes of a
			// livret issued by the demo: PDF rendering is not what is
			// measured here.
			rang := "CAST(substr(i.id, 4) AS INTEGER) + 1000000"
			if err := db.Exec(`INSERT INTO documents (id, type, numero, titre_id, annee, rang, code_verification, sha256, gabarit, contenu, taille,
					session_id, candidat_id, inscription_id, titulaire_nom, titulaire_prenoms, statut, emis_at, emis_par, sceau_empreinte, sceau_nom)
				SELECT 'gd-' || i.id, d.type, 'GEN-' || i.id, d.titre_id, d.annee, ` + rang + `, 'GEN-' || i.id, d.sha256, d.gabarit, d.contenu, d.taille,
					i.session_id, i.candidat_id, i.id, 'Nom', 'Camille', 'valide', d.emis_at, d.emis_par, d.sceau_empreinte, d.sceau_nom
				FROM inscriptions i CROSS JOIN (SELECT * FROM documents WHERE type = 'livret' ORDER BY numero LIMIT 1) d
				WHERE i.id LIKE 'gi-%' AND i.issue IN ('titre', 'partiel')`).Error; err != nil {
				b.Fatal(err)
			}
			fichier := filepath.Join(b.TempDir(), "cipcert.sauvegarde")
			if err := sauvegarde.Sauvegarder(ctx, source, fichier, sauvegarde.Options{}); err != nil {
				b.Fatal(err)
			}
			var docs int
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				cible := newDatabase(b, dialect)
				b.StartTimer()
				bilan, err := sauvegarde.Restaurer(ctx, cible, fichier, sauvegarde.Options{})
				if err != nil {
					b.Fatal(err)
				}
				docs = bilan.Documents
			}
			b.ReportMetric(float64(docs), "documents")
		})
	}
}
