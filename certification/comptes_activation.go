package certification

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// ActivationTTL is how long an activation link serves: long enough for a
// candidat to receive it and come back, short enough that a forgotten one
// does not open the account months later.
const ActivationTTL = 7 * 24 * time.Hour

// activation is a one-time link that lets a candidat set its own password.
type activation struct {
	Hash          string `gorm:"primaryKey"`
	UtilisateurID string
	CandidatID    string
	CreePar       string
	CreatedAt     time.Time
	ExpireAt      time.Time
	UtiliseAt     *time.Time
}

func (activation) TableName() string { return "activations" }

// LienActivation is what the centre hands over to its candidat: the token of
// the link (shown once, never stored in clear), when it expires, and the
// identifiant the candidat will sign in with.
type LienActivation struct {
	Jeton       string
	ExpireAt    time.Time
	Identifiant string
}

// CompteCandidat says whether a candidat has an account: none, waiting for
// its activation (until ActivationExpire), or active.
type CompteCandidat struct {
	Existe bool
	Actif  bool
	// Desactive is an account deactivated: it had a password, unlike an
	// account waiting for its activation.
	Desactive   bool
	Identifiant string
	// ActivationExpire is the expiry of the last unused link, if any.
	ActivationExpire *time.Time
}

// EtatCompteCandidat returns the account of one of the centre's candidats.
func (s *Service) EtatCompteCandidat(ctx context.Context, a Acteur, candidatID string) (*CompteCandidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	if !validID(candidatID) {
		return nil, notFound("Candidat")
	}
	// One query, as the candidat's record shows it on every display: the
	// candidat of the centre, its account if any, the last link unused.
	var rows []struct {
		ID               string
		Identifiant      *string
		Actif            *bool
		SansMotDePasse   *bool
		ActivationExpire *time.Time
	}
	err := s.read(ctx).Raw(`SELECT c.id, u.identifiant, u.actif, u.mot_de_passe_hash = '!' AS sans_mot_de_passe, a.expire_at AS activation_expire
		FROM candidats c
		LEFT JOIN utilisateurs u ON u.candidat_id = c.id
		LEFT JOIN activations a ON a.utilisateur_id = u.id AND a.utilise_at IS NULL AND a.expire_at > ?
		WHERE c.id = ? AND c.centre_id = ?
		ORDER BY a.expire_at DESC LIMIT 1`, s.now(), candidatID, a.CentreID).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "account of candidat %s: load", candidatID)
	}
	if len(rows) == 0 {
		return nil, notFound("Candidat")
	}
	out := &CompteCandidat{}
	if r := rows[0]; r.Identifiant != nil {
		out.Existe, out.Identifiant = true, *r.Identifiant
		out.Actif = r.Actif != nil && *r.Actif
		out.Desactive = !out.Actif && r.SansMotDePasse != nil && !*r.SansMotDePasse
		out.ActivationExpire = r.ActivationExpire
	}
	return out, nil
}

