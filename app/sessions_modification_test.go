package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type sessionModifOut struct {
	ID, Lieu, Heure, Debut, Statut string
	NumeroCeres                    string  `json:"numero_ceres"`
	CeresDeclareeLe                *string `json:"ceres_declaree_le"`
	Version                        int
}

// TestSessionChanges: a centre edits a declared session, replaces a juror,
// records its CERES number and withdraws or excuses candidats; a move the
// jury's habilitations do not cover is refused naming the juror, every
// change is in the trail, and the roles that may not edit are refused.
func TestSessionChanges(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre := f.candidatID("Lefèvre")
		s := f.session("titre", nil, "2026-11-30", "2026-12-01")
		in := f.enrol(s.ID, lefevre, nil)
		f.step("centre", s.ID, "declaration", http.StatusOK)
		path := "/api/v1/sessions/" + s.ID
		var cur sessionModifOut
		f.ok(f.as("centre", "GET", path, nil), http.StatusOK, &cur)

		// An habilitation that ends on 31 December.
		var morel struct{ ID string }
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{"nom": "Morel", "prenoms": "Inès", "email": "ines.morel@example.fr"}),
			http.StatusCreated, &morel)
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+morel.ID+"/habilitations", map[string]any{
			"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2026-12-31", "reference": "HAB-MOREL"}), http.StatusCreated, nil)
		// A member who trained the enrolled candidat would leave her one
		// member free to deliberate: refused, nothing changes.
		roux, _ := f.habilitated("Roux", "Malik", "malik.roux@example.fr")
		f.ok(f.as("centre", "POST", "/api/v1/liens", map[string]any{"membre_id": roux, "candidat_id": lefevre, "nature": "formateur"}),
			http.StatusCreated, nil)
		wantCode(t, f.as("centre", "POST", path+"/jury/remplacement", map[string]any{"ancien": f.membres["jury2"], "nouveau": roux},
			ifMatch(cur.Version)), http.StatusUnprocessableEntity, "jury_independant_insuffisant")
		wantCode(t, f.as("centre", "POST", path+"/jury/remplacement", map[string]any{"ancien": f.membres["jury2"], "nouveau": f.membres["jury1"]},
			ifMatch(cur.Version)), http.StatusUnprocessableEntity, "jury_invalide")
		remplacement := map[string]any{"ancien": f.membres["jury2"], "nouveau": morel.ID}
		wantCode(t, f.as("centre", "POST", path+"/jury/remplacement", remplacement), http.StatusPreconditionRequired, "if_match_requis")
		f.ok(f.as("centre", "POST", path+"/jury/remplacement", remplacement, ifMatch(cur.Version)), http.StatusOK, &cur)

		edit := map[string]any{"debut": "2027-01-11", "fin": "2027-01-12", "heure": "08:30", "lieu": "Lyon, salle Saône", "responsable": "Sophie Garnier"}
		p := wantCode(t, f.as("centre", "PUT", path, edit, ifMatch(cur.Version)), http.StatusUnprocessableEntity, "jury_non_habilite")
		if !strings.Contains(p.Detail, "Inès Morel") {
			t.Errorf("the refusal does not name the juror: %q", p.Detail)
		}
		var after sessionModifOut
		f.ok(f.as("centre", "GET", path, nil), http.StatusOK, &after)
		if after.Debut != "2026-11-30" || after.Version != cur.Version {
			t.Fatalf("a refused change wrote: %+v", after)
		}

		// Within the habilitations, the change goes through, once.
		edit["debut"], edit["fin"] = "2026-12-07", "2026-12-08"
		wantCode(t, f.as("centre", "PUT", path, edit), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, f.as("centre", "PUT", path, edit, ifMatch(cur.Version+1)), http.StatusPreconditionFailed, "version_perimee")
		wantCode(t, f.as("jury1", "PUT", path, edit, ifMatch(cur.Version)), http.StatusForbidden, "acces_refuse")
		wantCode(t, f.as("dreets", "PUT", path, edit, ifMatch(cur.Version)), http.StatusForbidden, "acces_refuse")
		wantCode(t, f.as("centre2", "PUT", path, edit, ifMatch(cur.Version)), http.StatusNotFound, "introuvable")
		f.ok(f.as("centre", "PUT", path, edit, ifMatch(cur.Version)), http.StatusOK, &cur)
		if cur.Lieu != "Lyon, salle Saône" || cur.Heure != "08:30" || cur.Debut != "2026-12-07" {
			t.Fatalf("after the change: %+v", cur)
		}

		// CERES: a malformed number or a future date writes nothing.
		wantCode(t, f.as("centre", "PUT", path+"/ceres", map[string]any{"numero_ceres": "x", "declaree_le": "2026-11-20"}, ifMatch(cur.Version)),
			http.StatusUnprocessableEntity, "ceres_invalide")
		wantCode(t, f.as("centre", "PUT", path+"/ceres", map[string]any{"numero_ceres": "CERES-2026-0042", "declaree_le": "2026-12-20"}, ifMatch(cur.Version)),
			http.StatusUnprocessableEntity, "ceres_invalide")
		f.ok(f.as("centre", "PUT", path+"/ceres", map[string]any{"numero_ceres": "ceres-2026-0042", "declaree_le": "2026-11-20"}, ifMatch(cur.Version)),
			http.StatusOK, &cur)
		var vu sessionModifOut
		f.ok(f.as("dreets", "GET", path, nil), http.StatusOK, &vu)
		if vu.NumeroCeres != "CERES-2026-0042" || str(vu.CeresDeclareeLe) != "2026-11-20" {
			t.Errorf("the autorité sees %+v", vu)
		}

		// The convocation and the attendance sheet say who, when, where and what.
		conv := f.as("centre", "GET", path+"/inscriptions/"+in.ID+"/convocation.pdf", nil)
		f.ok(conv, http.StatusOK, nil)
		mine := f.as("candidat", "GET", path+"/inscriptions/"+in.ID+"/convocation.pdf", nil)
		f.ok(mine, http.StatusOK, nil)
		sheet := f.as("jury1", "GET", path+"/emargement.pdf", nil)
		f.ok(sheet, http.StatusOK, nil)
		all := f.as("centre", "GET", path+"/convocations.pdf", nil)
		f.ok(all, http.StatusOK, nil)
		for name, txt := range map[string]string{"convocation": pdfText(t, conv.Body.Bytes()), "feuille": pdfText(t, sheet.Body.Bytes()),
			"convocations": pdfText(t, all.Body.Bytes())} {
			for _, want := range []string{"Lefèvre", "Camille", "07/12/2026", "Lyon, salle Saône", "Mise en situation professionnelle",
				"Entretien technique", "Questionnaire professionnel", "CCP1", "CCP3", "n’est pas un document de l’État"} {
				if !strings.Contains(txt, want) {
					t.Errorf("%s lacks %q", name, want)
				}
			}
			if strings.Contains(txt, "RÉPUBLIQUE") {
				t.Errorf("%s is styled as a State document", name)
			}
		}
		wantCode(t, f.as("centre2", "GET", path+"/emargement.pdf", nil), http.StatusNotFound, "introuvable")
		wantCode(t, f.as("jury1", "GET", path+"/convocations.pdf", nil), http.StatusForbidden, "acces_refuse")

		// The centre notes an excuse; it is in the trail.
		f.ok(f.as("centre", "POST", path+"/inscriptions/"+in.ID+"/excuse", map[string]any{"motif": "Hospitalisation prévue"}), http.StatusNoContent, nil)

		// Withdrawn, the candidat has no convocation and can enrol elsewhere.
		autre := f.session("titre", nil, "2026-12-14", "2026-12-15")
		wantCode(t, f.as("centre", "POST", "/api/v1/sessions/"+autre.ID+"/inscriptions", map[string]any{"candidat_id": lefevre}),
			http.StatusUnprocessableEntity, "double_inscription")
		f.ok(f.as("centre", "POST", path+"/inscriptions/"+in.ID+"/retrait", map[string]any{"motif": "Report demandé par le candidat"}),
			http.StatusNoContent, nil)
		wantCode(t, f.as("candidat", "GET", path+"/inscriptions/"+in.ID+"/convocation.pdf", nil), http.StatusNotFound, "introuvable")
		f.enrol(autre.ID, lefevre, nil)

		got := map[string]bool{}
		for _, e := range f.evenements("dreets", path+"/evenements") {
			got[e.Action] = true
		}
		for _, a := range []string{"session_modifiee", "jury_membre_remplace", "session_ceres", "inscription_excusee", "inscription_retiree"} {
			if !got[a] {
				t.Errorf("the trail lacks %s: %v", a, got)
			}
		}
	})
}

