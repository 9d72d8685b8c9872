package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Decider derives the outcome of the candidat at session sessionID from its
// whole history: earlier passages and declared CCP count, later passages
// do not. The history must be one the rules could have produced; otherwise
// Decider returns an *Incoherence naming the session and what is wrong
// (ef_manquant, decision_manquante, motifs_manquants, ecf_vae, …).
func Decider(ref Referentiel, ps *Parametres, h Historique, sessionID string) (Resultat, error) {
	m, err := preparer(ref, ps, h)
	if err != nil {
		return Resultat{}, err
	}
	k := slices.IndexFunc(m.passages, func(p Passage) bool { return p.SessionID == sessionID })
	if k < 0 {
		return Resultat{}, incoherence("session_inconnue", "La session %s ne figure pas dans l'historique du candidat.", sessionID)
	}
	st := m.etatInitial()
	for _, p := range m.passages[:k] {
		if _, err := m.passage(st, p); err != nil {
			return Resultat{}, err
		}
	}
	return m.passage(st, m.passages[k])
}

// moteur is a history checked and sorted, with what the rules need to
// replay it.
type moteur struct {
	x        *index
	p        *Parametres
	c        Candidat
	passages []Passage
}

// acquisition is a CCP (or CCS) obtained, as it was obtained.
type acquisition struct {
	version, ccp string
	date         time.Time
	// session is the session ID, or the reference of a declared CCP.
	session  string
	declaree bool
}

// bilan remembers whether a passage brought anything, for the rule on new
// sessions without a new training.
type bilan struct {
	date       time.Time
	titreCode  string
	ccs        bool
	rienAcquis bool
}

// etat is what a candidat holds after the passages replayed so far.
type etat struct {
	acquis []acquisition // CCP, by date
	ccs    []acquisition
	titres map[string]time.Time // titre code → date obtained
	bilans []bilan
}

func (st *etat) ajouter(a acquisition) {
	i := len(st.acquis)
	for i > 0 && st.acquis[i-1].date.After(a.date) {
		i--
	}
	st.acquis = slices.Insert(st.acquis, i, a)
}

type voie int

const (
	voieFormation voie = iota
	voieVAE
	voieDirecte // CCS through experience, without training
)

func (c Candidat) voie() voie {
	switch {
	case c.Parcours == ParcoursVAE, c.Parcours == ParcoursCapitalisation && c.Origine == ParcoursVAE:
		return voieVAE
	case c.Parcours == ParcoursCCS && c.FinFormation == nil:
		return voieDirecte
	}
	return voieFormation
}

func preparer(ref Referentiel, ps *Parametres, h Historique) (*moteur, error) {
	if ps == nil {
		return nil, incoherence("parametres_absents", "Les paramètres des règles ne sont pas fournis.")
	}
	x, err := indexer(ref)
	if err != nil {
		return nil, err
	}
	c := h.Candidat
	switch c.Parcours {
	case ParcoursFormation, ParcoursVAE, ParcoursCapitalisation, ParcoursCCS:
	default:
		return nil, incoherence("valeur_inconnue", "Parcours %q inconnu.", c.Parcours)
	}
	switch c.Origine {
	case "", ParcoursFormation, ParcoursVAE:
	default:
		return nil, incoherence("valeur_inconnue", "Origine %q inconnue : une capitalisation se fait par la formation ou par la VAE.", c.Origine)
	}
	if c.FinFormation != nil {
		f := jour(*c.FinFormation)
		c.FinFormation = &f
	}
	for _, a := range c.CCPAnterieurs {
		if v := x.versions[a.VersionID]; v == nil || !slices.Contains(v.CCP, a.CCP) || a.Date.IsZero() {
			return nil, incoherence("ccp_anterieur_inconnu",
				"Le CCP déclaré %s (version %s) est inconnu du référentiel ou n'a pas de date d'obtention.", a.CCP, x.nom(a.VersionID))
		}
	}
	passages := make([]Passage, len(h.Passages))
	vus := make(map[string]bool, len(h.Passages))
	for i, p := range h.Passages {
		p.Date = jour(p.Date)
		switch {
		case p.SessionID == "" || p.Date.IsZero():
			return nil, incoherence("passage_invalide", "Un passage n'a pas d'identifiant de session ou de date.")
		case vus[p.SessionID]:
			return nil, incoherence("passage_en_double", "La session %s figure deux fois dans l'historique.", p.SessionID)
		case x.versions[p.VersionID] == nil:
			return nil, incoherence("version_inconnue", "Session %s : la version %q est inconnue du référentiel.", p.SessionID, p.VersionID)
		}
		if err := verifierValeurs(p); err != nil {
			return nil, err
		}
		vus[p.SessionID] = true
		passages[i] = p
	}
	slices.SortStableFunc(passages, func(a, b Passage) int { return a.Date.Compare(b.Date) })
	for i := 1; i < len(passages); i++ {
		if passages[i].Date.Equal(passages[i-1].Date) {
			return nil, incoherence("passage_en_double", "Les sessions %s et %s ont lieu le même jour (%s) : l'ordre des passages est indéterminé.",
				passages[i-1].SessionID, passages[i].SessionID, dateFr(passages[i].Date))
		}
	}
	return &moteur{x: x, p: ps, c: c, passages: passages}, nil
}