// OuvrirCompteCandidat opens the account of one of the centre's candidats,
// inactive and without a password, and returns a one-time activation link
// for the candidat. Asked again before activation (a lost link), it
// replaces the previous link. The centre of the candidat only; an account
// already activated is ErrConflict.
func (s *Service) OuvrirCompteCandidat(ctx context.Context, a Acteur, candidatID string) (*LienActivation, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	out := &LienActivation{Jeton: token, ExpireAt: now.Add(ActivationTTL)}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		u, cand, action, err := s.compteCandidatAOuvrir(tx, a, candidatID)
		if err != nil {
			return err
		}
		if action == "activation_renouvelee" {
			// The previous links stop serving: only the last one handed over opens the account.
			if err := tx.Model(&activation{}).Where("utilisateur_id = ? AND utilise_at IS NULL", u.ID).
				Update("utilise_at", now).Error; err != nil {
				return err
			}
		}
		out.Identifiant = u.Identifiant
		if err := tx.Create(&activation{Hash: hashToken(token), UtilisateurID: u.ID, CandidatID: cand.ID,
			CreePar: a.UtilisateurID, CreatedAt: now, ExpireAt: out.ExpireAt}).Error; err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: action, objet: "utilisateur", objetID: u.ID, candidatID: cand.ID,
			apres: map[string]any{"identifiant": u.Identifiant, "activation_expire_at": out.ExpireAt}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// compteCandidatAOuvrir returns the account of one of the centre's
// candidats that is not active yet, creating it, inactive and without a
// password, when the candidat has none; action says which for the audit
// trail. ErrConflict for an archived candidat, an account active or
// deactivated.
func (s *Service) compteCandidatAOuvrir(tx *gorm.DB, a Acteur, candidatID string) (*Utilisateur, *candidatRow, string, error) {
	cand, err := findCandidatRow(tx, a, candidatID)
	if err != nil {
		return nil, nil, "", err
	}
	if cand.ArchiveAt != nil {
		return nil, nil, "", Errorf(ErrConflict, "candidat_archive", "Ce candidat est archivé.")
	}
	var us []Utilisateur
	if err := tx.Where("candidat_id = ?", candidatID).Limit(1).Find(&us).Error; err != nil {
		return nil, nil, "", err
	}
	switch {
	case len(us) == 1 && us[0].Actif:
		return nil, nil, "", Errorf(ErrConflict, "compte_actif", "Le candidat a déjà activé son compte (identifiant %s).", us[0].Identifiant)
	case len(us) == 1 && !jamaisActive(&us[0]):
		// Deactivated: a new link must not reopen it.
		return nil, nil, "", Errorf(ErrConflict, "compte_desactive", "Le compte du candidat (identifiant %s) est désactivé : son centre ou un administrateur doit d’abord le réactiver.", us[0].Identifiant)
	case len(us) == 1:
		return &us[0], cand, "activation_renouvelee", nil
	}
	id, err := identifiantLibre(tx, cand.Prenoms, cand.NomNaissance)
	if err != nil {
		return nil, nil, "", err
	}
	// No password: the hash matches none, and the account stays
	// inactive until its candidat chooses one.
	u := &Utilisateur{ID: newID(), Identifiant: id, Nom: strings.TrimSpace(cand.Prenoms + " " + nomAffiche(cand)),
		MotDePasseHash: "!", Role: RoleCandidat, CandidatID: &cand.ID, Actif: false, CreatedAt: s.now(), Email: cand.Email}
	if err := tx.Create(u).Error; err != nil {
		return nil, nil, "", err
	}
	return u, cand, "compte_ouvert", nil
}

func nomAffiche(c *candidatRow) string {
	if c.NomUsage != "" {
		return c.NomUsage
	}
	return c.NomNaissance
}

// identifiantLibre makes a sign-in identifiant from the candidat's names,
// prenom.nom without accents, numbered when already taken.
func identifiantLibre(tx *gorm.DB, prenoms, nom string) (string, error) {
	prenom, _, _ := strings.Cut(strings.TrimSpace(prenoms), " ")
	base := ascii(prenom) + "." + ascii(nom)
	for i := 1; i < 1000; i++ {
		id := base
		if i > 1 {
			id = fmt.Sprintf("%s%d", base, i)
		}
		var n int64
		if err := tx.Model(&Utilisateur{}).Where("identifiant = ?", id).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return id, nil
		}
	}
	return "", fmt.Errorf("no free identifiant for %s", base)
}

// ascii keeps the letters and digits of a name, without accents, lowercased.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range plier(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		}
	}
	if b.Len() == 0 {
		return "candidat"
	}
	return b.String()
}

// ActivationCompte is what the activation page shows before the candidat
// chooses its password.
type ActivationCompte struct {
	Identifiant string
	Nom         string
	ExpireAt    time.Time
}

