package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// habilitatedJury returns the ids of the demo's habilitated jury members.
func (s *site) habilitatedJury() []string {
	s.t.Helper()
	ms, err := s.svc.Membres(context.Background(), s.acteur("centre"))
	if err != nil {
		s.t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		if len(m.Habilitations) > 0 {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) < 2 {
		s.t.Fatalf("the demo has %d habilitated jury members", len(ids))
	}
	return ids
}

var sessionPath = regexp.MustCompile(`^/centre/sessions/([0-9a-f-]{36})\?info=session-planifiee$`)

func TestCentreSessionDesk(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		c.login("centre")
		jury := s.habilitatedJury()

		list := c.get("/centre/sessions")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, "<caption>Sessions du centre") ||
			!strings.Contains(list.Body, `href="/centre/sessions/nouvelle"`) {
			t.Fatalf("list: %d", list.Status)
		}
		if p := c.get("/centre/sessions?statut=perdue&debut=31/02/2026"); p.Status != http.StatusOK ||
			!strings.Contains(p.Body, "Date invalide") || !strings.Contains(p.Body, `aria-invalid="true"`) {
			t.Errorf("bad filters: %d", p.Status)
		}

		// Refused on its fields, written nothing.
		form := url.Values{"version_code": {"TP-00403-2023"}, "type": {"titre"}, "debut": {"23/11/2026"}, "fin": {"22/11/2026"},
			"lieu": {""}, "responsable": {"Sophie Garnier"}, "jury": jury}
		p := c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-lieu-erreur"`) {
			t.Fatalf("empty place: %d", p.Status)
		}
		form.Set("lieu", "Lyon")
		p = c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "La date de fin précède la date de début.") ||
			!strings.Contains(p.Body, `id="f-fin-erreur"`) {
			t.Fatalf("end before start: %d", p.Status)
		}
		if !strings.Contains(p.Body, `value="`+jury[0]+`" checked`) {
			t.Error("the jury chosen is lost on a refusal")
		}
		form.Set("fin", "23/11/2026")
		form.Set("type", "ccp")
		p = c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-ccp-erreur"`) {
			t.Fatalf("CCP session without blocs: %d", p.Status)
		}
		form.Set("type", "titre")
		p = c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		m := sessionPath.FindStringSubmatch(p.Location)
		if p.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("plan: %d %q %s", p.Status, p.Location, p.Body)
		}
		id, rec := m[1], "/centre/sessions/"+m[1]
		p = c.get(p.Location)
		for _, want := range []string{"La session est planifiée.", "Planifiée</span>", `aria-describedby="raison-tenir"`,
			"La session doit d&#39;abord être déclarée.", `aria-controls="modale-annulation"`, `aria-labelledby="modale-annulation-titre"`,
			"Aucun candidat n’est encore inscrit."} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("record lacks %s", want)
			}
		}
		if strings.Contains(p.Body, "pv-brouillon.pdf") {
			t.Error("a draft PV tile with nobody enrolled")
		}

		if p := c.post(rec, rec+"/declaration", url.Values{}); p.Location != rec+"?info=session-declaree" {
			t.Fatalf("declare: %d %q", p.Status, p.Location)
		}
		if p := c.post(rec, rec+"/declaration", url.Values{}); p.Status != http.StatusConflict {
			t.Errorf("declare twice: %d", p.Status)
		}

		// Enrol: the demo's other centre's candidat is not offered; an
		// ineligible one gets its reason on its row.
		cand := s.candidatID("Lefèvre")
		enrol := rec + "/inscription"
		if p := c.get(enrol); !strings.Contains(p.Body, `aria-label="Inscrire `) {
			t.Fatalf("enrol page: %d", p.Status)
		}
		p = c.post(enrol, enrol, url.Values{"candidat_id": {cand}})
		if p.Status == http.StatusSeeOther {
			t.Logf("Lefèvre enrolled")
		} else if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="refus-`+cand+`"`) {
			t.Fatalf("enrol refused: %d %s", p.Status, p.Body)
		}
		if p := c.post(enrol, enrol, url.Values{"candidat_id": {s.candidatID("Lefèvre")}}); p.Status == http.StatusInternalServerError {
			t.Error("500 on enrolment")
		}
		// Cancel needs a reason.
		p = c.post(rec, rec+"/annulation", url.Values{"motif": {"  "}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-motif-erreur"`) {
			t.Errorf("cancel without reason: %d", p.Status)
		}
		// Another centre sees none of it.
		c2 := s.client()
		c2.login("centre2")
		for _, path := range []string{rec, enrol, rec + "/annulation", rec + "/pv-brouillon.pdf"} {
			if p := c2.get(path); p.Status != http.StatusNotFound {
				t.Errorf("centre2 on %s: %d", path, p.Status)
			}
		}
		if p := c2.post("/centre/sessions", rec+"/tenue", url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("centre2 holds: %d", p.Status)
		}
		if p := c.post(rec, rec+"/tenue", url.Values{}); p.Location != rec+"?info=session-tenue" {
			t.Fatalf("hold: %d %q", p.Status, p.Location)
		}
		p = c.get(rec)
		if !strings.Contains(p.Body, "Tenue</span>") || !strings.Contains(p.Body, `id="raison-inscrire"`) {
			t.Error("held record")
		}
		if p := c.get("/centre/sessions?statut=tenue"); !strings.Contains(p.Body, id) {
			t.Error("the held session is not listed under tenue")
		}
		if p := c.get("/centre/sessions?statut=planifiee"); strings.Contains(p.Body, id) {
			t.Error("the held session is listed under planifiée")
		}
	})
}

