package certification

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AdresseRefusee is an e-mail address the SMTP server refused for good (a
// 5xx reply) the last time a message went to it, with the server's answer:
// whoever manages the account corrects it, since nothing reaches it.
type AdresseRefusee struct {
	Adresse string
	Le      time.Time
	// Reponse is the server's answer as the mail code recorded it.
	Reponse string
	Sujet   string
}

func (r messageRow) refusee() AdresseRefusee {
	return AdresseRefusee{Adresse: r.Destinataire, Le: *r.RefuseAt, Reponse: r.Refus, Sujet: r.Sujet}
}

// adressesRefusees returns, among adresses, those whose latest recorded
// message was refused: a message accepted since clears the refusal.
func adressesRefusees(db *gorm.DB, adresses []string) (map[string]AdresseRefusee, error) {
	out := map[string]AdresseRefusee{}
	var nonVides []string
	for _, a := range adresses {
		if a != "" {
			nonVides = append(nonVides, a)
		}
	}
	if len(nonVides) == 0 {
		return out, nil
	}
	var rows []messageRow
	err := db.Where("destinataire IN ?", nonVides).Order("COALESCE(envoye_at, refuse_at) DESC").Order("cle").Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "messages: refused addresses")
	}
	vu := map[string]bool{}
	for _, r := range rows {
		if vu[r.Destinataire] {
			continue
		}
		vu[r.Destinataire] = true
		if r.Refus != "" && r.RefuseAt != nil {
			out[r.Destinataire] = r.refusee()
		}
	}
	return out, nil
}

// AdressesRefuseesComptes returns, by account id, the refused address of
// the accounts given: the account's own address, its candidat's or its
// jury member's. Administrator only.
func (s *Service) AdressesRefuseesComptes(ctx context.Context, a Acteur, comptes []Utilisateur) (map[string]AdresseRefusee, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	adresses := map[string][]string{} // account ids by address
	var candidats, utilisateurs []string
	for _, u := range comptes {
		if u.Email != "" {
			adresses[u.Email] = append(adresses[u.Email], u.ID)
		}
		if u.CandidatID != nil {
			candidats = append(candidats, *u.CandidatID)
		}
		utilisateurs = append(utilisateurs, u.ID)
	}
	var liees []struct {
		Compte string
		Email  string
	}
	if len(candidats) > 0 {
		err := db.Table("utilisateurs u").Select("u.id AS compte, c.email").Joins("JOIN candidats c ON c.id = u.candidat_id").
			Where("c.id IN ?", candidats).Scan(&liees).Error
		if err != nil {
			return nil, wrap(err, "accounts: candidats' addresses")
		}
	}
	var membres []struct {
		Compte string
		Email  string
	}
	if len(utilisateurs) > 0 {
		err := db.Table("jury_membres").Select("utilisateur_id AS compte, email").Where("utilisateur_id IN ?", utilisateurs).Scan(&membres).Error
		if err != nil {
			return nil, wrap(err, "accounts: jury members' addresses")
		}
	}
	for _, l := range append(liees, membres...) {
		if l.Email != "" {
			adresses[l.Email] = append(adresses[l.Email], l.Compte)
		}
	}
	liste := make([]string, 0, len(adresses))
	for ad := range adresses {
		liste = append(liste, ad)
	}
	refusees, err := adressesRefusees(db, liste)
	if err != nil {
		return nil, err
	}
	out := map[string]AdresseRefusee{}
	for ad, r := range refusees {
		for _, id := range adresses[ad] {
			out[id] = r
		}
	}
	return out, nil
}

// AdresseRefuseeCandidat returns the candidat's address if the SMTP server
// refused it, or nil: for whoever may read the candidat (its centre, the
// autorité of its territory, the candidat itself); nil for a candidat the
// actor may not read. One statement: the candidat's page counts them.
func (s *Service) AdresseRefuseeCandidat(ctx context.Context, a Acteur, candidatID string) (*AdresseRefusee, error) {
	db := s.read(ctx)
	q, err := scopeCandidats(db, a)
	if err != nil || !validID(candidatID) {
		return nil, err
	}
	var rows []messageRow
	err = db.Where("destinataire IN (?)", q.Select("c.email").Where("c.id = ?", candidatID)).
		Order("COALESCE(envoye_at, refuse_at) DESC").Order("cle").Limit(1).Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "candidat %s: refused address", candidatID)
	}
	if len(rows) == 0 || rows[0].Refus == "" || rows[0].RefuseAt == nil {
		return nil, nil
	}
	r := rows[0].refusee()
	return &r, nil
}

// AdressesRefuseesMembres returns, by member id, the refused addresses of
// the jury members, for the autorité that manages them and the
// administrator.
func (s *Service) AdressesRefuseesMembres(ctx context.Context, a Acteur) (map[string]AdresseRefusee, error) {
	if !a.Is(RoleAdmin, RoleAutorite) {
		return nil, forbidden()
	}
	ms, err := s.Membres(ctx, a)
	if err != nil {
		return nil, err
	}
	adresses := make([]string, len(ms))
	for i, m := range ms {
		adresses[i] = m.Email
	}
	refusees, err := adressesRefusees(s.read(ctx), adresses)
	if err != nil {
		return nil, err
	}
	out := map[string]AdresseRefusee{}
	for _, m := range ms {
		if r, ok := refusees[m.Email]; ok {
			out[m.ID] = r
		}
	}
	return out, nil
}
