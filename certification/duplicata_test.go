package certification_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestDuplicata: the autorité issues a duplicata of a parchemin in force: a
// new number and code, marked with the original's number, verifiable as a
// duplicata of it; the original stays valid; the trail says so. Everything
// else is refused and writes nothing.
func TestDuplicata(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w, spy := newSpyWorld(t, db)
		ctx := context.Background()
		sid := validatedSession(t, w.svc, 1, w.jury, w.centre, w.jury1, w.jury2, w.dreets)
		docs, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid)
		if err != nil || len(docs) != 3 {
			t.Fatalf("issuance: %v %+v", err, docs)
		}
		pv, par, fiche := docs[0], docs[1], docs[2]
		if par.Type != certification.DocParchemin {
			t.Fatalf("second document is a %s", par.Type)
		}
		pdl := actor(t, w.svc, "dreets-pdl")
		count := func() int {
			ds, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: sid})
			if err != nil {
				t.Fatal(err)
			}
			return len(ds)
		}

		for _, c := range []struct {
			name string
			a    certification.Acteur
			id   string
			want string
			kind error
		}{
			{"ErrForbidden", w.centre, par.ID, "acces_refuse", certification.ErrForbidden},
			{"ErrNotFound/autre_territoire", pdl, par.ID, "introuvable", certification.ErrNotFound},
			{"ErrNotFound/id", w.dreets, "pas-un-id", "introuvable", certification.ErrNotFound},
			{"ErrConflict/pv", w.dreets, pv.ID, "duplicata_type_exclu", certification.ErrConflict},
			{"ErrConflict/fiche", w.dreets, fiche.ID, "duplicata_type_exclu", certification.ErrConflict},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.svc.EmettreDuplicata(ctx, c.a, c.id)
				if !errors.Is(err, c.kind) || code(err) != c.want {
					t.Errorf("duplicata: %v, want %v %q", err, c.kind, c.want)
				}
			})
		}
		if n := count(); n != 3 {
			t.Fatalf("refused duplicatas wrote documents: %d", n)
		}

		dup, err := w.svc.EmettreDuplicata(ctx, w.dreets, par.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dup.Type != certification.DocParchemin || dup.Numero == par.Numero || dup.CodeVerification == par.CodeVerification ||
			dup.DuplicataDe == nil || *dup.DuplicataDe != par.ID || dup.Statut != certification.StatutValide {
			t.Errorf("duplicata = %+v", dup)
		}
		if last := spy.parchemins[len(spy.parchemins)-1]; last.EnTete.DuplicataDe != par.Numero || last.EnTete.Numero != dup.Numero {
			t.Errorf("the duplicata was rendered with %+v, want the original's number %s", last.EnTete, par.Numero)
		}
		v, err := w.svc.Verifier(ctx, dup.CodeVerification, "", nil)
		if err != nil || v.DuplicataDe != par.Numero || v.Statut != certification.StatutValide || v.Numero != dup.Numero {
			t.Errorf("verification of the duplicata: %+v %v", v, err)
		}
		v, err = w.svc.Verifier(ctx, par.CodeVerification, "", nil)
		if err != nil || v.DuplicataDe != "" || v.Statut != certification.StatutValide {
			t.Errorf("verification of the original after its duplicata: %+v %v", v, err)
		}
		full, err := w.svc.Document(ctx, w.dreets, dup.ID, true)
		if err != nil || len(full.Contenu) == 0 || full.Sha256 != dup.Sha256 {
			t.Fatalf("duplicata bytes: %v", err)
		}
		evs, err := w.svc.Evenements(ctx, w.dreets, sid, "")
		if err != nil {
			t.Fatal(err)
		}
		var trace bool
		for _, e := range evs {
			if e.Action == "duplicata_emis" && e.ObjetID == par.ID && strings.Contains(e.Apres, dup.Numero) {
				trace = true
			}
		}
		if !trace {
			t.Error("no duplicata_emis event on the original naming the duplicata")
		}
		// A second request gives a second duplicata, numbered in turn.
		dup2, err := w.svc.EmettreDuplicata(ctx, w.dreets, par.ID)
		if err != nil || dup2.Numero == dup.Numero {
			t.Fatalf("second duplicata: %+v %v", dup2, err)
		}

		t.Run("ErrConflict/duplicata", func(t *testing.T) {
			if _, err := w.svc.EmettreDuplicata(ctx, w.dreets, dup.ID); code(err) != "duplicata_de_duplicata" {
				t.Errorf("duplicata of a duplicata: %v", err)
			}
		})
		// A re-issuance replaces the original and its duplicatas by one
		// document; none of them may be duplicated any more.
		cand, err := w.svc.Candidat(ctx, w.dreets, *par.CandidatID)
		if err != nil {
			t.Fatal(err)
		}
		rect := certification.IdentiteRectifiee{Identite: certification.Identite{NomNaissance: cand.NomNaissance + "-Rey", Prenoms: cand.Prenoms,
			DateNaissance: cand.DateNaissance, LieuNaissance: cand.LieuNaissance}, Motif: "Erreur de transcription du nom de naissance.",
			PieceJustificative: "Extrait d'acte de naissance n° 2026-1147"}
		if _, err := w.svc.RectifierIdentite(ctx, w.dreets, cand.ID, cand.Version, rect); err != nil {
			t.Fatal(err)
		}
		ds, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{CandidatID: cand.ID})
		if err != nil {
			t.Fatal(err)
		}
		var valides []certification.Document
		statut := map[string]string{}
		for _, d := range ds {
			statut[d.ID] = d.Statut
			if d.Type == certification.DocParchemin && d.Statut == certification.StatutValide {
				valides = append(valides, d)
			}
		}
		if len(valides) != 1 || valides[0].DuplicataDe != nil || statut[par.ID] != certification.StatutRemplace ||
			statut[dup.ID] != certification.StatutRemplace || statut[dup2.ID] != certification.StatutRemplace {
			t.Errorf("after a re-issuance: valid parchemins %+v, statuses %v", valides, statut)
		}
		t.Run("ErrConflict/remplace", func(t *testing.T) {
			before := count()
			if _, err := w.svc.EmettreDuplicata(ctx, w.dreets, par.ID); code(err) != "duplicata_document_non_valide" {
				t.Errorf("duplicata of a replaced document: %v", err)
			}
			if count() != before {
				t.Error("a refused duplicata wrote a document")
			}
		})
	})
}
