package certification

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// The autorité's worklists: what waits for it in its territory, and the
// issuance of a large session's documents in steps a page can follow.

// CompteursSessions counts the sessions of the actor's scope by the work
// they wait for: ParStatut by status, ADelivrer the validated sessions
// some document of which is due and not issued, Total every session.
type CompteursSessions struct {
	ParStatut map[StatutSession]int
	ADelivrer int
	Total     int
}

// Compteurs counts the sessions the actor may see, in two queries whatever
// their number. Autorité and admin only: a centre has its own list.
func (s *Service) Compteurs(ctx context.Context, a Acteur) (*CompteursSessions, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	q, err := scopeSessions(db, a)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Statut StatutSession
		N      int
	}
	if err := q.Select("s.statut, COUNT(*) AS n").Group("s.statut").Scan(&rows).Error; err != nil {
		return nil, wrap(err, "store: sessions by status")
	}
	out := &CompteursSessions{ParStatut: map[StatutSession]int{}}
	for _, r := range rows {
		out.ParStatut[r.Statut] = r.N
		out.Total += r.N
	}
	q, err = scopeSessions(db, a)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := aDelivrer(q.Select("s.id")).Count(&n).Error; err != nil {
		return nil, wrap(err, "store: sessions with documents due")
	}
	out.ADelivrer = int(n)
	return out, nil
}

// aDelivrer keeps, of a query on sessions (aliased s), the validated ones
// whose PV, the fiche de résultats of a deliberated enrolment, or the
// parchemin or livret of an enrolment's outcome, has no valid document:
// what emettre would issue.
func aDelivrer(q *gorm.DB) *gorm.DB {
	return q.Where(`s.statut = ? AND (
		NOT EXISTS (SELECT 1 FROM documents dp WHERE dp.session_id = s.id AND dp.type = ? AND dp.statut = ?)
		OR EXISTS (SELECT 1 FROM inscriptions i WHERE i.session_id = s.id AND i.retiree_at IS NULL
			AND i.issue IN (?, ?, ?)
			AND NOT EXISTS (SELECT 1 FROM documents di WHERE di.inscription_id = i.id AND di.statut = ?
				AND di.type = CASE WHEN i.issue = ? THEN ? ELSE ? END))
		OR EXISTS (SELECT 1 FROM inscriptions i WHERE i.session_id = s.id AND i.retiree_at IS NULL
			AND i.issue IS NOT NULL AND i.issue <> ''
			AND NOT EXISTS (SELECT 1 FROM documents df WHERE df.inscription_id = i.id AND df.statut = ? AND df.type = ?)))`,
		Validee, DocPV, StatutValide, "titre", "ccs", "partiel", StatutValide, "partiel", DocLivret, DocParchemin, StatutValide, DocFiche)
}

// rechercheSessions keeps the sessions whose reference or place contains
// text, whatever its case.
func rechercheSessions(q *gorm.DB, text string) *gorm.DB {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(text)) + "%"
	return q.Where(`(LOWER(s.reference) LIKE ? ESCAPE '\' OR LOWER(s.lieu) LIKE ? ESCAPE '\')`, like, like)
}

// Avancement is where the issuance of a validated session's documents
// stands: Dus documents are due in all (the PV, then a fiche de résultats
// per deliberated candidat and a parchemin or a livret per candidat whose
// outcome gives one), Delivres of them are valid.
type Avancement struct {
	Dus      int
	Delivres int
}

// Restants is how many documents are still to issue.
func (av Avancement) Restants() int { return max(av.Dus-av.Delivres, 0) }

// avancement counts, from a session's enrolments and its valid documents
// (validDocuments' keys), what is due and what is issued.
func avancement(ins []Inscription, existing map[string]bool) Avancement {
	av := Avancement{Dus: 1}
	if existing["pv:"] {
		av.Delivres++
	}
	for _, in := range ins {
		for _, typ := range documentsFor(in) {
			av.Dus++
			if existing[string(typ)+":"+in.ID] {
				av.Delivres++
			}
		}
	}
	return av
}

