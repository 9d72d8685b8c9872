package certification

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// departementCode is a département as centres record it: two digits, 2A or
// 2B for Corsica, three digits overseas.
var departementCode = regexp.MustCompile(`^([0-9]{2}|2[AB]|9[78][0-9])$`)

var territoireIncoherent = FieldError{"territoire", "incoherent",
	"Un compte de l'autorité, et lui seul, a un territoire : le nom de l'autorité et sa région (DREETS) ou ses départements (DDETS)."}

// territoireErreurs checks the territory of an autorité account: the
// authority's name, printed on the documents it issues, and either a region
// (a DREETS) or départements (a DDETS), never both.
func (s *Service) territoireErreurs(t Territoire) []FieldError {
	var fe []FieldError
	if strings.TrimSpace(t.Autorite) == "" || (t.Region == "") == (len(t.Departements) == 0) {
		fe = append(fe, territoireIncoherent)
	}
	for i, d := range t.Departements {
		if !departementCode.MatchString(d) || slices.Index(t.Departements, d) != i {
			fe = append(fe, FieldError{"territoire.departements", "invalide",
				"Chaque département s'écrit une fois, par son numéro : 69, 2A, 974…"})
			break
		}
	}
	return append(fe, s.imprimables("territoire.autorite", t.Autorite, "territoire.region", t.Region)...)
}

// normaliserTerritoire trims the names and writes the départements as
// centres record them (2a → 2A).
func normaliserTerritoire(t Territoire) Territoire {
	out := Territoire{Autorite: strings.TrimSpace(t.Autorite), Region: strings.TrimSpace(t.Region)}
	for _, d := range t.Departements {
		out.Departements = append(out.Departements, strings.ToUpper(strings.TrimSpace(d)))
	}
	return out
}

// territoireSnapshot is the territory of an autorité account in the audit
// trail.
type territoireSnapshot struct {
	Autorite     string   `json:"autorite"`
	Region       string   `json:"region,omitempty"`
	Departements []string `json:"departements,omitempty"`
}

// ChangerTerritoire sets the territory of an autorité account: the
// authority it acts for and prints on documents, and the region or
// départements whose centres it acts on. It takes effect at the account's
// next request, since every request reads the account afresh. Administrator
// only; ErrNotFound for an unknown account, ErrConflict
// (compte_non_autorite) for an account of another role, ErrInvalid for an
// incoherent territory. The change is journaled with the territory before.
func (s *Service) ChangerTerritoire(ctx context.Context, a Acteur, utilisateurID string, t Territoire) (*Utilisateur, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	t = normaliserTerritoire(t)
	if fe := s.territoireErreurs(t); len(fe) > 0 {
		return nil, Invalid("territoire_invalide", "Le territoire ne peut pas être enregistré.", fe...)
	}
	var u *Utilisateur
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = findUtilisateurByID(tx, utilisateurID); err != nil {
			return err
		}
		if u.Role != RoleAutorite {
			return Errorf(ErrConflict, "compte_non_autorite",
				"Ce compte a le rôle %s : seul un compte de l'autorité a un territoire.", u.Role)
		}
		avant := territoireOf(u.Autorite, u.Region, u.Departements)
		u.Autorite, u.Region, u.Departements = t.Autorite, t.Region, strings.Join(t.Departements, ",")
		if err := updateTerritoire(tx, u); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "territoire_modifie", objet: "utilisateur", objetID: u.ID,
			avant: territoireSnapshot(avant), apres: territoireSnapshot(t)})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Territoire is the territory of an autorité account; zero for the others.
func (u *Utilisateur) Territoire() Territoire {
	return territoireOf(u.Autorite, u.Region, u.Departements)
}

// Utilisateurs lists the accounts, of one role when role is set, by
// identifiant: what the administrator needs to find the account whose
// territory it sets. Administrator only; ErrInvalid for an unknown role.
func (s *Service) Utilisateurs(ctx context.Context, a Acteur, role Role) ([]Utilisateur, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	if role != "" && !role.Valid() {
		return nil, Invalid("filtre_invalide", "Les filtres de la liste sont invalides.", FieldError{"role", "inconnu", "Rôle inconnu."})
	}
	return listUtilisateurs(s.read(ctx), role)
}
