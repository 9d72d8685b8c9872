package certification_test

import (
	"context"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestDocumentsDeLEtat: the parchemin cites the arrêté de spécialité of
// its version and the PV issued with it, and it, like the fiche de
// résultats, is signed for the minister by the function and the authority
// of the account that validated the PV.
func TestDocumentsDeLEtat(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w, spy := newSpyWorld(t, db)
		ctx := context.Background()
		sid := validatedSession(t, w.svc, 1, w.jury, w.centre, w.jury1, w.jury2, w.dreets)
		docs, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid)
		if err != nil || len(docs) != 3 || docs[0].Type != certification.DocPV || docs[2].Type != certification.DocFiche {
			t.Fatalf("issuance: %v %+v", err, docs)
		}
		spy.mu.Lock()
		defer spy.mu.Unlock()
		if len(spy.parchemins) != 1 || len(spy.fiches) != 1 {
			t.Fatalf("rendered %d parchemins and %d fiches, want one of each", len(spy.parchemins), len(spy.fiches))
		}
		p, f := spy.parchemins[0], spy.fiches[0]
		want := certification.Signataire{Nom: "Hélène Girard", Fonction: "Directrice régionale adjointe", Autorite: "DREETS Auvergne-Rhône-Alpes"}
		if p.Signataire != want || f.Signataire != want {
			t.Errorf("signatories %+v and %+v, want %+v", p.Signataire, f.Signataire, want)
		}
		if p.PV != docs[0].Numero || p.ArreteSpecialite == "" || p.Session == "" {
			t.Errorf("parchemin cites PV %q, arrêté %q, session %q; want PV %s", p.PV, p.ArreteSpecialite, p.Session, docs[0].Numero)
		}
		if f.Suite != "titre" || len(f.Decisions) != 3 || f.Recours.DelaiMois != 2 || f.Recours.Autorite != want.Autorite || f.Parcours == "" {
			t.Errorf("fiche = %+v", f)
		}
	})
}

// TestFonctionDuSignataire: the function is an autorité account's only.
func TestFonctionDuSignataire(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		admin := actor(t, w.svc, "admin")
		in := certification.NouvelUtilisateur{Identifiant: "jury9", Nom: "Lucie Roche", MotDePasse: "jury9-mot-de-passe-long",
			Role: certification.RoleJury, Fonction: "Directrice"}
		if _, err := w.svc.CreateUtilisateur(ctx, admin, in); code(err) != "utilisateur_invalide" {
			t.Errorf("a jury account with a function: %v, want utilisateur_invalide", err)
		}
		in = certification.NouvelUtilisateur{Identifiant: "ddets69", Nom: "Paul Martin", MotDePasse: "ddets69-mot-de-passe-long",
			Role: certification.RoleAutorite, Fonction: " Directeur départemental ",
			Territoire: certification.Territoire{Autorite: "DDETS du Rhône", Departements: []string{"69"}}}
		u, err := w.svc.CreateUtilisateur(ctx, admin, in)
		if err != nil || u.Fonction != "Directeur départemental" {
			t.Fatalf("autorité with a function: %+v %v", u, err)
		}
	})
}
