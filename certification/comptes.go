package certification

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/texte"
)

// Utilisateur is an account.
type Utilisateur struct {
	ID             string
	Identifiant    string
	Nom            string
	MotDePasseHash string
	Role           Role
	CentreID       *string
	CandidatID     *string
	// Autorite, Region and Departements are the territory of an autorité
	// account (see Territoire), empty for the other roles.
	Autorite     string
	Region       string
	Departements string
	// Fonction is the function of an autorité account's signatory, printed
	// under « Pour le ministre et par délégation »: "Directrice régionale
	// adjointe". Empty for the other roles.
	Fonction  string
	Actif     bool
	CreatedAt time.Time
}

// NouvelUtilisateur is the input of CreateUtilisateur.
type NouvelUtilisateur struct {
	Identifiant string
	Nom         string
	MotDePasse  string
	Role        Role
	CentreID    string
	CandidatID  string
	// Territoire is required for an autorité account, and only for it.
	Territoire Territoire
	// Fonction is the function of an autorité account's signatory, as
	// printed on the documents it issues; optional, autorité only.
	Fonction string
}

// MotDePasseMin is the minimum password length.
const MotDePasseMin = 12

// PeutCreerCompte reports whether the actor may create an account with a
// password: only an administrator may. A centre gets its own refusal,
// compte_par_activation, saying how it opens its candidat's account instead:
// it never chooses a candidat's password, the candidat does, through a
// one-time activation link (OuvrirCompteCandidat). The transport calls it
// before reading a request body, CreateUtilisateur calls it again.
func PeutCreerCompte(a Acteur) error {
	switch {
	case a.Is(RoleAdmin):
		return nil
	case a.Is(RoleCentre):
		return Errorf(ErrForbidden, "compte_par_activation",
			"Un centre ne crée pas de compte avec un mot de passe : ouvrez le compte de votre candidat avec POST /api/v1/candidats/{id}/compte, qui répond un lien d'activation à usage unique à lui remettre ; le candidat y choisit lui-même son mot de passe.")
	default:
		return forbidden()
	}
}

