package certification

import (
	"time"

	"gorm.io/gorm"
)

// totpRow is the totp table: an account's second factor.
type totpRow struct {
	UtilisateurID string `gorm:"primaryKey"`
	Secret        string
	Actif         bool
	DernierPas    int64
	CreatedAt     time.Time
	ActiveAt      *time.Time
}

func (totpRow) TableName() string { return "totp" }

// secoursRow is the totp_secours table: a recovery code, as its SHA-256.
type secoursRow struct {
	UtilisateurID string `gorm:"primaryKey"`
	Hash          string `gorm:"primaryKey"`
	UtiliseAt     *time.Time
}

func (secoursRow) TableName() string { return "totp_secours" }

// findTOTP returns an account's second factor, nil when it has none.
func findTOTP(tx *gorm.DB, utilisateurID string) (*totpRow, error) {
	var rows []totpRow
	if err := tx.Where("utilisateur_id = ?", utilisateurID).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "totp of %s: load", utilisateurID)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// The writes of an account's second factor change what its tokens stand
// for (Acteur.SecondFacteurAActiver): they invalidate its tokens' copies.

func insertTOTP(tx *gorm.DB, r totpRow) error {
	err := tx.Create(&r).Error
	if err == nil {
		err = invaliderCompte(tx, r.UtilisateurID)
	}
	return wrap(err, "totp of %s: insert", r.UtilisateurID)
}

func activerTOTP(tx *gorm.DB, utilisateurID string, pas int64, at time.Time) error {
	err := tx.Model(&totpRow{}).Where("utilisateur_id = ?", utilisateurID).
		Updates(map[string]any{"actif": true, "dernier_pas": pas, "active_at": at}).Error
	if err == nil {
		err = invaliderCompte(tx, utilisateurID)
	}
	return wrap(err, "totp of %s: activate", utilisateurID)
}

// avancerPas records pas as the last step accepted, if it comes after the
// one recorded; false when another request took it (or a later one) first.
func avancerPas(tx *gorm.DB, utilisateurID string, pas int64) (bool, error) {
	res := tx.Model(&totpRow{}).Where("utilisateur_id = ? AND actif AND dernier_pas < ?", utilisateurID, pas).Update("dernier_pas", pas)
	return res.RowsAffected == 1, wrap(res.Error, "totp of %s: step %d", utilisateurID, pas)
}

func deleteTOTP(tx *gorm.DB, utilisateurID string) error {
	if err := tx.Where("utilisateur_id = ?", utilisateurID).Delete(&secoursRow{}).Error; err != nil {
		return wrap(err, "totp_secours of %s: delete", utilisateurID)
	}
	err := tx.Where("utilisateur_id = ?", utilisateurID).Delete(&totpRow{}).Error
	if err == nil {
		err = invaliderCompte(tx, utilisateurID)
	}
	return wrap(err, "totp of %s: delete", utilisateurID)
}

func insertSecours(tx *gorm.DB, utilisateurID, hash string) error {
	return wrap(tx.Create(&secoursRow{UtilisateurID: utilisateurID, Hash: hash}).Error, "totp_secours of %s: insert", utilisateurID)
}

// utiliserSecours uses up a recovery code; false when it is unknown or
// already used.
func utiliserSecours(tx *gorm.DB, utilisateurID, hash string, at time.Time) (bool, error) {
	res := tx.Model(&secoursRow{}).Where("utilisateur_id = ? AND hash = ? AND utilise_at IS NULL", utilisateurID, hash).Update("utilise_at", at)
	return res.RowsAffected == 1, wrap(res.Error, "totp_secours of %s: use", utilisateurID)
}

func countSecoursRestants(tx *gorm.DB, utilisateurID string) (int64, error) {
	var n int64
	err := tx.Model(&secoursRow{}).Where("utilisateur_id = ? AND utilise_at IS NULL", utilisateurID).Count(&n).Error
	return n, wrap(err, "totp_secours of %s: count", utilisateurID)
}
