package certification

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// The second factor follows RFC 6238 with the parameters every
// authenticator application reads from the QR code: SHA-1, six digits, a
// 30-second step. One step either side is admitted for clocks that drift.
const (
	totpPeriode    = 30
	totpEmetteur   = "cipcert"
	codesSecoursNb = 10
	// ticketDuree is how long the sign-in page waits for the code once the
	// password was right.
	ticketDuree = 5 * time.Minute
)

// SecondFacteurConcerne reports whether a role signs in with a second
// factor: the State's accounts and the operator's, which issue and revoke
// documents and manage every account.
func SecondFacteurConcerne(r Role) bool { return r == RoleAdmin || r == RoleAutorite }

// EnrolementTOTP is what an authenticator application needs: the secret as
// text, the otpauth:// address, and that address as a PNG QR code.
type EnrolementTOTP struct {
	Secret string
	URL    string
	QR     []byte
}

// EtatTOTP is an account's second factor: enrolled or not, and the
// recovery codes it has left.
type EtatTOTP struct {
	Actif         bool
	CodesRestants int
	Obligatoire   bool
	ActiveLe      *time.Time
}

// errSecondFacteurRequis marks the refusal of a right password sent
// without its code: the sign-in page asks for the code, the login limits
// do not count it.
type errSecondFacteurRequis struct{ ticket string }

func (errSecondFacteurRequis) Error() string { return "second factor required" }

// SecondFacteurRequis reports whether err is the refusal of a right
// password sent without its code, and returns the ticket the sign-in page
// sends back with the code (ConnexionTicket), so that the password is
// never written into the page.
func SecondFacteurRequis(err error) (string, bool) {
	var e errSecondFacteurRequis
	if errors.As(err, &e) {
		return e.ticket, true
	}
	return "", false
}

// TicketIdentifiant returns the identifiant a sign-in ticket names,
// unchecked: the login limits key on it before the ticket is verified.
func TicketIdentifiant(ticket string) string {
	payload, _, _ := strings.Cut(ticket, ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ""
	}
	id, _, _ := strings.Cut(string(raw), "|")
	return id
}

func codeTOTPInvalide() *Error {
	return Errorf(ErrUnauthorized, "code_totp_invalide",
		"Code de vérification incorrect ou déjà utilisé : saisissez le code que votre application affiche maintenant, ou un code de secours.")
}

// EtatSecondFacteur returns the actor's second factor.
func (s *Service) EtatSecondFacteur(ctx context.Context, a Acteur) (EtatTOTP, error) {
	if !SecondFacteurConcerne(a.Role) {
		return EtatTOTP{}, forbidden()
	}
	e := EtatTOTP{Obligatoire: s.opt.TOTPObligatoire}
	row, err := findTOTP(s.read(ctx), a.UtilisateurID)
	if err != nil || row == nil {
		return e, err
	}
	e.Actif, e.ActiveLe = row.Actif, row.ActiveAt
	if e.Actif {
		n, err := countSecoursRestants(s.read(ctx), a.UtilisateurID)
		if err != nil {
			return e, err
		}
		e.CodesRestants = int(n)
	}
	return e, nil
}

// CommencerTOTP starts or resumes the actor's enrolment: a new secret the
// first time, the one waiting for its first code afterwards, so that a
// page reloaded shows the QR code already scanned. Administrator and
// autorité only; ErrConflict (totp_deja_actif) once enrolled: only another
// administrator resets it.
func (s *Service) CommencerTOTP(ctx context.Context, a Acteur) (*EnrolementTOTP, error) {
	if !SecondFacteurConcerne(a.Role) {
		return nil, forbidden()
	}
	var secret string
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		row, err := findTOTP(tx, a.UtilisateurID)
		if err != nil {
			return err
		}
		if row != nil && row.Actif {
			return Errorf(ErrConflict, "totp_deja_actif",
				"La validation en deux étapes est déjà activée sur ce compte. Pour changer d'appareil, demandez à un autre administrateur de la réinitialiser.")
		}
		if row != nil {
			secret, err = s.ouvrirSecret(row.Secret)
			return err
		}
		raw := make([]byte, 20)
		if _, err := rand.Read(raw); err != nil {
			return fmt.Errorf("totp secret for %s: %w", a.UtilisateurID, err)
		}
		secret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
		sealed, err := s.scellerSecret(secret)
		if err != nil {
			return err
		}
		return insertTOTP(tx, totpRow{UtilisateurID: a.UtilisateurID, Secret: sealed, CreatedAt: s.now()})
	})
	if err != nil {
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpEmetteur, AccountName: a.Identifiant,
		Secret: mustBase32(secret), Period: totpPeriode, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, fmt.Errorf("totp key for %s: %w", a.UtilisateurID, err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("totp QR code for %s: %w", a.UtilisateurID, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("totp QR code for %s: %w", a.UtilisateurID, err)
	}
	return &EnrolementTOTP{Secret: secret, URL: key.URL(), QR: buf.Bytes()}, nil
}

func mustBase32(s string) []byte {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		panic(err) // the secret was made here, in this encoding
	}
	return b
}

