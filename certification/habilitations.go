package certification

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// FinHabilitation is the input of ProlongerHabilitation and
// TerminerHabilitation: the end date the autorité read (FinLue, so that
// of two people changing one habilitation the second is told), the new
// end date, and why (the reference of the decision, or the reason).
type FinHabilitation struct {
	FinLue Date
	Fin    Date
	Motif  string
}

// habilitationFinSnapshot is an habilitation's change of end date in the trail.
type habilitationFinSnapshot struct {
	ID        string `json:"id"`
	TitreCode string `json:"titre_code"`
	Debut     Date   `json:"debut"`
	Fin       Date   `json:"fin"`
	Motif     string `json:"motif,omitempty"`
}

// ProlongerHabilitation moves the end of an habilitation of the member membreID
// later. Autorité only; ErrNotFound for an habilitation of another member.
// Returns ErrInvalid when the new end is not after the current one or the
// reason is missing, ErrStale when the end changed since it was read.
func (s *Service) ProlongerHabilitation(ctx context.Context, a Acteur, membreID, id string, in FinHabilitation) (*Habilitation, error) {
	return s.changerFinHabilitation(ctx, a, membreID, id, in, true)
}

// TerminerHabilitation ends an habilitation of the member membreID on
// in.Fin, before its planned
// end: the member no longer sits on juries of the titre after that day.
// Autorité only. Returns ErrInvalid when the date is not within the
// habilitation or the reason is missing, ErrStale when the end changed
// since it was read, and ErrConflict (habilitation_utilisee) when the
// member sits on a session not yet deliberated that no other habilitation
// would cover: the centre changes its jury first.
func (s *Service) TerminerHabilitation(ctx context.Context, a Acteur, membreID, id string, in FinHabilitation) (*Habilitation, error) {
	return s.changerFinHabilitation(ctx, a, membreID, id, in, false)
}

func (s *Service) changerFinHabilitation(ctx context.Context, a Acteur, membreID, id string, in FinHabilitation, prolonger bool) (*Habilitation, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	if strings.TrimSpace(in.Motif) == "" {
		msg := "Indiquez la raison de la fin anticipée."
		if prolonger {
			msg = "Indiquez la référence de la décision de prolongation."
		}
		return nil, Invalid("motif_requis", "Le changement d'une habilitation exige un motif.", FieldError{"motif", "requis", msg})
	}
	if fe := s.imprimable("motif", in.Motif); fe != nil {
		return nil, Invalid("habilitation_invalide", "Le motif contient des caractères de contrôle.", *fe)
	}
	if !validID(id) {
		return nil, notFound("Habilitation")
	}
	var h *Habilitation
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		cur, err := findHabilitation(tx, id)
		if err != nil {
			return err
		}
		if cur.MembreID != membreID {
			return notFound("Habilitation")
		}
		if cur.Fin.String() != in.FinLue.String() {
			return staleF("L'habilitation")
		}
		switch {
		case prolonger && !in.Fin.After(cur.Fin):
			return Invalid("habilitation_invalide", "Une prolongation reporte la fin de l'habilitation.",
				FieldError{"fin", "pas_apres", fmt.Sprintf("La nouvelle fin doit suivre la fin actuelle, le %s.", cur.Fin.Francais())})
		case !prolonger && (!in.Fin.Before(cur.Fin) || in.Fin.Before(cur.Debut)):
			return Invalid("habilitation_invalide", "La fin anticipée doit tomber pendant l'habilitation.",
				FieldError{"fin", "hors_periode", fmt.Sprintf("Choisissez une date du %s à la veille du %s.", cur.Debut.Francais(), cur.Fin.Francais())})
		}
		ok, err := updateHabilitationFin(tx, id, cur.Fin, in.Fin)
		if err != nil {
			return err
		}
		if !ok {
			return staleF("L'habilitation")
		}
		if !prolonger {
			if err := habilitationEncoreNecessaire(tx, cur); err != nil {
				return err
			}
		}
		action := "habilitation_terminee"
		if prolonger {
			action = "habilitation_prolongee"
		}
		apres := *cur
		apres.Fin = in.Fin
		h = &apres
		return s.journal(tx, a, audit{action: action, objet: "membre_jury", objetID: cur.MembreID,
			avant: habilitationFinSnapshot{ID: cur.ID, TitreCode: cur.TitreCode, Debut: cur.Debut, Fin: cur.Fin},
			apres: habilitationFinSnapshot{ID: cur.ID, TitreCode: cur.TitreCode, Debut: cur.Debut, Fin: in.Fin, Motif: in.Motif}})
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// habilitationEncoreNecessaire refuses, after an habilitation was
// shortened in tx, when its member sits on a declared or held session of
// the titre that its habilitations no longer cover.
func habilitationEncoreNecessaire(tx *gorm.DB, h *Habilitation) error {
	var ss []struct {
		Reference  string
		Debut, Fin Date
	}
	err := tx.Table("sessions AS s").Select("s.reference, s.debut, s.fin").
		Joins("JOIN session_jury sj ON sj.session_id = s.id").
		Joins("JOIN titre_versions v ON v.id = s.version_id").
		Where("sj.membre_id = ? AND v.titre_id = ? AND s.statut IN ?", h.MembreID, h.TitreID, []StatutSession{Planifiee, Declaree, Tenue}).
		Order("s.debut").Scan(&ss).Error
	if err != nil {
		return wrap(err, "sessions of membre %s: load", h.MembreID)
	}
	for _, sess := range ss {
		n, err := countHabilitations(tx, h.MembreID, h.TitreCode, sess.Debut, sess.Fin)
		if err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ErrConflict, "habilitation_utilisee",
				"Le membre siège au jury de la session %s (du %s au %s), que son habilitation ne couvrirait plus : le centre doit d'abord changer le jury.",
				sess.Reference, sess.Debut.Francais(), sess.Fin.Francais())
		}
	}
	return nil
}

// findHabilitation loads one habilitation with its titre's code.
func findHabilitation(tx *gorm.DB, id string) (*Habilitation, error) {
	var rows []struct {
		Row       habilitationRow `gorm:"embedded"`
		TitreCode string
	}
	if err := tx.Raw(`SELECT h.*, t.code AS titre_code FROM habilitations h JOIN titres t ON t.id = h.titre_id WHERE h.id = ?`, id).
		Scan(&rows).Error; err != nil {
		return nil, wrap(err, "habilitation %s: load", id)
	}
	if len(rows) == 0 {
		return nil, notFound("Habilitation")
	}
	r := rows[0].Row
	return &Habilitation{ID: r.ID, MembreID: r.MembreID, TitreID: r.TitreID, TitreCode: rows[0].TitreCode,
		Debut: r.Debut, Fin: r.Fin, Reference: r.Reference, CreatedAt: r.CreatedAt}, nil
}

// updateHabilitationFin moves an habilitation's end from fin to nouvelle,
// and reports false when its end was no longer fin.
func updateHabilitationFin(tx *gorm.DB, id string, fin, nouvelle Date) (bool, error) {
	res := tx.Model(&habilitationRow{}).Where("id = ? AND fin = ?", id, fin).Update("fin", nouvelle)
	if res.Error != nil {
		return false, wrap(res.Error, "habilitation %s: change end", id)
	}
	return res.RowsAffected == 1, nil
}
