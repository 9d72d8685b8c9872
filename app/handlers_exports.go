package app

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/tableur"
	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

// periodeParams reads the period of an export or of the statistics; the
// service checks that it is whole, in order and not too long.
func periodeParams(q url.Values) (certification.FiltrePeriode, []ChampErreur) {
	f := certification.FiltrePeriode{CentreID: q.Get("centre_id"), SessionID: q.Get("session_id")}
	var debut, fin *certification.Date
	fields := dateParams(q, nil, dateParam{"debut", &debut}, dateParam{"fin", &fin})
	for _, d := range []struct {
		name string
		from *certification.Date
		to   *certification.Date
	}{{"debut", debut, &f.Debut}, {"fin", fin, &f.Fin}} {
		switch {
		case d.from == nil:
		case !certification.DateDePeriode(*d.from):
			fields = append(fields, ChampErreur{d.name, "hors_limites", certification.MessageDateDePeriode})
		default:
			*d.to = *d.from
		}
	}
	return f, idParams(q, fields, "centre_id", "session_id")
}

// exportParams reads the period and the file format of an export.
func exportParams(c echo.Context) (certification.FiltrePeriode, tableur.Format, error) {
	q := c.QueryParams()
	f, fields := periodeParams(q)
	format, ok := tableur.ParseFormat(q.Get("format"))
	if !ok {
		fields = append(fields, ChampErreur{"format", "inconnu", "Format inconnu ; valeurs admises : csv, xlsx."})
	}
	if len(fields) > 0 {
		return f, "", badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.", fields...)
	}
	return f, format, nil
}

func (s *Server) handleExportResultats(c echo.Context) error {
	f, format, err := exportParams(c)
	if err != nil {
		return err
	}
	return web.SendResultatsCeres(c, s.svc, acteur(c), f, format)
}

func (s *Server) handleExportSessions(c echo.Context) error {
	f, format, err := exportParams(c)
	if err != nil {
		return err
	}
	return web.SendSessions(c, s.svc, acteur(c), f, format)
}

func (s *Server) handleStatistiquesExport(c echo.Context) error {
	f, format, err := exportParams(c)
	if err != nil {
		return err
	}
	st, err := s.svc.Statistiques(c.Request().Context(), acteur(c), f)
	if err != nil {
		return err
	}
	return web.SendStatistiques(c, st, f, format)
}

// effectifsResponse are the outcomes of a group of candidats; the rates
// are shares of candidats, between 0 and 1.
type effectifsResponse struct {
	Candidats   int64   `json:"candidats"`
	Presentes   int64   `json:"presentes"`
	Titres      int64   `json:"titres"`
	Partiels    int64   `json:"reussites_partielles"`
	Echecs      int64   `json:"echecs"`
	Absents     int64   `json:"absents"`
	TauxTitre   float64 `json:"taux_titre"`
	TauxPartiel float64 `json:"taux_reussite_partielle"`
	TauxEchec   float64 `json:"taux_echec"`
	TauxAbsent  float64 `json:"taux_absent"`
}

type groupeResponse struct {
	Cle     string `json:"cle"`
	Libelle string `json:"libelle"`
	Debut   string `json:"debut,omitempty"`
	effectifsResponse
}

type reussiteCCPResponse struct {
	TitreCode string  `json:"titre_code"`
	CCP       string  `json:"ccp"`
	Intitule  string  `json:"intitule"`
	Decisions int64   `json:"decisions"`
	Acquis    int64   `json:"acquis"`
	Taux      float64 `json:"taux_reussite"`
}

type statistiquesResponse struct {
	Debut             string                `json:"debut"`
	Fin               string                `json:"fin"`
	Total             effectifsResponse     `json:"total"`
	ParCentre         []groupeResponse      `json:"par_centre"`
	ParParcours       []groupeResponse      `json:"par_parcours"`
	ParSession        []groupeResponse      `json:"par_session"`
	SessionsTronquees bool                  `json:"sessions_tronquees"`
	ParCCP            []reussiteCCPResponse `json:"par_ccp"`
}

func effectifsOf(e certification.Effectifs) effectifsResponse {
	return effectifsResponse{Candidats: e.Candidats, Presentes: e.Presentes(), Titres: e.Titre, Partiels: e.Partiel,
		Echecs: e.Echec, Absents: e.Absent, TauxTitre: e.Taux(e.Titre), TauxPartiel: e.Taux(e.Partiel),
		TauxEchec: e.Taux(e.Echec), TauxAbsent: e.Taux(e.Absent)}
}