// ActiverTOTP turns the second factor on with a first code of the secret
// CommencerTOTP gave, and returns the recovery codes: shown this once,
// stored as their hashes. The enrolment is in the audit trail.
// ErrInvalid (code_activation_invalide) for a wrong code, ErrConflict when there
// is no enrolment waiting or the factor is already on.
func (s *Service) ActiverTOTP(ctx context.Context, a Acteur, code string) ([]string, error) {
	if !SecondFacteurConcerne(a.Role) {
		return nil, forbidden()
	}
	codes := make([]string, codesSecoursNb)
	for i := range codes {
		c, err := nouveauCodeSecours()
		if err != nil {
			return nil, err
		}
		codes[i] = c
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		row, err := findTOTP(tx, a.UtilisateurID)
		if err != nil {
			return err
		}
		switch {
		case row == nil:
			return Errorf(ErrConflict, "totp_non_commence", "Aucune validation en deux étapes n'est en cours de configuration : ouvrez d'abord la page qui affiche le QR code.")
		case row.Actif:
			return Errorf(ErrConflict, "totp_deja_actif",
				"La validation en deux étapes est déjà activée sur ce compte. Pour changer d'appareil, demandez à un autre administrateur de la réinitialiser.")
		}
		secret, err := s.ouvrirSecret(row.Secret)
		if err != nil {
			return err
		}
		pas, ok := s.pasDuCode(secret, code, 0)
		if !ok {
			return Invalid("code_activation_invalide", "Le code ne correspond pas.",
				FieldError{"code", "incorrect", "Code incorrect : saisissez les 6 chiffres que votre application affiche maintenant."})
		}
		if err := activerTOTP(tx, a.UtilisateurID, pas, s.now()); err != nil {
			return err
		}
		for _, c := range codes {
			if err := insertSecours(tx, a.UtilisateurID, hashSecours(c)); err != nil {
				return err
			}
		}
		return s.journal(tx, a, audit{action: "totp_active", objet: "utilisateur", objetID: a.UtilisateurID,
			apres: totpSnapshot{Identifiant: a.Identifiant, Actif: true, CodesSecours: codesSecoursNb}})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// ReinitialiserTOTP removes another account's second factor and its
// recovery codes, for a user who lost its device and its codes: it signs
// in with its password alone, then enrols again (at once when the setting
// requires it). Administrator only, with a reason, in the audit trail; an
// administrator does not reset its own, so that a stolen session cannot
// drop the factor. ErrConflict (totp_inactif) when there is none.
func (s *Service) ReinitialiserTOTP(ctx context.Context, a Acteur, utilisateurID, motif string) error {
	if !a.Is(RoleAdmin) {
		return forbidden()
	}
	motif, err := s.motifCompte(motif)
	if motif == "" {
		return Invalid("motif_requis", "La réinitialisation exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de la réinitialisation."})
	}
	if err != nil {
		return err
	}
	if utilisateurID == a.UtilisateurID {
		return Errorf(ErrConflict, "reinitialisation_de_soi", "Vous ne pouvez pas réinitialiser votre propre validation en deux étapes : un autre administrateur le fera.")
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		u, err := findUtilisateurByID(tx, utilisateurID)
		if err != nil {
			return err
		}
		row, err := findTOTP(tx, u.ID)
		if err != nil {
			return err
		}
		if row == nil {
			return Errorf(ErrConflict, "totp_inactif", "Le compte %s n'a pas de validation en deux étapes.", u.Identifiant)
		}
		if err := deleteTOTP(tx, u.ID); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "totp_reinitialise", objet: "utilisateur", objetID: u.ID,
			avant: totpSnapshot{Identifiant: u.Identifiant, Actif: row.Actif},
			apres: totpSnapshot{Identifiant: u.Identifiant, Actif: false, Motif: motif}})
	})
}