// TestExcuseJuryWins: the centre noted an excuse, the jury recorded the
// candidat present on the day: presence and outcome are the jury's.
func TestExcuseJuryWins(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre := f.candidatID("Lefèvre")
		today := f.clock().Format("2006-01-02")
		s := f.session("titre", nil, today, f.clock().AddDate(0, 0, 1).Format("2006-01-02"))
		in := f.enrol(s.ID, lefevre, nil)
		f.step("centre", s.ID, "declaration", http.StatusOK)
		f.ok(f.as("centre", "POST", "/api/v1/sessions/"+s.ID+"/inscriptions/"+in.ID+"/excuse", map[string]any{"motif": "Malade"}), http.StatusNoContent, nil)
		f.step("centre", s.ID, "tenue", http.StatusOK)
		wantCode(t, f.as("centre", "POST", "/api/v1/sessions/"+s.ID+"/inscriptions/"+in.ID+"/excuse", map[string]any{"motif": "Malade"}),
			http.StatusConflict, "excuse_impossible")
		var cur []inscriptionOut
		var list struct{ Inscriptions []inscriptionOut }
		f.ok(f.as("centre", "GET", "/api/v1/sessions/"+s.ID+"/inscriptions", nil), http.StatusOK, &list)
		cur = list.Inscriptions
		in = f.record(s, cur[0], "jury1", true, nil)
		f.deliberate(s.ID)
		f.ok(f.as("centre", "GET", "/api/v1/sessions/"+s.ID+"/inscriptions", nil), http.StatusOK, &list)
		if got := list.Inscriptions[0]; str(got.Presence) != "present" || str(got.Issue) != "titre" {
			t.Fatalf("after the jury's record: presence %s, issue %s; the jury's entry must win", str(got.Presence), str(got.Issue))
		}
	})
}
