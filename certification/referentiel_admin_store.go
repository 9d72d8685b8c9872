package certification

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// syncTitre writes a titre so that the tables say exactly what td says:
// the titre's row (row.ID and row.Version set by the caller), its versions
// and blocs keyed by their codes, their compétences, and the
// correspondences, which are rewritten whole. Blocs td no longer lists are
// deleted; the caller has checked that nothing refers to them.
func syncTitre(tx *gorm.DB, row *titreRow, td TitreDef) error {
	row.Code, row.Intitule, row.Niveau, row.NSF, row.ROME, row.RNCP = td.Code, td.Intitule, td.Niveau, td.NSF, td.ROME, td.RNCP
	if err := tx.Save(row).Error; err != nil {
		return wrap(err, "titre %s: save", td.Code)
	}
	var anciens []blocRow
	if err := tx.Where("version_id IN (?)", tx.Model(&versionRow{}).Select("id").Where("titre_id = ?", row.ID)).
		Find(&anciens).Error; err != nil {
		return wrap(err, "blocs of titre %s: load", td.Code)
	}
	ids := make([]string, len(anciens))
	for i, b := range anciens {
		ids[i] = b.ID
	}
	if len(ids) > 0 {
		if err := tx.Where("nouveau_bloc_id IN ? OR ancien_bloc_id IN ?", ids, ids).Delete(&correspondanceRow{}).Error; err != nil {
			return wrap(err, "correspondances of titre %s: delete", td.Code)
		}
	}
	gardes := map[string]bool{}
	for _, vd := range td.Versions {
		v := versionRow{}
		err := tx.Where("titre_id = ? AND code = ?", row.ID, vd.Code).Take(&v).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			v.ID = newID()
		} else if err != nil {
			return wrap(err, "version %s: load", vd.Code)
		}
		v.TitreID, v.Code, v.Texte, v.Debut, v.Fin, v.Devenir = row.ID, vd.Code, vd.Texte, vd.Debut, vd.Fin, vd.Devenir
		if err := tx.Save(&v).Error; err != nil {
			return wrap(err, "version %s: save", vd.Code)
		}
		// Versions come in chronological order, so the blocs a
		// correspondence names are written before it.
		for i, bd := range vd.Blocs {
			if err := upsertBloc(tx, v, i+1, bd); err != nil {
				return fmt.Errorf("bloc %s: %w", bd.Code, err)
			}
			gardes[v.ID+"/"+bd.Code] = true
		}
	}
	for _, b := range anciens {
		if gardes[b.VersionID+"/"+b.Code] {
			continue
		}
		if err := tx.Where("bloc_id = ?", b.ID).Delete(&competenceRow{}).Error; err != nil {
			return wrap(err, "compétences of bloc %s: delete", b.Code)
		}
		if err := tx.Delete(&blocRow{}, "id = ?", b.ID).Error; err != nil {
			return wrap(err, "bloc %s: delete", b.Code)
		}
	}
	return nil
}

// usagesVersion counts what refers to a version: its sessions, and the
// candidats' ECF and CCP obtained before registration on its blocs.
func usagesVersion(tx *gorm.DB, versionID string) (int64, error) {
	var n int64
	err := tx.Raw(`SELECT
		(SELECT COUNT(*) FROM sessions WHERE version_id = ?) +
		(SELECT COUNT(*) FROM candidat_ecf WHERE bloc_id IN (SELECT id FROM blocs WHERE version_id = ?)) +
		(SELECT COUNT(*) FROM candidat_ccp_anterieurs WHERE bloc_id IN (SELECT id FROM blocs WHERE version_id = ?))`,
		versionID, versionID, versionID).Scan(&n).Error
	return n, wrap(err, "usages of version %s: count", versionID)
}

// sessionsApres counts the sessions of a version, not cancelled, that end
// after fin.
func sessionsApres(tx *gorm.DB, versionID string, fin Date) (int64, error) {
	var n int64
	err := tx.Table("sessions").Where("version_id = ? AND statut <> ? AND fin > ?", versionID, Annulee, fin).Count(&n).Error
	return n, wrap(err, "sessions of version %s after %s: count", versionID, fin)
}

// versionCodesAilleurs returns which of the codes name a version of a titre
// other than titreID (any titre when titreID is empty).
func versionCodesAilleurs(tx *gorm.DB, titreID string, codes []string) (map[string]bool, error) {
	pris := map[string]bool{}
	if len(codes) == 0 {
		return pris, nil
	}
	var found []string
	q := tx.Model(&versionRow{}).Where("code IN ?", codes)
	if titreID != "" {
		q = q.Where("titre_id <> ?", titreID)
	}
	if err := q.Pluck("code", &found).Error; err != nil {
		return nil, wrap(err, "version codes: load")
	}
	for _, c := range found {
		pris[c] = true
	}
	return pris, nil
}

// evenementsObjet returns the events of one object, oldest first.
func evenementsObjet(db *gorm.DB, objet, id string) ([]Evenement, error) {
	var rows []evenementRow
	if err := db.Where("objet = ? AND objet_id = ?", objet, id).Order("at, id").Find(&rows).Error; err != nil {
		return nil, wrap(err, "evenements of %s %s: list", objet, id)
	}
	evs := make([]Evenement, len(rows))
	for i, r := range rows {
		evs[i] = Evenement(r)
	}
	return evs, nil
}