// totpSnapshot is an account's second factor in the audit trail; never
// its secret nor its codes.
type totpSnapshot struct {
	Identifiant   string `json:"identifiant"`
	Actif         bool   `json:"actif"`
	CodesSecours  int    `json:"codes_secours,omitempty"`
	CodesRestants *int   `json:"codes_secours_restants,omitempty"`
	Motif         string `json:"motif,omitempty"`
}

// secondFacteur checks the code of an account whose password was right.
// Without a second factor enrolled there is nothing to check. Without a
// code, the refusal carries the ticket of the sign-in page's second step.
// A six-digit code is a TOTP code, good once: its step must come after the
// last one accepted, which the same statement moves forward, so that two
// requests racing with one code cannot both pass. Anything else is tried
// as a recovery code, used up by the same kind of statement, and its use
// goes to the audit trail.
func (s *Service) secondFacteur(ctx context.Context, u *Utilisateur, code string) error {
	row, err := findTOTP(s.read(ctx), u.ID)
	if err != nil || row == nil || !row.Actif {
		return err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		e := Errorf(ErrUnauthorized, "code_totp_requis",
			"Saisissez le code de vérification à 6 chiffres de votre application d'authentification (champ code_totp), ou un code de secours.")
		e.Err = errSecondFacteurRequis{ticket: s.nouveauTicket(u)}
		return e
	}
	secret, err := s.ouvrirSecret(row.Secret)
	if err != nil {
		return err
	}
	if pas, ok := s.pasDuCode(secret, code, row.DernierPas); ok {
		pris, err := avancerPas(s.write(ctx), u.ID, pas)
		if err != nil {
			return err
		}
		if !pris {
			return codeTOTPInvalide()
		}
		return nil
	}
	hash := hashSecours(normaliserSecours(code))
	return s.inTx(ctx, func(tx *gorm.DB) error {
		pris, err := utiliserSecours(tx, u.ID, hash, s.now())
		if err != nil {
			return err
		}
		if !pris {
			return codeTOTPInvalide()
		}
		n, err := countSecoursRestants(tx, u.ID)
		if err != nil {
			return err
		}
		restants := int(n)
		return s.journal(tx, Acteur{UtilisateurID: u.ID, Identifiant: u.Identifiant, Role: u.Role},
			audit{action: "totp_code_secours_utilise", objet: "utilisateur", objetID: u.ID,
				apres: totpSnapshot{Identifiant: u.Identifiant, Actif: true, CodesRestants: &restants}})
	})
}

// pasDuCode returns the time step, after apres, whose code is code: the
// current step or one either side.
func (s *Service) pasDuCode(secret, code string, apres int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	if _, err := strconv.Atoi(code); err != nil {
		return 0, false
	}
	courant := s.now().Unix() / totpPeriode
	for _, pas := range []int64{courant - 1, courant, courant + 1} {
		if pas <= apres {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(pas), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return pas, true
		}
	}
	return 0, false
}

// CodeTOTP returns the code of secret at t: for tests and tools that
// stand in for the user's application.
func CodeTOTP(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriode, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// secoursAlphabet leaves out the letters and digits read one for another
// (0 O, 1 I L).
const secoursAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// nouveauCodeSecours returns a recovery code: ten characters (about 49
// bits), shown as two groups of five.
func nouveauCodeSecours() (string, error) {
	raw := make([]byte, 10)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("recovery code: %w", err)
	}
	var b strings.Builder
	for i, x := range raw {
		if i == 5 {
			b.WriteByte('-')
		}
		b.WriteByte(secoursAlphabet[int(x)%len(secoursAlphabet)])
	}
	return b.String(), nil
}

