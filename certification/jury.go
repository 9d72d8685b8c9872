package certification

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/texte"
)

// MembreJury is a professional who may sit on juries, habilitated by the DREETS.
type MembreJury struct {
	ID            string
	UtilisateurID *string
	Nom           string
	Prenoms       string
	Email         string
	CreatedAt     time.Time
	Habilitations []Habilitation
}

// Habilitation allows a member to sit on juries of a titre over a period.
type Habilitation struct {
	ID        string
	MembreID  string
	TitreID   string
	TitreCode string
	Debut     Date
	Fin       Date
	Reference string
	CreatedAt time.Time
}

// Lien is a declared link between a jury member and a candidat.
type Lien struct {
	ID         string
	MembreID   string
	CandidatID string
	Nature     string
	DeclarePar string
	CreatedAt  time.Time
}

// NatureLien lists the links that bar a member from evaluating a candidat.
var NatureLien = []string{"formateur", "tuteur", "employeur", "connaissance_personnelle"}

// NouveauMembre is the input of CreateMembre.
type NouveauMembre struct {
	Nom, Prenoms, Email string
	// UtilisateurID links the member to its jury account, if it has one.
	UtilisateurID string
}

// CreateMembre records a jury member. Autorité only. Returns ErrInvalid if
// the account is not a jury account, ErrConflict if it is already linked.
func (s *Service) CreateMembre(ctx context.Context, a Acteur, in NouveauMembre) (*MembreJury, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	in.Nom, in.Prenoms = texte.NFC(in.Nom), texte.NFC(in.Prenoms)
	if fe := s.imprimables("nom", in.Nom, "prenoms", in.Prenoms); len(fe) > 0 {
		return nil, Invalid("membre_invalide", "Le nom du membre de jury ne peut pas être imprimé sur le PV.", fe...)
	}
	m := &MembreJury{ID: newID(), Nom: in.Nom, Prenoms: in.Prenoms, Email: in.Email, CreatedAt: s.now()}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if in.UtilisateurID != "" {
			if err := compteJury(tx, in.UtilisateurID); err != nil {
				return err
			}
			m.UtilisateurID = &in.UtilisateurID
		}
		if err := insertMembre(tx, m); err != nil {
			return compteDejaLie(err)
		}
		return s.journal(tx, a, audit{action: "membre_cree", objet: "membre_jury", objetID: m.ID,
			apres: membreSnapshot{ID: m.ID, Nom: m.Nom, Prenoms: m.Prenoms, Email: m.Email, UtilisateurID: m.UtilisateurID}})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NouvelleHabilitation is the input of Habiliter.
type NouvelleHabilitation struct {
	TitreCode  string
	Debut, Fin Date
	Reference  string
}

// Habiliter records a member's habilitation for a titre. Autorité only.
func (s *Service) Habiliter(ctx context.Context, a Acteur, membreID string, in NouvelleHabilitation) (*Habilitation, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	if in.Fin.Before(in.Debut) {
		return nil, Invalid("habilitation_invalide", "La fin de l'habilitation précède son début.",
			FieldError{"fin", "avant_debut", "La date de fin précède la date de début."})
	}
	// The reference is printed on the PV of every session the member sits.
	if fe := s.imprimable("reference", in.Reference); fe != nil {
		return nil, Invalid("habilitation_invalide", "La référence contient des caractères impossibles à imprimer sur le PV.", *fe)
	}
	h := &Habilitation{ID: newID(), MembreID: membreID, Debut: in.Debut, Fin: in.Fin, Reference: in.Reference, CreatedAt: s.now()}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if ok, err := membreExists(tx, membreID); err != nil || !ok {
			return notFoundOr(err, "Membre de jury")
		}
		t, err := findTitreByCode(tx, in.TitreCode)
		if err != nil {
			return err
		}
		if t == nil {
			return Invalid("titre_inconnu", "Titre inconnu.", FieldError{"titre_code", "inconnu", "Aucun titre n'a le code " + in.TitreCode + "."})
		}
		h.TitreID, h.TitreCode = t.ID, t.Code
		if err := insertHabilitation(tx, h); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "habilitation", objet: "membre_jury", objetID: membreID,
			apres: habilitationSnapshot{ID: h.ID, TitreCode: h.TitreCode, Debut: h.Debut, Fin: h.Fin, Reference: h.Reference}})
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Membres lists the jury members with their habilitations. Centres need them
// to compose a jury, so they may read them too.
func (s *Service) Membres(ctx context.Context, a Acteur) ([]MembreJury, error) {
	if !a.Is(RoleAdmin, RoleAutorite, RoleCentre) {
		return nil, forbidden()
	}
	return listMembres(s.read(ctx))
}

// DeclarerLien records a link between a member and a candidat. The centre
// declares it for its own candidats; a member declares its own links.
// Declaring an existing link again is not an error.
func (s *Service) DeclarerLien(ctx context.Context, a Acteur, membreID, candidatID, nature string) (*Lien, error) {
	if !a.Is(RoleCentre, RoleJury) {
		return nil, forbidden()
	}
	if !contains(NatureLien, nature) {
		return nil, Invalid("lien_invalide", "Nature de lien inconnue.",
			FieldError{"nature", "inconnu", "Valeurs admises : formateur, tuteur, employeur, connaissance_personnelle."})
	}
	l := &Lien{ID: newID(), MembreID: membreID, CandidatID: candidatID, Nature: nature, DeclarePar: a.UtilisateurID, CreatedAt: s.now()}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if a.Is(RoleJury) {
			m, err := membreOf(tx, a)
			if err != nil {
				return err
			}
			if m.ID != membreID {
				return Invalid("lien_autre_membre", "Un membre de jury ne déclare que ses propres liens.",
					FieldError{"membre_id", "autre_membre", "Indiquez l'identifiant de votre propre fiche de membre de jury."})
			}
			// A member may not know which centre registered the candidat: any existing candidat.
			if ok, err := candidatExists(tx, candidatID); err != nil || !ok {
				return notFoundOr(err, "Candidat")
			}
		} else {
			if _, err := findCandidatRow(tx, a, candidatID); err != nil {
				return err
			}
			if ok, err := membreExists(tx, membreID); err != nil || !ok {
				return notFoundOr(err, "Membre de jury")
			}
		}
		existing, err := findLien(tx, membreID, candidatID, nature)
		if err != nil {
			return err
		}
		if existing != nil {
			*l = *existing
			return nil
		}
		if err := insertLien(tx, l); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "lien_declare", objet: "lien", objetID: l.ID, candidatID: candidatID,
			apres: lienSnapshot{ID: l.ID, MembreID: l.MembreID, CandidatID: l.CandidatID, Nature: l.Nature}})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// lienRefus is the independence rule refusing a linked member: a business
// rule, so ErrInvalid like every rule, not a matter of role.
func lienRefus(ns []string) *Error {
	return Errorf(ErrInvalid, "lien_avec_candidat",
		"Un lien avec ce candidat est déclaré (%s) : vous ne pouvez ni l'évaluer ni délibérer à son sujet.", natures(ns))
}
