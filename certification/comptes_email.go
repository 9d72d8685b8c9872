package certification

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// ChangerEmail sets the e-mail address of an account, where its
// invitation, reset links and reminders go: the accounts opened before
// accounts had one have none, and nobody else can give them one.
// Administrator only; ErrNotFound for an unknown account, ErrInvalid for
// an address that is not a bare nom@domaine address. The change is
// journaled with the address before; setting the same address again
// changes and journals nothing. The address before, if any, is told of
// the change (key "adresse/<event id>"): an account whose address was
// changed behind its holder's back would otherwise send its reset links
// elsewhere without a word.
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
		id := newID()
		if err := s.journal(tx, a, audit{id: id, action: "compte_email_modifie", objet: "utilisateur", objetID: u.ID,
			avant: map[string]any{"email": avant}, apres: map[string]any{"email": email}}); err != nil {
			return err
		}
		if avant == "" {
			return nil
		}
		return wrap(s.opt.Jobs.Enqueue(tx, MessageJob{Cle: "adresse/" + id}), "enqueue the notice to %s", u.ID)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// messageAdresse composes the notice of an address change, sent to the
// address before it: the new one is shown masked, so that a holder who did
// not ask for it recognises the change without the message giving away
// someone's address.
func (s *Service) messageAdresse(db *gorm.DB, cle, evenementID string) (*Message, error) {
	var ev evenementRow
	if err := db.Where("id = ? AND action = ?", evenementID, "compte_email_modifie").Take(&ev).Error; err != nil {
		return nil, wrap(err, "message %s: event", cle)
	}
	var avant, apres struct{ Email string }
	if err := json.Unmarshal([]byte(ev.Avant), &avant); err != nil {
		return nil, wrap(err, "message %s: address before", cle)
	}
	if err := json.Unmarshal([]byte(ev.Apres), &apres); err != nil {
		return nil, wrap(err, "message %s: address after", cle)
	}
	u, err := findUtilisateurByID(db, ev.ObjetID)
	if err != nil {
		return nil, err
	}
	quand := ev.At.In(paris).Format("02/01/2006 à 15h04")
	intro := fmt.Sprintf("L’adresse électronique du compte cipcert %s a été remplacée le %s par un administrateur du service. Les messages du compte, dont les liens de réinitialisation du mot de passe, vont désormais à l’adresse %s.",
		u.Identifiant, quand, masquerEmail(apres.Email))
	fin := "Si vous êtes à l’origine de ce changement, vous n’avez rien à faire. Sinon, signalez-le sans attendre à votre centre de formation ou à votre DREETS.\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre."
	text := fmt.Sprintf("Bonjour %s,\n\n%s\n\n%s\n", u.Nom, intro, fin)
	html := fmt.Sprintf(`<p>Bonjour %s,</p><p>%s</p><p>%s</p>`, esc(u.Nom), esc(intro), strings.ReplaceAll(esc(fin), "\n\n", "</p><p>"))
	return &Message{Cle: cle, To: avant.Email, Subject: "L’adresse électronique de votre compte cipcert a changé", Text: text, HTML: html}, nil
}

// masquerEmail shows of an address its first character and its domain:
// « c•••@exemple.fr ».
func masquerEmail(email string) string {
	local, domaine, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "•••"
	}
	r := []rune(local)
	return string(r[0]) + "•••@" + domaine
}
