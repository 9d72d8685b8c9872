package certification

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The links an account receives by e-mail: an invitation, where the invited
// person chooses its first password, and a password reset. Both are one
// time, expire, and are stored as the SHA-256 of their token. The change
// that asks for a link writes its row and enqueues its message in one
// transaction; the job that sends the message draws the token, so that the
// token in clear is nowhere but in the e-mail. A message sent again after a
// crash between the server's acceptance and its recording carries a new
// token, which replaces the first: only the latest e-mail's link serves.

// Genres of link.
const (
	LienInvitation       = "invitation"
	LienReinitialisation = "reinitialisation"
)

// InvitationTTL is how long an invitation serves, as an activation link.
const InvitationTTL = ActivationTTL

// ReinitialisationTTL is how long a reset link serves: the time to read
// one's mail, not more, since whoever reads the mailbox takes the account.
const ReinitialisationTTL = time.Hour

type lienCompte struct {
	ID            string `gorm:"primaryKey"`
	UtilisateurID string
	Genre         string
	Hash          *string
	CreatedAt     time.Time
	ExpireAt      time.Time
	UtiliseAt     *time.Time
}

func (lienCompte) TableName() string { return "liens_compte" }

// creerLien replaces the unused links of the same genre of an account with
// a new one, and enqueues its e-mail, within tx. Returns its expiry.
func (s *Service) creerLien(tx *gorm.DB, utilisateurID, genre string) (time.Time, error) {
	now := s.now()
	ttl := InvitationTTL
	if genre == LienReinitialisation {
		ttl = ReinitialisationTTL
	}
	if err := tx.Model(&lienCompte{}).Where("utilisateur_id = ? AND genre = ? AND utilise_at IS NULL", utilisateurID, genre).
		Update("utilise_at", now).Error; err != nil {
		return time.Time{}, wrap(err, "liens of utilisateur %s: replace", utilisateurID)
	}
	l := lienCompte{ID: newID(), UtilisateurID: utilisateurID, Genre: genre, CreatedAt: now, ExpireAt: now.Add(ttl)}
	if err := tx.Create(&l).Error; err != nil {
		return time.Time{}, wrap(err, "lien of utilisateur %s: insert", utilisateurID)
	}
	return l.ExpireAt, wrap(s.opt.Jobs.Enqueue(tx, MessageJob{Cle: "lien/" + l.ID}), "lien %s: enqueue", l.ID)
}

// messageLien draws the token of link id and composes its e-mail; nil when
// the link was used, replaced or expired before its message left.
func (s *Service) messageLien(db *gorm.DB, cle, id string) (*Message, error) {
	var l lienCompte
	if err := db.Where("id = ?", id).Take(&l).Error; err != nil {
		return nil, wrap(err, "lien %s", id)
	}
	u, err := findUtilisateurByID(db, l.UtilisateurID)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	res := db.Model(&lienCompte{}).Where("id = ? AND utilise_at IS NULL AND expire_at > ?", id, s.now()).
		Update("hash", hashToken(token))
	if res.Error != nil {
		return nil, wrap(res.Error, "lien %s: token", id)
	}
	if res.RowsAffected != 1 {
		return nil, nil
	}
	lien := strings.TrimRight(s.opt.PublicURL, "/") + "/" + l.Genre + "/" + token
	expire := l.ExpireAt.In(paris).Format("02/01/2006 à 15h04")
	var sujet, intro, bouton string
	if l.Genre == LienInvitation {
		sujet = "Votre compte cipcert"
		intro = fmt.Sprintf("Un compte cipcert a été ouvert pour vous, avec l’identifiant %s. Choisissez votre mot de passe par ce lien, à usage unique, valable jusqu’au %s :", u.Identifiant, expire)
		bouton = "Choisir mon mot de passe"
	} else {
		sujet = "Réinitialisation de votre mot de passe cipcert"
		intro = fmt.Sprintf("Une réinitialisation du mot de passe du compte %s a été demandée. Choisissez un nouveau mot de passe par ce lien, à usage unique, valable jusqu’au %s :", u.Identifiant, expire)
		bouton = "Choisir un nouveau mot de passe"
	}
	fin := "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne change sans ce lien.\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre."
	text := fmt.Sprintf("Bonjour %s,\n\n%s\n%s\n\n%s\n", u.Nom, intro, lien, fin)
	html := fmt.Sprintf(`<p>Bonjour %s,</p><p>%s</p><p><a href="%s">%s</a></p><p>%s</p>`,
		esc(u.Nom), esc(intro), esc(lien), esc(bouton), strings.ReplaceAll(esc(fin), "\n\n", "</p><p>"))
	return &Message{Cle: cle, To: u.Email, Subject: sujet, Text: text, HTML: html, Secret: token}, nil
}