func groupesOf(gs []certification.GroupeEffectifs) []groupeResponse {
	out := make([]groupeResponse, len(gs))
	for i, g := range gs {
		out[i] = groupeResponse{Cle: g.Cle, Libelle: g.Libelle, effectifsResponse: effectifsOf(g.Effectifs)}
		if !g.Date.IsZero() {
			out[i].Debut = g.Date.String()
		}
	}
	return out
}

func (s *Server) handleStatistiques(c echo.Context) error {
	f, fields := periodeParams(c.QueryParams())
	if len(fields) > 0 {
		return badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.", fields...)
	}
	st, err := s.svc.Statistiques(c.Request().Context(), acteur(c), f)
	if err != nil {
		return err
	}
	r := statistiquesResponse{Debut: f.Debut.String(), Fin: f.Fin.String(), Total: effectifsOf(st.Total), ParCentre: groupesOf(st.ParCentre),
		ParParcours: groupesOf(st.ParParcours), ParSession: groupesOf(st.ParSession), SessionsTronquees: st.SessionsTronquees,
		ParCCP: make([]reussiteCCPResponse, len(st.ParCCP))}
	for i, c := range st.ParCCP {
		r.ParCCP[i] = reussiteCCPResponse{TitreCode: c.TitreCode, CCP: c.CCP, Intitule: c.Intitule, Decisions: c.Evalues,
			Acquis: c.Acquis, Taux: c.Taux()}
	}
	return c.JSON(200, r)
}

// The fields of the statistics, documented here rather than in the shared
// table: they mean the same in every group.
func init() {
	for name, c := range map[string]champ{
		"presentes":                   {doc: "Candidats présents à la session : ceux dont le résultat n'est pas « absent ».", ex: 17, ro: true},
		"EffectifsResponse.titres":    {doc: "Titres (ou CCS) obtenus.", ex: 12, ro: true},
		"GroupeResponse.titres":       {doc: "Titres (ou CCS) obtenus.", ex: 12, ro: true},
		"EffectifsResponse.candidats": {doc: "Candidats délibérés : présents, absents ou excusés ; les candidats retirés ne comptent pas.", ex: 18, ro: true},
		"GroupeResponse.candidats":    {doc: "Candidats délibérés : présents, absents ou excusés ; les candidats retirés ne comptent pas.", ex: 18, ro: true},
		"reussites_partielles":        {doc: "Réussites partielles : au moins un CCP acquis, sans le titre.", ex: 3, ro: true},
		"echecs":                      {doc: "Échecs : aucun CCP acquis, ou exclusion pour fraude.", ex: 2, ro: true},
		"absents":                     {doc: "Candidats absents ou excusés.", ex: 1, ro: true},
		"taux_titre":                  {doc: "Part des candidats qui ont obtenu le titre, entre 0 et 1.", ex: 0.6667, ro: true},
		"taux_reussite_partielle":     {doc: "Part des candidats en réussite partielle, entre 0 et 1.", ex: 0.1667, ro: true},
		"taux_echec":                  {doc: "Part des candidats en échec, entre 0 et 1.", ex: 0.1111, ro: true},
		"taux_absent":                 {doc: "Part des candidats absents ou excusés, entre 0 et 1.", ex: 0.0556, ro: true},
		"cle":                         {doc: "Ce qui identifie le regroupement : l'identifiant du centre ou de la session, le code du parcours.", ex: exCentreID, ro: true},
		"libelle":                     {doc: "Le nom du centre, la référence de la session ou le code du parcours.", ex: "Avenir Insertion Formation", ro: true},
		"total":                       {doc: "Tous les candidats délibérés de la période.", ro: true},
		"par_centre":                  {doc: "Par centre, dans l'ordre des noms.", ro: true},
		"par_parcours":                {doc: "Par parcours du candidat.", ro: true},
		"par_session":                 {doc: "Par session, la plus récente d'abord.", ro: true},
		"sessions_tronquees":          {doc: "Vrai quand par_session ne donne que les sessions les plus récentes ; les totaux les comptent toutes.", ex: false, ro: true},
		"par_ccp":                     {doc: "Taux de réussite de chaque CCP, par titre.", ro: true},
		"decisions":                   {doc: "Décisions du jury sur ce CCP (acquis ou non acquis).", ex: 18, ro: true},
		"acquis":                      {doc: "Décisions « acquis ».", ex: 15, ro: true},
		"taux_reussite":               {doc: "Part des décisions « acquis », entre 0 et 1.", ex: 0.8333, ro: true},
	} {
		if _, ok := champs[name]; ok {
			panic("champ " + name + " is already documented")
		}
		champs[name] = c
	}
}