// TestCentreSessionDownloads: the tiles of a validated session, and what
// each serves.
func TestCentreSessionDownloads(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		var id string
		if err := db.Table("sessions").Select("id").Where("statut = ?", certification.Validee).Scan(&id).Error; err != nil || id == "" {
			t.Fatalf("validated demo session: %v", err)
		}
		c := s.client()
		c.login("centre")
		rec := "/centre/sessions/" + id
		p := c.get(rec)
		if strings.Contains(p.Body, "documents.zip") {
			t.Error("a ZIP tile before any document is issued")
		}
		livrets := regexp.MustCompile(`href="(`+rec+`/inscriptions/[0-9a-f-]{36}/livret-apercu\.pdf)"`).FindAllStringSubmatch(p.Body, -1)
		if len(livrets) == 0 || !strings.Contains(p.Body, rec+"/pv-brouillon.pdf") {
			t.Fatalf("tiles of a validated session: %d livrets", len(livrets))
		}
		for _, path := range []string{rec + "/pv-brouillon.pdf", livrets[0][1]} {
			p := c.get(path)
			if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.Body, "%PDF") {
				t.Errorf("%s: %d %s", path, p.Status, p.Header.Get("Content-Type"))
			}
		}
		issued := s.issueDemoDocuments()
		p = c.get(rec)
		if !strings.Contains(p.Body, `href="`+rec+`/documents.zip"`) {
			t.Fatal("no ZIP tile once documents are issued")
		}
		z := c.get(rec + "/documents.zip")
		if z.Status != http.StatusOK || z.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("zip: %d %s", z.Status, z.Header.Get("Content-Type"))
		}
		for _, d := range issued {
			if !strings.Contains(z.Body, web.DocumentFileName(d)) {
				t.Errorf("the ZIP lacks %s", web.DocumentFileName(d))
			}
		}
		c2 := s.client()
		c2.login("centre2")
		if p := c2.get(rec + "/documents.zip"); p.Status != http.StatusNotFound {
			t.Errorf("centre2 on the ZIP: %d", p.Status)
		}
	})
}

func TestActivationPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.candidatID("Kowalski")
		c2 := s.client()
		c2.login("centre2")
		if p := c2.get("/centre/candidats/" + id + "/compte"); p.Status != http.StatusNotFound {
			t.Errorf("centre2 on another centre's candidat account: %d", p.Status)
		}
		if p := c2.post("/centre/candidats", "/centre/candidats/"+id+"/compte", url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("centre2 opens another centre's candidat account: %d", p.Status)
		}
		c := s.client()
		c.login("centre")
		compte := "/centre/candidats/" + id + "/compte"
		p := c.post(compte, compte, url.Values{})
		link := regexpFind(t, `id="lien-activation">([^<]+)<`, p.Body)
		path := strings.TrimPrefix(link, s.srv.URL)
		// The demo candidat with an active account cannot get a link.
		lef := "/centre/candidats/" + s.candidatID("Lefèvre") + "/compte"
		if p := c.post(lef, lef, url.Values{}); p.Status != http.StatusConflict || !strings.Contains(p.Body, "a déjà activé son compte") {
			t.Errorf("active account: %d", p.Status)
		}

		v := s.client()
		if p := v.get("/activation/inconnu"); p.Status != http.StatusGone || !strings.Contains(p.Body, "n&#39;est plus valable") {
			t.Errorf("unknown link: %d", p.Status)
		}
		p = v.post(path, path, url.Values{"mot_de_passe": {"une phrase assez longue"}, "confirmation": {"une autre phrase longue"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-confirmation-erreur"`) ||
			strings.Contains(p.Body, "une phrase assez longue") {
			t.Errorf("mismatch: %d", p.Status)
		}
		p = v.post(path, path, url.Values{"mot_de_passe": {"une phrase assez longue"}, "confirmation": {"une phrase assez longue"}})
		if p.Status != http.StatusSeeOther || p.Location != "/mon-espace?info=compte-active" {
			t.Fatalf("activation: %d %q", p.Status, p.Location)
		}
		if p := v.get("/mon-espace"); p.Status != http.StatusOK || !strings.Contains(p.Body, "Kowalski") {
			t.Errorf("signed in after activation: %d", p.Status)
		}
		if p := s.client().get(path); p.Status != http.StatusGone {
			t.Errorf("link used twice: %d", p.Status)
		}
	})
}

// TestCentreSessionListPages: the cursor of the next page keeps the filters.
func TestCentreSessionListPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		centre, jury := s.acteur("centre"), s.habilitatedJury()
		for i := range 21 {
			d := certification.NewDate(2026, 12, 1+i)
			if _, err := s.svc.CreateSession(context.Background(), centre, certification.NouvelleSession{VersionCode: "TP-00403-2023",
				Type: "titre", Debut: d, Fin: d, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: jury[:2]}); err != nil {
				t.Fatal(err)
			}
		}
		c := s.client()
		c.login("centre")
		rows := regexp.MustCompile(`<tr>\s*<td><a href="/centre/sessions/`)
		p := c.get("/centre/sessions?statut=planifiee&debut=01/12/2026")
		if n := len(rows.FindAllString(p.Body, -1)); n != 20 {
			t.Fatalf("first page: %d rows", n)
		}
		next := strings.ReplaceAll(regexpFind(t, `href="(/centre/sessions\?apres=[^"]+)">Page suivante`, p.Body), "&amp;", "&")
		if !strings.Contains(next, "statut=planifiee") || !strings.Contains(next, "debut=01%2F12%2F2026") {
			t.Errorf("next page loses the filters: %s", next)
		}
		p = c.get(next)
		// 22 planned sessions: these 21 and the demo's of January 2027.
		if n := len(rows.FindAllString(p.Body, -1)); n != 2 || !strings.Contains(p.Body, "le 01/12/2026") {
			t.Errorf("second page: %d rows", n)
		}
		if !strings.Contains(p.Body, `fr-pagination__link--first" href="/centre/sessions?debut=01%2F12%2F2026&amp;statut=planifiee"`) {
			t.Error("no link back to the first page")
		}
	})
}