// paris is the time zone the messages give their times in.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

// InvitationEnvoyee is an account created without a password, and where
// its invitation goes.
type InvitationEnvoyee struct {
	Utilisateur *Utilisateur
	Email       string
	ExpireAt    time.Time
}

// emailValide reports whether s is a bare e-mail address.
func emailValide(s string) bool {
	a, err := netmail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && len(s) <= 254
}

// InviterUtilisateur creates an account without a password, inactive, and
// e-mails its user a one-time link to choose one. Administrator only.
// Returns ErrInvalid for bad input, ErrConflict if the identifiant is taken.
func (s *Service) InviterUtilisateur(ctx context.Context, a Acteur, in NouvelUtilisateur) (*InvitationEnvoyee, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	in.MotDePasse = ""
	fields := s.controlerNouvelUtilisateur(&in)
	if in.Email == "" {
		fields = append(fields, FieldError{"email", "invalide", "Indiquez l’adresse électronique où envoyer l’invitation, de la forme nom@domaine.fr."})
	}
	if len(fields) > 0 {
		return nil, Invalid("utilisateur_invalide", "Le compte ne peut pas être créé.", fields...)
	}
	// "!" matches no password: the account waits for its invitation.
	u := nouvelUtilisateur(in, "!", false, s.now())
	out := &InvitationEnvoyee{Utilisateur: u, Email: u.Email}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := insertNouvelUtilisateur(tx, a, u); err != nil {
			return err
		}
		var err error
		if out.ExpireAt, err = s.creerLien(tx, u.ID, LienInvitation); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "invitation_envoyee", objet: "utilisateur", objetID: u.ID, candidatID: deref(u.CandidatID),
			apres: map[string]any{"identifiant": u.Identifiant, "email": u.Email, "expire_at": out.ExpireAt}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InviterCandidat opens the account of one of the centre's candidats, as
// OuvrirCompteCandidat does, and e-mails the link to the candidat's address
// instead of handing it to the centre. Asked again before activation, the
// new invitation replaces the previous one. ErrInvalid (candidat_sans_email)
// when the candidat has no address; the other errors as OuvrirCompteCandidat.
func (s *Service) InviterCandidat(ctx context.Context, a Acteur, candidatID string) (*InvitationEnvoyee, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	var out *InvitationEnvoyee
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		u, cand, _, err := s.compteCandidatAOuvrir(tx, a, candidatID)
		if err != nil {
			return err
		}
		if !emailValide(cand.Email) {
			return Invalid("candidat_sans_email", "Le candidat n’a pas d’adresse électronique valide : renseignez-la dans son dossier, ou remettez-lui un lien d’activation.")
		}
		if u.Email != cand.Email {
			if err := tx.Model(&utilisateurRow{}).Where("id = ?", u.ID).Update("email", cand.Email).Error; err != nil {
				return wrap(err, "utilisateur %s: email", u.ID)
			}
			u.Email = cand.Email
		}
		exp, err := s.creerLien(tx, u.ID, LienInvitation)
		if err != nil {
			return err
		}
		out = &InvitationEnvoyee{Utilisateur: u, Email: u.Email, ExpireAt: exp}
		return s.journal(tx, a, audit{action: "invitation_envoyee", objet: "utilisateur", objetID: u.ID, candidatID: cand.ID,
			apres: map[string]any{"identifiant": u.Identifiant, "email": u.Email, "expire_at": exp}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func lienCompteRefuse(genre string) *Error {
	if genre == LienReinitialisation {
		return Errorf(ErrNotFound, "lien_compte_invalide",
			"Ce lien de réinitialisation n’est plus valable : il a déjà servi, a expiré ou a été remplacé. Faites une nouvelle demande.")
	}
	return Errorf(ErrNotFound, "lien_compte_invalide",
		"Ce lien d’invitation n’est plus valable : il a déjà servi, a expiré ou a été remplacé. Demandez une nouvelle invitation à qui a ouvert votre compte.")
}

// LienCompte reads a valid invitation or reset link, for the page where its
// user chooses a password. An unknown, used, replaced or expired link is
// ErrNotFound (lien_compte_invalide), with the same message whatever the cause.
func (s *Service) LienCompte(ctx context.Context, genre, token string) (*ActivationCompte, error) {
	if token == "" {
		return nil, lienCompteRefuse(genre)
	}
	var rows []struct {
		ExpireAt    time.Time
		Identifiant string
		Nom         string
		Actif       bool
	}
	err := s.read(ctx).Raw(`SELECT l.expire_at, u.identifiant, u.nom, u.actif FROM liens_compte l
		JOIN utilisateurs u ON u.id = l.utilisateur_id
		WHERE l.hash = ? AND l.genre = ? AND l.utilise_at IS NULL AND l.expire_at > ?`, hashToken(token), genre, s.now()).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "lien: load")
	}
	if len(rows) == 0 || genre == LienReinitialisation && !rows[0].Actif {
		return nil, lienCompteRefuse(genre)
	}
	r := rows[0]
	return &ActivationCompte{Identifiant: r.Identifiant, Nom: r.Nom, ExpireAt: r.ExpireAt}, nil
}

// hashNouveauMotDePasse checks a password chosen by its user and hashes it.
func (s *Service) hashNouveauMotDePasse(ctx context.Context, champ, motDePasse string) ([]byte, error) {
	if len([]rune(motDePasse)) < MotDePasseMin {
		return nil, Invalid("mot_de_passe_invalide", "Le mot de passe ne convient pas.",
			FieldError{champ, "trop_court", fmt.Sprintf("Le mot de passe doit compter au moins %d caractères.", MotDePasseMin)})
	}
	hash, err := s.hashPassword(ctx, motDePasse)
	if err != nil {
		if errors.Is(err, ErrOverloaded) || ctx.Err() != nil {
			return nil, err
		}
		return nil, Invalid("mot_de_passe_invalide", "Le mot de passe est trop long.",
			FieldError{champ, "trop_long", "Le mot de passe ne doit pas dépasser 72 octets."})
	}
	return hash, nil
}

// UtiliserLien sets the password chosen through an invitation or a reset
// link, uses the link up, and signs its user in: it returns a bearer token
// as Connexion does. An invitation activates the account. A reset revokes
// every token the account held, and refuses a deactivated account. Of two
// concurrent uses of one link, one only succeeds; the other, as any link
// used, replaced or expired, is ErrNotFound (lien_compte_invalide).
func (s *Service) UtiliserLien(ctx context.Context, genre, token, motDePasse string) (string, time.Time, error) {
	hash, err := s.hashNouveauMotDePasse(ctx, "mot_de_passe", motDePasse)
	if err != nil {
		return "", time.Time{}, err
	}
	var identifiant string
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		var ls []lienCompte
		if err := tx.Where("hash = ? AND genre = ?", hashToken(token), genre).Limit(1).Find(&ls).Error; err != nil {
			return wrap(err, "lien: load")
		}
		if len(ls) == 0 || token == "" {
			return lienCompteRefuse(genre)
		}
		// The update is the check: a link used, replaced or expired in the
		// meantime matches no row.
		res := tx.Model(&lienCompte{}).Where("id = ? AND utilise_at IS NULL AND expire_at > ?", ls[0].ID, now).Update("utilise_at", now)
		if res.Error != nil {
			return wrap(res.Error, "lien %s: use", ls[0].ID)
		}
		if res.RowsAffected != 1 {
			return lienCompteRefuse(genre)
		}
		u, err := findUtilisateurByID(tx, ls[0].UtilisateurID)
		if err != nil {
			return err
		}
		action, apres := "invitation_acceptee", map[string]any(nil)
		if genre == LienReinitialisation {
			if !u.Actif {
				return lienCompteRefuse(genre)
			}
			n, err := revokeJetonsOf(tx, u.ID, now)
			if err != nil {
				return err
			}
			action, apres = "reinitialisation_effectuee", map[string]any{"jetons_revoques": n}
		} else if !u.JamaisActive() {
			// Deactivated since the invitation left, or already active.
			return lienCompteRefuse(genre)
		}
		// Any other link of the account stops serving with this one.
		if err := tx.Model(&lienCompte{}).Where("utilisateur_id = ? AND utilise_at IS NULL", u.ID).Update("utilise_at", now).Error; err != nil {
			return wrap(err, "liens of utilisateur %s: use", u.ID)
		}
		if err := tx.Model(&activation{}).Where("utilisateur_id = ? AND utilise_at IS NULL", u.ID).Update("utilise_at", now).Error; err != nil {
			return wrap(err, "activations of utilisateur %s: use", u.ID)
		}
		if err := tx.Model(&utilisateurRow{}).Where("id = ?", u.ID).
			Updates(map[string]any{"mot_de_passe_hash": string(hash), "actif": true}).Error; err != nil {
			return wrap(err, "utilisateur %s: password", u.ID)
		}
		if err := invaliderCompte(tx, u.ID); err != nil {
			return err
		}
		identifiant = u.Identifiant
		return s.journal(tx, acteurDe(u), audit{action: action, objet: "utilisateur", objetID: u.ID, candidatID: deref(u.CandidatID), apres: apres})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return s.Connexion(ctx, identifiant, motDePasse)
}

// ReinitialisationJob looks up the accounts of an address asking for a
// password reset, and sends each its link. The request enqueues it and
// nothing else, whether or not the address is known, so that its answer
// and the work done before it say nothing of the address.
type ReinitialisationJob struct {
	Email string `json:"email"`
}

// Kind implements Job.
func (ReinitialisationJob) Kind() string { return "reinitialisation" }

// DemanderReinitialisation enqueues the reset of the accounts of an
// address. It neither reads the accounts nor says whether any exists:
// ReinitialisationJob does, after the answer. ErrInvalid for what is not
// an e-mail address.
func (s *Service) DemanderReinitialisation(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if !emailValide(email) {
		return Invalid("email_invalide", "L’adresse électronique ne convient pas.",
			FieldError{"email", "invalide", "Indiquez une adresse électronique de la forme nom@domaine.fr."})
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return wrap(s.opt.Jobs.Enqueue(tx, ReinitialisationJob{Email: email}), "reinitialisation: enqueue")
	})
}

// PreparerReinitialisation is ReinitialisationJob's work: for each active
// account of the address, a reset link, its e-mail enqueued, and the
// request in the audit trail, in one transaction. An unknown address does
// nothing. Returns how many accounts the address has.
func (s *Service) PreparerReinitialisation(ctx context.Context, email string) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var rows []utilisateurRow
		if err := tx.Where("lower(email) = ? AND actif = ?", strings.ToLower(email), true).Order("id").Find(&rows).Error; err != nil {
			return wrap(err, "utilisateurs of an address: load")
		}
		n = len(rows)
		for _, r := range rows {
			u := Utilisateur(r)
			exp, err := s.creerLien(tx, u.ID, LienReinitialisation)
			if err != nil {
				return err
			}
			if err := s.journal(tx, Acteur{}, audit{action: "reinitialisation_demandee", objet: "utilisateur", objetID: u.ID,
				candidatID: deref(u.CandidatID), apres: map[string]any{"expire_at": exp}}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// ChangerMotDePasse changes the password of the signed-in account, its
// current one given. The account's other tokens are revoked, its other
// browser sessions as its API tokens: one changes a password mostly
// because another may know it. The token of the request, jeton, stays.
// ErrInvalid (mot_de_passe_actuel_incorrect) for a wrong current password.
func (s *Service) ChangerMotDePasse(ctx context.Context, a Acteur, jeton, actuel, nouveau string) error {
	if a.UtilisateurID == "" {
		return forbidden()
	}
	u, err := findUtilisateurByID(s.read(ctx), a.UtilisateurID)
	if err != nil {
		return err
	}
	ok, err := s.comparePassword(ctx, []byte(u.MotDePasseHash), actuel)
	if err != nil {
		return err
	}
	if !ok {
		return Invalid("mot_de_passe_actuel_incorrect", "Le mot de passe n’est pas changé.",
			FieldError{"mot_de_passe_actuel", "incorrect", "Le mot de passe actuel est incorrect."})
	}
	hash, err := s.hashNouveauMotDePasse(ctx, "nouveau_mot_de_passe", nouveau)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&utilisateurRow{}).Where("id = ?", u.ID).Update("mot_de_passe_hash", string(hash)).Error; err != nil {
			return wrap(err, "utilisateur %s: password", u.ID)
		}
		r := tx.Model(&jetonRow{}).Where("utilisateur_id = ? AND hash <> ? AND revoque_at IS NULL", u.ID, hashToken(jeton)).Update("revoque_at", now)
		if r.Error != nil {
			return wrap(r.Error, "jetons of utilisateur %s: revoke", u.ID)
		}
		// The token kept is forgotten with the others, and read again.
		if err := invaliderCompte(tx, u.ID); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "mot_de_passe_change", objet: "utilisateur", objetID: u.ID, candidatID: deref(u.CandidatID),
			apres: map[string]any{"jetons_revoques": r.RowsAffected}})
	})
}
