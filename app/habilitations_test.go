package app_test

import (
	"net/http"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type habilitationOut struct {
	ID, TitreCode, Debut, Fin, Reference string
}

// habilitated records a jury member habilitated for TP-00403 until
// 2028-12-31, through the API as the autorité.
func (f *flow) habilitated(nom, prenoms, email string) (string, habilitationOut) {
	f.t.Helper()
	var m struct{ ID string }
	f.ok(f.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{"nom": nom, "prenoms": prenoms, "email": email}), http.StatusCreated, &m)
	var h habilitationOut
	f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+m.ID+"/habilitations", map[string]any{
		"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2028-12-31", "reference": "HAB-" + nom}), http.StatusCreated, &h)
	return m.ID, h
}

// TestHabilitationProlongEnd: the autorité prolongs, then ends early, an
// habilitation through the API, each change reading the end it saw in
// If-Match and audited; a blind, stale or malformed change writes
// nothing, and ending one a planned session still needs is refused.
func TestHabilitationProlongEnd(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		m, h := f.habilitated("Morel", "Inès", "ines.morel@example.fr")
		base := "/api/v1/jury/membres/" + m + "/habilitations/" + h.ID
		prolong := map[string]any{"fin": "2029-12-31", "motif": "DREETS-ARA-HAB-2028-041"}
		events := f.count("evenements")

		wantCode(t, f.as("dreets", "POST", base+"/prolongation", prolong), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, f.as("dreets", "POST", base+"/prolongation", prolong, `If-Match: "3"`), http.StatusBadRequest, "if_match_invalide")
		wantProblem(t, f.as("dreets", "POST", base+"/prolongation", prolong, `If-Match: "2028-06-30"`), http.StatusPreconditionFailed, "")
		wantProblem(t, f.as("dreets", "POST", base+"/prolongation", map[string]any{"fin": "2028-06-30", "motif": "x"}, `If-Match: "2028-12-31"`),
			http.StatusUnprocessableEntity, "fin")
		wantProblem(t, f.as("dreets", "POST", base+"/prolongation", map[string]any{"fin": "2029-12-31"}, `If-Match: "2028-12-31"`),
			http.StatusUnprocessableEntity, "motif")
		if got := f.count("evenements"); got != events {
			t.Fatalf("refused changes wrote %d events", got-events)
		}

		rec := f.as("dreets", "POST", base+"/prolongation", prolong, `If-Match: "2028-12-31"`)
		var out habilitationOut
		f.ok(rec, http.StatusOK, &out)
		if out.Fin != "2029-12-31" || rec.Header().Get("ETag") != `"2029-12-31"` {
			t.Fatalf("prolonged: %+v, ETag %s", out, rec.Header().Get("ETag"))
		}
		// The same request again carries an end that is no longer the one.
		wantProblem(t, f.as("dreets", "POST", base+"/prolongation", prolong, `If-Match: "2028-12-31"`), http.StatusPreconditionFailed, "")

		end := map[string]any{"fin": "2027-06-30", "motif": "Départ à la retraite"}
		wantProblem(t, f.as("dreets", "POST", base+"/fin", map[string]any{"fin": "2030-06-30", "motif": "trop tard"}, `If-Match: "2029-12-31"`),
			http.StatusUnprocessableEntity, "fin")
		rec = f.as("dreets", "POST", base+"/fin", end, `If-Match: "2029-12-31"`)
		f.ok(rec, http.StatusOK, &out)
		if out.Fin != "2027-06-30" || rec.Header().Get("ETag") != `"2027-06-30"` {
			t.Fatalf("ended: %+v, ETag %s", out, rec.Header().Get("ETag"))
		}
		if got := f.count("evenements"); got != events+2 {
			t.Errorf("%d events for a prolongation and an end, want 2", got-events)
		}
		var ms struct {
			Membres []struct {
				ID            string
				Habilitations []habilitationOut
			}
		}
		f.ok(f.as("dreets", "GET", "/api/v1/jury/membres", nil), http.StatusOK, &ms)
		for _, x := range ms.Membres {
			if x.ID == m && (len(x.Habilitations) != 1 || x.Habilitations[0].Fin != "2027-06-30") {
				t.Errorf("the member's habilitations read back: %+v", x.Habilitations)
			}
		}

		// A member sitting on a planned session keeps the habilitation
		// that session needs.
		m2, h2 := f.habilitated("Faure", "Paul", "paul.faure@example.fr")
		day := f.clock().AddDate(0, 1, 0).Format("2006-01-02")
		f.sessionWith("centre", "titre", nil, day, day, []string{f.membres["jury1"], m2})
		wantCode(t, f.as("dreets", "POST", "/api/v1/jury/membres/"+m2+"/habilitations/"+h2.ID+"/fin",
			map[string]any{"fin": f.clock().Format("2006-01-02"), "motif": "Fin de mission"}, `If-Match: "2028-12-31"`),
			http.StatusConflict, "habilitation_utilisee")

		// Another member's habilitation under this member's address.
		wantProblem(t, f.as("dreets", "POST", "/api/v1/jury/membres/"+m+"/habilitations/"+h2.ID+"/prolongation", prolong,
			`If-Match: "2028-12-31"`), http.StatusNotFound, "")
	})
}
