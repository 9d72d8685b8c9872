package certification

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/texte"
)

// ModificationSession is the input of ModifierSession: what a centre may
// change of a session it has planned or declared.
type ModificationSession struct {
	Debut, Fin  Date
	Heure       string // "09:00", or empty when not yet known
	Lieu        string
	Responsable string
}

// formatHeure is a time of day on 24 hours, as a convocation prints it.
var formatHeure = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// sessionModifiable refuses a change to a session already held, deliberated
// or cancelled: its dates and jury are then part of the record.
func sessionModifiable(sess *Session) error {
	if sess.Statut != Planifiee && sess.Statut != Declaree {
		return Errorf(ErrConflict, "session_non_modifiable",
			"La session est %s : seule une session planifiée ou déclarée se modifie.", libelleStatut[sess.Statut])
	}
	return nil
}

// sessionAModifier locks and reads a session to change, refusing it when
// its version is stale or it is no longer planned or declared.
func sessionAModifier(tx *gorm.DB, a Acteur, id string, version int) (*Session, error) {
	if err := lockSession(tx, id, lockExclusive); err != nil {
		return nil, err
	}
	sess, err := findSession(tx, a, id)
	if err != nil {
		return nil, err
	}
	if sess.Version != version {
		return nil, staleF("La session")
	}
	return sess, sessionModifiable(sess)
}