// AvancementEmission says where the issuance of a session's documents
// stands. Autorité and admin; ErrNotFound outside the actor's scope.
func (s *Service) AvancementEmission(ctx context.Context, a Acteur, sessionID string) (Avancement, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return Avancement{}, forbidden()
	}
	db := s.read(ctx)
	if _, err := findSessionRow(db, a, sessionID); err != nil {
		return Avancement{}, err
	}
	ins, err := inscriptionsOf(db, sessionID, "")
	if err != nil {
		return Avancement{}, err
	}
	existing, err := validDocuments(db, sessionID)
	if err != nil {
		return Avancement{}, err
	}
	return avancement(ins, existing), nil
}

// EmettreDocumentsLot issues at most lot of the documents a validated
// session still lacks (the PV first), in one transaction, and says where
// the issuance stands after it. Calls for one session queue on its row and
// skip what is already issued, so that a large session is issued in
// steps, resumed after an interruption, and nothing is issued twice.
// Autorité only; ErrConflict (pv_non_valide) before validation; ErrInvalid
// for a lot outside 1..200.
func (s *Service) EmettreDocumentsLot(ctx context.Context, a Acteur, sessionID string, lot int) ([]Document, Avancement, error) {
	if lot < 1 || lot > 200 {
		return nil, Avancement{}, Invalid("lot_invalide", "Le nombre de documents par étape est invalide.",
			FieldError{"lot", "intervalle", "Un entier entre 1 et 200 est attendu."})
	}
	return s.emettre(ctx, a, sessionID, "", lot)
}

// NomsComptes returns the names of the given accounts, for a person
// reading who did what in the audit trail. Autorité and admin only.
func (s *Service) NomsComptes(ctx context.Context, a Acteur, ids []string) (map[string]string, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct{ ID, Nom string }
	if err := s.read(ctx).Table("utilisateurs").Select("id, nom").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, wrap(err, "store: account names")
	}
	for _, r := range rows {
		out[r.ID] = r.Nom
	}
	return out, nil
}

// ActionsAutorite are the autorité's actions on a session: validate the
// PV, issue the documents, regularise a late declaration, correct a
// decision. An interface shows the ones not possible, disabled, with their
// reason; ValiderPV, EmettreDocumentsLot, RegulariserDeclaration and
// CorrigerEvaluationVersion still decide.
type ActionsAutorite struct {
	Valider, Emettre, Regulariser, Corriger ActionSession
}

// ActionsAutoritePossibles returns what the autorité may do to sess today,
// given where the issuance of its documents stands.
func (s *Service) ActionsAutoritePossibles(sess *Session, av Avancement) ActionsAutorite {
	etat := fmt.Sprintf("La session est %s", sess.Statut.Libelle())
	var out ActionsAutorite
	switch sess.Statut {
	case Deliberee:
		out.Valider = ActionSession{Possible: true}
	case Validee:
		out.Valider = ActionSession{Refus: "Le PV est déjà validé."}
	default:
		out.Valider = ActionSession{Refus: etat + " : le PV se valide une fois signé par tout le jury."}
	}
	switch {
	case sess.Statut != Validee:
		out.Emettre = ActionSession{Refus: etat + " : les documents ne sont délivrés qu'après validation du PV."}
	case av.Restants() == 0:
		out.Emettre = ActionSession{Refus: "Tous les documents dus sont délivrés."}
	default:
		out.Emettre = ActionSession{Possible: true}
	}
	switch {
	case sess.Statut != Planifiee:
		out.Regulariser = ActionSession{Refus: etat + " : il n'y a pas de déclaration à régulariser."}
	case !sess.Debut.Before(s.today()):
		out.Regulariser = ActionSession{Refus: fmt.Sprintf("La session commence le %s : le centre la déclare lui-même.", sess.Debut.Francais())}
	default:
		out.Regulariser = ActionSession{Possible: true}
	}
	if sess.Statut == Deliberee || sess.Statut == Validee {
		out.Corriger = ActionSession{Possible: true}
	} else {
		out.Corriger = ActionSession{Refus: etat + " : tant qu'elle n'est pas délibérée, le jury saisit lui-même les résultats."}
	}
	return out
}

// Resultat decodes the outcome the rules derived at deliberation, with
// the rules they applied; nil before deliberation.
func (in Inscription) Resultat() (*rules.Resultat, error) {
	if in.Explication == "" {
		return nil, nil
	}
	var r rules.Resultat
	if err := json.Unmarshal([]byte(in.Explication), &r); err != nil {
		return nil, fmt.Errorf("explication of %s: %w", in.ID, err)
	}
	return &r, nil
}
