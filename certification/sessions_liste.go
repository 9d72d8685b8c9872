package certification

import (
	"context"
	"fmt"
)

// FiltreSessions selects and pages a list of sessions. Zero fields do not
// filter. The actor's scope always applies: CentreID narrows it, it never
// widens it.
type FiltreSessions struct {
	Statut StatutSession
	Type   string
	// Debut and Fin keep the sessions that overlap [Debut, Fin]: those that
	// end on Debut or after and begin on Fin or before.
	Debut    *Date
	Fin      *Date
	CentreID string
	// ADelivrer keeps the validated sessions some document of which is
	// due and not issued (with Statut empty or validee).
	ADelivrer bool
	// Recherche keeps the sessions whose reference or place contains it,
	// whatever its case.
	Recherche string
	// Apres is the id of the last session of the previous page.
	Apres  string
	Limite int
}

// PageSessions is one page of sessions; Suivant is the cursor of the next
// page, empty on the last one.
type PageSessions struct {
	Sessions []Session
	Suivant  string
}

// StatutsSession lists the statuses a session goes through, in order.
var StatutsSession = []StatutSession{Planifiee, Declaree, Tenue, Deliberee, Validee, Annulee}

// check reports every invalid filter at once, each on the name of its
// query parameter.
func (f FiltreSessions) check() error {
	var fe []FieldError
	if f.Statut != "" && !contains(StatutsSession, f.Statut) {
		fe = append(fe, FieldError{"statut", "inconnu",
			"Statut inconnu ; valeurs admises : planifiee, declaree, tenue, deliberee, validee, annulee."})
	}
	if f.Type != "" && f.Type != "titre" && f.Type != "ccp" && f.Type != "ccs" {
		fe = append(fe, FieldError{"type", "inconnu", "Type de session inconnu ; valeurs admises : titre, ccp, ccs."})
	}
	if f.Debut != nil && f.Fin != nil && f.Fin.Before(*f.Debut) {
		fe = append(fe, FieldError{"fin", "avant_debut", fmt.Sprintf("La fin de l'intervalle précède son début (%s).", f.Debut)})
	}
	for _, p := range []struct{ name, id string }{{"centre_id", f.CentreID}, {"apres", f.Apres}} {
		if p.id != "" && !validID(p.id) {
			fe = append(fe, FieldError{p.name, "identifiant_invalide", "Un identifiant (UUID) est attendu."})
		}
	}
	if len([]rune(f.Recherche)) > 100 {
		fe = append(fe, FieldError{"recherche", "trop_long", "La recherche compte au plus 100 caractères."})
	}
	if f.Limite < 0 || f.Limite > 200 {
		fe = append(fe, FieldError{"limite", "intervalle", "Un entier entre 1 et 200 est attendu."})
	}
	if len(fe) > 0 {
		return Invalid("filtre_invalide", "Les filtres de la liste sont invalides.", fe...)
	}
	return nil
}

// SessionsPage lists the sessions the actor may see (a centre its own, a
// jury member those it sits on, the autorité and the admin all), filtered,
// most recent first as Sessions does, one page at a time. The cursor is the
// id of the last session of a page: the next page starts after its
// (debut, id) in that order.
func (s *Service) SessionsPage(ctx context.Context, a Acteur, f FiltreSessions) (*PageSessions, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if f.Limite == 0 {
		f.Limite = 50
	}
	db := s.read(ctx)
	q, err := scopeSessions(db, a)
	if err != nil {
		return nil, err
	}
	if f.Statut != "" {
		q = q.Where("s.statut = ?", f.Statut)
	}
	if f.Type != "" {
		q = q.Where("s.type = ?", f.Type)
	}
	if f.Debut != nil {
		q = q.Where("s.fin >= ?", *f.Debut)
	}
	if f.Fin != nil {
		q = q.Where("s.debut <= ?", *f.Fin)
	}
	if f.CentreID != "" {
		q = q.Where("s.centre_id = ?", f.CentreID)
	}
	if f.ADelivrer {
		q = aDelivrer(q)
	}
	if f.Recherche != "" {
		q = rechercheSessions(q, f.Recherche)
	}
	if f.Apres != "" {
		debut := db.Table("sessions").Select("debut").Where("id = ?", f.Apres)
		q = q.Where("s.debut < (?) OR (s.debut = (?) AND s.id > ?)", debut, debut, f.Apres)
	}
	ss, err := listSessions(q.Order("s.debut DESC, s.id").Limit(f.Limite + 1))
	if err != nil {
		return nil, wrap(err, "store: sessions page")
	}
	page := &PageSessions{}
	if len(ss) > f.Limite {
		ss = ss[:f.Limite]
		page.Suivant = ss[len(ss)-1].ID
	}
	page.Sessions = ss
	return page, loadSessionDetails(db, page.Sessions)
}