// normaliserSecours takes a recovery code as typed: any case, with or
// without its dash and spaces.
func normaliserSecours(code string) string {
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	if len(code) == 10 {
		code = code[:5] + "-" + code[5:]
	}
	return code
}

func hashSecours(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// scellerSecret seals a TOTP secret with the operator's key, when one is
// set (Options.CleTOTP); without it the secret is stored as is, readable
// only by whoever reads the database.
func (s *Service) scellerSecret(secret string) (string, error) {
	if s.totpAEAD == nil {
		return "clair:" + secret, nil
	}
	nonce := make([]byte, s.totpAEAD.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("totp nonce: %w", err)
	}
	return "gcm:" + base64.StdEncoding.EncodeToString(s.totpAEAD.Seal(nonce, nonce, []byte(secret), nil)), nil
}

func (s *Service) ouvrirSecret(stored string) (string, error) {
	if secret, ok := strings.CutPrefix(stored, "clair:"); ok {
		return secret, nil
	}
	sealed, _ := strings.CutPrefix(stored, "gcm:")
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || s.totpAEAD == nil || len(raw) < s.totpAEAD.NonceSize() {
		return "", errors.New("totp secret: sealed with a key that is not configured (CIPCERT_TOTP_CLE)")
	}
	n := s.totpAEAD.NonceSize()
	plain, err := s.totpAEAD.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", fmt.Errorf("totp secret: not sealed with this key (CIPCERT_TOTP_CLE): %w", err)
	}
	return string(plain), nil
}

// newTOTPKeys derives the sealing cipher and the sign-in tickets' MAC key
// from the operator's key. Without one, tickets get a key of this process:
// a restart only makes a user retype its password.
func newTOTPKeys(cle []byte) (cipher.AEAD, []byte, error) {
	if len(cle) == 0 {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, nil, err
		}
		return nil, k, nil
	}
	if len(cle) != 32 {
		return nil, nil, fmt.Errorf("TOTP key: %d bytes, want 32", len(cle))
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, cle)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("cipcert totp secret"))
	if err != nil {
		return nil, nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	return aead, derive("cipcert ticket de connexion"), nil
}

// nouveauTicket says, for a few minutes, that u's password was right. It
// is bound to the password hash, so that changing the password voids it.
func (s *Service) nouveauTicket(u *Utilisateur) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(u.Identifiant + "|" + strconv.FormatInt(s.now().Add(ticketDuree).Unix(), 10)))
	return payload + "." + s.macTicket(payload, u.MotDePasseHash)
}

func (s *Service) macTicket(payload, motDePasseHash string) string {
	m := hmac.New(sha256.New, s.ticketKey)
	m.Write([]byte(payload + "|" + motDePasseHash))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ConnexionTicket is the second step of a sign-in in the interface: the
// ticket the first step gave, and the code. Returns a new bearer token as
// Connexion does; ErrUnauthorized for an expired or forged ticket, or a
// wrong code.
func (s *Service) ConnexionTicket(ctx context.Context, ticket, code string) (string, time.Time, error) {
	expire := Errorf(ErrUnauthorized, "connexion_expiree", "La connexion a expiré : saisissez de nouveau votre identifiant et votre mot de passe.")
	payload, mac, _ := strings.Cut(ticket, ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", time.Time{}, expire
	}
	identifiant, exp, _ := strings.Cut(string(raw), "|")
	fin, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.now().Unix() >= fin {
		return "", time.Time{}, expire
	}
	u, err := findUtilisateurByIdentifiant(s.read(ctx), identifiant)
	if errors.Is(err, ErrNotFound) {
		return "", time.Time{}, expire
	} else if err != nil {
		return "", time.Time{}, err
	}
	if !hmac.Equal([]byte(mac), []byte(s.macTicket(payload, u.MotDePasseHash))) || !u.Actif {
		return "", time.Time{}, expire
	}
	if strings.TrimSpace(code) == "" {
		return "", time.Time{}, codeTOTPInvalide()
	}
	if err := s.secondFacteur(ctx, u, code); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == "code_totp_invalide" {
			return "", time.Time{}, s.connexionRefusee(ctx, u, identifiant, err)
		}
		return "", time.Time{}, err
	}
	return s.nouveauJeton(ctx, u)
}
