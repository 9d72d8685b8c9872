package rules

import (
	"fmt"
	"slices"
	"time"
)

// VerifierInscription checks whether the candidat of h may sit the blocs
// ccp (CCP codes, or CCS codes at a session CCS) at the planned session s,
// given the passages of h before s.Debut, and tells whether the entretien
// final takes place there for that candidat. An empty ccp is accepted only
// for a candidat who holds every CCP but still needs the entretien final.
//
// A refusal is a *Refus (ccp_deja_acquis, recevabilite_expiree,
// version_hors_validite, cloture_delai_depasse, ecf_manquants,
// formation_perimee, ccs_titre_non_detenu, …); an unknown version or value,
// or an incoherent history, is an *Incoherence.
func VerifierInscription(ref Referentiel, ps *Parametres, h Historique, s SessionPrevue, ccp []string) (entretienFinalDu bool, err error) {
	m, err := preparer(ref, ps, h)
	if err != nil {
		return false, err
	}
	v := m.x.versions[s.VersionID]
	if v == nil {
		return false, incoherence("version_inconnue", "La version %q est inconnue du référentiel.", s.VersionID)
	}
	s.Debut, s.Fin = jour(s.Debut), jour(s.Fin)
	if s.Fin.IsZero() {
		s.Fin = s.Debut
	}
	if s.Debut.IsZero() || s.Fin.Before(s.Debut) {
		return false, incoherence("dates_session", "Les dates de la session sont absentes ou inversées.")
	}
	st, err := m.etatAvant(s.Debut)
	if err != nil {
		return false, err
	}
	for i, c := range ccp {
		if slices.Contains(ccp[:i], c) {
			return false, refus("ccp_en_double", "%s est demandé deux fois.", c)
		}
	}
	switch s.Type {
	case SessionTitre, SessionCCP:
		return m.inscriptionTitre(st, v, s, ccp)
	case SessionCCS:
		return true, m.inscriptionCCS(st, v, s, ccp)
	}
	return false, incoherence("valeur_inconnue", "Type de session %q inconnu.", s.Type)
}

func (m *moteur) inscriptionTitre(st *etat, v *Version, s SessionPrevue, ccp []string) (bool, error) {
	c := m.c
	if c.Parcours == ParcoursCCS {
		return false, refus("type_session_parcours", "Un candidat en parcours CCS se présente à une session CCS, pas à une %s.", libelleSession(s.Type))
	}
	if d, ok := st.titres[v.TitreCode]; ok {
		return false, refus("titre_deja_obtenu", "Le candidat a obtenu le titre %s le %s.", v.TitreCode, dateFr(d))
	}
	detenus, _ := m.compter(st, v, s.Debut)
	tenu := map[string]CCPCompte{}
	for _, d := range detenus {
		if d.Compte {
			tenu[d.CCP] = d
		}
	}
	if !valideLe(v, s.Debut) || !valideLe(v, s.Fin) {
		_, interdit, err := m.horsValidite(v, s.Debut, s.Fin, len(tenu) > 0)
		if err != nil {
			return false, err
		}
		if interdit != nil {
			return false, interdit
		}
	}
	if c.Parcours == ParcoursFormation && s.Type == SessionCCP && len(tenu) == 0 {
		return false, refus("type_session_parcours",
			"Un candidat issu d'un parcours continu de formation se présente à une session titre ; la session CCP lui est ouverte après une réussite partielle.")
	}
	for _, code := range ccp {
		if !slices.Contains(v.CCP, code) {
			return false, refus("ccp_hors_version", "%s n'est pas un CCP de la version %s (%s).", code, v.nom(), liste(v.CCP))
		}
		if d, ok := tenu[code]; ok {
			return false, refus("ccp_deja_acquis", "%s est déjà acquis (%s) : un CCP acquis ne se repasse pas.", code, m.provenance(d))
		}
	}
	manquants := saufTenus(v.CCP, tenu)
	switch {
	case len(ccp) == 0 && len(manquants) > 0:
		return false, refus("ccp_aucun", "Aucun CCP demandé ; il manque au candidat %s.", liste(manquants))
	case s.Type == SessionTitre && len(ccp) < len(manquants):
		return false, refus("session_titre_incomplete", "À une session titre, le candidat présente tous les CCP qui lui manquent : %s n'est pas demandé.",
			liste(sauf(manquants, ccp)))
	}
	// A partial success (CCP of this titre that still count) is itself the
	// ground for capitalising the missing ones within the validity of the
	// titre, checked above: no new recevabilité, no new training evidence
	// (DOMAIN §6 bis, seed 002 §3).
	partiel := len(tenu) > 0
	switch c.voie() {
	case voieVAE:
		if err := m.verifierSansECF(); err != nil {
			return false, err
		}
		if !partiel {
			if err := m.verifierVAE(s); err != nil {
				return false, err
			}
		}
	default:
		if err := m.verifierFormation(st, v, s, ccp, false, partiel); err != nil {
			return false, err
		}
	}
	return s.Type == SessionTitre || len(ccp) == len(manquants), nil
}