func lienRefuse() *Error {
	return Errorf(ErrNotFound, "lien_activation_invalide",
		"Ce lien d'activation n'est plus valable : il a déjà servi, a expiré ou a été remplacé. Demandez-en un nouveau à votre centre.")
}

// Activation reads a valid activation link. An unknown, used, replaced or
// expired link is ErrNotFound, with the same message whatever the cause.
func (s *Service) Activation(ctx context.Context, token string) (*ActivationCompte, error) {
	var row struct {
		ExpireAt    time.Time
		UtiliseAt   *time.Time
		Identifiant string
		Nom         string
	}
	if token == "" {
		return nil, lienRefuse()
	}
	err := s.read(ctx).Raw(`SELECT a.expire_at, a.utilise_at, u.identifiant, u.nom FROM activations a
		JOIN utilisateurs u ON u.id = a.utilisateur_id WHERE a.hash = ?`, hashToken(token)).Scan(&row).Error
	if err != nil {
		return nil, err
	}
	if row.Identifiant == "" || row.UtiliseAt != nil || !s.now().Before(row.ExpireAt) {
		return nil, lienRefuse()
	}
	return &ActivationCompte{Identifiant: row.Identifiant, Nom: row.Nom, ExpireAt: row.ExpireAt}, nil
}

// ActiverCompte sets the password the candidat chose through its link,
// activates the account, uses the link up, and signs the candidat in: it
// returns a bearer token as Connexion does. Of two concurrent uses of one
// link, one only succeeds.
func (s *Service) ActiverCompte(ctx context.Context, token, motDePasse string) (string, time.Time, error) {
	if len([]rune(motDePasse)) < MotDePasseMin {
		return "", time.Time{}, Invalid("mot_de_passe_invalide", "Le mot de passe ne convient pas.",
			FieldError{"mot_de_passe", "trop_court", fmt.Sprintf("Le mot de passe doit compter au moins %d caractères.", MotDePasseMin)})
	}
	hash, err := s.hashPassword(ctx, motDePasse)
	if err != nil {
		if errors.Is(err, ErrOverloaded) || ctx.Err() != nil {
			return "", time.Time{}, err
		}
		return "", time.Time{}, Invalid("mot_de_passe_invalide", "Le mot de passe est trop long.",
			FieldError{"mot_de_passe", "trop_long", "Le mot de passe ne doit pas dépasser 72 octets."})
	}
	var identifiant string
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		var act activation
		if err := tx.Where("hash = ?", hashToken(token)).Take(&act).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return lienRefuse()
			}
			return err
		}
		// The update is the check: a link used, replaced or expired in the
		// meantime matches no row.
		res := tx.Model(&activation{}).Where("hash = ? AND utilise_at IS NULL AND expire_at > ?", act.Hash, now).
			Update("utilise_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return lienRefuse()
		}
		var u Utilisateur
		if err := tx.Take(&u, "id = ?", act.UtilisateurID).Error; err != nil {
			return err
		}
		// An invitation sent beside the link stops serving with it.
		if err := tx.Model(&lienCompte{}).Where("utilisateur_id = ? AND utilise_at IS NULL", u.ID).Update("utilise_at", now).Error; err != nil {
			return err
		}
		if err := tx.Model(&Utilisateur{}).Where("id = ?", u.ID).
			Updates(map[string]any{"mot_de_passe_hash": string(hash), "actif": true}).Error; err != nil {
			return err
		}
		identifiant = u.Identifiant
		candidat := Acteur{UtilisateurID: u.ID, Identifiant: u.Identifiant, Nom: u.Nom, Role: RoleCandidat, CandidatID: act.CandidatID}
		return s.journal(tx, candidat, audit{action: "compte_active", objet: "utilisateur", objetID: u.ID, candidatID: act.CandidatID})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	// Sign in as the login form would, with the password just set.
	return s.Connexion(ctx, identifiant, motDePasse)
}
