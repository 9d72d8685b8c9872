package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// The référentiel administered through the API: what the administrator
// creates, revises or closes is what the enrolment rules and the parcours
// then apply.

const cip = "/api/v1/titres/TP-00403"

// titreOut is a titre as GET /api/v1/titres/{code} answers it.
type titreOut struct {
	Code     string `json:"code"`
	Version  int    `json:"version"`
	Versions []struct {
		Code    string `json:"code"`
		Debut   string `json:"debut"`
		Fin     string `json:"fin"`
		Devenir string `json:"devenir"`
		CCP     []struct {
			Code            string   `json:"code"`
			RNCPBloc        string   `json:"rncp_bloc"`
			Correspondances []string `json:"correspondances"`
		} `json:"ccp"`
		CCS []struct {
			Code string `json:"code"`
		} `json:"ccs"`
	} `json:"versions"`
}

// titre reads a titre and checks that its ETag is its version.
func (f *flow) titre(code string) titreOut {
	f.t.Helper()
	var t titreOut
	rec := f.as("admin", "GET", "/api/v1/titres/"+code, nil)
	f.ok(rec, http.StatusOK, &t)
	if got := rec.Header().Get("ETag"); got != ifMatch(t.Version)[len("If-Match: "):] {
		f.t.Fatalf("ETag %s for version %d", got, t.Version)
	}
	return t
}

func bloc(code, nature, intitule string, correspond ...string) map[string]any {
	b := map[string]any{"code": code, "nature": nature, "intitule": intitule,
		"competences": []string{"Conduire un entretien d'évaluation de la demande"}}
	if len(correspond) > 0 {
		b["correspond"] = correspond
	}
	return b
}

// cipV2 is a revision of the CIP from 1 January 2027: CCPA takes over CCP1,
// CCPB takes over CCP2 and CCP3 together, CCPC is new.
func cipV2() map[string]any {
	return map[string]any{"code": "TP-00403-2027", "texte": "Arrêté du 2 décembre 2026 portant révision du titre professionnel CIP",
		"debut": "2027-01-01", "fin": "2031-12-31", "blocs": []any{
			bloc("CCPA", "ccp", "Accueillir et analyser la demande", "TP-00403-2023/CCP1"),
			bloc("CCPB", "ccp", "Accompagner les parcours d'insertion", "TP-00403-2023/CCP2", "TP-00403-2023/CCP3"),
			bloc("CCPC", "ccp", "Coopérer avec les employeurs du territoire"),
		}}
}

// sessionSur plans a session of any version as the demo centre.
func (f *flow) sessionSur(version, typ string, ccp []string, debut, fin string) sessionOut {
	f.t.Helper()
	return f.sessionPar("centre", version, typ, ccp, debut, fin)
}

// sessionPar plans a session of any version as any centre account, with
// jury1 and jury2.
func (f *flow) sessionPar(centre, version, typ string, ccp []string, debut, fin string) sessionOut {
	f.t.Helper()
	var s sessionOut
	f.ok(f.as(centre, "POST", "/api/v1/sessions", map[string]any{
		"version_code": version, "type": typ, "ccp": ccp, "debut": debut, "fin": fin,
		"lieu": "Lyon, salle Saône", "responsable": "Sophie Garnier",
		"jury": []string{f.membres["jury1"], f.membres["jury2"]}}), http.StatusCreated, &s)
	return s
}

// partialSuccess gives a new formation candidat the decisions at a session
// titre today, deliberated.
func (f *flow) partialSuccess(nom string, decisions map[string]string) string {
	f.t.Helper()
	c := f.formationCandidat(nom)
	s, ins := f.held(c)
	f.record(s, ins[0], "jury1", true, decisions)
	f.deliberate(s.ID)
	return c
}