// CreateUtilisateur creates an account with a password. Administrator only
// (see PeutCreerCompte): ErrForbidden for anyone else. Returns ErrInvalid
// for bad input, ErrConflict if the identifiant is taken.
func (s *Service) CreateUtilisateur(ctx context.Context, a Acteur, in NouvelUtilisateur) (*Utilisateur, error) {
	if err := PeutCreerCompte(a); err != nil {
		return nil, err
	}
	in.Identifiant = strings.ToLower(strings.TrimSpace(in.Identifiant))
	in.Territoire = normaliserTerritoire(in.Territoire)
	in.Nom = texte.NFC(in.Nom)
	in.Fonction = strings.TrimSpace(texte.NFC(in.Fonction))
	var fields []FieldError
	if !identifiantValide(in.Identifiant) {
		fields = append(fields, FieldError{"identifiant", "caracteres_identifiant",
			"L'identifiant ne peut comporter que des lettres minuscules sans accent, des chiffres, des points, des tirets et des tirets bas (a-z, 0-9, . _ -)."})
	}
	fields = append(fields, s.imprimables("nom", in.Nom)...)
	if len([]rune(in.MotDePasse)) < MotDePasseMin {
		fields = append(fields, FieldError{"mot_de_passe", "trop_court", "Le mot de passe doit compter au moins 12 caractères."})
	}
	if !in.Role.Valid() {
		fields = append(fields, FieldError{"role", "inconnu", "Rôle inconnu."})
	}
	if (in.Role == RoleCentre) != (in.CentreID != "") {
		fields = append(fields, FieldError{"centre_id", "incoherent", "Un compte centre, et lui seul, est rattaché à un centre."})
	}
	if (in.Role == RoleCandidat) != (in.CandidatID != "") {
		fields = append(fields, FieldError{"candidat_id", "incoherent", "Un compte candidat, et lui seul, est rattaché à un candidat."})
	}
	fields = append(fields, s.imprimables("fonction", in.Fonction)...)
	if in.Fonction != "" && in.Role != RoleAutorite {
		fields = append(fields, FieldError{"fonction", "incoherent", "Seul un compte de l'autorité a une fonction de signataire."})
	}
	if t := in.Territoire; in.Role == RoleAutorite {
		fields = append(fields, s.territoireErreurs(t)...)
	} else if t.Autorite != "" || t.Region != "" || len(t.Departements) > 0 {
		fields = append(fields, territoireIncoherent)
	}
	if len(fields) > 0 {
		return nil, Invalid("utilisateur_invalide", "Le compte ne peut pas être créé.", fields...)
	}
	hash, err := s.hashPassword(ctx, in.MotDePasse)
	if err != nil {
		if errors.Is(err, ErrOverloaded) || ctx.Err() != nil {
			return nil, err
		}
		return nil, Invalid("utilisateur_invalide", "Le mot de passe est trop long.",
			FieldError{"mot_de_passe", "trop_long", "Le mot de passe ne doit pas dépasser 72 octets."})
	}
	u := &Utilisateur{
		ID: newID(), Identifiant: in.Identifiant, Nom: in.Nom, MotDePasseHash: string(hash),
		Role: in.Role, Actif: true, CreatedAt: s.now(),
		Autorite: in.Territoire.Autorite, Region: in.Territoire.Region, Departements: strings.Join(in.Territoire.Departements, ","),
		Fonction: in.Fonction,
	}
	if in.CentreID != "" {
		u.CentreID = &in.CentreID
	}
	if in.CandidatID != "" {
		u.CandidatID = &in.CandidatID
	}
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if u.CentreID != nil {
			if _, err := findCentreByID(tx, *u.CentreID); err != nil {
				return err
			}
		}
		if u.CandidatID != nil {
			if _, err := findCandidat(tx, a, *u.CandidatID); err != nil {
				return err
			}
		}
		if err := insertUtilisateur(tx, u); err != nil {
			if isUniqueViolation(err) {
				return Errorf(ErrConflict, "identifiant_pris", "L'identifiant %s est déjà utilisé.", in.Identifiant)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Connexion checks a password and returns a new bearer token and its expiry.
// Returns ErrUnauthorized, with the same message whatever was wrong.
func (s *Service) Connexion(ctx context.Context, identifiant, motDePasse string) (string, time.Time, error) {
	return s.ConnexionCode(ctx, identifiant, motDePasse, "")
}

// ConnexionCode is Connexion with the code of the account's second factor,
// when it has one (see secondFacteur): without the code, ErrUnauthorized
// code_totp_requis (SecondFacteurRequis); a wrong one, code_totp_invalide.
func (s *Service) ConnexionCode(ctx context.Context, identifiant, motDePasse, code string) (string, time.Time, error) {
	refus := Errorf(ErrUnauthorized, "identifiants_invalides", "Identifiant ou mot de passe incorrect.")
	u, err := findUtilisateurByIdentifiant(s.read(ctx), strings.ToLower(strings.TrimSpace(identifiant)))
	if errors.Is(err, ErrNotFound) {
		if _, err := s.comparePassword(ctx, nil, motDePasse); err != nil {
			return "", time.Time{}, err
		}
		return "", time.Time{}, refus
	} else if err != nil {
		return "", time.Time{}, err
	}
	ok, err := s.comparePassword(ctx, []byte(u.MotDePasseHash), motDePasse)
	if err != nil {
		return "", time.Time{}, err
	}
	if !ok || !u.Actif {
		return "", time.Time{}, refus
	}
	if err := s.secondFacteur(ctx, u, code); err != nil {
		return "", time.Time{}, err
	}
	return s.nouveauJeton(ctx, u.ID)
}

// nouveauJeton opens a session: a new bearer token for the account.
func (s *Service) nouveauJeton(ctx context.Context, utilisateurID string) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("token for %s: %w", utilisateurID, err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	expire := now.Add(s.opt.TokenTTL)
	if err := insertJeton(s.write(ctx), utilisateurID, hashToken(token), now, expire); err != nil {
		return "", time.Time{}, err
	}
	return token, expire, nil
}

// Authentifier returns the actor a bearer token stands for. Returns
// ErrUnauthorized if the token is unknown, expired or revoked.
func (s *Service) Authentifier(ctx context.Context, token string) (Acteur, error) {
	refus := Errorf(ErrUnauthorized, "jeton_invalide", "Jeton d'accès invalide, expiré ou révoqué : reconnectez-vous.")
	if token == "" {
		return Acteur{}, refus
	}
	row, err := findJeton(s.read(ctx), hashToken(token))
	if err != nil {
		return Acteur{}, err
	}
	if row.ID == "" || row.RevoqueAt != nil || !s.now().Before(row.ExpireAt) || !row.Actif {
		return Acteur{}, refus
	}
	a := Acteur{UtilisateurID: row.ID, Identifiant: row.Identifiant, Nom: row.Nom, Role: row.Role}
	if row.CentreID != nil {
		a.CentreID = *row.CentreID
	}
	if row.CandidatID != nil {
		a.CandidatID = *row.CandidatID
	}
	a.Territoire = territoireOf(row.Autorite, row.Region, row.Departements)
	if s.opt.TOTPObligatoire && SecondFacteurConcerne(a.Role) {
		t, err := findTOTP(s.read(ctx), a.UtilisateurID)
		if err != nil {
			return Acteur{}, err
		}
		a.SecondFacteurAActiver = t == nil || !t.Actif
	}
	return a, nil
}

// Deconnexion revokes a token. Revoking an unknown or revoked token is not an error.
func (s *Service) Deconnexion(ctx context.Context, token string) error {
	return revokeJeton(s.write(ctx), hashToken(token), s.now())
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CountUtilisateurs returns the number of accounts.
func (s *Service) CountUtilisateurs(ctx context.Context) (int64, error) {
	return countUtilisateurs(s.read(ctx))
}
