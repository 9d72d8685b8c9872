package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type recoursOut struct {
	ID, Statut, Reponse string
	HorsDelai           bool   `json:"hors_delai"`
	MotifRejet          string `json:"motif_rejet"`
	ProchainsRecours    string `json:"prochains_recours"`
	Version             int
	Pieces              []struct {
		ID, Nom, Sha256 string
		TypeContenu     string `json:"type_contenu"`
	}
}

// demoRecours files, as the demo candidat, a recours gracieux on its
// result in the demo's validated session.
func demoRecours(t *testing.T, db *certification.DB) (*flow, recoursOut) {
	t.Helper()
	f := newDemoFlow(t, db, certtest.Now)
	var moi struct {
		CandidatID string `json:"candidat_id"`
	}
	f.ok(f.as("candidat", "GET", "/api/v1/moi", nil), http.StatusOK, &moi)
	var insID string
	if err := db.Table("inscriptions i").Select("i.id").Joins("JOIN sessions s ON s.id = i.session_id").
		Where("i.candidat_id = ? AND s.statut = ?", moi.CandidatID, certification.Validee).Scan(&insID).Error; err != nil || insID == "" {
		t.Fatalf("the demo candidat's validated enrolment: %v", err)
	}
	var r recoursOut
	f.ok(f.as("candidat", "POST", "/api/v1/recours", map[string]any{"inscription_id": insID, "type": "gracieux",
		"motifs": "Mon dossier professionnel n'a pas été examiné."}), http.StatusCreated, &r)
	return f, r
}

func (f *flow) piece(as, recoursID, nom string, data []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	body, ct := multipartFichier(f.t, nom, data)
	return f.as(as, "POST", "/api/v1/recours/"+recoursID+"/pieces", body, "Content-Type: "+ct)
}

// TestRecoursPiecesHTTP: an executable renamed .pdf is refused by its
// content; a 20 MB attachment is refused before it is read, with a French
// 413, and writes nothing; a PDF is kept with its SHA-256 and served back
// as it came.
func TestRecoursPiecesHTTP(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f, r := demoRecours(t, db)
		inchange := f.tablesInchangees(db)
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"), make([]byte, 4096)...)
		wantCode(t, f.piece("candidat", r.ID, "attestation.pdf", exe), http.StatusUnprocessableEntity, "piece_type_refuse")
		big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 20<<20)...)
		p := wantCode(t, f.piece("candidat", r.ID, "gros.pdf", big), http.StatusRequestEntityTooLarge, "fichier_trop_volumineux")
		if p.Detail == "" || !bytes.Contains([]byte(p.Detail), []byte("5 Mio")) {
			t.Errorf("413 detail = %q", p.Detail)
		}
		inchange("the refused attachments")

		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		var piece struct{ ID, Sha256 string }
		f.ok(f.piece("centre", r.ID, "releve.pdf", pdf), http.StatusCreated, &piece)
		sum := sha256.Sum256(pdf)
		if piece.Sha256 != hex.EncodeToString(sum[:]) {
			t.Errorf("sha256 = %s", piece.Sha256)
		}
		rec := f.as("dreets", "GET", "/api/v1/recours/"+r.ID+"/pieces/"+piece.ID, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.Equal(rec.Body.Bytes(), pdf) {
			t.Errorf("piece served: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		wantCode(t, f.as("centre2", "GET", "/api/v1/recours/"+r.ID+"/pieces/"+piece.ID, nil), http.StatusNotFound, "introuvable")
	})
}

// TestRecoursRejeteHTTP: the autorité sees the recours in its worklist,
// another territory does not; its rejection needs the version read, and
// the candidat reads the reasons and the remedies left.
func TestRecoursRejeteHTTP(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f, r := demoRecours(t, db)
		var list struct{ Recours []recoursOut }
		f.ok(f.as("dreets", "GET", "/api/v1/recours?ouverts=true", nil), http.StatusOK, &list)
		if len(list.Recours) != 1 || list.Recours[0].ID != r.ID || list.Recours[0].HorsDelai {
			t.Fatalf("worklist: %+v", list.Recours)
		}
		f.ok(f.as("dreets-pdl", "GET", "/api/v1/recours", nil), http.StatusOK, &list)
		if len(list.Recours) != 0 {
			t.Errorf("another territory sees %d recours", len(list.Recours))
		}
		decision := map[string]any{"issue": "rejete", "motif_rejet": "non_fonde", "reponse": "Le jury a apprécié souverainement le dossier."}
		wantCode(t, f.as("dreets", "POST", "/api/v1/recours/"+r.ID+"/decision", decision), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, f.as("dreets", "POST", "/api/v1/recours/"+r.ID+"/decision", decision, ifMatch(2)), http.StatusPreconditionFailed, "version_perimee")
		wantCode(t, f.as("dreets-pdl", "POST", "/api/v1/recours/"+r.ID+"/decision", decision, ifMatch(1)), http.StatusNotFound, "introuvable")
		var got recoursOut
		f.ok(f.as("dreets", "POST", "/api/v1/recours/"+r.ID+"/decision", decision, ifMatch(1)), http.StatusOK, &got)
		f.ok(f.as("candidat", "GET", "/api/v1/recours/"+r.ID, nil), http.StatusOK, &got)
		if got.Statut != "rejete" || got.MotifRejet != "non_fonde" || got.Reponse != decision["reponse"] || got.ProchainsRecours == "" {
			t.Errorf("the candidat reads %+v", got)
		}
	})
}
