package certification

import (
	"context"

	"gorm.io/gorm"
)

// centreSnapshot is a centre in the audit trail: what the administrator
// typed, agréments included, and the version it produced.
type centreSnapshot struct {
	Nom         string             `json:"nom"`
	Siret       string             `json:"siret"`
	Adresse     string             `json:"adresse"`
	CodePostal  string             `json:"code_postal"`
	Ville       string             `json:"ville"`
	Region      string             `json:"region"`
	Departement string             `json:"departement"`
	Agrements   []agrementSnapshot `json:"agrements"`
	Version     int                `json:"version"`
}

type agrementSnapshot struct {
	TitreCode string `json:"titre_code"`
	Debut     Date   `json:"debut"`
	Fin       Date   `json:"fin"`
}

func snapshotCentre(in NouveauCentre, version int) centreSnapshot {
	s := centreSnapshot{Nom: in.Nom, Siret: in.Siret, Adresse: in.Adresse, CodePostal: in.CodePostal, Ville: in.Ville,
		Region: in.Region, Departement: in.Departement, Agrements: []agrementSnapshot{}, Version: version}
	for _, ag := range in.Agrements {
		s.Agrements = append(s.Agrements, agrementSnapshot(ag))
	}
	return s
}

// NouveauCentreDe describes a stored centre as the input of CreateCentre,
// the starting values of its modification.
func NouveauCentreDe(c Centre) NouveauCentre {
	in := NouveauCentre{Nom: c.Nom, Siret: c.Siret, Adresse: c.Adresse, CodePostal: c.CodePostal, Ville: c.Ville,
		Region: c.Region, Departement: c.Departement}
	for _, ag := range c.Agrements {
		in.Agrements = append(in.Agrements, NouvelAgrement{TitreCode: ag.TitreCode, Debut: ag.Debut, Fin: ag.Fin})
	}
	return in
}

// ModifierCentre replaces what the administrator records of a centre: its
// identity, SIRET, region and département, and its agréments as a whole.
// version is the centre's version the administrator read. The checks are
// CreateCentre's; the change is journaled with the centre before and after.
// Admin only. Returns ErrNotFound, ErrStale if the centre changed since it
// was read, ErrInvalid and ErrConflict (siret_deja_enregistre) as
// CreateCentre does.
func (s *Service) ModifierCentre(ctx context.Context, a Acteur, id string, version int, in NouveauCentre) (*Centre, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	if err := s.validerCentre(&in); err != nil {
		return nil, err
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		avant, err := centreFor(tx, a, id)
		if err != nil {
			return err
		}
		res := tx.Model(&centreRow{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"nom": in.Nom, "siret": in.Siret, "adresse": in.Adresse, "code_postal": in.CodePostal, "ville": in.Ville,
			"region": in.Region, "departement": in.Departement, "version": version + 1, "updated_at": s.now()})
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return siretPris(in.Siret)
			}
			return wrap(res.Error, "centre %s: update", id)
		}
		if res.RowsAffected == 0 {
			return stale("Le centre " + avant.Nom)
		}
		if err := tx.Where("centre_id = ?", id).Delete(&agrementRow{}).Error; err != nil {
			return wrap(err, "agréments of centre %s: delete", id)
		}
		if err := insertAgrements(tx, id, in.Agrements); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "centre_modifie", objet: "centre", objetID: id,
			avant: snapshotCentre(NouveauCentreDe(*avant), avant.Version), apres: snapshotCentre(in, version+1)})
	}, func(tx *gorm.DB) (*Centre, error) { return centreFor(tx, a, id) })
}