func inscrire(f *flow, sessionID, candidatID string, ccp ...string) *httptest.ResponseRecorder {
	return f.as("centre", "POST", sessionPath(sessionID, "inscriptions"), map[string]any{"candidat_id": candidatID, "ccp": ccp})
}

// TestStoryRevisionCorrespondance (a): CCP1 acquired under the CIP of 2023;
// the administrator records the revision of 2027, whose CCPA takes over CCP1.
// The candidat holds CCPA under the new version: enrolling for it is refused,
// while CCPB, which takes over CCP2 and CCP3 together, is still missing.
func TestStoryRevisionCorrespondance(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		c := f.partialSuccess("Marchand", map[string]string{"CCP2": "non_acquis", "CCP3": "non_acquis"})

		avant := f.titre("TP-00403")
		rec := f.as("admin", "POST", cip+"/versions/TP-00403-2023/revision", cipV2(), ifMatch(avant.Version))
		var apres titreOut
		f.ok(rec, http.StatusCreated, &apres)
		if apres.Version != avant.Version+1 || len(apres.Versions) != 2 {
			t.Fatalf("after the revision: %+v", apres)
		}
		if v1 := apres.Versions[0]; v1.Fin != "2026-12-31" || v1.Devenir != "revise" {
			t.Errorf("V1 after the revision: fin %s, devenir %q; want 2026-12-31, revise", v1.Fin, v1.Devenir)
		}
		if got := apres.Versions[0].CCP[0].Correspondances; !reflect.DeepEqual(got, []string{"TP-00403-2027/CCPA"}) {
			t.Errorf("CCP1 corresponds to %v", got)
		}
		if got := apres.Versions[0].CCP[2].Correspondances; !reflect.DeepEqual(got, []string{"TP-00403-2027/CCPB"}) {
			t.Errorf("CCP3 corresponds to %v, want CCPB (several to one)", got)
		}

		s := f.sessionSur("TP-00403-2027", "ccp", []string{"CCPA", "CCPB"}, "2027-02-01", "2027-02-02")
		p := wantCode(t, inscrire(f, s.ID, c, "CCPA"), http.StatusUnprocessableEntity, "ccp_deja_acquis")
		if !strings.Contains(p.Detail, "CCPA") || !strings.Contains(p.Detail, "CCP1") {
			t.Errorf("refusal %q does not say CCPA is held through CCP1", p.Detail)
		}
		// CCPB takes over CCP2 and CCP3, neither acquired: it is missing.
		f.ok(inscrire(f, s.ID, c, "CCPB"), http.StatusCreated, nil)

		// Seeding again leaves the revised titre as the administrator made it.
		if err := fixtures.LoadReferentiel(context.Background(), f.svc); err != nil {
			t.Fatal(err)
		}
		if again := f.titre("TP-00403"); !reflect.DeepEqual(again, apres) {
			t.Errorf("the seed rewrote the revised titre: %+v", again)
		}

		// The revision is audited, the titre before and after.
		evs := f.evenements("admin", cip+"/evenements")
		if len(evs) != 1 || evs[0].Action != "version_revisee" || !bytes.Contains(evs[0].Apres, []byte(`"correspond":["TP-00403-2023/CCP2","TP-00403-2023/CCP3"]`)) ||
			bytes.Contains(evs[0].Avant, []byte("TP-00403-2027")) {
			t.Errorf("events: %+v", evs)
		}
	})
}

