package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type titreResponse struct {
	Code     string            `json:"code"`
	Intitule string            `json:"intitule"`
	Niveau   int               `json:"niveau"`
	NSF      string            `json:"nsf"`
	ROME     string            `json:"rome"`
	RNCP     string            `json:"rncp"`
	Version  int               `json:"version"`
	Versions []versionResponse `json:"versions"`
}

type versionResponse struct {
	Code    string         `json:"code"`
	Texte   string         `json:"texte"`
	Debut   string         `json:"debut"`
	Fin     string         `json:"fin"`
	Devenir string         `json:"devenir,omitempty"`
	CCP     []blocResponse `json:"ccp"`
	CCS     []blocResponse `json:"ccs"`
}

type blocResponse struct {
	Code            string               `json:"code"`
	Rang            int                  `json:"rang"`
	Intitule        string               `json:"intitule"`
	RNCPBloc        string               `json:"rncp_bloc,omitempty"`
	Competences     []competenceResponse `json:"competences"`
	Correspondances []string             `json:"correspondances,omitempty"`
}

type competenceResponse struct {
	Rang     int    `json:"rang"`
	Intitule string `json:"intitule"`
}

func toTitre(t certification.Titre) titreResponse {
	r := titreResponse{Code: t.Code, Intitule: t.Intitule, Niveau: t.Niveau, NSF: t.NSF, ROME: t.ROME, RNCP: t.RNCP,
		Version: t.Version, Versions: []versionResponse{}}
	for _, v := range t.Versions {
		vr := versionResponse{Code: v.Code, Texte: v.Texte, Debut: v.Debut.String(), Fin: v.Fin.String(),
			Devenir: v.Devenir, CCP: []blocResponse{}, CCS: []blocResponse{}}
		for _, b := range v.Blocs {
			br := blocResponse{Code: b.Code, Rang: b.Rang, Intitule: b.Intitule, RNCPBloc: b.RNCPBloc, Competences: []competenceResponse{},
				Correspondances: b.Correspondances}
			for _, c := range b.Competences {
				br.Competences = append(br.Competences, competenceResponse{c.Rang, c.Intitule})
			}
			if b.Nature == "ccs" {
				vr.CCS = append(vr.CCS, br)
			} else {
				vr.CCP = append(vr.CCP, br)
			}
		}
		r.Versions = append(r.Versions, vr)
	}
	return r
}

type titreListResponse struct {
	Titres []titreResponse `json:"titres"`
}

func (s *Server) handleTitreList(c echo.Context) error {
	ts, err := s.svc.Titres(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]titreResponse, len(ts))
	for i, t := range ts {
		out[i] = toTitre(t)
	}
	return c.JSON(http.StatusOK, titreListResponse{out})
}

func (s *Server) handleTitreGet(c echo.Context) error {
	t, err := s.svc.Titre(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return titreJSON(c, http.StatusOK, t)
}