// ModifierSession changes the dates, hour, place or responsable of a
// planned or declared session of the acting centre, if its version is
// still version. A declared session keeps a jury habilitated over its new
// dates (checkJury: jury_non_habilite names the member), and cannot be moved
// to a first day already past, which would dodge the declaration's
// deadline. The change is in the trail, before and after. Returns
// ErrNotFound for another centre's session, ErrStale if the version is
// stale, ErrConflict once the session is held, ErrInvalid for bad input.
func (s *Service) ModifierSession(ctx context.Context, a Acteur, id string, version int, in ModificationSession) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	in.Lieu, in.Responsable = texte.NFC(strings.TrimSpace(in.Lieu)), texte.NFC(strings.TrimSpace(in.Responsable))
	in.Heure = strings.TrimSpace(in.Heure)
	if in.Heure != "" && !formatHeure.MatchString(in.Heure) {
		return nil, Invalid("session_invalide", "L'heure de convocation est invalide.",
			FieldError{"heure", "format", "Heure invalide : le format attendu est HH:MM, par exemple 09:00."})
	}
	if fe := s.imprimables("lieu", in.Lieu, "responsable", in.Responsable); len(fe) > 0 {
		return nil, Invalid("session_invalide", "Le lieu ou le responsable ne peut pas être imprimé sur le PV.", fe...)
	}
	if in.Fin.Before(in.Debut) {
		return nil, Invalid("session_invalide", "La fin de la session précède son début.",
			FieldError{"fin", "avant_debut", "La date de fin précède la date de début."})
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := sessionAModifier(tx, a, id, version)
		if err != nil {
			return err
		}
		avant := snapshotModification(sess)
		datesChangent := sess.Debut != in.Debut || sess.Fin != in.Fin
		if datesChangent {
			titre, err := findTitreByCode(tx, sess.TitreCode)
			if err != nil {
				return err
			}
			if err := verifierAgrement(tx, a.CentreID, titre, in.Debut, in.Fin, "debut"); err != nil {
				return err
			}
		}
		if sess.Statut == Declaree && datesChangent {
			if in.Debut.Before(s.today()) {
				return Invalid("declaration_tardive", "Une session déclarée ne peut pas être avancée à une date passée.",
					FieldError{"debut", "passe", fmt.Sprintf("Le %s est passé : une session se déclare avant son premier jour.", in.Debut.Francais())})
			}
			moved := *sess
			moved.Debut, moved.Fin = in.Debut, in.Fin
			if err := s.checkJury(tx, &moved); err != nil {
				return err
			}
		}
		now := s.now()
		res := tx.Model(&sessionRow{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"debut": in.Debut, "fin": in.Fin, "heure": in.Heure, "lieu": in.Lieu, "responsable": in.Responsable,
			"version": version + 1, "updated_at": now})
		if res.Error != nil {
			return wrap(res.Error, "session %s: update", id)
		}
		if res.RowsAffected == 0 {
			return staleF("La session")
		}
		if sess.Statut == Declaree && (datesChangent || sess.Heure != in.Heure || sess.Lieu != in.Lieu) {
			// The candidats convened hold a convocation that no longer says
			// when or where: each gets the new one.
			if err := s.enqueueModifications(tx, id, version+1); err != nil {
				return err
			}
		}
		return s.journal(tx, a, audit{action: "session_modifiee", objet: "session", objetID: id, sessionID: id,
			avant: avant, apres: modificationSnapshot{Debut: in.Debut, Fin: in.Fin, Heure: in.Heure, Lieu: in.Lieu,
				Responsable: in.Responsable, Version: version + 1}})
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// RemplacerMembreJury seats nouveau in place of ancien on the jury of a
// planned or declared session of the acting centre, if its version is still
// version. The new member must be habilitated for the titre over the whole
// session, and each enrolled candidat keep the minimum of members free of a
// declared link (jury_independant_insuffisant). In the trail, before and
// after. Returns ErrNotFound for another centre's session, ErrStale if the
// version is stale, ErrConflict once the session is held.
func (s *Service) RemplacerMembreJury(ctx context.Context, a Acteur, id string, version int, ancien, nouveau string) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := sessionAModifier(tx, a, id, version)
		if err != nil {
			return err
		}
		var sortant *MembreSession
		for i, m := range sess.Jury {
			if m.MembreID == ancien {
				sortant = &sess.Jury[i]
			}
			if m.MembreID == nouveau {
				return Invalid("jury_invalide", "Ce membre siège déjà au jury de la session.",
					FieldError{"nouveau", "doublon", fmt.Sprintf("%s %s siège déjà au jury.", m.Prenoms, m.Nom)})
			}
		}
		if sortant == nil {
			return Invalid("jury_invalide", "Le membre à remplacer ne siège pas au jury de la session.",
				FieldError{"ancien", "inconnu", "Choisissez un membre du jury de la session."})
		}
		entrant, err := findMembre(tx, nouveau)
		if err != nil {
			return err
		}
		if entrant == nil {
			return Invalid("jury_invalide", "Membre de jury inconnu.", FieldError{"nouveau", "inconnu", "Aucun membre de jury n'a cet identifiant."})
		}
		n, err := countHabilitations(tx, nouveau, sess.TitreCode, sess.Debut, sess.Fin)
		if err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ErrInvalid, "jury_non_habilite",
				"%s %s n'a pas d'habilitation pour le titre %s couvrant le %s au %s (Code de l'éducation, art. R338-6).",
				entrant.Prenoms, entrant.Nom, sess.TitreCode, sess.Debut.Francais(), sess.Fin.Francais())
		}
		if err := tx.Exec("DELETE FROM session_jury WHERE session_id = ? AND membre_id = ?", id, ancien).Error; err != nil {
			return wrap(err, "session %s: unseat jury member %s", id, ancien)
		}
		if err := insertSessionJury(tx, id, nouveau); err != nil {
			return err
		}
		after, err := findSession(tx, a, id)
		if err != nil {
			return err
		}
		ins, err := inscriptionsOf(tx, id, "")
		if err != nil {
			return err
		}
		if err := s.verifierIndependance(tx, after, ins); err != nil {
			return err
		}
		res := tx.Model(&sessionRow{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"version": version + 1, "updated_at": s.now()})
		if res.Error != nil {
			return wrap(res.Error, "session %s: bump version", id)
		}
		if res.RowsAffected == 0 {
			return staleF("La session")
		}
		return s.journal(tx, a, audit{action: "jury_membre_remplace", objet: "session", objetID: id, sessionID: id,
			avant: jurySnapshot{MembreID: ancien, Membre: sortant.Prenoms + " " + sortant.Nom},
			apres: jurySnapshot{MembreID: nouveau, Membre: entrant.Prenoms + " " + entrant.Nom}})
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// ExcuserCandidat records the centre's note that a candidat enrolled in a
// session not yet held excused himself, with what he said. The note does
// not make him absent: on the day presence is the jury's record, and
// what the jury records is what counts. ErrConflict once the session is held.
func (s *Service) ExcuserCandidat(ctx context.Context, a Acteur, sessionID, inscriptionID, motif string) error {
	if !a.Is(RoleCentre) {
		return forbidden()
	}
	motif = texte.NFC(strings.TrimSpace(motif))
	if motif == "" {
		return Invalid("motif_requis", "L'excuse exige un motif.", FieldError{"motif", "requis", "Indiquez ce que le candidat a fait savoir."})
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := lockSession(tx, sessionID, lockExclusive); err != nil {
			return err
		}
		sess, err := findSessionRow(tx, a, sessionID)
		if err != nil {
			return err
		}
		in, err := findInscription(tx, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		if sess.Statut != Planifiee && sess.Statut != Declaree {
			return Errorf(ErrConflict, "excuse_impossible",
				"La session est %s : le jour de la session, la présence est saisie par le jury.", libelleStatut[sess.Statut])
		}
		now := s.now()
		res := tx.Model(&inscriptionRow{}).Where("id = ?", inscriptionID).Updates(map[string]any{
			"excusee_at": now, "motif_excuse": motif, "version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return wrap(res.Error, "inscription %s: excuse", inscriptionID)
		}
		if err := s.journal(tx, a, audit{action: "inscription_excusee", objet: "inscription", objetID: inscriptionID,
			sessionID: sessionID, candidatID: in.CandidatID, avant: excuseSnapshot{Motif: in.MotifExcuse},
			apres: excuseSnapshot{Motif: motif}}); err != nil {
			return err
		}
		if sess.Statut == Declaree {
			return s.enqueueAnnulations(tx, inscriptionID)
		}
		return nil
	})
}

// formatCeres is the form this product accepts for a session's CERES
// number: 4 to 20 capital letters, digits, hyphens or slashes, starting and
// ending with a letter or a digit. The ministry's exact format is to be
// confirmed (docs/domaine.md); the check only keeps typing errors out.
var formatCeres = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/-]{2,18}[A-Z0-9]$`)

// EnregistrerCeres records the number CERES gave a session and the day the
// centre declared it there to the DREETS, if the session's version is still
// version. The day may not be in the future, nor the session cancelled.
// In the trail, before and after. The session's centre only.
func (s *Service) EnregistrerCeres(ctx context.Context, a Acteur, id string, version int, numero string, le Date) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	numero = strings.ToUpper(strings.TrimSpace(numero))
	var fe []FieldError
	if !formatCeres.MatchString(numero) {
		fe = append(fe, FieldError{"numero_ceres", "format", "Numéro CERES invalide : de 4 à 20 lettres majuscules, chiffres, tirets ou barres obliques."})
	}
	if le.IsZero() {
		fe = append(fe, FieldError{"declaree_le", "requis", "Indiquez la date de la déclaration dans CERES."})
	} else if s.today().Before(le) {
		fe = append(fe, FieldError{"declaree_le", "futur", "La date de la déclaration ne peut pas être postérieure à aujourd'hui."})
	}
	if len(fe) > 0 {
		return nil, Invalid("ceres_invalide", "Le numéro CERES ou la date de déclaration est invalide.", fe...)
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := findSessionRow(tx, a, id)
		if err != nil {
			return err
		}
		if sess.Version != version {
			return staleF("La session")
		}
		if sess.Statut == Annulee {
			return Errorf(ErrConflict, "session_non_modifiable", "La session est annulée : sa déclaration dans CERES n'a plus d'objet.")
		}
		res := tx.Model(&sessionRow{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"numero_ceres": numero, "ceres_declaree_le": le, "version": version + 1, "updated_at": s.now()})
		if res.Error != nil {
			return wrap(res.Error, "session %s: CERES", id)
		}
		if res.RowsAffected == 0 {
			return staleF("La session")
		}
		return s.journal(tx, a, audit{action: "session_ceres", objet: "session", objetID: id, sessionID: id,
			avant: ceresSnapshot{Numero: sess.NumeroCeres, DeclareeLe: sess.CeresDeclareeLe},
			apres: ceresSnapshot{Numero: numero, DeclareeLe: &le}})
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// modificationSnapshot is what ModifierSession changes.
type modificationSnapshot struct {
	Debut       Date   `json:"debut"`
	Fin         Date   `json:"fin"`
	Heure       string `json:"heure"`
	Lieu        string `json:"lieu"`
	Responsable string `json:"responsable"`
	Version     int    `json:"version"`
}

func snapshotModification(s *Session) modificationSnapshot {
	return modificationSnapshot{Debut: s.Debut, Fin: s.Fin, Heure: s.Heure, Lieu: s.Lieu, Responsable: s.Responsable, Version: s.Version}
}

// jurySnapshot names the member of a session's jury a change concerns.
type jurySnapshot struct {
	MembreID string `json:"membre_id"`
	Membre   string `json:"membre"`
}

type excuseSnapshot struct {
	Motif string `json:"motif_excuse"`
}

type ceresSnapshot struct {
	Numero     string `json:"numero_ceres"`
	DeclareeLe *Date  `json:"ceres_declaree_le"`
}
