package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// Stories of the certification record's integrity told through the API,
// where the service-level ones (certification/integrite_test.go) had no
// counterpart: each shows a former behaviour gone.

// thirdMember gives the flow a third habilitated jury member, jury3, with
// its account, as the administrator and the autorité would.
func (f *flow) thirdMember() string {
	f.t.Helper()
	f.ok(f.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{"identifiant": "jury3", "nom": "Lucie Roche",
		"mot_de_passe": "jury3-mot-de-passe-long", "role": "jury"}), http.StatusCreated, nil)
	f.tokens["jury3"] = f.login("jury3", "jury3-mot-de-passe-long")
	var moi, m struct{ ID string }
	f.ok(f.as("jury3", "GET", "/api/v1/moi", nil), http.StatusOK, &moi)
	f.ok(f.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{"nom": "Roche", "prenoms": "Lucie",
		"email": "lucie.roche@example.fr", "utilisateur_id": moi.ID}), http.StatusCreated, &m)
	f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+m.ID+"/habilitations", map[string]any{
		"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2028-12-31", "reference": "HAB-ROCHE"}), http.StatusCreated, nil)
	f.membres["jury3"] = m.ID
	return m.ID
}

// TestStoryLienDeliberation: a member linked to a candidat no longer
// deliberates on it. With two members the candidat would be judged by one:
// no signature is accepted. With three, the linked member sees neither that
// candidat's line of the draft PV nor its livret preview, and the issued PV
// records the abstention.
func TestStoryLienDeliberation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		isole, lie, libre := f.formationCandidat("Isolé"), f.formationCandidat("Lié"), f.formationCandidat("Libre")
		for _, c := range []string{isole, lie} {
			f.ok(f.as("jury1", "POST", "/api/v1/liens", map[string]any{"membre_id": f.membres["jury1"], "candidat_id": c, "nature": "formateur"}),
				http.StatusCreated, nil)
		}

		s, ins := f.held(isole)
		f.record(s, ins[0], "jury2", true, nil)
		for _, j := range []string{"jury2", "jury1"} {
			wantCode(t, f.as(j, "POST", sessionPath(s.ID, "signature"), nil), http.StatusUnprocessableEntity, "jury_independant_insuffisant")
		}

		m3 := f.thirdMember()
		today, tomorrow := f.clock().Format("2006-01-02"), f.clock().AddDate(0, 0, 1).Format("2006-01-02")
		s2 := f.sessionWith("centre", "titre", nil, today, tomorrow, []string{f.membres["jury1"], f.membres["jury2"], m3})
		in := []inscriptionOut{f.enrol(s2.ID, lie, nil), f.enrol(s2.ID, libre, nil)}
		f.step("centre", s2.ID, "declaration", http.StatusOK)
		f.step("centre", s2.ID, "tenue", http.StatusOK)
		for _, i := range in {
			f.record(s2, i, "jury2", true, nil)
		}
		draft := pdfText(t, f.as("jury1", "GET", sessionPath(s2.ID, "pv-brouillon.pdf"), nil).Body.Bytes())
		if !strings.Contains(draft, "Libre") || strings.Contains(draft, "Lié") {
			t.Errorf("draft PV shown to the linked member: %s; want Libre's line only", draft)
		}
		wantCode(t, f.as("jury1", "GET", sessionPath(s2.ID, "inscriptions", in[0].ID, "livret-apercu.pdf"), nil),
			http.StatusUnprocessableEntity, "lien_avec_candidat")
		if rec := f.as("jury2", "GET", sessionPath(s2.ID, "inscriptions", in[0].ID, "livret-apercu.pdf"), nil); rec.Code != http.StatusOK {
			t.Errorf("livret preview for a member without a link: %d", rec.Code)
		}
		for _, j := range []string{"jury1", "jury2", "jury3"} {
			f.step(j, s2.ID, "signature", http.StatusOK)
		}
		f.step("dreets", s2.ID, "validation", http.StatusOK)
		var pv docOut
		for _, d := range f.issueAll(s2.ID) {
			if d.Type == "pv" {
				pv = d
			}
		}
		txt := pdfText(t, f.as("dreets", "GET", pv.URL, nil).Body.Bytes())
		if strings.Count(txt, "lien déclaré : n’a ni évalué ni délibéré") != 1 || !strings.Contains(txt, "s’est abstenu(e) de délibérer, en raison d’un lien déclaré, sur : Jeanne Marie Lié.") {
			t.Errorf("issued PV: %s; want one abstention, on Lié's line", txt)
		}
	})
}

