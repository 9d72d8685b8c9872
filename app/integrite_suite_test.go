package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// documentsOf lists a session's documents as the autorité sees them.
func (f *flow) documentsOf(sessionID string) []docOut {
	f.t.Helper()
	var out struct{ Documents []docOut }
	f.ok(f.as("dreets", "GET", "/api/v1/documents?session_id="+sessionID, nil), http.StatusOK, &out)
	return out.Documents
}

// TestRectificationIdentiteRectifieLePV: the PV prints the candidat's
// name, so an identity rectified after validation gives, in the same
// request, a rectified PV that replaces the issued one, as a correction
// does; the other candidat's documents stay as they were.
func TestRectificationIdentiteRectifieLePV(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		c := f.formationCandidat("Morel")
		temoin := f.formationCandidat("Témoin")
		s, ins := f.held(c, temoin)
		for _, in := range ins {
			f.record(s, in, "jury1", true, nil)
		}
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)
		issued := f.issueAll(s.ID)
		var pv docOut
		parchemins := map[string]docOut{}
		for _, d := range issued {
			switch d.Type {
			case "pv":
				pv = d
			case "parchemin":
				parchemins[d.CandidatID] = d
			}
		}
		if pv.ID == "" || len(parchemins) != 2 {
			t.Fatalf("issued %+v, want a PV and two parchemins", issued)
		}

		cur, _ := f.getCandidat("centre", c)
		rect := map[string]any{"nom_naissance": "Moreau", "prenoms": cur.Prenoms, "date_naissance": cur.DateNaissance,
			"lieu_naissance": cur.LieuNaissance, "motif": "Erreur de transcription du nom de naissance.", "piece_justificative": "Acte de naissance n° 2026-0311"}
		f.ok(f.as("dreets", "POST", "/api/v1/candidats/"+c+"/rectification-identite", rect, ifMatch(cur.Version)), http.StatusOK, nil)

		v := f.verify(pv.Code, "")
		if v.Statut != certification.StatutRemplace || v.RemplacePar == "" || v.RemplacePar == pv.Numero {
			t.Fatalf("verification of the former PV: %+v, want remplacé by a new number", v)
		}
		valid := map[string][]docOut{}
		for _, d := range f.documentsOf(s.ID) {
			if d.Statut == certification.StatutValide {
				valid[d.Type] = append(valid[d.Type], d)
			}
		}
		if len(valid["pv"]) != 1 || valid["pv"][0].Numero != v.RemplacePar {
			t.Fatalf("valid PVs after the rectification: %+v, want the one replacing %s", valid["pv"], pv.Numero)
		}
		txt := pdfText(t, f.as("dreets", "GET", valid["pv"][0].URL, nil).Body.Bytes())
		for _, want := range []string{"Procès-verbal rectificatif de session", "remplace le procès-verbal n° " + pv.Numero, "Rectification de l'état civil de Jeanne Marie Moreau", "Moreau", "Témoin"} {
			if !strings.Contains(txt, want) {
				t.Errorf("rectified PV lacks %q: %s", want, txt)
			}
		}
		if strings.Contains(txt, "Morel") {
			t.Errorf("rectified PV still prints the former name: %s", txt)
		}
		for _, d := range valid["parchemin"] {
			switch d.CandidatID {
			case temoin:
				if d.ID != parchemins[temoin].ID {
					t.Errorf("the other candidat's parchemin was issued again: %s, was %s", d.Numero, parchemins[temoin].Numero)
				}
			case c:
				if d.ID == parchemins[c].ID {
					t.Errorf("the rectified candidat keeps its former parchemin %s", d.Numero)
				}
			}
		}
		if len(valid["parchemin"]) != 2 {
			t.Errorf("valid parchemins after the rectification: %+v, want two", valid["parchemin"])
		}
		var replaced bool
		for _, e := range f.evenements("dreets", sessionPath(s.ID, "evenements")) {
			if e.Action == "document_remplace" && e.ObjetID == pv.ID && strings.Contains(string(e.Apres), v.RemplacePar) {
				replaced = true
			}
		}
		if !replaced {
			t.Error("the session's trail does not record the PV replaced")
		}
		// Everything follows the rectification: issuing again issues nothing.
		var again struct{ Documents []docOut }
		f.ok(f.as("dreets", "POST", sessionPath(s.ID, "documents"), nil), http.StatusOK, &again)
		if len(again.Documents) != 0 {
			t.Errorf("issuance after the rectification issued %d documents, want none", len(again.Documents))
		}
	})
}

