package app_test

import (
	"net/http"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestCentreModificationAPI: the administrator edits a centre with the
// ETag it read; a stale If-Match, a missing one, or a wrong SIRET key is
// refused and writes nothing; the change is journaled.
func TestCentreModificationAPI(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		var id string
		if err := db.Table("centres").Select("id").Where("nom = ?", "Avenir Insertion Formation").Scan(&id).Error; err != nil || id == "" {
			t.Fatal(err)
		}
		path := "/api/v1/centres/" + id
		get := a.as("admin", "GET", path, nil)
		if get.Code != http.StatusOK || get.Header().Get("ETag") != `"1"` {
			t.Fatalf("GET: %d %v", get.Code, get.Header())
		}
		body := map[string]any{"nom": "Avenir Insertion Formation", "siret": "81234567800013", "adresse": "14 rue de la République",
			"code_postal": "69002", "ville": "Lyon", "region": "Auvergne-Rhône-Alpes",
			"agrements": []map[string]any{{"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2029-12-31"}}}
		events := a.count("evenements")
		wantCode(t, a.as("admin", "PUT", path, body), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, a.as("admin", "PUT", path, body, `If-Match: "7"`), http.StatusPreconditionFailed, "version_perimee")
		bad := map[string]any{}
		for k, v := range body {
			bad[k] = v
		}
		bad["siret"] = "81234567800014"
		wantProblem(t, a.as("admin", "PUT", path, bad, `If-Match: "1"`), http.StatusUnprocessableEntity, "siret")
		if a.count("evenements") != events {
			t.Fatal("refused changes were journaled")
		}
		rec := a.as("admin", "PUT", path, body, `If-Match: "1"`)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
			t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
		}
		var n int64
		if err := db.Table("evenements").Where("action = 'centre_modifie' AND objet_id = ?", id).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%d centre_modifie events (%v)", n, err)
		}
	})
}