// TestStoryPoursuiteApresReussitePartielle: a partial success is itself
// the ground for the missing CCP. A VAE candidat whose recevabilité named a
// session titre, and has since expired, and a training candidat, both in
// partial success, are enrolled for their missing CCP without a new
// recevabilité or new training evidence, and obtain the titre; so does a
// capitalisation candidat who acquired CCP1 in an earlier session, with no
// training declared.
func TestStoryPoursuiteApresReussitePartielle(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		vae, formation := f.candidatID("Nguyễn"), f.formationCandidat("Partielle")
		s1, ins := f.held(vae, formation)
		f.record(s1, ins[0], "jury1", false, map[string]string{"CCP2": "non_acquis"})
		f.record(s1, ins[1], "jury1", true, map[string]string{"CCP3": "non_acquis"})
		f.deliberate(s1.ID)
		f.step("dreets", s1.ID, "validation", http.StatusOK)
		recevabilites := f.count("candidat_recevabilites")

		// Ten months later: Nguyễn's recevabilité (notified 2026-06-15, for
		// a session titre) has expired; the titre is valid until 2028-03-22.
		f.later(296 * 24 * time.Hour)
		day := f.clock().Format("2006-01-02")
		capitalisation := f.createCandidat("centre", map[string]any{"titre_code": "TP-00403", "parcours": "capitalisation",
			"nom_naissance": "Capitalise", "prenoms": "Inès", "date_naissance": "1985-07-03", "lieu_naissance": "Vienne (38)",
			"email": "ines@example.fr", "ccp_anterieurs": []any{map[string]any{"ccp": "CCP1", "version_code": "TP-00403-2023",
				"date_obtention": "2025-06-12", "session_reference": "S-2025-LYON-07"}}}).ID
		s2 := f.session("ccp", []string{"CCP2", "CCP3"}, day, day)
		in := []inscriptionOut{f.enrol(s2.ID, vae, []string{"CCP2"}), f.enrol(s2.ID, formation, []string{"CCP3"}),
			f.enrol(s2.ID, capitalisation, []string{"CCP2", "CCP3"})}
		if n := f.count("candidat_recevabilites"); n != recevabilites {
			t.Errorf("%d recevabilités recorded for the missing CCP, want none", n-recevabilites)
		}
		f.step("centre", s2.ID, "declaration", http.StatusOK)
		f.step("centre", s2.ID, "tenue", http.StatusOK)
		f.record(s2, in[0], "jury1", false, nil)
		f.record(s2, in[1], "jury1", true, nil)
		f.record(s2, in[2], "jury1", false, nil)
		f.deliberate(s2.ID)
		f.step("dreets", s2.ID, "validation", http.StatusOK)
		for _, c := range []string{vae, formation, capitalisation} {
			if sit := f.dossierFull("centre", c).Situation; sit == nil || sit.Issue != "titre" {
				t.Errorf("situation of %s after the missing CCP: %+v, want the titre", c, sit)
			}
		}
	})
}

