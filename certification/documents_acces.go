package certification

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// FiltreDocuments selects documents.
type FiltreDocuments struct {
	CandidatID string
	SessionID  string
}

// Documents lists the documents the actor may read, newest first, without
// their bytes.
func (s *Service) Documents(ctx context.Context, a Acteur, f FiltreDocuments) ([]Document, error) {
	q, err := scopeDocuments(s.read(ctx), a)
	if err != nil {
		return nil, err
	}
	if f.CandidatID != "" {
		q = q.Where("d.candidat_id = ?", f.CandidatID)
	}
	if f.SessionID != "" {
		q = q.Where("d.session_id = ?", f.SessionID)
	}
	ds, err := listDocuments(q.Select(documentColumns).Order("d.emis_at DESC, d.numero").Limit(1000))
	return sansMotifInterne(a, ds), wrap(err, "documents of %s %s: list", a.Role, a.UtilisateurID)
}

// Document returns one document the actor may read, with its bytes when
// withContent. Returns ErrNotFound otherwise.
func (s *Service) Document(ctx context.Context, a Acteur, id string, withContent bool) (*Document, error) {
	d, err := findDocument(s.read(ctx), a, id, withContent)
	if err != nil {
		return nil, err
	}
	return &sansMotifInterne(a, []Document{*d})[0], nil
}

// DocumentsSessionContenu returns every valid document of a session with
// its bytes, for an archive. The session's centre and the autorité only.
func (s *Service) DocumentsSessionContenu(ctx context.Context, a Acteur, sessionID string) ([]Document, error) {
	if !a.Is(RoleCentre, RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	if _, err := findSession(db, a, sessionID); err != nil {
		return nil, err
	}
	return documentsOfSession(db, sessionID)
}

// RevoquerDocument revokes a document with a category, which its public
// verification shows, and an internal motif: its bytes stay, its
// verification says revoked. Autorité only. Returns ErrInvalid for an
// unknown category or an empty motif.
func (s *Service) RevoquerDocument(ctx context.Context, a Acteur, id string, categorie CategorieRevocation, motif string) (*Document, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	var fields []FieldError
	if !categorie.Valid() {
		fields = append(fields, FieldError{"categorie", "inconnue",
			"Catégorie inconnue ; valeurs admises : erreur_materielle, decision_rectifiee, identite_rectifiee, fraude, recours."})
	}
	if strings.TrimSpace(motif) == "" {
		fields = append(fields, FieldError{"motif", "requis", "Indiquez le motif de la révocation."})
	}
	if len(fields) > 0 {
		return nil, Invalid("revocation_invalide", "La révocation exige une catégorie connue et un motif.", fields...)
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		d, err := findDocument(tx, a, id, false)
		if err != nil {
			return err
		}
		if d.Statut == StatutRevoque {
			return Errorf(ErrConflict, "deja_revoque", "Ce document est déjà révoqué.")
		}
		now := s.now()
		ok, err := revokeDocument(tx, id, d.Statut, a.UtilisateurID, categorie, motif, now)
		if err != nil {
			return err
		}
		if !ok {
			return stale("Le document")
		}
		return s.journal(tx, a, audit{action: "document_revoque", objet: "document", objetID: id, sessionID: d.SessionID,
			candidatID: deref(d.CandidatID), avant: documentSnapshot{Statut: d.Statut}, apres: documentSnapshot{Statut: StatutRevoque, Categorie: categorie, Motif: motif}})
	}, func(tx *gorm.DB) (*Document, error) { return findDocument(tx, a, id, false) })
}

// Verification is what the public verification of a code discloses.
type Verification struct {
	Statut        string
	Type          TypeDocument
	Numero        string
	TitreCode     string
	TitreIntitule string
	EmisLe        time.Time
	Initiales     string
	// NomComplet is given only when the holder's nom and birth date were
	// supplied and match.
	NomComplet  string
	RemplacePar string
	// CategorieRevocation is why a revoked document was revoked; the
	// free-text motif is never disclosed here.
	CategorieRevocation CategorieRevocation
	// Sceau is the certificate that sealed the document; empty for a
	// document issued before documents were sealed.
	Sceau CertificatSceau
	// DuplicataDe is the number of the document a duplicata copies; empty
	// for an original.
	DuplicataDe string
}