func verifierValeurs(p Passage) error {
	switch p.Type {
	case SessionTitre, SessionCCP, SessionCCS:
	default:
		return incoherence("valeur_inconnue", "Session %s : type de session %q inconnu.", p.SessionID, p.Type)
	}
	switch p.Presence {
	case Present, Absent, Excuse, ExcluFraude:
	default:
		return incoherence("valeur_inconnue", "Session %s : présence %q inconnue.", p.SessionID, p.Presence)
	}
	switch p.EntretienFinal {
	case AvisNonTenu, AvisFavorable, AvisDefavorable:
	default:
		return incoherence("valeur_inconnue", "Session %s : avis d'entretien final %q inconnu.", p.SessionID, p.EntretienFinal)
	}
	return nil
}

func (m *moteur) etatInitial() *etat {
	st := &etat{titres: map[string]time.Time{}}
	for _, a := range m.c.CCPAnterieurs {
		st.ajouter(acquisition{version: a.VersionID, ccp: a.CCP, date: jour(a.Date), session: a.SessionRef, declaree: true})
	}
	return st
}

// etatAvant replays every passage before day d.
func (m *moteur) etatAvant(d time.Time) (*etat, error) {
	st := m.etatInitial()
	for _, p := range m.passages {
		if !p.Date.Before(d) {
			break
		}
		if _, err := m.passage(st, p); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// passage decides p and records what it brought in st.
func (m *moteur) passage(st *etat, p Passage) (Resultat, error) {
	if p.Type == SessionCCS {
		return m.passageCCS(st, p)
	}
	return m.passageTitre(st, p)
}

func (m *moteur) passageTitre(st *etat, p Passage) (Resultat, error) {
	v := m.x.versions[p.VersionID]
	ici := fmt.Sprintf("session %s du %s", p.SessionID, dateFr(p.Date))
	if d, ok := st.titres[v.TitreCode]; ok {
		return Resultat{}, incoherence("titre_deja_obtenu", "Passage à la %s : le titre %s a déjà été obtenu le %s.", ici, v.TitreCode, dateFr(d))
	}
	detenus, regles := m.compter(st, v, p.Date)
	tenu := map[string]CCPCompte{}
	for _, c := range detenus {
		if c.Compte {
			tenu[c.CCP] = c
		}
	}
	if !valideLe(v, p.Date) {
		r, interdit, err := m.horsValidite(v, p.Date, p.Date, len(tenu) > 0)
		if err != nil {
			return Resultat{}, err
		}
		if interdit != nil {
			return Resultat{}, incoherence(interdit.Code, "Passage à la %s : %s", ici, interdit.Message)
		}
		regles = append(regles, r)
	}
	if err := lireInscrits(p, v, v.CCP, "CCP"); err != nil {
		return Resultat{}, err
	}
	manquantsAvant := saufTenus(v.CCP, tenu)
	if len(p.CCPInscrits) == 0 && len(manquantsAvant) > 0 {
		return Resultat{}, incoherence("aucun_ccp_inscrit", "Passage à la %s : aucun CCP inscrit alors qu'il manque %s.", ici, liste(manquantsAvant))
	}
	efDu := p.Type == SessionTitre || len(sauf(manquantsAvant, p.CCPInscrits)) == 0
	voie := m.c.voie()

	var nouveaux []acquisition
	switch p.Presence {
	case Absent, Excuse:
		if len(p.Evaluations) > 0 || p.EntretienFinal != AvisNonTenu {
			return Resultat{}, incoherence("decision_candidat_absent", "Passage à la %s : le candidat est noté %s, aucune décision ni entretien final ne peut être enregistré.", ici, libellePresence(p.Presence))
		}
		regles = append(regles, RegleAppliquee{Code: "candidat_absent", Source: SourceReglementSessions,
			Detail: fmt.Sprintf("Le candidat était %s à la %s : aucun CCP n'y est acquis.", libellePresence(p.Presence), ici)})
	case ExcluFraude:
		d := fmt.Sprintf("Le candidat a été exclu pour fraude de la %s : aucun CCP n'y est acquis et le titre ne peut y être attribué.", ici)
		if len(p.Evaluations) > 0 {
			d = strings.TrimSuffix(d, ".") + " ; les décisions enregistrées sont sans effet."
		}
		regles = append(regles, RegleAppliquee{Code: "exclusion_fraude", Source: SourceReglementSessions, Detail: d})
	case Present:
		evals, err := m.lireEvaluations(p)
		if err != nil {
			return Resultat{}, err
		}
		if voie == voieVAE {
			regles = append(regles, RegleAppliquee{Code: "vae_sans_ecf", Source: SourceReferentiel,
				Detail: "Candidat en VAE : le jury évalue sur la mise en situation professionnelle et le dossier professionnel, sans ECF."})
		}
		for _, c := range p.CCPInscrits {
			e := evals[c]
			deja, estTenu := tenu[c]
			if e.Decision == Acquis {
				if !estTenu {
					nouveaux = append(nouveaux, acquisition{version: v.ID, ccp: c, date: p.Date, session: p.SessionID})
				}
				regles = append(regles, RegleAppliquee{Code: "ccp_acquis", Source: SourceReferentiel,
					Detail: fmt.Sprintf("%s est acquis à la %s.", c, ici)})
				continue
			}
			regles = append(regles, RegleAppliquee{Code: "ccp_non_acquis", Source: SourceReferentiel,
				Detail: fmt.Sprintf("%s n'est pas acquis à la %s ; motifs du jury : %s", c, ici, citation(e.Motifs))})
			if estTenu {
				regles = append(regles, RegleAppliquee{Code: "ccp_jamais_perdu", Source: SourceUsage,
					Detail: fmt.Sprintf("%s, acquis le %s, reste acquis : une session ultérieure ne retire ni ne déclasse un CCP.", c, dateFr(deja.Date))})
			}
		}
	}

	acquisApres := len(tenu) + len(nouveaux)
	complet := acquisApres == len(v.CCP)
	if p.Presence == Present {
		switch {
		case !efDu && p.EntretienFinal != AvisNonTenu:
			return Resultat{}, incoherence("ef_non_du", "Passage à la %s : un entretien final est enregistré alors qu'il n'a lieu qu'à une session titre ou à la session du dernier CCP manquant.", ici)
		case efDu && complet && p.EntretienFinal == AvisNonTenu:
			return Resultat{}, incoherence("ef_manquant", "Passage à la %s : tous les CCP sont acquis et l'entretien final est dû à cette session, mais il n'est pas renseigné.", ici)
		}
	}

	res := Resultat{EntretienFinalDu: efDu, CCPAcquis: detenus}
	for _, a := range nouveaux {
		res.CCPAcquis = append(res.CCPAcquis, CCPCompte{CCP: a.ccp, Origine: OrigineSession, SessionID: a.session,
			VersionID: a.version, CCPOrigine: a.ccp, Date: a.date, Compte: true})
	}
	ordonner(res.CCPAcquis, v)
	compte := map[string]CCPCompte{}
	var codes []string
	for _, c := range res.CCPAcquis {
		if c.Compte {
			compte[c.CCP] = c
			codes = append(codes, c.CCP)
		}
	}
	res.CCPManquants = saufTenus(v.CCP, compte)
	if p.Presence == Present {
		regles = append(regles, regleEntretien(p, efDu, res.CCPManquants))
	}
	titre := p.Presence == Present && complet && efDu && p.EntretienFinal == AvisFavorable
	switch {
	case p.Presence == Absent || p.Presence == Excuse:
		res.Issue = IssueAbsent
	case p.Presence == ExcluFraude:
		res.Issue = IssueEchec
	case titre:
		res.Issue = IssueTitre
		regles = append(regles, RegleAppliquee{Code: "titre_obtenu", Source: SourceReferentiel,
			Detail: fmt.Sprintf("Titre %s obtenu le %s : tous ses CCP (%s) sont acquis et l'entretien final, tenu à cette session, est favorable. Un parchemin est délivré.",
				v.TitreCode, dateFr(p.Date), liste(codes))})
	case acquisApres > 0:
		res.Issue = IssuePartiel
		livret := "Aucun CCP n'est ajouté : le livret de certification n'est pas réédité."
		if len(nouveaux) > 0 {
			livret = "Un livret de certification est délivré, ou réédité s'il en existait un."
		}
		d := fmt.Sprintf("Réussite partielle : CCP acquis : %s ; CCP manquants : %s. %s", liste(codes), liste(res.CCPManquants), livret)
		if complet {
			d = fmt.Sprintf("Réussite partielle : tous les CCP (%s) sont acquis, mais sans entretien final favorable le titre n'est pas attribué. %s", liste(codes), livret)
		}
		regles = append(regles, RegleAppliquee{Code: "reussite_partielle", Source: SourceReferentiel, Detail: d})
	default:
		res.Issue = IssueEchec
		regles = append(regles, RegleAppliquee{Code: "echec", Source: SourceReferentiel,
			Detail: fmt.Sprintf("Aucun CCP n'est acquis : échec à la %s.", ici)})
	}
	if res.Issue != IssueTitre && acquisApres > 0 {
		d, r, err := m.dateLimite(v, res.CCPManquants)
		if err != nil {
			return Resultat{}, err
		}
		res.DateLimite = &d
		regles = append(regles, r)
	}
	res.Explication = regles

	for _, a := range nouveaux {
		st.ajouter(a)
	}
	if titre {
		st.titres[v.TitreCode] = p.Date
	}
	st.bilans = append(st.bilans, bilan{date: p.Date, titreCode: v.TitreCode, rienAcquis: len(nouveaux) == 0 && !titre})
	return res, nil
}

func regleEntretien(p Passage, efDu bool, manquants []string) RegleAppliquee {
	r := RegleAppliquee{Code: "entretien_final", Source: SourceReferentiel}
	switch {
	case !efDu:
		r.Code = "entretien_final_non_du"
		r.Detail = fmt.Sprintf("Pas d'entretien final à cette session : il a lieu en fin de session du dernier CCP manquant, au vu du livret de certification (CCP encore manquants : %s).", liste(manquants))
	case p.EntretienFinal == AvisFavorable:
		r.Detail = "L'entretien final a eu lieu à cette session ; avis favorable."
	case p.EntretienFinal == AvisDefavorable:
		r.Code = "entretien_final_defavorable"
		r.Detail = "L'entretien final a eu lieu à cette session ; avis défavorable : le titre ne peut pas être attribué."
	default:
		r.Code = "entretien_final_non_tenu"
		r.Detail = "L'entretien final, dû à cette session, n'a pas eu lieu : le titre ne peut pas être attribué."
	}
	return r
}

func (m *moteur) passageCCS(st *etat, p Passage) (Resultat, error) {
	v := m.x.versions[p.VersionID]
	ici := fmt.Sprintf("session %s du %s", p.SessionID, dateFr(p.Date))
	if !valideLe(v, p.Date) {
		return Resultat{}, incoherence("version_hors_validite", "Passage à la %s : la version %s n'est valide que du %s au %s.", ici, v.nom(), dateFr(v.Debut), dateFr(v.Fin))
	}
	if err := lireInscrits(p, v, v.CCS, "CCS"); err != nil {
		return Resultat{}, err
	}
	if len(p.CCPInscrits) == 0 {
		return Resultat{}, incoherence("aucun_ccp_inscrit", "Passage à la %s : aucun CCS inscrit.", ici)
	}
	res := Resultat{EntretienFinalDu: true}
	var regles []RegleAppliquee
	obtenus := map[string]CCPCompte{}
	for _, a := range st.ccs {
		if a.version == v.ID && obtenus[a.ccp].CCP == "" {
			c := CCPCompte{CCP: a.ccp, Origine: OrigineSessionAnterieure, SessionID: a.session, VersionID: a.version, CCPOrigine: a.ccp, Date: a.date, Compte: true}
			obtenus[a.ccp] = c
			res.CCPAcquis = append(res.CCPAcquis, c)
		}
	}
	var nouveaux []acquisition
	switch p.Presence {
	case Absent, Excuse:
		if len(p.Evaluations) > 0 || p.EntretienFinal != AvisNonTenu {
			return Resultat{}, incoherence("decision_candidat_absent", "Passage à la %s : le candidat est noté %s, aucune décision ni entretien final ne peut être enregistré.", ici, libellePresence(p.Presence))
		}
		regles = append(regles, RegleAppliquee{Code: "candidat_absent", Source: SourceReglementSessions,
			Detail: fmt.Sprintf("Le candidat était %s à la %s : aucun CCS n'y est obtenu.", libellePresence(p.Presence), ici)})
	case ExcluFraude:
		regles = append(regles, RegleAppliquee{Code: "exclusion_fraude", Source: SourceReglementSessions,
			Detail: fmt.Sprintf("Le candidat a été exclu pour fraude de la %s : aucun CCS n'y est obtenu.", ici)})
	case Present:
		evals, err := m.lireEvaluations(p)
		if err != nil {
			return Resultat{}, err
		}
		var acquis []string
		for _, c := range p.CCPInscrits {
			if e := evals[c]; e.Decision == Acquis {
				acquis = append(acquis, c)
			} else {
				regles = append(regles, RegleAppliquee{Code: "ccs_non_acquis", Source: SourceReferentiel,
					Detail: fmt.Sprintf("%s n'est pas acquis à la %s ; motifs du jury : %s", c, ici, citation(e.Motifs))})
			}
		}
		if len(acquis) > 0 && p.EntretienFinal == AvisNonTenu {
			return Resultat{}, incoherence("ef_manquant", "Passage à la %s : le jury a évalué favorablement %s mais l'entretien final n'est pas renseigné.", ici, liste(acquis))
		}
		for _, c := range acquis {
			if p.EntretienFinal != AvisFavorable {
				regles = append(regles, RegleAppliquee{Code: "entretien_final_defavorable", Source: SourceReferentiel,
					Detail: fmt.Sprintf("%s : l'évaluation est favorable mais l'entretien final est défavorable, le CCS n'est pas obtenu.", c)})
				continue
			}
			if obtenus[c].CCP == "" {
				nouveaux = append(nouveaux, acquisition{version: v.ID, ccp: c, date: p.Date, session: p.SessionID})
			}
			regles = append(regles, RegleAppliquee{Code: "ccs_obtenu", Source: SourceReferentiel,
				Detail: fmt.Sprintf("%s obtenu le %s : évaluation et entretien final favorables. Un parchemin est délivré.", c, dateFr(p.Date))})
		}
	}
	for _, a := range nouveaux {
		c := CCPCompte{CCP: a.ccp, Origine: OrigineSession, SessionID: a.session, VersionID: a.version, CCPOrigine: a.ccp, Date: a.date, Compte: true}
		obtenus[a.ccp] = c
		res.CCPAcquis = append(res.CCPAcquis, c)
	}
	slices.SortStableFunc(res.CCPAcquis, func(a, b CCPCompte) int {
		return cmp.Compare(slices.Index(v.CCS, a.CCP), slices.Index(v.CCS, b.CCP))
	})
	res.CCPManquants = saufTenus(v.CCS, obtenus)
	switch {
	case len(nouveaux) > 0:
		res.Issue = IssueCCS
	case p.Presence == Absent || p.Presence == Excuse:
		res.Issue = IssueAbsent
	default:
		res.Issue = IssueEchec
		regles = append(regles, RegleAppliquee{Code: "echec", Source: SourceReferentiel,
			Detail: fmt.Sprintf("Aucun CCS n'est obtenu à la %s.", ici)})
	}
	res.Explication = regles
	st.ccs = append(st.ccs, nouveaux...)
	st.bilans = append(st.bilans, bilan{date: p.Date, titreCode: v.TitreCode, ccs: true, rienAcquis: len(nouveaux) == 0})
	return res, nil
}

// compter lists the CCP held before day d and what each is worth for
// version v: a CCP counts if it belongs to v or maps to it through the
// correspondences; one of the same titre that does not map is listed as
// not counting. The first acquisition of a CCP is the one kept.
func (m *moteur) compter(st *etat, v *Version, d time.Time) ([]CCPCompte, []RegleAppliquee) {
	var comptes []CCPCompte
	var regles []RegleAppliquee
	vus := map[cleCCP]bool{}
	for _, a := range st.acquis {
		if !a.date.Before(d) {
			break
		}
		o := OrigineSessionAnterieure
		switch {
		case a.version != v.ID:
			o = OrigineCorrespondance
		case a.declaree:
			o = OrigineDeclaree
		}
		c := CCPCompte{Origine: o, SessionID: a.session, VersionID: a.version, CCPOrigine: a.ccp, Date: a.date}
		code, ok := m.x.correspondre(a.version, a.ccp, v.ID)
		if !ok {
			k := cleCCP{a.version, a.ccp}
			if m.x.versions[a.version].TitreCode != v.TitreCode || vus[k] {
				continue
			}
			vus[k] = true
			c.CCP = a.ccp
			comptes = append(comptes, c)
			regles = append(regles, RegleAppliquee{Code: "ccp_sans_correspondance", Source: SourceArrete2015Art3,
				Detail: fmt.Sprintf("%s, acquis le %s sous la version %s, n'a pas de correspondance dans la version %s : il reste acquis mais ne compte pas pour le titre.",
					a.ccp, dateFr(a.date), m.x.nom(a.version), v.nom())})
			continue
		}
		if k := (cleCCP{v.ID, code}); vus[k] {
			continue
		} else {
			vus[k] = true
		}
		c.CCP, c.Compte = code, true
		comptes = append(comptes, c)
		regles = append(regles, m.regleDetention(c, v))
	}
	return comptes, regles
}

func (m *moteur) regleDetention(c CCPCompte, v *Version) RegleAppliquee {
	switch c.Origine {
	case OrigineDeclaree:
		return RegleAppliquee{Code: "ccp_capitalisation_declaree", Source: SourceR3385,
			Detail: fmt.Sprintf("%s, déclaré acquis le %s (référence %s), compte pour le titre pendant la validité de la version %s.",
				c.CCP, dateFr(c.Date), c.SessionID, v.nom())}
	case OrigineCorrespondance:
		return RegleAppliquee{Code: "ccp_correspondance", Source: SourceArrete2015Art3,
			Detail: fmt.Sprintf("%s, acquis le %s sous la version %s (%s), compte comme %s de la version %s par correspondance entre les versions.",
				c.CCPOrigine, dateFr(c.Date), m.x.nom(c.VersionID), c.SessionID, c.CCP, v.nom())}
	}
	return RegleAppliquee{Code: "ccp_capitalise", Source: SourceR3385,
		Detail: fmt.Sprintf("%s, acquis le %s à la session %s, reste acquis et compte pour le titre pendant la validité de la version %s.",
			c.CCP, dateFr(c.Date), c.SessionID, v.nom())}
}

// horsValidite judges a session from debut to fin that is not entirely
// within the validity of v. Only a clôture leaves a way: a candidat who
// already holds CCP may still complete the titre for a while. It returns
// the rule that allows the session, or the refusal.
func (m *moteur) horsValidite(v *Version, debut, fin time.Time, detient bool) (RegleAppliquee, *Refus, error) {
	if debut.Before(v.Debut) {
		return RegleAppliquee{}, refus("version_hors_validite", "La version %s n'entre en vigueur que le %s ; la session commence le %s.",
			v.nom(), dateFr(v.Debut), dateFr(debut)), nil
	}
	switch {
	case v.Devenir == Cloture && detient:
		n, prm, err := m.p.Valeur(CleClotureDelai, v.Fin)
		if err != nil {
			return RegleAppliquee{}, nil, err
		}
		limite := ajouterMois(v.Fin, n)
		if fin.After(limite) {
			return RegleAppliquee{}, refus("cloture_delai_depasse",
				"La version %s a été clôturée au terme de sa validité, le %s : les CCP déjà acquis ne permettent de compléter le titre que jusqu'au %s, et la session se termine le %s.",
				v.nom(), dateFr(v.Fin), dateFr(limite), dateFr(fin)), nil
		}
		return RegleAppliquee{Code: "cloture_delai", Source: prm.Source,
			Detail: fmt.Sprintf("La version %s a été clôturée au terme de sa validité, le %s : le candidat, qui en détient déjà des CCP, peut compléter le titre jusqu'au %s.",
				v.nom(), dateFr(v.Fin), dateFr(limite))}, nil, nil
	case v.Devenir == Cloture:
		return RegleAppliquee{}, refus("version_hors_validite",
			"La version %s a été clôturée au terme de sa validité, le %s : seul un candidat qui en détient déjà des CCP peut encore s'y présenter.",
			v.nom(), dateFr(v.Fin)), nil
	case v.Devenir == Revise && m.x.suivante[v.ID] != nil:
		return RegleAppliquee{}, refus("version_hors_validite",
			"La version %s n'est plus valide depuis le %s : elle a été révisée, la session doit porter sur la version %s.",
			v.nom(), dateFr(v.Fin.AddDate(0, 0, 1)), m.x.suivante[v.ID].nom()), nil
	}
	return RegleAppliquee{}, refus("version_hors_validite", "La version %s n'est valide que jusqu'au %s ; la session se termine le %s.",
		v.nom(), dateFr(v.Fin), dateFr(fin)), nil
}

// dateLimite is the last day to complete the titre: the end of validity of
// the version the candidat will end up under, or a year after its clôture.
func (m *moteur) dateLimite(v *Version, manquants []string) (time.Time, RegleAppliquee, error) {
	w := m.x.derniere(v)
	objet := "se présenter aux CCP manquants (" + liste(manquants) + ")"
	if len(manquants) == 0 {
		objet = "passer l'entretien final"
	}
	suite := ""
	if w != v {
		suite = fmt.Sprintf(", qui succède à la version %s", v.nom())
	}
	if w.Devenir == Cloture {
		n, prm, err := m.p.Valeur(CleClotureDelai, w.Fin)
		if err != nil {
			return time.Time{}, RegleAppliquee{}, err
		}
		limite := ajouterMois(w.Fin, n)
		return limite, RegleAppliquee{Code: "date_limite", Source: prm.Source,
			Detail: fmt.Sprintf("Le candidat peut %s jusqu'au %s : la version %s%s a été clôturée le %s et les CCP acquis comptent encore %d mois.",
				objet, dateFr(limite), w.nom(), suite, dateFr(w.Fin), n)}, nil
	}
	return w.Fin, RegleAppliquee{Code: "date_limite", Source: SourceR3385,
		Detail: fmt.Sprintf("Le candidat peut %s jusqu'au %s, fin de validité de la version %s%s.", objet, dateFr(w.Fin), w.nom(), suite)}, nil
}

// lireInscrits checks that the blocs enrolled belong to the version, once.
func lireInscrits(p Passage, v *Version, codes []string, nature string) error {
	for i, c := range p.CCPInscrits {
		switch {
		case !slices.Contains(codes, c):
			return incoherence("ccp_hors_version", "Session %s : %s n'est pas un %s de la version %s.", p.SessionID, c, nature, v.nom())
		case slices.Contains(p.CCPInscrits[:i], c):
			return incoherence("ccp_en_double", "Session %s : %s est inscrit deux fois.", p.SessionID, c)
		}
	}
	return nil
}

// lireEvaluations checks the jury's record of a candidat present: one
// motivated decision per bloc enrolled, resting on the elements the route
// requires.
func (m *moteur) lireEvaluations(p Passage) (map[string]Evaluation, error) {
	voie := m.c.voie()
	evals := make(map[string]Evaluation, len(p.Evaluations))
	for _, e := range p.Evaluations {
		ici := fmt.Sprintf("Session %s du %s, %s", p.SessionID, dateFr(p.Date), e.CCP)
		_, double := evals[e.CCP]
		switch {
		case !slices.Contains(p.CCPInscrits, e.CCP):
			return nil, incoherence("decision_ccp_non_inscrit", "%s : une décision est enregistrée alors que le candidat n'y est pas inscrit.", ici)
		case double:
			return nil, incoherence("decision_en_double", "%s : deux décisions sont enregistrées.", ici)
		case e.Decision == "":
			return nil, incoherence("decision_manquante", "%s : la décision du jury n'est pas renseignée.", ici)
		case e.Decision != Acquis && e.Decision != NonAcquis:
			return nil, incoherence("valeur_inconnue", "%s : décision %q inconnue.", ici, e.Decision)
		case e.Decision == NonAcquis && strings.TrimSpace(e.Motifs) == "":
			return nil, incoherence("motifs_manquants", "%s : une décision « non acquis » doit être motivée.", ici)
		case !e.MSP || !e.DossierProfessionnel:
			return nil, incoherence("evaluation_incomplete", "%s : l'évaluation repose toujours sur une mise en situation professionnelle (ou la présentation d'un projet) et sur le dossier professionnel.", ici)
		case voie == voieVAE && e.ECFPrisEnCompte:
			return nil, incoherence("ecf_vae", "%s : des ECF sont pris en compte pour un candidat en VAE, qui n'en passe jamais.", ici)
		case voie == voieDirecte && e.ECFPrisEnCompte:
			return nil, incoherence("ecf_hors_formation", "%s : des ECF sont pris en compte pour un candidat qui n'a pas suivi de formation.", ici)
		case voie == voieFormation && m.c.ECF[e.CCP] && !e.ECFPrisEnCompte:
			return nil, incoherence("ecf_manquants", "%s : les résultats des ECF d'un candidat issu d'un parcours de formation ne sont pas pris en compte.", ici)
		}
		evals[e.CCP] = e
	}
	for _, c := range p.CCPInscrits {
		if _, ok := evals[c]; !ok {
			return nil, incoherence("decision_manquante", "Session %s du %s : aucune décision pour %s, auquel le candidat est inscrit.", p.SessionID, dateFr(p.Date), c)
		}
	}
	return evals, nil
}

// ordonner puts the CCP that count first, in the order of the version.
func ordonner(cs []CCPCompte, v *Version) {
	rang := func(c CCPCompte) int {
		if c.Compte {
			return slices.Index(v.CCP, c.CCP)
		}
		return len(v.CCP)
	}
	slices.SortStableFunc(cs, func(a, b CCPCompte) int { return cmp.Compare(rang(a), rang(b)) })
}

// sauf returns the codes that are not in exclus.
func sauf(codes, exclus []string) []string {
	var reste []string
	for _, c := range codes {
		if !slices.Contains(exclus, c) {
			reste = append(reste, c)
		}
	}
	return reste
}

// saufTenus returns the codes that are not keys of tenus.
func saufTenus(codes []string, tenus map[string]CCPCompte) []string {
	var reste []string
	for _, c := range codes {
		if _, ok := tenus[c]; !ok {
			reste = append(reste, c)
		}
	}
	return reste
}

func liste(codes []string) string {
	if len(codes) == 0 {
		return "aucun"
	}
	return strings.Join(codes, ", ")
}

// citation quotes the jury's own words and ends the sentence.
func citation(s string) string {
	return "« " + strings.TrimSuffix(strings.TrimSpace(s), ".") + " »."
}

func libellePresence(p Presence) string {
	if p == Excuse {
		return "excusé"
	}
	return "absent"
}

func libelleSession(t TypeSession) string {
	switch t {
	case SessionTitre:
		return "session titre"
	case SessionCCP:
		return "session CCP"
	case SessionCCS:
		return "session CCS"
	}
	return fmt.Sprintf("session %q", string(t))
}
