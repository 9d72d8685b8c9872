package tableur

import (
	"time"

	"github.com/cipcert/cipcert/certification"
)

// paris is where the dates of decisions are read: a deliberation at 0 h 30
// in Lyon is dated that day, not the day before in UTC.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// ColonnesCeres are the columns of the results export, in the order of the
// ministry's CERES entry as the team reads it (docs/domaine.md, « Export
// CERES », à confirmer).
var ColonnesCeres = []any{
	"N° de session", "N° CERES", "Type de session", "Statut de la session", "Date de début", "Date de fin",
	"Code titre", "Version du titre", "Centre", "SIRET du centre",
	"Nom de naissance", "Nom d'usage", "Prénoms", "Date de naissance", "Lieu de naissance",
	"Parcours", "Code CCP", "Présence", "Décision", "Date de la décision", "Résultat",
}

// parcoursCourt names a parcours in a cell.
var parcoursCourt = map[certification.Parcours]string{
	certification.ParcoursFormation: "Formation", certification.ParcoursVAE: "VAE",
	certification.ParcoursCapitalisation: "Capitalisation", certification.ParcoursCCS: "CCS",
}

// typeSession names a session's type in a cell.
var typeSession = map[string]string{"titre": "Titre", "ccp": "CCP", "ccs": "CCS"}

// LigneCeres fills row (reused from line to line) with one line of the
// results export.
func LigneCeres(row []any, l *certification.LigneCeres) []any {
	date := ""
	if l.DelibereeAt != nil && l.Decision != "" {
		date = l.DelibereeAt.In(paris).Format("02/01/2006")
	}
	resultat := ""
	if l.Issue != "" {
		resultat = certification.LibelleIssue(l.Issue)
	}
	presence := ""
	if l.Presence != "" {
		presence = certification.LibellePresence(l.Presence)
	}
	return append(row[:0], l.SessionReference, l.NumeroCeres, typeSession[l.SessionType], l.SessionStatut.Libelle(),
		l.Debut.Francais(), l.Fin.Francais(), l.TitreCode, l.VersionCode, l.CentreNom, l.CentreSiret,
		l.NomNaissance, l.NomUsage, l.Prenoms, l.DateNaissance.Francais(), l.LieuNaissance,
		parcoursCourt[l.Parcours], l.CCP, presence, certification.LibelleDecision(l.Decision), date, resultat)
}

// ColonnesSessions are the columns of the sessions export.
var ColonnesSessions = []any{
	"N° de session", "Type de session", "Statut", "Date de début", "Date de fin", "Lieu", "Code titre", "Version du titre",
	"Centre", "Candidats inscrits", "Titres obtenus", "Réussites partielles", "Échecs", "Absents",
}

// LigneSession fills row with one session of the sessions export.
func LigneSession(row []any, l *certification.LigneSession) []any {
	return append(row[:0], l.Reference, typeSession[l.Type], l.Statut.Libelle(), l.Debut.Francais(), l.Fin.Francais(),
		l.Lieu, l.TitreCode, l.VersionCode, l.CentreNom, l.Candidats, l.Titre, l.Partiel, l.Echec, l.Absent)
}

// ColonnesStatistiques are the columns of the statistics export: a line
// per group of candidats, then a line per CCP whose last three columns
// only are filled.
var ColonnesStatistiques = []any{
	"Regroupement", "Libellé", "Candidats", "Présentés", "Titres obtenus", "Réussites partielles", "Échecs", "Absents",
	"Taux de titres (%)", "Taux de réussites partielles (%)", "Taux d'échecs (%)", "Taux d'absents (%)",
	"Décisions sur le CCP", "CCP acquis", "Taux de réussite au CCP (%)",
}

// Statistiques hands emit the rows of the statistics, after the header
// ColonnesStatistiques.
func Statistiques(st *certification.Statistiques, emit func([]any) error) error {
	groupe := func(quoi, libelle string, e certification.Effectifs) error {
		return emit([]any{quoi, libelle, e.Candidats, e.Presentes(), e.Titre, e.Partiel, e.Echec, e.Absent,
			Taux(e.Taux(e.Titre)), Taux(e.Taux(e.Partiel)), Taux(e.Taux(e.Echec)), Taux(e.Taux(e.Absent)), "", "", ""})
	}
	if err := groupe("Ensemble", "Toute la période", st.Total); err != nil {
		return err
	}
	for _, g := range st.ParCentre {
		if err := groupe("Centre", g.Libelle, g.Effectifs); err != nil {
			return err
		}
	}
	for _, g := range st.ParParcours {
		if err := groupe("Parcours", parcoursCourt[certification.Parcours(g.Cle)], g.Effectifs); err != nil {
			return err
		}
	}
	for _, g := range st.ParSession {
		if err := groupe("Session", g.Libelle+" du "+g.Date.Francais(), g.Effectifs); err != nil {
			return err
		}
	}
	for _, c := range st.ParCCP {
		if err := emit([]any{"CCP", c.TitreCode + " " + c.CCP + " : " + c.Intitule, "", "", "", "", "", "", "", "", "", "",
			c.Evalues, c.Acquis, Taux(c.Taux())}); err != nil {
			return err
		}
	}
	return nil
}
