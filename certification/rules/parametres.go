package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The keys of the rule parameters. Every one must be present in the data,
// and cover every date.
const (
	// CleJuryTailleMin is the minimum number of jury members.
	CleJuryTailleMin = "jury_taille_min"
	// CleRecevabiliteValidite is how long a recevabilité stays valid, in
	// months from its notification.
	CleRecevabiliteValidite = "recevabilite_validite_mois"
	// CleVAEExperienceMin is the experience a recevabilité must state, in
	// months, by date of notification.
	CleVAEExperienceMin = "vae_experience_min_mois"
	// CleClotureDelai is how long after the end of a clôturé version a
	// candidat holding CCP may still complete the titre, in months.
	CleClotureDelai = "cloture_delai_mois"
	// CleNouvelleSessionSansFormation is how long after a failure or an
	// absence a training candidat may sit again without a new training.
	CleNouvelleSessionSansFormation = "nouvelle_session_sans_formation_mois"
	// CleCCSExperienceMin is the experience that opens a CCS without
	// training, in months.
	CleCCSExperienceMin = "ccs_experience_min_mois"
	// CleRecoursDelai is how long after its notification a decision may be
	// contested, in months.
	CleRecoursDelai = "recours_delai_mois"
	// CleRappelValidationPV is how many days a deliberated session's PV
	// waits for the autorité's validation before the autorité is reminded,
	// and again after each such period; 0 sends no reminder.
	CleRappelValidationPV = "rappel_validation_pv_jours"
	// CleRecoursSilence is how long the administration may stay silent on a
	// recours administratif before its silence counts as a rejection, in
	// months from the recours.
	CleRecoursSilence = "recours_silence_mois"
)

// unites gives the unit each known key must be expressed in; a key absent
// from it is unknown.
var unites = map[string]string{
	CleJuryTailleMin:                "membres",
	CleRecevabiliteValidite:         "mois",
	CleVAEExperienceMin:             "mois",
	CleClotureDelai:                 "mois",
	CleNouvelleSessionSansFormation: "mois",
	CleCCSExperienceMin:             "mois",
	CleRecoursDelai:                 "mois",
	CleRappelValidationPV:           "jours",
	CleRecoursSilence:               "mois",
}

// Statut is how firmly a parameter is established.
type Statut string

// The statuts of a parameter.
const (
	// StatutTexte means an official text states it.
	StatutTexte Statut = "texte"
	// StatutUsage means consistent secondary sources state it.
	StatutUsage Statut = "usage"
	// StatutAVerifier means it is unconfirmed.
	StatutAVerifier Statut = "a_verifier"
)

// Parametre is one value of a rule parameter over a period of effect.
type Parametre struct {
	Cle    string
	Valeur int
	Unite  string
	// EffetDu and EffetAu bound the period of effect, both days included;
	// nil means unbounded.
	EffetDu, EffetAu *time.Time
	// Source is the text cited, in French.
	Source string
	Statut Statut
}

func (p Parametre) appliqueLe(d time.Time) bool {
	return (p.EffetDu == nil || !d.Before(*p.EffetDu)) && (p.EffetAu == nil || !d.After(*p.EffetAu))
}

// Parametres is a validated set of rule parameters.
type Parametres struct {
	parCle map[string][]Parametre
}

type parametreJSON struct {
	Cle     string  `json:"cle"`
	Valeur  *int    `json:"valeur"`
	Unite   string  `json:"unite"`
	EffetDu *string `json:"effet_du"`
	EffetAu *string `json:"effet_au"`
	Source  string  `json:"source"`
	Statut  Statut  `json:"statut"`
}