// TestStoryCloture (b): the CIP closed on 31 December 2026 (D). A candidat
// holding CCP1 and CCP2 sits CCP3 at D + 6 months, within the year the
// clôture leaves (cloture_delai_mois, arrêté du 22 décembre 2015, art. 3,
// DOMAIN §1 and §4.5), but not at D + 13 months.
func TestStoryCloture(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		c := f.partialSuccess("Garnier", map[string]string{"CCP3": "non_acquis"})
		avant := f.titre("TP-00403")
		var apres titreOut
		f.ok(f.as("admin", "POST", cip+"/versions/TP-00403-2023/cloture", map[string]any{"date": "2026-12-31"}, ifMatch(avant.Version)),
			http.StatusOK, &apres)
		if v := apres.Versions[0]; v.Fin != "2026-12-31" || v.Devenir != "cloture" {
			t.Fatalf("after the clôture: %+v", v)
		}
		// Closed: no second clôture, and no révision either.
		wantCode(t, f.as("admin", "POST", cip+"/versions/TP-00403-2023/cloture", map[string]any{"date": "2026-12-30"}, ifMatch(apres.Version)),
			http.StatusConflict, "version_terminee")

		// A second candidat in the same situation, for the later session.
		c2 := f.partialSuccess("Garnier-Roux", map[string]string{"CCP3": "non_acquis"})
		dans6 := f.sessionSur("TP-00403-2023", "ccp", []string{"CCP3"}, "2027-06-30", "2027-07-01")
		f.ok(inscrire(f, dans6.ID, c, "CCP3"), http.StatusCreated, nil)
		dans13 := f.sessionSur("TP-00403-2023", "ccp", []string{"CCP3"}, "2028-01-31", "2028-02-01")
		p := wantProblem(t, inscrire(f, dans13.ID, c2, "CCP3"), http.StatusUnprocessableEntity, "")
		if !strings.Contains(p.Detail, "clôtur") {
			t.Errorf("refusal at D + 13 months: %s %q, want the clôture's delay", p.Code, p.Detail)
		}
	})
}

