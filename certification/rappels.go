package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/cipcert/cipcert/certification/rules"
)

// The reminders. A sweep (EnvoyerRappels), which the job queue runs every
// hour, enqueues the reminders due at the service's clock:
//
//   - to each jury member of a session held whose last day is past and whose
//     results are still missing, "rappel-jury/<session>:<membre>:<day>": at
//     most one a day per member and session;
//   - to each autorité agent of the session's territory, for a session
//     délibérée whose PV waits for validation for N days or more (N the rule
//     parameter rappel_validation_pv_jours),
//     "rappel-autorite/<session>:<compte>:<k>", k the number of whole
//     periods of N days waited: one after N days, another after 2N…
//
// Each key is written in the rappels table in the transaction that enqueues
// its message, so that sweeps run by several instances, or twice in a day,
// enqueue it once. The message is composed when the job runs: a reminder
// whose cause is gone by then (results completed, PV validated) is not sent.

// RappelJob sweeps the reminders due: the job queue enqueues one every hour.
type RappelJob struct{}

// Kind implements Job.
func (RappelJob) Kind() string { return "rappels" }

type rappelRow struct {
	Cle    string `gorm:"primaryKey"`
	CreeAt time.Time
}

func (rappelRow) TableName() string { return "rappels" }

// EnvoyerRappels enqueues the reminders due now and not yet enqueued, in one
// transaction, and returns how many it enqueued.
func (s *Service) EnvoyerRappels(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		cles, err := s.rappelsJury(tx)
		if err != nil {
			return err
		}
		autorite, err := s.rappelsAutorite(tx)
		if err != nil {
			return err
		}
		cles = append(cles, autorite...)
		var jobs []Job
		now := s.now()
		for _, cle := range cles {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rappelRow{Cle: cle, CreeAt: now})
			if res.Error != nil {
				return wrap(res.Error, "rappel %s: record", cle)
			}
			if res.RowsAffected == 1 {
				jobs = append(jobs, MessageJob{Cle: cle})
			}
		}
		n = len(jobs)
		if n == 0 {
			return nil
		}
		return wrap(s.opt.Jobs.Enqueue(tx, jobs...), "enqueue the reminders")
	})
	return n, err
}

// rappelsJury returns the keys of today's reminders to the jury members of
// the sessions held, past their last day, with results missing.
func (s *Service) rappelsJury(tx *gorm.DB) ([]string, error) {
	today := s.today()
	var ids []string
	if err := tx.Table("sessions").Where("statut = ? AND fin < ?", Tenue, today).Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, wrap(err, "reminders: sessions held")
	}
	var cles []string
	for _, id := range ids {
		sess, manques, err := manquesSession(tx, id)
		if err != nil {
			return nil, err
		}
		if len(manques) == 0 {
			continue
		}
		for _, m := range sess.Jury {
			cles = append(cles, fmt.Sprintf("rappel-jury/%s:%s:%s", id, m.MembreID, today))
		}
	}
	return cles, nil
}

// manquesSession returns a session with what its jury still has to record,
// one line per candidat concerned.
func manquesSession(db *gorm.DB, sessionID string) (*Session, []string, error) {
	sess, err := findSession(db, systeme, sessionID)
	if err != nil {
		return nil, nil, err
	}
	ins, err := inscriptionsOf(db, sessionID, "")
	if err != nil {
		return nil, nil, err
	}
	var manques []string
	for _, in := range ins {
		if m := in.Manques(); len(m) > 0 {
			manques = append(manques, fmt.Sprintf("%s %s : %s", in.NomNaissance, in.Prenoms, strings.Join(m, ", ")))
		}
	}
	return sess, manques, nil
}

// rappelsAutorite returns the keys of the reminders due to the autorité for
// the sessions délibérées waiting for validation.
func (s *Service) rappelsAutorite(tx *gorm.DB) ([]string, error) {
	today := s.today()
	jours, _, err := s.param(rules.CleRappelValidationPV, today)
	if err != nil || jours <= 0 {
		return nil, err
	}
	var sessions []struct {
		ID          string
		DelibereeAt time.Time
		Region      string
		Departement string
	}
	err = tx.Table("sessions AS s").Select("s.id, s.deliberee_at, c.region, c.departement").Joins("JOIN centres c ON c.id = s.centre_id").
		Where("s.statut = ? AND s.deliberee_at IS NOT NULL", Deliberee).Order("s.id").Scan(&sessions).Error
	if err != nil {
		return nil, wrap(err, "reminders: sessions délibérées")
	}
	if len(sessions) == 0 {
		return nil, nil
	}
	agents, err := agentsAvecAdresse(tx)
	if err != nil {
		return nil, err
	}
	var cles []string
	for _, sess := range sessions {
		k := joursEntre(DateOf(sess.DelibereeAt), today) / jours
		if k < 1 {
			continue
		}
		for _, u := range agents {
			if competent(u, sess.Region, sess.Departement) {
				cles = append(cles, fmt.Sprintf("rappel-autorite/%s:%s:%d", sess.ID, u.ID, k))
			}
		}
	}
	return cles, nil
}