// Verifier checks a verification code, without authentication. The full
// name of the holder is disclosed only to who already knows its nom de
// naissance and date of birth. Returns ErrNotFound for an unknown code.
func (s *Service) Verifier(ctx context.Context, code, nom string, naissance *Date) (*Verification, error) {
	x, err := findVerification(s.read(ctx), NormaliserCode(code))
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, Errorf(ErrNotFound, "code_inconnu", "Aucun document ne porte ce code de vérification.")
	}
	r := x.Row
	v := &Verification{Statut: r.Statut, Type: r.Type, Numero: r.Numero, TitreCode: x.Code, TitreIntitule: x.Intitule,
		EmisLe: r.EmisAt, Initiales: initiales(r.TitulairePrenoms, r.TitulaireNom), RemplacePar: deref(x.Remplacant),
		CategorieRevocation: r.CategorieRevocation, Sceau: CertificatSceau{Empreinte: r.SceauEmpreinte, Nom: r.SceauNom},
		DuplicataDe: deref(x.Original)}
	if nom != "" && naissance != nil && r.TitulaireNaissance != nil &&
		plier(nom) == plier(r.TitulaireNom) && *naissance == *r.TitulaireNaissance {
		v.NomComplet = strings.TrimSpace(r.TitulairePrenoms + " " + r.TitulaireNom)
	}
	return v, nil
}

// initiales gives "C. É. L." for "Camille Éloïse" "Lefèvre".
func initiales(prenoms, nom string) string {
	var out []string
	for _, w := range strings.Fields(prenoms + " " + nom) {
		for _, part := range strings.Split(w, "-") {
			if r := []rune(part); len(r) > 0 {
				out = append(out, string(unicode.ToUpper(r[0]))+".")
			}
		}
	}
	return strings.Join(out, " ")
}

// plier folds case and accents, so "lefevre" matches "Lefèvre".
func plier(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// BrouillonPV renders the draft PV of a session before validation: same
// layout, no number, marked as a working document. The session's centre,
// its jury members and the autorité.
func (s *Service) BrouillonPV(ctx context.Context, a Acteur, sessionID string) ([]byte, error) {
	if !a.Is(RoleCentre, RoleJury, RoleAutorite) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	sess, err := findSession(db, a, sessionID)
	if err != nil {
		return nil, err
	}
	dc, err := s.documentContext(db, sess)
	if err != nil {
		return nil, err
	}
	ins, err := inscriptionsOf(db, sessionID, "")
	if err != nil {
		return nil, err
	}
	liens, err := liensDuJury(db, sessionID)
	if err != nil {
		return nil, err
	}
	if a.Is(RoleJury) {
		// A member linked to a candidat does not deliberate on it: its line
		// of the draft is not shown to him.
		m, err := membreOf(db, a)
		if err != nil {
			return nil, err
		}
		var siens []Inscription
		for _, in := range ins {
			if !contains(liens[in.CandidatID], m.ID) {
				siens = append(siens, in)
			}
		}
		ins = siens
	}
	// Before the deliberation, the draft shows what the rules count as held.
	p, err := pvData(db, dc, ins, liens, func(c *Candidat, in Inscription) ([]rules.CCPCompte, error) {
		if in.Explication != "" {
			return anterieursDelibere(c, in)
		}
		return s.detenusAvant(db, c, dc.titre, dc.sess, in.CCP)
	})
	if err != nil {
		return nil, err
	}
	p.EnTete = dc.enTete(true)
	return s.opt.Renderer.PV(p)
}

// ApercuLivret renders the preview of a candidat's livret at a session:
// the stored outcome once deliberated, else what the rules derive from the
// results recorded so far. The session's centre and jury, and the autorité.
func (s *Service) ApercuLivret(ctx context.Context, a Acteur, sessionID, inscriptionID string) ([]byte, error) {
	if !a.Is(RoleCentre, RoleJury, RoleAutorite) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	sess, err := findSession(db, a, sessionID)
	if err != nil {
		return nil, err
	}
	ins, err := inscriptionsOf(db, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, notFound("Inscription")
	}
	if a.Is(RoleJury) {
		m, err := membreOf(db, a)
		if err != nil {
			return nil, err
		}
		ns, err := lienEntre(db, m.ID, ins[0].CandidatID)
		if err != nil {
			return nil, err
		}
		if len(ns) > 0 {
			return nil, lienRefus(ns)
		}
	}
	dc, err := s.documentContext(db, sess)
	if err != nil {
		return nil, err
	}
	cand, err := findCandidat(db, Acteur{Role: RoleAdmin}, ins[0].CandidatID)
	if err != nil {
		return nil, err
	}
	var r rules.Resultat
	if ins[0].Explication != "" {
		if err := json.Unmarshal([]byte(ins[0].Explication), &r); err != nil {
			return nil, fmt.Errorf("explication of %s: %w", ins[0].ID, err)
		}
	} else {
		h, _, err := historique(db, cand, dc.titre, decidedStatuts, sessionID)
		if err != nil {
			return nil, err
		}
		if r, err = rules.Decider(regles(dc.titre), s.opt.Parametres, h, sessionID); err != nil {
			return nil, Errorf(ErrConflict, "resultats_incomplets",
				"L'aperçu n'est possible qu'avec des résultats complets et cohérents : %v", ruleError(err))
		}
	}
	refs, err := sessionReferences(db, r)
	if err != nil {
		return nil, err
	}
	return s.opt.Renderer.Livret(dc.livret(dc.enTete(true), titulaire(cand), r, refs))
}