func (m *moteur) inscriptionCCS(st *etat, v *Version, s SessionPrevue, ccs []string) error {
	c := m.c
	if c.Parcours != ParcoursCCS {
		return refus("type_session_parcours", "Seul un candidat en parcours CCS se présente à une session CCS.")
	}
	if !valideLe(v, s.Debut) || !valideLe(v, s.Fin) {
		return refus("version_hors_validite", "La version %s n'est valide que du %s au %s ; la session a lieu du %s au %s.",
			v.nom(), dateFr(v.Debut), dateFr(v.Fin), dateFr(s.Debut), dateFr(s.Fin))
	}
	if len(ccs) == 0 {
		return refus("ccp_aucun", "Aucun CCS demandé.")
	}
	for _, code := range ccs {
		if !slices.Contains(v.CCS, code) {
			return refus("ccp_hors_version", "%s n'est pas un CCS de la version %s (CCS : %s).", code, v.nom(), liste(v.CCS))
		}
		for _, a := range st.ccs {
			if a.version == v.ID && a.ccp == code {
				return refus("ccp_deja_acquis", "%s est déjà obtenu (%s, le %s).", code, a.session, dateFr(a.date))
			}
		}
	}
	if !m.titreDetenu(st, v) {
		return refus("ccs_titre_non_detenu", "Un CCS ne se prépare que par un titulaire du titre %s, que le candidat ne détient pas.", v.TitreCode)
	}
	if c.FinFormation != nil {
		return m.verifierFormation(st, v, s, ccs, true, false)
	}
	n, p, err := m.p.Valeur(CleCCSExperienceMin, s.Debut)
	if err != nil {
		return err
	}
	if c.MoisExperience < n {
		return refus("ccs_experience_insuffisante",
			"Sans formation, un CCS est ouvert à qui justifie de %d mois d'expérience dans le métier ; le candidat en déclare %d (%s).", n, c.MoisExperience, p.Source)
	}
	return nil
}

func (m *moteur) titreDetenu(st *etat, v *Version) bool {
	if _, ok := st.titres[v.TitreCode]; ok {
		return true
	}
	for _, t := range m.c.TitresDetenus {
		if t == v.TitreCode {
			return true
		}
		if w := m.x.versions[t]; w != nil && w.TitreCode == v.TitreCode {
			return true
		}
	}
	return false
}

// verifierSansECF refuses ECF results registered for a VAE candidat.
func (m *moteur) verifierSansECF() error {
	var ecf []string
	for code, ok := range m.c.ECF {
		if ok {
			ecf = append(ecf, code)
		}
	}
	if len(ecf) > 0 {
		slices.Sort(ecf)
		return refus("ecf_vae", "Des résultats d'ECF sont renseignés (%s) pour un candidat en VAE, qui n'en passe jamais.", liste(ecf))
	}
	return nil
}