// compteID returns the id of a demo account.
func (a *api) compteID(identifiant string) string {
	a.t.Helper()
	var id string
	if err := a.db.Table("utilisateurs").Select("id").Where("identifiant = ?", identifiant).Scan(&id).Error; err != nil || id == "" {
		a.t.Fatalf("account %s: %v", identifiant, err)
	}
	return id
}

type utilisateurOut struct {
	ID, Identifiant, Role string
	Territoire            struct {
		Autorite, Region string
		Departements     []string
	}
}

// TestTerritoireAutorite: the administrator sets the territory of an
// existing autorité account, which acts on it from its next request;
// refusals write nothing; the change is journaled with the territory before.
func TestTerritoireAutorite(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lyon := f.session("titre", nil, "2026-12-07", "2026-12-07")
		nantes := f.sessionWith("centre2", "titre", nil, "2026-12-07", "2026-12-07", []string{f.membres["jury1"], f.membres["jury2"]})
		wantCode(t, f.as("dreets-pdl", "GET", sessionPath(lyon.ID), nil), http.StatusNotFound, "introuvable")
		f.ok(f.as("dreets-pdl", "GET", sessionPath(nantes.ID), nil), http.StatusOK, nil)

		// The administrator finds the account among the autorité's.
		var comptes struct{ Utilisateurs []utilisateurOut }
		f.ok(f.as("admin", "GET", "/api/v1/utilisateurs?role=autorite", nil), http.StatusOK, &comptes)
		var pdl string
		for _, u := range comptes.Utilisateurs {
			if u.Role != "autorite" {
				t.Errorf("account %s of role %s listed among the autorité's", u.Identifiant, u.Role)
			}
			if u.Identifiant == "dreets-pdl" && u.Territoire.Region == "Pays de la Loire" {
				pdl = u.ID
			}
		}
		if len(comptes.Utilisateurs) != 2 || pdl == "" {
			t.Fatalf("autorité accounts: %+v, want dreets and dreets-pdl with its region", comptes.Utilisateurs)
		}
		wantProblem(t, f.as("admin", "GET", "/api/v1/utilisateurs?role=roi", nil), http.StatusUnprocessableEntity, "role")
		path := "/api/v1/utilisateurs/" + pdl + "/territoire"
		ddets := map[string]any{"autorite": "DDETS du Rhône", "departements": []string{"69"}}
		before := f.count("evenements")
		wantProblem(t, f.as("admin", "PUT", path, map[string]any{"autorite": "DDETS du Rhône", "region": "Auvergne-Rhône-Alpes", "departements": []string{"69"}}),
			http.StatusUnprocessableEntity, "territoire")
		p := wantProblem(t, f.as("admin", "PUT", path, map[string]any{"autorite": "DDETS du Rhône", "departements": []string{"Rhône"}}),
			http.StatusUnprocessableEntity, "territoire.departements")
		if p.Code != "territoire_invalide" {
			t.Errorf("a département that is not a number: %s, want territoire_invalide", p.Code)
		}
		wantProblem(t, f.as("admin", "PUT", path, map[string]any{"region": "Bretagne"}), http.StatusUnprocessableEntity, "autorite")
		wantCode(t, f.as("admin", "PUT", "/api/v1/utilisateurs/"+f.compteID("jury1")+"/territoire", ddets), http.StatusConflict, "compte_non_autorite")
		wantCode(t, f.as("admin", "PUT", "/api/v1/utilisateurs/"+nobody+"/territoire", ddets), http.StatusNotFound, "introuvable")
		wantCode(t, f.as("dreets", "PUT", path, ddets), http.StatusForbidden, "acces_refuse")
		if n := f.count("evenements"); n != before {
			t.Fatalf("refused territory changes wrote %d events", n-before)
		}

		var u utilisateurOut
		f.ok(f.as("admin", "PUT", path, map[string]any{"autorite": "DDETS du Rhône", "departements": []string{" 69 "}}), http.StatusOK, &u)
		if u.ID != pdl || u.Role != "autorite" || u.Territoire.Autorite != "DDETS du Rhône" || u.Territoire.Region != "" ||
			len(u.Territoire.Departements) != 1 || u.Territoire.Departements[0] != "69" {
			t.Fatalf("after the change: %+v", u)
		}
		// The same token now acts for the Rhône, and no longer for Nantes.
		f.ok(f.as("dreets-pdl", "GET", sessionPath(lyon.ID), nil), http.StatusOK, nil)
		wantCode(t, f.as("dreets-pdl", "GET", sessionPath(nantes.ID), nil), http.StatusNotFound, "introuvable")

		var ev struct{ Avant, Apres, Role string }
		if err := db.Table("evenements").Select("avant, apres, role").Where("action = ? AND objet_id = ?", "territoire_modifie", pdl).Scan(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if ev.Role != "admin" || !strings.Contains(ev.Avant, "Pays de la Loire") || !strings.Contains(ev.Apres, `"departements":["69"]`) {
			t.Errorf("journal of the change: %+v, want the region before and the départements after, by the administrator", ev)
		}

		// An autorité account created through the API carries its territory.
		var created struct{ ID string }
		f.ok(f.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{"identifiant": "ddets44", "nom": "DDETS de Loire-Atlantique",
			"mot_de_passe": "ddets44-demo-cipcert", "role": "autorite",
			"territoire": map[string]any{"autorite": "DDETS de Loire-Atlantique", "departements": []string{"44"}}}), http.StatusCreated, &created)
		f.tokens["ddets44"] = f.login("ddets44", "ddets44-demo-cipcert")
		f.ok(f.as("ddets44", "GET", sessionPath(nantes.ID), nil), http.StatusOK, nil)
		wantProblem(t, f.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{"identifiant": "sans-territoire", "nom": "DREETS",
			"mot_de_passe": "sans-territoire-demo", "role": "autorite"}), http.StatusUnprocessableEntity, "territoire")
	})
}

