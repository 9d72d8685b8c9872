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
	Fonction string
	// Email receives the account's invitation and password reset links,
	// and the autorité's reminders; '' for none.
	Email     string
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
	// Email receives the account's invitation and reset links; required
	// for an invitation (InviterUtilisateur).
	Email string
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
	fields := s.controlerNouvelUtilisateur(&in)
	if len([]rune(in.MotDePasse)) < MotDePasseMin {
		fields = append(fields, FieldError{"mot_de_passe", "trop_court", "Le mot de passe doit compter au moins 12 caractères."})
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
	u := nouvelUtilisateur(in, string(hash), true, s.now())
	if err := s.inTx(ctx, func(tx *gorm.DB) error { return insertNouvelUtilisateur(tx, a, u) }); err != nil {
		return nil, err
	}
	return u, nil
}

// nouvelUtilisateur is the account of in, with its password hash.
func nouvelUtilisateur(in NouvelUtilisateur, hash string, actif bool, now time.Time) *Utilisateur {
	u := &Utilisateur{
		ID: newID(), Identifiant: in.Identifiant, Nom: in.Nom, MotDePasseHash: hash,
		Role: in.Role, Actif: actif, CreatedAt: now, Email: in.Email,
		Autorite: in.Territoire.Autorite, Region: in.Territoire.Region, Departements: strings.Join(in.Territoire.Departements, ","),
		Fonction: in.Fonction,
	}
	if in.CentreID != "" {
		u.CentreID = &in.CentreID
	}
	if in.CandidatID != "" {
		u.CandidatID = &in.CandidatID
	}
	return u
}

// insertNouvelUtilisateur checks that the centre or the candidat of u
// exists, then inserts it. ErrConflict if its identifiant is taken.
func insertNouvelUtilisateur(tx *gorm.DB, a Acteur, u *Utilisateur) error {
	if u.CentreID != nil {
		if _, err := findCentreByID(tx, *u.CentreID); err != nil {
			return err
		}
	}
	if u.CandidatID != nil {
		c, err := findCandidat(tx, a, *u.CandidatID)
		if err != nil {
			return err
		}
		if u.Email == "" {
			// Its reset links go where its results do.
			u.Email = c.Email
		}
	}
	if err := insertUtilisateur(tx, u); err != nil {
		if isUniqueViolation(err) {
			return Errorf(ErrConflict, "identifiant_pris", "L'identifiant %s est déjà utilisé.", u.Identifiant)
		}
		return err
	}
	return nil
}

// controlerNouvelUtilisateur normalises an account to create and returns
// what is wrong with it, its password aside: an invitation has none.
func (s *Service) controlerNouvelUtilisateur(in *NouvelUtilisateur) []FieldError {
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
	if in.Email = strings.TrimSpace(in.Email); in.Email != "" && !emailValide(in.Email) {
		fields = append(fields, FieldError{"email", "invalide", "L’adresse électronique ne convient pas : elle doit être de la forme nom@domaine.fr."})
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
	return fields
}

// Connexion checks a password and returns a new bearer token and its expiry.
// Returns ErrUnauthorized, with the same message whatever was wrong. Every
// attempt is in the audit trail: connexion, or connexion_refusee with the
// identifiant tried.
func (s *Service) Connexion(ctx context.Context, identifiant, motDePasse string) (string, time.Time, error) {
	return s.ConnexionCode(ctx, identifiant, motDePasse, "")
}

// ConnexionCode is Connexion with the code of the account's second factor,
// when it has one (see secondFacteur): without the code, ErrUnauthorized
// code_totp_requis (SecondFacteurRequis); a wrong one, code_totp_invalide.
func (s *Service) ConnexionCode(ctx context.Context, identifiant, motDePasse, code string) (string, time.Time, error) {
	refus := Errorf(ErrUnauthorized, "identifiants_invalides", "Identifiant ou mot de passe incorrect.")
	identifiant = strings.ToLower(strings.TrimSpace(identifiant))
	u, err := findUtilisateurByIdentifiant(s.read(ctx), identifiant)
	if errors.Is(err, ErrNotFound) {
		if _, err := s.comparePassword(ctx, nil, motDePasse); err != nil {
			return "", time.Time{}, err
		}
		return "", time.Time{}, s.connexionRefusee(ctx, nil, identifiant, refus)
	} else if err != nil {
		return "", time.Time{}, err
	}
	ok, err := s.comparePassword(ctx, []byte(u.MotDePasseHash), motDePasse)
	if err != nil {
		return "", time.Time{}, err
	}
	if !ok || !u.Actif {
		return "", time.Time{}, s.connexionRefusee(ctx, u, identifiant, refus)
	}
	if err := s.secondFacteur(ctx, u, code); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == "code_totp_invalide" {
			// A wrong code is a failed sign-in, as a wrong password is.
			return "", time.Time{}, s.connexionRefusee(ctx, u, identifiant, err)
		}
		return "", time.Time{}, err
	}
	return s.nouveauJeton(ctx, u)
}

