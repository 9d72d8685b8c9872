package certification

import (
	"context"

	"gorm.io/gorm"
)

// A jury member's record (the autorité's: habilitations, sessions, PV) and
// the account the person signs in with are made apart: the account by the
// administrator, the record by the autorité. Linking them lets the person
// open its sessions.

// compteJury refuses to link a member to an account that is not a jury
// account.
func compteJury(tx *gorm.DB, utilisateurID string) error {
	u, err := findUtilisateurByID(tx, utilisateurID)
	if err != nil {
		return err
	}
	if u.Role != RoleJury {
		return Invalid("compte_non_jury", "Le compte lié doit avoir le rôle jury.",
			FieldError{"utilisateur_id", "role", "Ce compte n'est pas un compte de membre de jury."})
	}
	return nil
}

// compteDejaLie reads the unique index on the member's account: one account
// stands for one member.
func compteDejaLie(err error) error {
	if isUniqueViolation(err) {
		return Errorf(ErrConflict, "compte_deja_lie", "Ce compte est déjà lié à un membre de jury.")
	}
	return err
}

// ComptesJuryLiables lists the active jury accounts no member is linked to
// yet, by identifiant: those the autorité may link to a member's record.
// Jury accounts carry no territory (a member may sit in several regions),
// so every autorité sees the same list. Autorité and admin only.
func (s *Service) ComptesJuryLiables(ctx context.Context, a Acteur) ([]Utilisateur, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	var rows []utilisateurRow
	err := db.Where("role = ? AND actif = ? AND id NOT IN (?)", RoleJury, true,
		db.Model(&membreRow{}).Select("utilisateur_id").Where("utilisateur_id IS NOT NULL")).
		Order("identifiant").Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "jury accounts to link: list")
	}
	out := make([]Utilisateur, len(rows))
	for i, r := range rows {
		out[i] = Utilisateur(r)
	}
	return out, nil
}

// LierCompteMembre links a member's record to its jury account, so that
// the person finds its sessions once signed in. Autorité and admin only.
// Returns ErrNotFound for an unknown member or account, ErrInvalid
// (compte_non_jury) for an account of another role, ErrConflict
// (membre_deja_lie) if the member already has an account and
// (compte_deja_lie) if the account stands for another member. Journaled.
func (s *Service) LierCompteMembre(ctx context.Context, a Acteur, membreID, utilisateurID string) (*MembreJury, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	var m MembreJury
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if !validID(membreID) {
			return notFound("Membre de jury")
		}
		var rows []membreRow
		if err := tx.Where("id = ?", membreID).Limit(1).Find(&rows).Error; err != nil {
			return wrap(err, "membre de jury %s: load", membreID)
		}
		if len(rows) == 0 {
			return notFound("Membre de jury")
		}
		m = rows[0].membre()
		if m.UtilisateurID != nil {
			return Errorf(ErrConflict, "membre_deja_lie", "Ce membre de jury est déjà lié à un compte.")
		}
		if err := compteJury(tx, utilisateurID); err != nil {
			return err
		}
		avant := membreSnapshot{ID: m.ID, Nom: m.Nom, Prenoms: m.Prenoms, Email: m.Email}
		res := tx.Model(&membreRow{}).Where("id = ? AND utilisateur_id IS NULL", m.ID).Update("utilisateur_id", utilisateurID)
		if res.Error != nil {
			return compteDejaLie(wrap(res.Error, "membre de jury %s: link", m.ID))
		}
		if res.RowsAffected == 0 {
			return Errorf(ErrConflict, "membre_deja_lie", "Ce membre de jury est déjà lié à un compte.")
		}
		m.UtilisateurID = &utilisateurID
		apres := avant
		apres.UtilisateurID = &utilisateurID
		return s.journal(tx, a, audit{action: "membre_compte_lie", objet: "membre_jury", objetID: m.ID, avant: avant, apres: apres})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}