// TestVocabulaireRefus: through the API, the refusals whose status was
// once out of line answer as the README's vocabulary says: a rule refused
// 422 with its code, a missing If-Match where a version exists 428, a stale
// one 412; nothing is overwritten.
func TestVocabulaireRefus(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		seul := f.sessionWith("centre", "titre", nil, "2026-12-07", "2026-12-08", []string{f.membres["jury1"]})
		wantCode(t, f.as("centre", "POST", sessionPath(seul.ID, "declaration"), nil), http.StatusUnprocessableEntity, "jury_incomplet")

		c := f.formationCandidat("Vocabulaire")
		s, ins := f.held(c)
		in := f.presence("jury1", s.ID, ins[0], "present", "favorable")
		wantCode(t, f.as("jury1", "PUT", evalPath(s.ID, in.ID, "CCP9"), evaluation("acquis", true)), http.StatusUnprocessableEntity, "ccp_non_inscrit")
		f.ok(f.as("jury1", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("acquis", true)), http.StatusOK, nil)
		wantCode(t, f.as("jury2", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("non_acquis", true)), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, f.as("jury2", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("non_acquis", true), ifMatch(2)), http.StatusPreconditionFailed, "version_perimee")
		if got := f.inscriptions("jury1", s.ID)[in.ID].evaluation("CCP1"); got == nil || got.Version != 1 || got.Decision != "acquis" {
			t.Errorf("CCP1 after the refused writes: %+v, want the first decision at version 1", got)
		}
		if n := f.count("evaluations"); n != 1 {
			t.Errorf("%d evaluations, want 1", n)
		}
	})
}
