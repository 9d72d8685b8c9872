package certification

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/texte"
)

// compteSnapshot is an account's state in the audit trail of its
// deactivation or reactivation.
type compteSnapshot struct {
	Identifiant    string `json:"identifiant"`
	Actif          bool   `json:"actif"`
	Motif          string `json:"motif,omitempty"`
	JetonsRevoques int64  `json:"jetons_revoques,omitempty"`
}

// DesactiverCompte closes an account at once: the account stops signing in,
// and every token it holds, its browser sessions as its API tokens, is
// revoked in the same transaction, so that the request it sends next is
// refused (every request reads its token and account afresh). Administrator
// only, or a centre for its candidats' accounts (DesactiverCompteCandidat),
// with a reason; an administrator cannot close its own account, so
// that there is always one left to reopen the others. ErrNotFound for an
// unknown account, ErrConflict (compte_inactif) for an account already
// inactive, among which a candidat's account not yet activated.
func (s *Service) DesactiverCompte(ctx context.Context, a Acteur, utilisateurID, motif string) (*Utilisateur, error) {
	if !a.Is(RoleAdmin) && !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	motif, err := s.motifCompte(motif)
	if motif == "" {
		return nil, Invalid("motif_requis", "La désactivation exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de la désactivation."})
	}
	if err != nil {
		return nil, err
	}
	if utilisateurID == a.UtilisateurID {
		return nil, Errorf(ErrConflict, "desactivation_de_soi", "Vous ne pouvez pas désactiver votre propre compte : un autre administrateur le fera.")
	}
	var u *Utilisateur
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = compteGere(tx, a, utilisateurID); err != nil {
			return err
		}
		if !u.Actif {
			return Errorf(ErrConflict, "compte_inactif", "Le compte %s n'est pas actif.", u.Identifiant)
		}
		if err := setActif(tx, u.ID, false); err != nil {
			return err
		}
		n, err := revokeJetonsOf(tx, u.ID, s.now())
		if err != nil {
			return err
		}
		u.Actif = false
		return s.journal(tx, a, audit{action: "compte_desactive", objet: "utilisateur", objetID: u.ID, candidatID: deref(u.CandidatID),
			avant: compteSnapshot{Identifiant: u.Identifiant, Actif: true},
			apres: compteSnapshot{Identifiant: u.Identifiant, Actif: false, Motif: motif, JetonsRevoques: n}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ReactiverCompte reopens a deactivated account with its password as it
// was: its user signs in again; the tokens revoked at deactivation stay
// revoked. Administrator only, or a centre for its candidats' accounts
// (ReactiverCompteCandidat), with a reason. ErrConflict (compte_actif) for
// an active account, (compte_jamais_active) for a candidat's account its
// candidat never activated: only its activation link opens it, since it has
// no password yet.
func (s *Service) ReactiverCompte(ctx context.Context, a Acteur, utilisateurID, motif string) (*Utilisateur, error) {
	if !a.Is(RoleAdmin) && !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	motif, err := s.motifCompte(motif)
	if motif == "" {
		return nil, Invalid("motif_requis", "La réactivation exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de la réactivation."})
	}
	if err != nil {
		return nil, err
	}
	var u *Utilisateur
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = compteGere(tx, a, utilisateurID); err != nil {
			return err
		}
		switch {
		case u.Actif:
			return Errorf(ErrConflict, "compte_actif", "Le compte %s est déjà actif.", u.Identifiant)
		case jamaisActive(u):
			return Errorf(ErrConflict, "compte_jamais_active",
				"Le compte %s n'a jamais été activé : son candidat l'active par le lien que lui remet son centre.", u.Identifiant)
		}
		if err := setActif(tx, u.ID, true); err != nil {
			return err
		}
		u.Actif = true
		return s.journal(tx, a, audit{action: "compte_reactive", objet: "utilisateur", objetID: u.ID, candidatID: deref(u.CandidatID),
			avant: compteSnapshot{Identifiant: u.Identifiant, Actif: false},
			apres: compteSnapshot{Identifiant: u.Identifiant, Actif: true, Motif: motif}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// compteGere returns an account the actor manages: any for an
// administrator, a centre's own candidats' accounts for a centre;
// ErrNotFound for the others.
func compteGere(tx *gorm.DB, a Acteur, utilisateurID string) (*Utilisateur, error) {
	u, err := findUtilisateurByID(tx, utilisateurID)
	if err != nil || a.Is(RoleAdmin) {
		return u, err
	}
	if u.CandidatID == nil {
		return nil, notFound("Compte")
	}
	if _, err := findCandidatRow(tx, a, *u.CandidatID); err != nil {
		return nil, notFound("Compte")
	}
	return u, nil
}

// DesactiverCompteCandidat is DesactiverCompte for the account of one of
// the centre's candidats. ErrNotFound when the candidat has no account.
func (s *Service) DesactiverCompteCandidat(ctx context.Context, a Acteur, candidatID, motif string) (*Utilisateur, error) {
	id, err := s.compteDuCandidat(ctx, a, candidatID)
	if err != nil {
		return nil, err
	}
	return s.DesactiverCompte(ctx, a, id, motif)
}

// ReactiverCompteCandidat is ReactiverCompte for the account of one of the
// centre's candidats. ErrNotFound when the candidat has no account.
func (s *Service) ReactiverCompteCandidat(ctx context.Context, a Acteur, candidatID, motif string) (*Utilisateur, error) {
	id, err := s.compteDuCandidat(ctx, a, candidatID)
	if err != nil {
		return nil, err
	}
	return s.ReactiverCompte(ctx, a, id, motif)
}

func (s *Service) compteDuCandidat(ctx context.Context, a Acteur, candidatID string) (string, error) {
	if !a.Is(RoleCentre) {
		return "", forbidden()
	}
	db := s.read(ctx)
	if _, err := findCandidatRow(db, a, candidatID); err != nil {
		return "", err
	}
	var ids []string
	if err := db.Model(&utilisateurRow{}).Where("candidat_id = ?", candidatID).Limit(1).Pluck("id", &ids).Error; err != nil {
		return "", wrap(err, "account of candidat %s", candidatID)
	}
	if len(ids) == 0 {
		return "", notFound("Compte")
	}
	return ids[0], nil
}

// jamaisActive reports whether an account is a candidat's account waiting
// for its activation: it has no password yet (see OuvrirCompteCandidat).
// A deactivated account has one, which tells the two apart.
func jamaisActive(u *Utilisateur) bool {
	return u.JamaisActive()
}

// JamaisActive reports whether the account is a candidat's account its
// candidat has not activated yet: no administrator reopens it.
func (u *Utilisateur) JamaisActive() bool {
	return !u.Actif && u.MotDePasseHash == "!"
}

func setActif(tx *gorm.DB, id string, actif bool) error {
	err := tx.Model(&utilisateurRow{}).Where("id = ?", id).Update("actif", actif).Error
	if err == nil {
		err = invaliderCompte(tx, id)
	}
	return wrap(err, "utilisateur %s: actif", id)
}

// revokeJetonsOf revokes every token an account still holds and returns how
// many.
func revokeJetonsOf(tx *gorm.DB, utilisateurID string, at time.Time) (int64, error) {
	r := tx.Model(&jetonRow{}).Where("utilisateur_id = ? AND revoque_at IS NULL", utilisateurID).Update("revoque_at", at)
	err := r.Error
	if err == nil {
		err = invaliderCompte(tx, utilisateurID)
	}
	return r.RowsAffected, wrap(err, "jetons of utilisateur %s: revoke", utilisateurID)
}

// motifCompte normalises the reason of a deactivation or a reactivation,
// which the audit trail keeps and shows; the caller refuses it empty.
func (s *Service) motifCompte(motif string) (string, error) {
	motif = texte.NFC(strings.TrimSpace(motif))
	if fe := s.imprimables("motif", motif); motif != "" && len(fe) > 0 {
		return motif, Invalid("motif_invalide", "Le motif ne peut pas être enregistré.", fe...)
	}
	return motif, nil
}