// nouveauJeton opens a session: a new bearer token for the account, and
// the sign-in in the audit trail.
func (s *Service) nouveauJeton(ctx context.Context, u *Utilisateur) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("token for %s: %w", u.ID, err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	expire := now.Add(s.opt.TokenTTL)
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := insertJeton(tx, u.ID, hashToken(token), now, expire); err != nil {
			return err
		}
		// Sign-ins are the account's events, not the candidat's dossier's.
		return s.journal(tx, acteurDe(u), audit{action: "connexion", objet: "utilisateur", objetID: u.ID})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expire, nil
}

// connexionRefusee records a failed sign-in and returns refus. u is the
// account tried, nil for an unknown identifiant: the trail then keeps the
// identifiant tried, when it could be one, so that guessing shows.
func (s *Service) connexionRefusee(ctx context.Context, u *Utilisateur, identifiant string, refus error) error {
	e := audit{action: "connexion_refusee", objet: "utilisateur"}
	if u != nil {
		e.objetID = u.ID
		if !u.Actif {
			e.apres = map[string]any{"actif": false}
		}
	} else {
		if !identifiantValide(identifiant) || len(identifiant) > 100 {
			identifiant = "(illisible)"
		}
		e.apres = map[string]any{"identifiant": identifiant}
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error { return s.journal(tx, Acteur{}, e) })
	if err != nil {
		return err
	}
	return refus
}

// acteurDe is an account acting for itself.
func acteurDe(u *Utilisateur) Acteur {
	a := Acteur{UtilisateurID: u.ID, Identifiant: u.Identifiant, Nom: u.Nom, Role: u.Role,
		CentreID: deref(u.CentreID), CandidatID: deref(u.CandidatID)}
	a.Territoire = territoireOf(u.Autorite, u.Region, u.Departements)
	return a
}

// Authentifier returns the actor a bearer token stands for. Returns
// ErrUnauthorized if the token is unknown, expired or revoked. A token
// already resolved is taken from the process's copy (comptes_cache.go),
// without a statement; otherwise one statement reads it with its account
// and second factor.
func (s *Service) Authentifier(ctx context.Context, token string) (Acteur, error) {
	if token == "" {
		return Acteur{}, jetonRefuse()
	}
	hash := hashToken(token)
	row, ok := s.db.jetons.lire(hash)
	if !ok {
		generation, lu := s.db.jetons.debut()
		var err error
		if row, err = findJeton(s.read(ctx), hash); err != nil {
			return Acteur{}, err
		}
		if row.ID == "" || row.RevoqueAt != nil || !row.Actif {
			return Acteur{}, jetonRefuse()
		}
		s.db.jetons.garder(hash, row, generation, lu)
	}
	// Checked at each use: an entry of the copy outlives its expiry.
	if !s.now().Before(row.ExpireAt) {
		return Acteur{}, jetonRefuse()
	}
	a := Acteur{UtilisateurID: row.ID, Identifiant: row.Identifiant, Nom: row.Nom, Role: row.Role,
		CentreID: deref(row.CentreID), CandidatID: deref(row.CandidatID)}
	a.Territoire = territoireOf(row.Autorite, row.Region, row.Departements)
	if s.opt.TOTPObligatoire && SecondFacteurConcerne(a.Role) {
		a.SecondFacteurAActiver = row.TOTPActif == nil || !*row.TOTPActif
	}
	return a, nil
}

// jetonRefuse is Authentifier's refusal, built only when it refuses: every
// request is authenticated, and most are accepted.
func jetonRefuse() error {
	return Errorf(ErrUnauthorized, "jeton_invalide", "Jeton d'accès invalide, expiré ou révoqué : reconnectez-vous.")
}

// Deconnexion revokes a token. Revoking an unknown or revoked token is not an error.
func (s *Service) Deconnexion(ctx context.Context, token string) error {
	hash := hashToken(token)
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := revokeJeton(tx, hash, s.now()); err != nil {
			return err
		}
		return invaliderCle(tx, prefixeJeton+hash)
	})
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CountUtilisateurs returns the number of accounts.
func (s *Service) CountUtilisateurs(ctx context.Context) (int64, error) {
	return countUtilisateurs(s.read(ctx))
}
