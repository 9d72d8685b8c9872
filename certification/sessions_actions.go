package certification

import (
	"context"
	"fmt"
)

// Libelle names a session status for people: « planifiée », « déclarée »…
func (st StatutSession) Libelle() string {
	if l, ok := libelleStatut[st]; ok {
		return l
	}
	return string(st)
}

// ActionSession is what a centre may do to a session now. Refus is empty
// when it may; otherwise it says why not, in the words the service uses
// when the action is attempted.
type ActionSession struct {
	Possible bool
	Refus    string
}

// ActionsSession are the centre's actions on a session, given its status
// and today: declare, hold, cancel, enrol, and change it (dates, place,
// jury, withdrawals and excuses: ModifierSession and its kin). An interface shows the ones no
// longer possible, disabled, with their reason. They follow the
// transitions DeclarerSession, TenirSession, AnnulerSession and Inscrire
// check, which still decide.
type ActionsSession struct {
	Declarer, Tenir, Annuler, Inscrire, Modifier ActionSession
}

// ActionsPossibles returns what the centre may do to sess today.
func (s *Service) ActionsPossibles(sess *Session) ActionsSession {
	st := sess.Statut
	etat := fmt.Sprintf("La session est %s", st.Libelle())
	var out ActionsSession
	switch st {
	case Planifiee:
		out.Declarer = ActionSession{Possible: true}
		out.Tenir = ActionSession{Refus: "La session doit d'abord être déclarée."}
	case Declaree:
		out.Declarer = ActionSession{Refus: "La session est déjà déclarée."}
		if s.today().Before(sess.Debut) {
			out.Tenir = ActionSession{Refus: fmt.Sprintf("La session commence le %s : elle ne peut pas être tenue avant.", sess.Debut.Francais())}
		} else {
			out.Tenir = ActionSession{Possible: true}
		}
	default:
		out.Declarer = ActionSession{Refus: etat + " : elle ne peut plus être déclarée."}
		out.Tenir = ActionSession{Refus: etat + " : elle ne peut plus être tenue."}
	}
	switch st {
	case Planifiee, Declaree, Tenue:
		out.Annuler = ActionSession{Possible: true}
	default:
		out.Annuler = ActionSession{Refus: etat + " : elle ne peut plus être annulée."}
	}
	switch st {
	case Planifiee, Declaree:
		out.Inscrire = ActionSession{Possible: true}
		out.Modifier = ActionSession{Possible: true}
	default:
		out.Inscrire = ActionSession{Refus: etat + " : les inscriptions sont closes."}
		out.Modifier = ActionSession{Refus: etat + " : seule une session planifiée ou déclarée se modifie."}
	}
	return out
}

// InscritsParSession counts the candidats enrolled in each of the given
// sessions the actor may see, in one query; a session it may not see
// counts nothing.
func (s *Service) InscritsParSession(ctx context.Context, a Acteur, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 {
		return out, nil
	}
	db := s.read(ctx)
	q, err := scopeSessions(db, a)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		SessionID string
		N         int
	}
	visibles := q.Select("s.id").Where("s.id IN ?", ids)
	if err := db.Table("inscriptions").Select("session_id, COUNT(*) AS n").
		Where("session_id IN (?)", visibles).Group("session_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.SessionID] = r.N
	}
	return out, nil
}

// ParcoursCandidats returns the parcours of the given candidats the actor
// may see, in one query, for a list of enrolments.
func (s *Service) ParcoursCandidats(ctx context.Context, a Acteur, ids []string) (map[string]Parcours, error) {
	out := map[string]Parcours{}
	if len(ids) == 0 {
		return out, nil
	}
	q, err := scopeCandidats(s.read(ctx), a)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID       string
		Parcours Parcours
	}
	if err := q.Select("c.id, c.parcours").Where("c.id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Parcours
	}
	return out, nil
}