// agentsAvecAdresse returns the active autorité accounts with an e-mail
// address: the others cannot be reminded.
func agentsAvecAdresse(tx *gorm.DB) ([]utilisateurRow, error) {
	var us []utilisateurRow
	err := tx.Where("role = ? AND actif = ? AND email <> ''", RoleAutorite, true).Order("id").Find(&us).Error
	return us, wrap(err, "reminders: autorité accounts")
}

// competent reports whether an autorité account acts for a centre of this
// region and département: a DDETS for its départements, a DREETS for its
// region.
func competent(u utilisateurRow, region, departement string) bool {
	if u.Departements != "" {
		for _, d := range strings.Split(u.Departements, ",") {
			if d == departement {
				return true
			}
		}
		return false
	}
	return u.Region != "" && u.Region == region
}

func joursEntre(a, b Date) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// rappelCle splits a reminder's key into the session and the recipient.
func rappelCle(cle, id string) (sessionID, destinataire string, err error) {
	parts := strings.Split(id, ":")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("message %s: malformed key", cle)
	}
	return parts[0], parts[1], nil
}

// messageRappelJury composes a jury member's reminder, or nothing when the
// session's results are complete or it left the held state meanwhile.
func (s *Service) messageRappelJury(db *gorm.DB, cle, id string) (*Message, error) {
	sessionID, membreID, err := rappelCle(cle, id)
	if err != nil {
		return nil, err
	}
	sess, manques, err := manquesSession(db, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Statut != Tenue || len(manques) == 0 {
		return nil, nil
	}
	var m membreRow
	if err := db.Where("id = ?", membreID).Take(&m).Error; err != nil {
		return nil, wrap(err, "message %s: jury member", cle)
	}
	lien := s.lien("/jury/sessions/" + sessionID)
	var liste, items strings.Builder
	for _, l := range manques {
		fmt.Fprintf(&liste, "- %s\n", l)
		fmt.Fprintf(&items, "<li>%s</li>", esc(l))
	}
	text := fmt.Sprintf("Bonjour %s %s,\n\nLa session %s s’est tenue du %s au %s, mais des résultats y manquent encore :\n%s\nSaisissez-les, puis signez le procès-verbal : %s\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		m.Prenoms, m.Nom, sess.Reference, sess.Debut.Francais(), sess.Fin.Francais(), liste.String(), lien)
	html := fmt.Sprintf(`<p>Bonjour %s %s,</p><p>La session %s s’est tenue du %s au %s, mais des résultats y manquent encore :</p><ul>%s</ul><p><a href="%s">Saisir les résultats et signer le procès-verbal</a></p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(m.Prenoms), esc(m.Nom), esc(sess.Reference), esc(sess.Debut.Francais()), esc(sess.Fin.Francais()), items.String(), esc(lien))
	return &Message{Cle: cle, To: m.Email, Subject: "Résultats manquants : session " + sess.Reference, Text: text, HTML: html}, nil
}

// messageRappelAutorite composes an autorité agent's reminder, or nothing
// when the PV was validated meanwhile.
func (s *Service) messageRappelAutorite(db *gorm.DB, cle, id string) (*Message, error) {
	sessionID, compteID, err := rappelCle(cle, id)
	if err != nil {
		return nil, err
	}
	sess, err := findSessionRow(db, systeme, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Statut != Deliberee || sess.DelibereeAt == nil {
		return nil, nil
	}
	var u utilisateurRow
	if err := db.Where("id = ?", compteID).Take(&u).Error; err != nil {
		return nil, wrap(err, "message %s: account", cle)
	}
	var c centreRow
	if err := db.Where("id = ?", sess.CentreID).Take(&c).Error; err != nil {
		return nil, wrap(err, "message %s: centre", cle)
	}
	depuis := DateOf(*sess.DelibereeAt)
	jours := joursEntre(depuis, s.today())
	lien := s.lien("/autorite/sessions/" + sessionID)
	text := fmt.Sprintf("Bonjour,\n\nLe procès-verbal de la session %s du centre %s, délibérée le %s, attend sa validation depuis %d jours.\nTant qu’il n’est pas validé, les candidats ne connaissent pas leurs résultats et leurs documents ne peuvent pas être délivrés.\nRelire et valider le procès-verbal : %s\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		sess.Reference, c.Nom, depuis.Francais(), jours, lien)
	html := fmt.Sprintf(`<p>Bonjour,</p><p>Le procès-verbal de la session %s du centre %s, délibérée le %s, attend sa validation depuis %d jours.</p><p>Tant qu’il n’est pas validé, les candidats ne connaissent pas leurs résultats et leurs documents ne peuvent pas être délivrés.</p><p><a href="%s">Relire et valider le procès-verbal</a></p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(sess.Reference), esc(c.Nom), esc(depuis.Francais()), jours, esc(lien))
	return &Message{Cle: cle, To: u.Email, Subject: "PV à valider : session " + sess.Reference, Text: text, HTML: html}, nil
}