// verifierVAE looks for a recevabilité that covers the whole session and
// opens its type, and reports the closest miss otherwise.
func (m *moteur) verifierVAE(s SessionPrevue) error {
	c := m.c
	for _, r := range c.Recevabilites {
		if r.DateNotification.IsZero() {
			return incoherence("recevabilite_invalide", "La recevabilité %s n'a pas de date de notification.", r.Reference)
		}
	}
	var notifiee, valide *Recevabilite
	var finValidite time.Time
	var insuffisante *Refus
	for i := range c.Recevabilites {
		r := &c.Recevabilites[i]
		notif := jour(r.DateNotification)
		if notif.After(s.Debut) {
			continue
		}
		notifiee = r
		n, _, err := m.p.Valeur(CleRecevabiliteValidite, notif)
		if err != nil {
			return err
		}
		finValidite = ajouterMois(notif, n)
		if s.Fin.After(finValidite) {
			continue
		}
		valide = r
		if r.TypeSession != s.Type {
			continue
		}
		min, p, err := m.p.Valeur(CleVAEExperienceMin, notif)
		if err != nil {
			return err
		}
		if r.MoisExperience >= min {
			return nil
		}
		insuffisante = refus("vae_experience_insuffisante",
			"La recevabilité %s, notifiée le %s, fait état de %d mois d'expérience ; %d mois étaient exigés à cette date (%s).",
			r.Reference, dateFr(notif), r.MoisExperience, min, p.Source)
	}
	if insuffisante != nil {
		return insuffisante
	}
	switch {
	case notifiee == nil:
		return refus("recevabilite_absente", "Aucune notification de recevabilité VAE n'est antérieure à la session du %s.", dateFr(s.Debut))
	case valide == nil:
		return refus("recevabilite_expiree", "La recevabilité %s, notifiée le %s, n'est valable que jusqu'au %s : elle ne couvre pas la session du %s au %s.",
			notifiee.Reference, dateFr(notifiee.DateNotification), dateFr(finValidite), dateFr(s.Debut), dateFr(s.Fin))
	}
	return refus("recevabilite_type_session", "La recevabilité %s ouvre une %s, pas une %s.",
		valide.Reference, libelleSession(valide.TypeSession), libelleSession(s.Type))
}

// verifierFormation checks a training candidat: the training, the ECF of
// every bloc sat, and, after a session that brought nothing, the delay
// beyond which a new training is needed. After a partial success the
// candidat needs neither training nor ECF to capitalise the missing CCP,
// but the delay still applies.
func (m *moteur) verifierFormation(st *etat, v *Version, s SessionPrevue, codes []string, ccs, partiel bool) error {
	c := m.c
	if c.FinFormation == nil && !partiel {
		return refus("formation_absente", "Aucune formation n'est renseignée : un candidat de ce parcours se présente à l'issue d'une formation en cohérence avec le titre.")
	}
	var sansECF []string
	for _, code := range codes {
		if !c.ECF[code] {
			sansECF = append(sansECF, code)
		}
	}
	if len(sansECF) > 0 && !partiel {
		return refus("ecf_manquants", "Les résultats des évaluations passées en cours de formation (ECF) manquent pour %s.", liste(sansECF))
	}
	var dernier *bilan
	for i := range st.bilans {
		if b := &st.bilans[i]; b.titreCode == v.TitreCode && b.ccs == ccs {
			dernier = b
		}
	}
	if dernier == nil || !dernier.rienAcquis || c.FinFormation != nil && c.FinFormation.After(dernier.date) {
		return nil
	}
	n, p, err := m.p.Valeur(CleNouvelleSessionSansFormation, dernier.date)
	if err != nil {
		return err
	}
	if limite := ajouterMois(dernier.date, n); s.Debut.After(limite) {
		formation := "il n'a suivi aucune formation depuis"
		if c.FinFormation != nil {
			formation = "sa formation s'est terminée le " + dateFr(*c.FinFormation)
		}
		return refus("formation_perimee",
			"Le candidat n'a rien acquis à sa dernière session, le %s, et %s : au-delà du %s, une nouvelle formation est requise (%s).",
			dateFr(dernier.date), formation, dateFr(limite), p.Source)
	}
	return nil
}

// provenance says where a CCP held comes from, for a person.
func (m *moteur) provenance(c CCPCompte) string {
	switch c.Origine {
	case OrigineDeclaree:
		return fmt.Sprintf("déclaré à l'inscription, référence %s du %s", c.SessionID, dateFr(c.Date))
	case OrigineCorrespondance:
		return fmt.Sprintf("par correspondance avec %s de la version %s, acquis le %s", c.CCPOrigine, m.x.nom(c.VersionID), dateFr(c.Date))
	}
	return fmt.Sprintf("session %s du %s", c.SessionID, dateFr(c.Date))
}
