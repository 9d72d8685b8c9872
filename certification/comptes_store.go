package certification

import (
	"errors"
	"time"

	"gorm.io/gorm"
)

// utilisateurRow is the utilisateurs table.
type utilisateurRow struct {
	ID             string
	Identifiant    string
	Nom            string
	MotDePasseHash string `gorm:"column:mot_de_passe_hash"`
	Role           Role
	CentreID       *string
	CandidatID     *string
	Autorite       string
	Region         string
	Departements   string
	Fonction       string
	Email          string
	Actif          bool
	CreatedAt      time.Time
}

func (utilisateurRow) TableName() string { return "utilisateurs" }

// jetonRow is the jetons table: a bearer token, stored as its SHA-256.
type jetonRow struct {
	Hash          string `gorm:"primaryKey"`
	UtilisateurID string
	CreatedAt     time.Time
	ExpireAt      time.Time
	RevoqueAt     *time.Time
}

func (jetonRow) TableName() string { return "jetons" }

func insertUtilisateur(tx *gorm.DB, u *Utilisateur) error {
	row := utilisateurRow(*u)
	return wrap(tx.Create(&row).Error, "utilisateur %s (%s): insert", u.ID, u.Identifiant)
}

// findUtilisateurByID returns an account, or ErrNotFound.
func findUtilisateurByID(tx *gorm.DB, id string) (*Utilisateur, error) {
	return findUtilisateur(tx, "id", id)
}

// findUtilisateurByIdentifiant returns an account, or ErrNotFound.
func findUtilisateurByIdentifiant(tx *gorm.DB, identifiant string) (*Utilisateur, error) {
	return findUtilisateur(tx, "identifiant", identifiant)
}

func findUtilisateur(tx *gorm.DB, col, key string) (*Utilisateur, error) {
	if col == "id" && !validID(key) {
		return nil, notFound("Compte")
	}
	var rows []utilisateurRow
	if err := tx.Where(col+" = ?", key).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "utilisateur %s %s: load", col, key)
	}
	if len(rows) == 0 {
		return nil, notFound("Compte")
	}
	u := Utilisateur(rows[0])
	return &u, nil
}

func insertJeton(tx *gorm.DB, utilisateurID, hash string, at, expire time.Time) error {
	j := jetonRow{Hash: hash, UtilisateurID: utilisateurID, CreatedAt: at, ExpireAt: expire}
	return wrap(tx.Create(&j).Error, "jeton of utilisateur %s: insert", utilisateurID)
}

// jetonActeur is a token and the account it stands for.
type jetonActeur struct {
	ExpireAt    time.Time
	RevoqueAt   *time.Time
	ID          string
	Identifiant string
	Nom         string
	Role        Role
	CentreID    *string
	CandidatID  *string
	Actif       bool
	// The territory of an autorité account.
	Autorite, Region, Departements string
	// TOTPActif is whether the account's second factor is enrolled; nil
	// when it has none.
	TOTPActif *bool `gorm:"column:totp_actif"`
}

// findJeton returns a token by its hash with its account and the state of
// its second factor, in one statement; ID is empty when no token has that
// hash.
func findJeton(tx *gorm.DB, hash string) (jetonActeur, error) {
	var row jetonActeur
	err := tx.Raw(`SELECT j.expire_at, j.revoque_at, u.id, u.identifiant, u.nom, u.role, u.centre_id, u.candidat_id, u.actif,
			u.autorite, u.region, u.departements, t.actif AS totp_actif
		FROM jetons j JOIN utilisateurs u ON u.id = j.utilisateur_id LEFT JOIN totp t ON t.utilisateur_id = u.id
		WHERE j.hash = ?`, hash).Scan(&row).Error
	return row, wrap(err, "jeton %.8s…: load", hash)
}

func revokeJeton(tx *gorm.DB, hash string, at time.Time) error {
	err := tx.Model(&jetonRow{}).Where("hash = ? AND revoque_at IS NULL", hash).Update("revoque_at", at).Error
	return wrap(err, "jeton %.8s…: revoke", hash)
}

func countUtilisateurs(tx *gorm.DB) (int64, error) {
	var n int64
	err := tx.Model(&utilisateurRow{}).Count(&n).Error
	return n, wrap(err, "utilisateurs: count")
}

// notFoundOr turns a missing row (err nil after a lookup that found
// nothing, or gorm.ErrRecordNotFound) into ErrNotFound naming what.
func notFoundOr(err error, what string) error {
	if err == nil || errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound(what)
	}
	return err
}

func updateTerritoire(tx *gorm.DB, u *Utilisateur) error {
	err := tx.Model(&utilisateurRow{}).Where("id = ?", u.ID).
		Updates(map[string]any{"autorite": u.Autorite, "region": u.Region, "departements": u.Departements}).Error
	if err == nil {
		err = invaliderCompte(tx, u.ID)
	}
	return wrap(err, "utilisateur %s: territoire", u.ID)
}

// listUtilisateurs returns the accounts, of one role when role is set, by
// identifiant.
func listUtilisateurs(tx *gorm.DB, role Role) ([]Utilisateur, error) {
	q := tx.Model(&utilisateurRow{}).Order("identifiant")
	if role != "" {
		q = q.Where("role = ?", role)
	}
	var rows []utilisateurRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap(err, "utilisateurs %s: list", role)
	}
	out := make([]Utilisateur, len(rows))
	for i, r := range rows {
		out[i] = Utilisateur(r)
	}
	return out, nil
}
