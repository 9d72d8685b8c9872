package certification

import (
	"context"
	"time"
)

// MessagesParPage is the length of a page of « Messages envoyés ».
const MessagesParPage = 50

// MessageEnregistre is an e-mail as recorded after the SMTP server's answer:
// accepted under MessageID, or refused for good with the server's answer in
// Refus. Le is the acceptance or the refusal.
type MessageEnregistre struct {
	Cle          string
	Destinataire string
	Sujet        string
	MessageID    string
	Le           time.Time
	Refus        string
	Texte        string
}

// PageMessages is one page of the recorded messages, newest first.
type PageMessages struct {
	Messages []MessageEnregistre
	Page     int
	Suivante bool
}

func (r messageRow) enregistre() MessageEnregistre {
	m := MessageEnregistre{Cle: r.Cle, Destinataire: r.Destinataire, Sujet: r.Sujet, MessageID: r.MessageID, Refus: r.Refus, Texte: r.Texte}
	switch {
	case r.EnvoyeAt != nil:
		m.Le = *r.EnvoyeAt
	case r.RefuseAt != nil:
		m.Le = *r.RefuseAt
	}
	return m
}

// MessagesEnvoyes lists page (from 1) of the recorded messages, newest
// first. Administrator only: they name every candidat's address.
func (s *Service) MessagesEnvoyes(ctx context.Context, a Acteur, page int) (*PageMessages, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	if page < 1 {
		page = 1
	}
	var rows []messageRow
	err := s.read(ctx).Order("COALESCE(envoye_at, refuse_at) DESC").Order("cle").
		Offset((page - 1) * MessagesParPage).Limit(MessagesParPage + 1).Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "messages: list")
	}
	p := &PageMessages{Page: page, Suivante: len(rows) > MessagesParPage}
	if p.Suivante {
		rows = rows[:MessagesParPage]
	}
	for _, r := range rows {
		p.Messages = append(p.Messages, r.enregistre())
	}
	return p, nil
}

// MessageEnvoyeParCle returns the recorded message of key cle, or
// introuvable.
func (s *Service) MessageEnvoyeParCle(ctx context.Context, a Acteur, cle string) (*MessageEnregistre, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	var r messageRow
	err := s.read(ctx).Where("cle = ?", cle).Take(&r).Error
	if err != nil {
		return nil, notFoundOr(err, "Message")
	}
	m := r.enregistre()
	return &m, nil
}