// TestStoryCCSCree (c): a second titre, with a CCS, created through the API.
// A CCS candidat who does not hold the titre is refused the CCS session; one
// who obtained the titre at a session of that titre is accepted.
func TestStoryCCSCree(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		titre := map[string]any{"code": "TP-90001", "intitule": "Médiateur numérique d'insertion", "niveau": 4,
			"nsf": "332t", "rome": "K1801", "rncp": "RNCP99001", "versions": []any{map[string]any{
				"code": "TP-90001-2026", "texte": "Arrêté du 3 mars 2026 relatif au titre professionnel de médiateur numérique d'insertion",
				"debut": "2026-03-03", "fin": "2031-03-02", "blocs": []any{
					bloc("CCP1", "ccp", "Accueillir les publics éloignés du numérique"),
					bloc("CCP2", "ccp", "Animer des ateliers d'inclusion numérique"),
					bloc("CCS1", "ccs", "Accompagner les démarches administratives en ligne"),
				}}}}
		var created titreOut
		rec := f.as("admin", "POST", "/api/v1/titres", titre)
		f.ok(rec, http.StatusCreated, &created)
		if rec.Header().Get("Location") != "/api/v1/titres/TP-90001" || created.Version != 1 || len(created.Versions[0].CCS) != 1 {
			t.Fatalf("created: %s %s", rec.Header().Get("Location"), rec.Body)
		}

		// A centre agréé for it, with its account; both jury members habilitated.
		var centre struct{ ID string }
		f.ok(f.as("admin", "POST", "/api/v1/centres", map[string]any{"nom": "Numérique Solidaire", "siret": "88312097000016",
			"adresse": "3 quai Perrache", "code_postal": "69002", "ville": "Lyon", "region": "Auvergne-Rhône-Alpes",
			"agrements": []any{map[string]any{"titre_code": "TP-90001", "debut": "2026-03-03", "fin": "2031-03-02"}}}), http.StatusCreated, &centre)
		f.ok(f.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{"identifiant": "centre-num", "nom": "Numérique Solidaire",
			"mot_de_passe": "centre-num-mot-de-passe", "role": "centre", "centre_id": centre.ID}), http.StatusCreated, nil)
		f.tokens["centre-num"] = f.login("centre-num", "centre-num-mot-de-passe")
		for _, m := range []string{"jury1", "jury2"} {
			f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+f.membres[m]+"/habilitations", map[string]any{
				"titre_code": "TP-90001", "debut": "2026-03-03", "fin": "2028-12-31", "reference": "HAB-90001-" + m}), http.StatusCreated, nil)
		}
		planifier := func(typ string, ccp []string, debut, fin string) sessionOut {
			return f.sessionPar("centre-num", "TP-90001-2026", typ, ccp, debut, fin)
		}
		inscrireNum := func(s sessionOut, candidat string) *httptest.ResponseRecorder {
			return f.as("centre-num", "POST", sessionPath(s.ID, "inscriptions"), map[string]any{"candidat_id": candidat})
		}

		// Z obtains the titre at a session titre today.
		corps := candidatBody("Zerbib")
		corps["titre_code"] = "TP-90001"
		corps["ecf"] = []any{map[string]any{"ccp": "CCP1", "date_evaluation": "2026-04-10"},
			map[string]any{"ccp": "CCP2", "date_evaluation": "2026-06-12"}}
		z := f.createCandidat("centre-num", corps)
		today, tomorrow := f.clock().Format("2006-01-02"), f.clock().AddDate(0, 0, 1).Format("2006-01-02")
		st := planifier("titre", nil, today, tomorrow)
		var in inscriptionOut
		f.ok(inscrireNum(st, z.ID), http.StatusCreated, &in)
		f.ok(f.as("centre-num", "POST", sessionPath(st.ID, "declaration"), nil), http.StatusOK, nil)
		f.ok(f.as("centre-num", "POST", sessionPath(st.ID, "tenue"), nil), http.StatusOK, nil)
		f.record(st, in, "jury1", true, nil)
		f.deliberate(st.ID)

		// Y registers for the CCS without the titre.
		corps = candidatBody("Yilmaz")
		corps["titre_code"], corps["parcours"], corps["mois_experience"] = "TP-90001", "ccs", 24
		delete(corps, "formation")
		delete(corps, "ecf")
		y := f.createCandidat("centre-num", corps)

		sccs := planifier("ccs", []string{"CCS1"}, "2027-01-11", "2027-01-12")
		wantCode(t, inscrireNum(sccs, y.ID), http.StatusUnprocessableEntity, "ccs_titre_non_detenu")

		// Z, now holding the titre, turns to the CCS with its experience.
		var zc map[string]any
		rec = f.as("centre-num", "GET", "/api/v1/candidats/"+z.ID, nil)
		f.ok(rec, http.StatusOK, &zc)
		zc["parcours"], zc["mois_experience"] = "ccs", 24
		zc["ecf"] = append(zc["ecf"].([]any), map[string]any{"ccp": "CCS1", "date_evaluation": "2026-09-11"})
		f.ok(f.as("centre-num", "PUT", "/api/v1/candidats/"+z.ID, zc, "If-Match: "+rec.Header().Get("ETag")), http.StatusOK, nil)
		f.ok(inscrireNum(sccs, z.ID), http.StatusCreated, nil)
	})
}

// TestReferentielExportImport: the CIP exported is the fixture's titre;
// imported under a new code and exported again, it is the same JSON but for
// the code.
func TestReferentielExportImport(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		rec := f.as("admin", "GET", cip+"/export", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("export: %d %s", rec.Code, rec.Body)
		}
		export := rec.Body.Bytes()
		var got, want struct{ Titres []any }
		mustJSON(t, rec, &got)
		data, err := fixtures.File("referentiel.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Titres, want.Titres) {
			t.Fatalf("export of the CIP differs from fixtures/referentiel.json:\n got %v\nwant %v", got.Titres, want.Titres)
		}

		copie := bytes.ReplaceAll(export, []byte("TP-00403"), []byte("TP-99403"))
		rec = f.as("admin", "POST", "/api/v1/titres/import", copie)
		if rec.Code != http.StatusCreated {
			t.Fatalf("import: %d %s", rec.Code, rec.Body)
		}
		rec = f.as("admin", "GET", "/api/v1/titres/TP-99403/export", nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), copie) {
			t.Fatalf("export of the import:\n%s\nwant\n%s", rec.Body, copie)
		}
		// The copy counts for the rules as the CIP does: its own titre.
		var ts struct{ Titres []titreOut }
		f.ok(f.as("centre", "GET", "/api/v1/titres", nil), http.StatusOK, &ts)
		if len(ts.Titres) != 2 {
			t.Errorf("%d titres, want 2", len(ts.Titres))
		}

		// Imported again: the code is taken, nothing written.
		before := f.count("titre_versions")
		wantCode(t, f.as("admin", "POST", "/api/v1/titres/import", copie), http.StatusConflict, "titre_existant")
		if f.count("titre_versions") != before {
			t.Error("a refused import wrote versions")
		}
	})
}

