package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The audit trail of a session or of a candidat, for a person: who, when,
// what, and each value changed, in French.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/journal", Handler: (*Web).handleJournalSession,
			Title: "Historique de la session", Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/candidats/:id/journal", Handler: (*Web).handleJournalCandidat,
			Title: "Historique du candidat", Roles: autoriteOnly},
	)
}

// journalData is a trail laid out for reading.
type journalData struct {
	Sujet     string
	Lignes    []ligneJournal
	Candidat  string
	SessionID string
}

// ligneJournal is one event: when, who, what, about whom, and the values
// it changed.
type ligneJournal struct {
	At      time.Time
	Qui     string
	Quoi    string
	Sujet   string
	Motif   string
	Changes []changement
}

// changement is one value before and after.
type changement struct{ Champ, Avant, Apres string }

func (w *Web) handleJournalSession(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, err := w.svc.Session(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	evs, err := w.svc.Evenements(ctx, a, s.ID, "")
	if err != nil {
		return err
	}
	ins, err := w.svc.Inscriptions(ctx, a, s.ID)
	if err != nil {
		return err
	}
	noms := map[string]string{}
	for _, in := range ins {
		noms[in.CandidatID] = in.Prenoms + " " + in.NomNaissance
	}
	d, err := w.journal(c, evs, noms)
	if err != nil {
		return err
	}
	d.Sujet, d.SessionID = "la session "+s.Reference, s.ID
	v := w.view(c, d)
	v.Title = "Historique de la session " + s.Reference
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"}, crumb{"Session " + s.Reference, "/autorite/sessions/" + s.ID})
	return w.render(c, http.StatusOK, "autorite_journal", v)
}

func (w *Web) handleJournalCandidat(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	cand, err := w.svc.Candidat(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	evs, err := w.svc.Evenements(ctx, a, "", cand.ID)
	if err != nil {
		return err
	}
	nom := cand.Prenoms + " " + cand.NomNaissance
	d, err := w.journal(c, evs, map[string]string{cand.ID: nom})
	if err != nil {
		return err
	}
	d.Sujet, d.Candidat = nom, cand.ID
	v := w.view(c, d)
	v.Title = "Historique de " + nom
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"})
	return w.render(c, http.StatusOK, "autorite_journal", v)
}

// journal turns events into lines, most recent first, naming their
// authors.
func (w *Web) journal(c echo.Context, evs []certification.Evenement, candidats map[string]string) (*journalData, error) {
	a, _ := acteur(c)
	var ids []string
	for _, e := range evs {
		if e.UtilisateurID != nil && !slices.Contains(ids, *e.UtilisateurID) {
			ids = append(ids, *e.UtilisateurID)
		}
	}
	noms, err := w.svc.NomsComptes(c.Request().Context(), a, ids)
	if err != nil {
		return nil, err
	}
	d := &journalData{}
	for i := len(evs) - 1; i >= 0; i-- {
		d.Lignes = append(d.Lignes, ligneEvenement(evs[i], noms, candidats))
	}
	return d, nil
}

// libelleAction says what an event did, by its action.
var libelleAction = map[string]string{
	"session_creee":              "Session planifiée",
	"session_declaree":           "Session déclarée",
	"session_tenue":              "Session tenue : saisie des résultats ouverte",
	"session_deliberee":          "Session délibérée : résultats verrouillés",
	"session_validee":            "PV validé : résultats publiés",
	"session_annulee":            "Session annulée",
	"session_modifiee":           "Session modifiée par le centre (dates, lieu ou responsable)",
	"jury_membre_remplace":       "Membre du jury remplacé",
	"session_ceres":              "Numéro CERES et date de déclaration enregistrés",
	"inscription_excusee":        "Excuse du candidat notée par le centre",
	"inscription":                "Candidat inscrit",
	"inscription_retiree":        "Inscription retirée",
	"presence":                   "Présence et entretien final saisis",
	"evaluation":                 "Décision du jury saisie",
	"pv_signe":                   "PV signé",
	"incident":                   "Incident ou observation consigné par le jury",
	"incident_retire":            "Incident ou observation retiré par le jury avant la signature du PV",
	"amenagement_accorde":        "Aménagement d’épreuves enregistré par le centre",
	"amenagement_modifie":        "Aménagement d’épreuves modifié par le centre",
	"amenagement_retire":         "Aménagement d’épreuves retiré par le centre",
	"issue":                      "Issue établie par les règles",
	"revocation":                 "Décision corrigée par l’autorité",
	"document_emis":              "Document délivré",
	"document_remplace":          "Document remplacé",
	"document_revoque":           "Document révoqué",
	"duplicata_emis":             "Duplicata délivré à la demande du titulaire",
	"candidat_cree":              "Candidat enregistré",
	"candidat_modifie":           "Dossier du candidat modifié",
	"candidat_archive":           "Candidat archivé",
	"identite_rectifiee":         "Identité rectifiée par l’autorité",
	"lien_declare":               "Lien avec un membre de jury déclaré",
	"compte_ouvert":              "Compte du candidat ouvert par le centre (lien d’activation)",
	"activation_renouvelee":      "Nouveau lien d’activation du compte du candidat",
	"compte_active":              "Compte du candidat activé",
	"compte_desactive":           "Compte désactivé",
	"compte_reactive":            "Compte réactivé",
	"membre_cree":                "Membre de jury enregistré",
	"membre_compte_lie":          "Fiche du membre de jury reliée à son compte",
	"centre_cree":                "Centre enregistré par l’administrateur",
	"centre_modifie":             "Centre modifié par l’administrateur",
	"titre_cree":                 "Titre créé au référentiel",
	"version_ajoutee":            "Première version du titre ajoutée",
	"version_remplacee":          "Version du titre remplacée avant tout usage",
	"version_revisee":            "Version du titre révisée",
	"version_cloturee":           "Version du titre clôturée",
	"habilitation":               "Habilitation accordée",
	"habilitation_prolongee":     "Habilitation prolongée",
	"habilitation_terminee":      "Habilitation terminée",
	"territoire_modifie":         "Territoire du compte de l’autorité modifié",
	"compte_email_modifie":       "Adresse électronique du compte modifiée",
	"demande_rectification":      "Rectification demandée par le candidat",
	"demande_effacement":         "Effacement demandé par le candidat",
	"conservation_appliquee":     "Durées de conservation appliquées : données supprimées ou pseudonymisées",
	"connexion":                  "Connexion",
	"connexion_refusee":          "Connexion refusée",
	"invitation_envoyee":         "Invitation envoyée par courriel",
	"invitation_acceptee":        "Invitation acceptée : mot de passe choisi",
	"reinitialisation_demandee":  "Réinitialisation du mot de passe demandée",
	"reinitialisation_effectuee": "Mot de passe réinitialisé par courriel",
	"mot_de_passe_change":        "Mot de passe changé",
	"totp_active":                "Validation en deux étapes activée",
	"totp_code_secours_utilise":  "Connexion avec un code de secours",
	"totp_reinitialise":          "Validation en deux étapes réinitialisée par l’administrateur",
	"recours_depose":             "Recours formé contre le résultat",
	"recours_piece":              "Pièce jointe au recours",
	"recours_renvoye_jury":       "Recours renvoyé au jury pour une nouvelle délibération",
	"recours_proposition":        "Nouvelle décision proposée par un membre du jury",
	"recours_signe":              "Nouvelle décision signée par un membre du jury",
	"recours_decide":             "Recours décidé par l’autorité",
}

// libelleRole names the role of an author without an account name.
var libelleRole = map[certification.Role]string{
	certification.RoleAdmin: "l’administrateur", certification.RoleAutorite: "l’autorité", certification.RoleCentre: "le centre",
	certification.RoleJury: "un membre du jury", certification.RoleCandidat: "le candidat",
	certification.RoleSysteme: "cipcert, tâche planifiée",
}

// libelleChamp names the fields of the trail's snapshots.
var libelleChamp = map[string]string{
	"statut": "Statut", "decision": "Décision", "motifs": "Motifs", "msp": "Mise en situation professionnelle",
	"entretien_technique": "Entretien technique", "questionnaire_professionnel": "Questionnaire professionnel",
	"questionnement_productions": "Questionnement à partir de productions", "dossier_professionnel": "Dossier professionnel",
	"ecf_pris_en_compte": "ECF pris en compte", "presence": "Présence", "entretien_final": "Entretien final",
	"issue": "Issue", "ccp_manquants": "CCP manquants", "nom_naissance": "Nom de naissance", "nom_usage": "Nom d’usage",
	"prenoms": "Prénoms", "date_naissance": "Date de naissance", "lieu_naissance": "Lieu de naissance", "email": "Courriel",
	"parcours": "Parcours", "titre_code": "Titre", "debut": "Début", "fin": "Fin", "lieu": "Lieu", "responsable": "Responsable",
	"ccp": "CCP", "type": "Type", "numero": "Numéro", "remplace_par": "Remplacé par", "reference": "Référence",
	"piece_justificative": "Pièce justificative", "nature": "Nature", "version_code": "Version du titre",
	"entretien_final_du": "Entretien final dû", "motif_annulation": "Motif de l’annulation",
	"motif_regularisation": "Motif de la régularisation", "motif_retrait": "Motif du retrait", "mois_experience": "Mois d’expérience",
	"heure": "Heure de convocation", "membre": "Membre du jury", "motif_excuse": "Excuse du candidat",
	"numero_ceres": "Numéro CERES", "ceres_declaree_le": "Déclarée dans CERES le",
	"detail": "Détail", "decision_reference": "Référence de la décision", "decision_date": "Date de la décision",
	"destinataire": "Adressée à", "description": "Texte",
}

// champsTechniques are kept in the trail for machines, not shown to people.
var champsTechniques = map[string]bool{"id": true, "version": true, "sha256": true, "empreinte": true, "saisi_par": true,
	"membre_id": true, "candidat_id": true, "utilisateur_id": true, "validee_par": true, "jury": true,
	"declaree_at": true, "tenue_at": true, "deliberee_at": true, "validee_at": true, "motif": true}

// libelleValeur says the stored values of the trail in French.
var libelleValeur = map[string]string{
	"acquis": "acquis", "non_acquis": "non acquis", "present": "présent", "absent": "absent", "excuse": "excusé",
	"exclu_fraude": "exclu pour fraude", "favorable": "favorable", "defavorable": "défavorable",
	"titre": "titre obtenu", "ccs": "CCS obtenu", "partiel": "réussite partielle", "echec": "échec",
	"valide": "en vigueur", "remplace": "remplacé", "revoque": "révoqué", "parchemin": "parchemin", "livret": "livret", "fiche": "fiche de résultats",
	"pv": "procès-verbal", "erreur_materielle": "erreur matérielle", "formation": "formation", "vae": "VAE",
	"capitalisation": "capitalisation", "planifiee": "planifiée", "declaree": "déclarée", "tenue": "tenue",
	"deliberee": "délibérée", "validee": "validée", "annulee": "annulée",
	"temps_majore": "temps majoré", "assistance_humaine": "assistance humaine", "aide_technique": "aide technique",
	"format_adapte": "format adapté", "salle_adaptee": "salle adaptée",
}

func ligneEvenement(e certification.Evenement, noms, candidats map[string]string) ligneJournal {
	l := ligneJournal{At: e.At, Quoi: libelleAction[e.Action]}
	if l.Quoi == "" {
		l.Quoi = strings.ReplaceAll(e.Action, "_", " ")
	}
	switch {
	case e.UtilisateurID != nil && noms[*e.UtilisateurID] != "":
		l.Qui = noms[*e.UtilisateurID] + " (" + libelleRole[e.Role] + ")"
	default:
		l.Qui = libelleRole[e.Role]
	}
	if e.CandidatID != nil {
		l.Sujet = candidats[*e.CandidatID]
	}
	avant, apres := snapshot(e.Avant), snapshot(e.Apres)
	// A correction stores the revoked decision before, and after it the
	// nature, the reason and the decision that replaces it.
	if m, ok := apres["motif"].(string); ok {
		l.Motif = m
	}
	if r, ok := apres["remplacee_par"].(map[string]any); ok {
		if n, ok := apres["nature"].(string); ok && n != "" {
			l.Quoi += " — " + valeur(n)
		}
		apres = r
	}
	if ccp, ok := apres["ccp"].(string); ok && e.Objet == "evaluation" {
		l.Quoi += " : " + ccp
	}
	l.Changes = changements(avant, apres)
	return l
}

// snapshot reads a stored snapshot; anything else reads as empty.
func snapshot(s string) map[string]any {
	m := map[string]any{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), &m)
	}
	return m
}

