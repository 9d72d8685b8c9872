package certification

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// ChangerEmail sets the e-mail address of an account, where its
// invitation, reset links and reminders go: the accounts opened before
// accounts had one have none, and nobody else can give them one.
// Administrator only; ErrNotFound for an unknown account, ErrInvalid for
// an address that is not a bare nom@domaine address. The change is
// journaled with the address before; setting the same address again
// changes and journals nothing.
func (s *Service) ChangerEmail(ctx context.Context, a Acteur, utilisateurID, email string) (*Utilisateur, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	email = strings.TrimSpace(email)
	if !emailValide(email) {
		return nil, Invalid("email_invalide", "L’adresse électronique ne convient pas.",
			FieldError{"email", "invalide", "Indiquez une adresse électronique de la forme nom@domaine.fr."})
	}
	var u *Utilisateur
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = findUtilisateurByID(tx, utilisateurID); err != nil {
			return err
		}
		avant := u.Email
		if avant == email {
			return nil
		}
		if err := tx.Model(&utilisateurRow{}).Where("id = ?", u.ID).Update("email", email).Error; err != nil {
			return wrap(err, "utilisateur %s: email", u.ID)
		}
		u.Email = email
		return s.journal(tx, a, audit{action: "compte_email_modifie", objet: "utilisateur", objetID: u.ID,
			avant: map[string]any{"email": avant}, apres: map[string]any{"email": email}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