// TestReferentielInvalide: every incoherence of an imported titre answers
// 422 naming its path in the file, and nothing is written.
func TestReferentielInvalide(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		rec := a.as("admin", "GET", cip+"/export", nil)
		var base map[string]any
		mustJSON(t, rec, &base)
		fresh := func() (map[string]any, map[string]any, []any) {
			var f map[string]any
			mustJSON(t, rec, &f)
			titre := f["titres"].([]any)[0].(map[string]any)
			titre["code"] = "TP-99403"
			v := titre["versions"].([]any)[0].(map[string]any)
			v["code"] = "TP-99403-2023"
			return f, titre, v["blocs"].([]any)
		}
		tables := []string{"titres", "titre_versions", "blocs", "competences", "correspondances", "evenements"}
		before := map[string]int64{}
		for _, tb := range tables {
			before[tb] = a.count(tb)
		}
		cases := []struct {
			name, champ, code string
			change            func(titre map[string]any, blocs []any)
		}{
			{"correspondance vers un CCP inconnu", "titres[0].versions[1].blocs[0].correspond[0]", "correspondance_inconnue",
				func(titre map[string]any, blocs []any) {
					titre["versions"] = append(titre["versions"].([]any), map[string]any{"code": "TP-99403-2028", "texte": "Arrêté de révision",
						"debut": "2028-03-23", "fin": "2033-03-22", "devenir": "", "blocs": []any{bloc("CCPA", "ccp", "Accueillir", "TP-99403-2023/CCP9")}})
					titre["versions"].([]any)[0].(map[string]any)["devenir"] = "revise"
				}},
			{"deux blocs de même code", "titres[0].versions[0].blocs[1].code", "code_en_double",
				func(_ map[string]any, blocs []any) { blocs[1].(map[string]any)["code"] = "CCP1" }},
			{"dates inversées", "titres[0].versions[0].fin", "dates_incoherentes",
				func(titre map[string]any, _ []any) {
					titre["versions"].([]any)[0].(map[string]any)["fin"] = "2020-01-01"
				}},
			{"code de version d'un autre titre", "titres[0].versions[0].code", "code_pris",
				func(titre map[string]any, _ []any) {
					titre["versions"].([]any)[0].(map[string]any)["code"] = "TP-00403-2023"
				}},
			{"bloc RNCP mal écrit", "titres[0].versions[0].blocs[2].rncp_bloc", "rncp_invalide",
				func(_ map[string]any, blocs []any) { blocs[2].(map[string]any)["rncp_bloc"] = "BC03" }},
			{"code de titre avec une barre", "titres[0].code", "code_invalide",
				func(titre map[string]any, _ []any) { titre["code"] = "TP/99403" }},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f, titre, blocs := fresh()
				tc.change(titre, blocs)
				p := wantProblem(t, a.as("admin", "POST", "/api/v1/titres/import", f), http.StatusUnprocessableEntity, tc.champ)
				for _, e := range p.Erreurs {
					if e.Champ == tc.champ && e.Code != tc.code {
						t.Errorf("%s: code %s, want %s (%s)", e.Champ, e.Code, tc.code, e.Message)
					}
				}
			})
		}
		for _, tb := range tables {
			if got := a.count(tb); got != before[tb] {
				t.Errorf("%s: %d rows, had %d", tb, got, before[tb])
			}
		}
	})
}

