package certification

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Identite is a candidat's civil identity, as the State certifies it on
// the parchemin and the livret.
type Identite struct {
	NomNaissance  string `json:"nom_naissance"`
	Prenoms       string `json:"prenoms"`
	DateNaissance Date   `json:"date_naissance"`
	LieuNaissance string `json:"lieu_naissance"`
}

func identiteOf(nom, prenoms string, naissance Date, lieu string) Identite {
	return Identite{NomNaissance: nom, Prenoms: prenoms, DateNaissance: naissance, LieuNaissance: lieu}
}

// IdentiteRectifiee is the input of RectifierIdentite: the identity as it
// should read, why, and the document that proves it.
type IdentiteRectifiee struct {
	Identite
	Motif string
	// PieceJustificative is the reference of the supporting document (an
	// extract of the birth certificate, an identity document…).
	PieceJustificative string
}

// identiteVerrouillee reports whether a candidat has a deliberated result:
// from then on its identity is the one the State certifies, which only the
// autorité rectifies (DOMAIN §6 bis).
func identiteVerrouillee(tx *gorm.DB, candidatID string) (bool, error) {
	var n int64
	err := tx.Table("inscriptions AS i").Joins("JOIN sessions s ON s.id = i.session_id").
		Where("i.candidat_id = ? AND i.retiree_at IS NULL AND s.statut IN ?", candidatID, decidedStatuts).Count(&n).Error
	return n > 0, wrap(err, "candidat %s: deliberated enrolments", candidatID)
}

func identiteFigee() *Error {
	return Errorf(ErrConflict, "identite_verrouillee",
		"Un résultat de ce candidat est délibéré : son nom de naissance, ses prénoms, sa date et son lieu de naissance ne se modifient plus que par une rectification de l'autorité, sur pièce justificative.")
}

// RectifierIdentite rectifies the civil identity of a candidat, at version,
// with a reason and the reference of a supporting document. In the same
// transaction, its valid parchemins and livrets are issued again with the
// rectified identity, under new numbers, and the previous ones marked
// replaced. Autorité only; ErrStale when the candidat changed since version.
func (s *Service) RectifierIdentite(ctx context.Context, a Acteur, candidatID string, version int, in IdentiteRectifiee) (*Candidat, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	in.Identite = in.Identite.nfc()
	var fe []FieldError
	if strings.TrimSpace(in.Motif) == "" {
		fe = append(fe, FieldError{"motif", "requis", "Indiquez le motif de la rectification."})
	}
	if strings.TrimSpace(in.PieceJustificative) == "" {
		fe = append(fe, FieldError{"piece_justificative", "requis", "Indiquez la référence de la pièce justificative."})
	}
	if strings.TrimSpace(in.NomNaissance) == "" {
		fe = append(fe, FieldError{"nom_naissance", "requis", "Le nom de naissance est obligatoire."})
	}
	if strings.TrimSpace(in.Prenoms) == "" {
		fe = append(fe, FieldError{"prenoms", "requis", "Au moins un prénom est obligatoire."})
	}
	if in.DateNaissance.After(s.today()) || in.DateNaissance.Before(NewDate(1900, 1, 1)) {
		fe = append(fe, FieldError{"date_naissance", "invraisemblable", "La date de naissance doit être passée et postérieure au 1er janvier 1900."})
	}
	fe = append(fe, s.imprimables("nom_naissance", in.NomNaissance, "prenoms", in.Prenoms, "lieu_naissance", in.LieuNaissance)...)
	if len(fe) > 0 {
		return nil, Invalid("rectification_invalide", "La rectification d'identité comporte des erreurs.", fe...)
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		cur, err := findCandidatRow(tx, a, candidatID)
		if err != nil {
			return err
		}
		ok, err := updateIdentite(tx, candidatID, version, in.Identite, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return stale("Le candidat")
		}
		if err := s.journal(tx, a, audit{action: "identite_rectifiee", objet: "candidat", objetID: candidatID, candidatID: candidatID,
			avant: identiteSnapshot{Identite: identiteOf(cur.NomNaissance, cur.Prenoms, cur.DateNaissance, cur.LieuNaissance), Version: cur.Version},
			apres: identiteSnapshot{Identite: in.Identite, Version: version + 1, Motif: in.Motif, Piece: in.PieceJustificative}}); err != nil {
			return err
		}
		return s.reemettreCandidat(tx, a, candidatID, fmt.Sprintf("Rectification de l'état civil de %s %s : %s", in.Prenoms, in.NomNaissance, in.Motif))
	}, func(tx *gorm.DB) (*Candidat, error) { return findCandidat(tx, a, candidatID) })
}

// reemettreCandidat issues again, as the record now stands, every valid
// document that prints the candidat: the PV of each validated session it
// sat, rectified, and its parchemins and livrets. The PV is the jury's act
// and its deliberation is unchanged (same decisions, same signatures); what
// it prints of the candidat is not, and a document the State issued never
// changes: a rectified PV replaces it, saying which and why, as for a
// correction (rectifierDocuments).
func (s *Service) reemettreCandidat(tx *gorm.DB, a Acteur, candidatID, motif string) error {
	ins, err := inscriptionsOfCandidat(tx, candidatID, []StatutSession{Validee}, "")
	if err != nil {
		return err
	}
	for _, in := range ins {
		sess, err := findSession(tx, Acteur{Role: RoleAdmin}, in.SessionID)
		if err != nil {
			return err
		}
		dc, err := s.documentContext(tx, sess)
		if err != nil {
			return err
		}
		pvs, err := validDocumentsOf(tx, sess.ID, "", DocPV)
		if err != nil {
			return err
		}
		for _, old := range pvs {
			if err := s.rectifierPV(tx, a, dc, old, motif); err != nil {
				return err
			}
		}
		if err := s.reemettreInscription(tx, a, dc, in, motif, RevocationIdentiteRectifiee); err != nil {
			return err
		}
	}
	return nil
}