// TestStoryCorrectionRectifieLePV: a correction after validation issues,
// in its request, a rectified PV and the candidat's document as the record
// now stands; verification of the former ones says remplacé, and issuing
// again issues nothing. The PV is headed by the authority that validated it.
func TestStoryCorrectionRectifieLePV(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		c := f.formationCandidat("Corrigée")
		s, ins := f.held(c)
		f.record(s, ins[0], "jury1", true, nil)
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)
		first := byType(f.issueAll(s.ID))
		if !strings.Contains(pdfText(t, f.as("dreets", "GET", first["pv"].URL, nil).Body.Bytes()), "DREETS Auvergne-Rhône-Alpes") {
			t.Error("the PV does not print the validating authority")
		}

		cur := f.inscriptions("dreets", s.ID)[ins[0].ID]
		body := evaluation("non_acquis", true)
		body["motif"] = "Erreur de report : le jury avait déclaré CCP2 non acquis."
		f.ok(f.as("dreets", "POST", evalPath(s.ID, ins[0].ID, "CCP2")+"/correction", body, ifMatch(cur.evaluation("CCP2").Version)),
			http.StatusOK, nil)
		for _, typ := range []string{"pv", "parchemin"} {
			if v := f.verify(first[typ].Code, ""); v.Statut != certification.StatutRemplace || v.RemplacePar == "" {
				t.Errorf("verification of the former %s: %+v, want remplacé", typ, v)
			}
		}
		valid := map[string]docOut{}
		for _, d := range f.documentsOf(s.ID) {
			if d.Statut == certification.StatutValide {
				valid[d.Type] = d
			}
		}
		if len(valid) != 3 || valid["pv"].ID == "" || valid["livret"].ID == "" || valid["fiche"].ID == "" {
			t.Fatalf("valid documents after the correction: %+v, want a PV, a livret and the fiche de résultats", valid)
		}
		if v := f.verify(first["fiche"].Code, ""); v.Statut != certification.StatutRemplace || v.RemplacePar != valid["fiche"].Numero {
			t.Errorf("verification of the former fiche: %+v, want remplacé by %s", v, valid["fiche"].Numero)
		}
		txt := pdfText(t, f.as("dreets", "GET", valid["pv"].URL, nil).Body.Bytes())
		if !strings.Contains(txt, "Procès-verbal rectificatif de session") || !strings.Contains(txt, "remplace le procès-verbal n° "+first["pv"].Numero) || !strings.Contains(txt, "erreur matérielle") {
			t.Errorf("rectified PV: %s", txt)
		}
		var again struct{ Documents []docOut }
		f.ok(f.as("dreets", "POST", sessionPath(s.ID, "documents"), nil), http.StatusOK, &again)
		if len(again.Documents) != 0 {
			t.Errorf("issuance after the correction issued %d documents, want none", len(again.Documents))
		}
	})
}

// TestStoryRecevabilitesConservees: a second notification de recevabilité
// no longer overwrites the first. Nguyễn's first one (2026-06-15) names a
// session titre; the centre records a later one naming a session CCP; a
// session titre in December is still covered by the first.
func TestStoryRecevabilitesConservees(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		nguyen := f.candidatID("Nguyễn")
		count := func() (n int64) {
			t.Helper()
			if err := db.Table("candidat_recevabilites").Where("candidat_id = ?", nguyen).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 1 {
			t.Fatalf("%d recevabilités before, want 1", n)
		}
		_, rec := f.getCandidat("centre", nguyen)
		body := candidatAsRequest(t, rec)
		body["recevabilite"] = map[string]any{"date_notification": "2026-11-02", "reference": "VAE-69-2026-0412",
			"ddets": "DDETS du Rhône", "mois_experience": 40, "type_session": "ccp"}
		f.ok(f.as("centre", "PUT", "/api/v1/candidats/"+nguyen, body, "If-Match: "+rec.Header().Get("ETag")), http.StatusOK, nil)
		if n := count(); n != 2 {
			t.Errorf("%d recevabilités after a second notification, want both", n)
		}
		s := f.session("titre", nil, "2026-12-07", "2026-12-08")
		f.enrol(s.ID, nguyen, nil)
	})
}