// TestReferentielVersionUtilisee: a version sessions have used no longer
// changes; one no one has used does, under If-Match.
func TestReferentielVersionUtilisee(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		f.session("titre", nil, "2026-12-07", "2026-12-08")
		rec := f.as("admin", "GET", cip+"/export", nil)
		var fichier struct{ Titres []map[string]any }
		mustJSON(t, rec, &fichier)
		v1 := fichier.Titres[0]["versions"].([]any)[0].(map[string]any)
		v1["texte"] = "Arrêté corrigé"
		cipv := f.titre("TP-00403").Version
		wantCode(t, f.as("admin", "PUT", cip+"/versions/TP-00403-2023", v1, ifMatch(cipv)), http.StatusConflict, "version_utilisee")
		if evs := f.evenements("admin", cip+"/evenements"); len(evs) != 0 {
			t.Errorf("a refused change was audited: %+v", evs)
		}

		// A new titre, without a version, then its first version.
		titre := map[string]any{"code": "TP-90002", "intitule": "Titre d'essai", "niveau": 5, "nsf": "332t", "rome": "K1801", "rncp": "RNCP99002",
			"versions": []any{}}
		var t1 titreOut
		f.ok(f.as("admin", "POST", "/api/v1/titres", titre), http.StatusCreated, &t1)
		version := map[string]any{"code": "TP-90002-2026", "texte": "Arrêté du 1er décembre 2026", "debut": "2026-12-01", "fin": "2031-11-30",
			"blocs": []any{bloc("CCP1", "ccp", "Accueillir"), bloc("CCP2", "ccp", "Accompagner")}}
		path := "/api/v1/titres/TP-90002/versions"
		wantCode(t, f.as("admin", "POST", path, version), http.StatusPreconditionRequired, "if_match_requis")
		f.ok(f.as("admin", "POST", path, version, ifMatch(t1.Version)), http.StatusCreated, &t1)
		wantCode(t, f.as("admin", "POST", path, version, ifMatch(t1.Version)), http.StatusConflict, "titre_deja_versionne")

		// Two administrators correct it at once from the same reading: one wins.
		version["blocs"] = []any{bloc("CCP1", "ccp", "Accueillir et informer")}
		recs := f.together(
			func() *httptest.ResponseRecorder {
				return f.as("admin", "PUT", path+"/TP-90002-2026", version, ifMatch(t1.Version))
			},
			func() *httptest.ResponseRecorder {
				return f.as("admin", "PUT", path+"/TP-90002-2026", version, ifMatch(t1.Version))
			})
		codes := []int{recs[0].Code, recs[1].Code}
		if !(codes[0] == http.StatusOK && codes[1] == http.StatusPreconditionFailed || codes[1] == http.StatusOK && codes[0] == http.StatusPreconditionFailed) {
			t.Fatalf("concurrent corrections: %v", codes)
		}
		got := f.titre("TP-90002")
		if got.Version != t1.Version+1 || len(got.Versions[0].CCP) != 1 {
			t.Errorf("after the correction: %+v", got)
		}
		evs := f.evenements("admin", "/api/v1/titres/TP-90002/evenements")
		if len(evs) != 3 || evs[0].Action != "titre_cree" || evs[1].Action != "version_ajoutee" || evs[2].Action != "version_remplacee" {
			t.Errorf("events: %+v", evs)
		}
		wantCode(t, f.as("dreets", "PUT", path+"/TP-90002-2026", version, ifMatch(got.Version)), http.StatusForbidden, "acces_refuse")
	})
}