// ParseParametres reads a JSON array of parameters (fixtures/parametres.json)
// and checks it: every field present and well formed, every key known and
// required, and for each key periods that neither overlap nor leave a gap,
// so that Valeur answers for any date. It reports every problem at once.
func ParseParametres(data []byte) (*Parametres, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var brut []parametreJSON
	if err := dec.Decode(&brut); err != nil {
		return nil, fmt.Errorf("paramètres : JSON illisible : %w", err)
	}
	if dec.More() {
		return nil, errors.New("paramètres : données en trop après le tableau")
	}
	var errs []error
	ps := &Parametres{parCle: map[string][]Parametre{}}
	for i, b := range brut {
		p, err := b.convertir()
		if err != nil {
			errs = append(errs, fmt.Errorf("paramètre n° %d (%q) : %w", i+1, b.Cle, err))
			continue
		}
		ps.parCle[p.Cle] = append(ps.parCle[p.Cle], p)
	}
	cles := make([]string, 0, len(unites))
	for cle := range unites {
		cles = append(cles, cle)
	}
	slices.Sort(cles)
	for _, cle := range cles {
		if err := verifierPeriodes(ps.parCle[cle]); err != nil {
			errs = append(errs, fmt.Errorf("paramètre %q : %w", cle, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ps, nil
}

func (b parametreJSON) convertir() (Parametre, error) {
	p := Parametre{Cle: b.Cle, Unite: b.Unite, Source: b.Source, Statut: b.Statut}
	unite, connue := unites[b.Cle]
	switch {
	case b.Cle == "":
		return p, errors.New("clé absente")
	case !connue:
		return p, errors.New("clé inconnue")
	case b.Valeur == nil:
		return p, errors.New("valeur absente")
	case *b.Valeur < 0:
		return p, errors.New("valeur négative")
	case b.Unite != unite:
		return p, fmt.Errorf("unité %q au lieu de %q", b.Unite, unite)
	case b.Source == "":
		return p, errors.New("source absente : un paramètre cite toujours son texte")
	}
	switch b.Statut {
	case StatutTexte, StatutUsage, StatutAVerifier:
	default:
		return p, fmt.Errorf("statut %q inconnu (texte, usage ou a_verifier)", b.Statut)
	}
	p.Valeur = *b.Valeur
	var err error
	if p.EffetDu, err = lireJour(b.EffetDu); err != nil {
		return p, fmt.Errorf("effet_du : %w", err)
	}
	if p.EffetAu, err = lireJour(b.EffetAu); err != nil {
		return p, fmt.Errorf("effet_au : %w", err)
	}
	if p.EffetDu != nil && p.EffetAu != nil && p.EffetAu.Before(*p.EffetDu) {
		return p, errors.New("effet_au précède effet_du")
	}
	return p, nil
}

func lireJour(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		return nil, fmt.Errorf("date %q invalide (AAAA-MM-JJ attendu)", *s)
	}
	return &t, nil
}

// verifierPeriodes sorts ps by start and checks they tile the whole time
// line: a rule must never find itself without a value.
func verifierPeriodes(ps []Parametre) error {
	if len(ps) == 0 {
		return errors.New("absent alors qu'il est requis")
	}
	slices.SortFunc(ps, func(a, b Parametre) int {
		switch {
		case a.EffetDu == nil && b.EffetDu == nil:
			return 0
		case a.EffetDu == nil:
			return -1
		case b.EffetDu == nil:
			return 1
		}
		return a.EffetDu.Compare(*b.EffetDu)
	})
	if ps[0].EffetDu != nil {
		return fmt.Errorf("aucune valeur avant le %s", dateFr(*ps[0].EffetDu))
	}
	for i := 1; i < len(ps); i++ {
		prec, p := ps[i-1], ps[i]
		switch {
		case prec.EffetAu == nil || p.EffetDu == nil || !p.EffetDu.After(*prec.EffetAu):
			return fmt.Errorf("périodes en double ou qui se chevauchent (valeurs %d et %d)", prec.Valeur, p.Valeur)
		case !p.EffetDu.Equal(prec.EffetAu.AddDate(0, 0, 1)):
			return fmt.Errorf("aucune valeur du %s au %s", dateFr(prec.EffetAu.AddDate(0, 0, 1)), dateFr(p.EffetDu.AddDate(0, 0, -1)))
		}
	}
	if last := ps[len(ps)-1]; last.EffetAu != nil {
		return fmt.Errorf("aucune valeur après le %s", dateFr(*last.EffetAu))
	}
	return nil
}

// Valeur returns the value of the parameter cle in effect on day at, and
// the parameter itself so that an explanation can cite its source. It
// fails only for a key that ParseParametres does not know.
func (ps *Parametres) Valeur(cle string, at time.Time) (int, Parametre, error) {
	if ps == nil {
		return 0, Parametre{}, incoherence("parametres_absents", "Les paramètres des règles ne sont pas fournis.")
	}
	at = jour(at)
	for _, p := range ps.parCle[cle] {
		if p.appliqueLe(at) {
			return p.Valeur, p, nil
		}
	}
	return 0, Parametre{}, incoherence("parametre_absent", "Aucune valeur du paramètre %q n'est en vigueur le %s.", cle, dateFr(at))
}

// VerifierJury checks that a jury of membres members is large enough for a
// session held on day d. Returns a *Refus with code jury_incomplet if not.
func VerifierJury(ps *Parametres, d time.Time, membres int) error {
	n, p, err := ps.Valeur(CleJuryTailleMin, d)
	if err != nil {
		return err
	}
	if membres < n {
		return refus("jury_incomplet", "Le jury de la session du %s compte %d membre(s) ; il en faut au moins %d (%s).",
			dateFr(d), membres, n, p.Source)
	}
	return nil
}

// DateLimiteRecours returns the last day on which a decision notified on
// notification may be contested, with the rule that sets it.
func DateLimiteRecours(ps *Parametres, notification time.Time) (time.Time, RegleAppliquee, error) {
	n, p, err := ps.Valeur(CleRecoursDelai, notification)
	if err != nil {
		return time.Time{}, RegleAppliquee{}, err
	}
	limite := ajouterMois(jour(notification), n)
	return limite, RegleAppliquee{
		Code:   "delai_recours",
		Source: p.Source,
		Detail: fmt.Sprintf("La décision notifiée le %s peut être contestée jusqu'au %s (%d mois).", dateFr(notification), dateFr(limite), n),
	}, nil
}

// DateRejetImplicite returns the day from which silence on a recours filed
// on depot counts as its rejection, with the rule that sets it.
func DateRejetImplicite(ps *Parametres, depot time.Time) (time.Time, RegleAppliquee, error) {
	n, p, err := ps.Valeur(CleRecoursSilence, depot)
	if err != nil {
		return time.Time{}, RegleAppliquee{}, err
	}
	le := ajouterMois(jour(depot), n)
	return le, RegleAppliquee{
		Code:   "rejet_implicite",
		Source: p.Source,
		Detail: fmt.Sprintf("Sans réponse au recours formé le %s, il est rejeté le %s (%d mois de silence).", dateFr(depot), dateFr(le), n),
	}, nil
}

// jour drops the time of day, keeping the calendar day the caller meant.
func jour(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ajouterMois counts n months from d the French way (Code de procédure
// civile, art. 641): the same day number, or the last day of a shorter
// month rather than spilling into the next one.
func ajouterMois(d time.Time, n int) time.Time {
	y, m, j := d.Date()
	premier := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if dernier := premier.AddDate(0, 1, -1).Day(); j > dernier {
		j = dernier
	}
	return time.Date(premier.Year(), premier.Month(), j, 0, 0, 0, 0, time.UTC)
}

func dateFr(t time.Time) string { return t.Format("02/01/2006") }
