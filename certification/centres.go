package certification

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/texte"
)

// Centre is a centre agréé: a tenant that registers candidats and holds sessions.
type Centre struct {
	ID         string
	Nom        string
	Siret      string
	Adresse    string
	CodePostal string
	Ville      string
	// Region names the DREETS competent for the centre's sessions.
	Region string
	// Departement is the département of the centre (69, 2A, 974…), which
	// names the competent DDETS.
	Departement string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Agrements   []Agrement
}

// Agrement is the approval of a centre for a titre over a period.
type Agrement struct {
	ID        string
	CentreID  string
	TitreID   string
	TitreCode string
	Debut     Date
	Fin       Date
}

// NouveauCentre is the input of CreateCentre.
type NouveauCentre struct {
	Nom, Siret, Adresse, CodePostal, Ville, Region string
	// Departement defaults to the first two digits of the code postal (the
	// first three overseas).
	Departement string
	Agrements   []NouvelAgrement
}

// NouvelAgrement is one agrément in NouveauCentre.
type NouvelAgrement struct {
	TitreCode  string
	Debut, Fin Date
}

// departementOf reads the département from a code postal: its first two
// digits, the first three overseas (97x, 98x). Corsica (20xxx) cannot be
// told apart from the code alone and is left to the caller.
func departementOf(cp string) string {
	cp = strings.TrimSpace(cp)
	switch {
	case len(cp) != 5 || strings.HasPrefix(cp, "20"):
		return ""
	case strings.HasPrefix(cp, "97"), strings.HasPrefix(cp, "98"):
		return cp[:3]
	}
	return cp[:2]
}

// CreateCentre registers a centre and its agréments. Admin only. Returns
// ErrInvalid for a bad SIRET or an unknown titre, ErrConflict if the SIRET
// is already registered. The creation is journaled.
func (s *Service) CreateCentre(ctx context.Context, a Acteur, in NouveauCentre) (*Centre, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	if err := s.validerCentre(&in); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Centre{ID: newID(), Nom: in.Nom, Siret: in.Siret, Adresse: in.Adresse, CodePostal: in.CodePostal,
		Ville: in.Ville, Region: in.Region, Departement: in.Departement, Version: 1, CreatedAt: now, UpdatedAt: now}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		if err := insertCentre(tx, c); err != nil {
			if isUniqueViolation(err) {
				return siretPris(in.Siret)
			}
			return err
		}
		if err := insertAgrements(tx, c.ID, in.Agrements); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "centre_cree", objet: "centre", objetID: c.ID, apres: snapshotCentre(in, c.Version)})
	}, func(tx *gorm.DB) (*Centre, error) { return centreFor(tx, a, c.ID) })
}

// validerCentre normalises a centre as typed and checks what the documents
// and the choice of the competent autorité need: printable names, a SIRET
// with its Luhn key, a region and a département.
func (s *Service) validerCentre(in *NouveauCentre) error {
	in.Siret = strings.ReplaceAll(in.Siret, " ", "")
	in.Nom, in.Ville, in.Region = texte.NFC(in.Nom), texte.NFC(in.Ville), texte.NFC(in.Region)
	if fe := s.imprimables("nom", in.Nom, "ville", in.Ville, "region", in.Region); len(fe) > 0 {
		return Invalid("centre_invalide", "Le centre ne peut pas être imprimé sur les documents.", fe...)
	}
	if !siretValide(in.Siret) {
		return Invalid("siret_invalide", "Le SIRET n'est pas valide.",
			FieldError{"siret", "cle_invalide", "Le SIRET doit compter 14 chiffres et sa clé de contrôle doit être juste."})
	}
	if in.Departement == "" {
		in.Departement = departementOf(in.CodePostal)
	}
	if strings.TrimSpace(in.Region) == "" || in.Departement == "" {
		return Invalid("centre_invalide", "La région et le département du centre désignent l'autorité compétente.",
			FieldError{"region", "requis", "Indiquez la région et le département (ou un code postal) du centre."})
	}
	return nil
}

func siretPris(siret string) error {
	return Errorf(ErrConflict, "siret_deja_enregistre", "Un centre est déjà enregistré avec le SIRET %s.", siret)
}

// insertAgrements writes the agréments of a centre, each on a known titre
// and a period that ends after it starts.
func insertAgrements(tx *gorm.DB, centreID string, ags []NouvelAgrement) error {
	for i, ag := range ags {
		t, err := findTitreByCode(tx, ag.TitreCode)
		if err != nil {
			return err
		}
		if t == nil {
			return Invalid("titre_inconnu", "Titre inconnu.",
				FieldError{fieldIndex("agrements", i, "titre_code"), "inconnu", "Aucun titre n'a le code " + ag.TitreCode + "."})
		}
		if ag.Fin.Before(ag.Debut) {
			return Invalid("agrement_invalide", "La fin de l'agrément précède son début.",
				FieldError{fieldIndex("agrements", i, "fin"), "avant_debut", "La date de fin précède la date de début."})
		}
		if err := insertAgrement(tx, agrementRow{ID: newID(), CentreID: centreID, TitreID: t.ID, Debut: ag.Debut, Fin: ag.Fin}); err != nil {
			return err
		}
	}
	return nil
}

// Centre returns a centre with its agréments. A centre account sees only its
// own. Returns ErrNotFound otherwise.
func (s *Service) Centre(ctx context.Context, a Acteur, id string) (*Centre, error) {
	if !a.Is(RoleAdmin, RoleAutorite, RoleCentre) {
		return nil, forbidden()
	}
	return centreFor(s.read(ctx), a, id)
}

// centreFor reads one centre with its agréments, as the actor may see it.
func centreFor(db *gorm.DB, a Acteur, id string) (*Centre, error) {
	if a.Is(RoleCentre) && a.CentreID != id {
		return nil, notFound("Centre")
	}
	c, err := findCentreByID(db, id)
	if err != nil {
		return nil, err
	}
	if err := loadAgrements(db, []*Centre{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// Centres lists the centres. Admin and autorité only.
func (s *Service) Centres(ctx context.Context, a Acteur) ([]Centre, error) {
	if !a.Is(RoleAdmin, RoleAutorite) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	cs, err := listCentres(db)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*Centre, len(cs))
	for i := range cs {
		ptrs[i] = &cs[i]
	}
	return cs, loadAgrements(db, ptrs)
}
