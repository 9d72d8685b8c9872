package certification

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// scopeDocuments restricts a query on documents (aliased d) to those the
// actor may read: its own for a candidat, its candidats' and sessions' for a
// centre, all for the autorité and the admin. The PV, which names every
// candidat of a session, is never a candidat's.
func scopeDocuments(db *gorm.DB, a Acteur) (*gorm.DB, error) {
	q := db.Table("documents AS d")
	switch a.Role {
	case RoleAdmin, RoleAutorite:
		return q, nil
	case RoleCentre:
		return q.Where("d.session_id IN (SELECT id FROM sessions WHERE centre_id = ?)", a.CentreID), nil
	case RoleCandidat:
		return q.Where("d.candidat_id = ?", a.CandidatID), nil
	}
	return nil, forbidden()
}

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
	var ds []Document
	return ds, q.Select(documentColumns).Order("d.emis_at DESC, d.numero").Limit(1000).Find(&ds).Error
}

// Document returns one document the actor may read, with its bytes when
// withContent. Returns ErrNotFound otherwise.
func (s *Service) Document(ctx context.Context, a Acteur, id string, withContent bool) (*Document, error) {
	return findDocument(s.read(ctx), a, id, withContent)
}

func findDocument(tx *gorm.DB, a Acteur, id string, withContent bool) (*Document, error) {
	if !validID(id) {
		return nil, notFound("Document")
	}
	q, err := scopeDocuments(tx, a)
	if err != nil {
		return nil, err
	}
	cols := documentColumns
	if withContent {
		cols += ", contenu"
	}
	var ds []Document
	if err := q.Select(cols).Where("d.id = ?", id).Limit(1).Find(&ds).Error; err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, notFound("Document")
	}
	return &ds[0], nil
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
	var ds []Document
	return ds, db.Table("documents").Select(documentColumns+", contenu").
		Where("session_id = ? AND statut = ?", sessionID, StatutValide).Order("type, numero").Find(&ds).Error
}

// RevoquerDocument revokes a document with a reason: its bytes stay, its
// verification says revoked. Autorité only.
func (s *Service) RevoquerDocument(ctx context.Context, a Acteur, id, motif string) (*Document, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	if strings.TrimSpace(motif) == "" {
		return nil, Invalid("motif_requis", "La révocation exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de la révocation."})
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		d, err := findDocument(tx, a, id, false)
		if err != nil {
			return err
		}
		if d.Statut == StatutRevoque {
			return Errorf(ErrConflict, "deja_revoque", "Ce document est déjà révoqué.")
		}
		now := s.now()
		res := tx.Model(&Document{}).Where("id = ? AND statut = ?", id, d.Statut).
			Updates(map[string]any{"statut": StatutRevoque, "motif_revocation": motif, "revoque_at": now, "revoque_par": a.UtilisateurID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return stale("Le document")
		}
		return s.journal(tx, a, audit{action: "document_revoque", objet: "document", objetID: id, sessionID: d.SessionID,
			candidatID: deref(d.CandidatID), avant: map[string]any{"statut": d.Statut}, apres: map[string]any{"statut": StatutRevoque, "motif": motif}})
	})
	if err != nil {
		return nil, err
	}
	return s.Document(ctx, a, id, false)
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
	NomComplet      string
	RemplacePar     string
	MotifRevocation string
}

// Verifier checks a verification code, without authentication. The full
// name of the holder is disclosed only to who already knows its nom de
// naissance and date of birth. Returns ErrNotFound for an unknown code.
func (s *Service) Verifier(ctx context.Context, code, nom string, naissance *Date) (*Verification, error) {
	var rows []struct {
		Document
		Code, Intitule string
		Remplacant     *string
	}
	// One indexed query whatever the outcome, so that a miss costs what a hit costs.
	err := s.read(ctx).Raw(`SELECT d.id, d.type, d.numero, d.statut, d.emis_at, d.titulaire_nom, d.titulaire_prenoms,
			d.titulaire_naissance, d.motif_revocation, t.code, t.intitule, r.numero AS remplacant
		FROM documents d JOIN titres t ON t.id = d.titre_id LEFT JOIN documents r ON r.id = d.remplace_par
		WHERE d.code_verification = ?`, NormaliserCode(code)).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || rows[0].ID == "" {
		return nil, Errorf(ErrNotFound, "code_inconnu", "Aucun document ne porte ce code de vérification.")
	}
	r := rows[0]
	v := &Verification{Statut: r.Statut, Type: r.Type, Numero: r.Numero, TitreCode: r.Code, TitreIntitule: r.Intitule,
		EmisLe: r.EmisAt, Initiales: initiales(r.TitulairePrenoms, r.TitulaireNom), RemplacePar: deref(r.Remplacant),
		MotifRevocation: r.MotifRevocation}
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
	return s.opt.Renderer.PV(dc.pv(dc.enTete(true), ins))
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
			return nil, err
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