// changements lists the values that differ between two snapshots, in the
// order of the labels above, then the others by name.
func changements(avant, apres map[string]any) []changement {
	var keys []string
	for k := range apres {
		keys = append(keys, k)
	}
	for k := range avant {
		if _, ok := apres[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []changement
	for _, k := range keys {
		if champsTechniques[k] {
			continue
		}
		av, ap := valeur(avant[k]), valeur(apres[k])
		if av == ap {
			continue
		}
		champ := libelleChamp[k]
		if champ == "" {
			champ = strings.ReplaceAll(k, "_", " ")
		}
		out = append(out, changement{champ, av, ap})
	}
	return out
}

// valeur says a snapshot's value in French: dates as JJ/MM/AAAA, yes or
// no, codes by their label.
func valeur(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "oui"
		}
		return "non"
	case float64:
		return fmt.Sprintf("%g", x)
	case string:
		if l, ok := libelleValeur[x]; ok {
			return l
		}
		if d, err := certification.ParseDate(x); err == nil {
			return d.Francais()
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.In(paris).Format("02/01/2006 à 15h04")
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = valeur(p)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		var parts []string
		for _, c := range changements(nil, x) {
			parts = append(parts, c.Champ+" : "+c.Apres)
		}
		return strings.Join(parts, " ; ")
	}
	return fmt.Sprint(v)
}
