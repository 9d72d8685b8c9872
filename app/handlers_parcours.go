package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/rules"
)

type regleResponse struct {
	Code   string `json:"code"`
	Source string `json:"source"`
	Detail string `json:"detail"`
}

type ccpAcquisResponse struct {
	CCP        string `json:"ccp"`
	Origine    string `json:"origine"`
	Session    string `json:"session"`
	VersionID  string `json:"version_id"`
	CCPOrigine string `json:"ccp_origine"`
	Date       string `json:"date"`
	Compte     bool   `json:"compte"`
}

type resultatResponse struct {
	Issue            string              `json:"issue"`
	CCPAcquis        []ccpAcquisResponse `json:"ccp_acquis"`
	CCPManquants     []string            `json:"ccp_manquants"`
	DateLimite       *string             `json:"date_limite"`
	EntretienFinalDu bool                `json:"entretien_final_du"`
	Explication      []regleResponse     `json:"explication"`
}

func toResultat(r *rules.Resultat) *resultatResponse {
	if r == nil {
		return nil
	}
	out := &resultatResponse{Issue: string(r.Issue), CCPAcquis: []ccpAcquisResponse{}, CCPManquants: r.CCPManquants,
		EntretienFinalDu: r.EntretienFinalDu, Explication: []regleResponse{}}
	if out.CCPManquants == nil {
		out.CCPManquants = []string{}
	}
	if r.DateLimite != nil {
		s := r.DateLimite.Format(certification.DateLayout)
		out.DateLimite = &s
	}
	for _, c := range r.CCPAcquis {
		out.CCPAcquis = append(out.CCPAcquis, ccpAcquisResponse{c.CCP, string(c.Origine), c.SessionID, c.VersionID, c.CCPOrigine,
			c.Date.Format(certification.DateLayout), c.Compte})
	}
	for _, e := range r.Explication {
		out.Explication = append(out.Explication, regleResponse{e.Code, e.Source, e.Detail})
	}
	return out
}

type passageResponse struct {
	Session        sessionResponse     `json:"session"`
	Inscription    inscriptionResponse `json:"inscription"`
	Resultat       *resultatResponse   `json:"resultat"`
	RecoursJusquau *string             `json:"recours_jusqu_au"`
}

type situationResponse struct {
	SessionReference string `json:"session_reference"`
	*resultatResponse
	// ComptentAujourdhui tells, per CCP acquired, whether it counts today;
	// encoding/json writes the keys in their byte order.
	ComptentAujourdhui map[string]bool `json:"comptent_aujourd_hui"`
}

type dossierResponse struct {
	Candidat       candidatResponse   `json:"candidat"`
	Situation      *situationResponse `json:"situation"`
	ProchaineEtape string             `json:"prochaine_etape"`
	Sessions       []passageResponse  `json:"sessions"`
	Le             time.Time          `json:"le"`
}

func (s *Server) handleParcoursGet(c echo.Context) error {
	d, err := s.svc.Parcours(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := dossierResponse{Candidat: toCandidat(*d.Candidat), ProchaineEtape: d.ProchaineEtape, Sessions: []passageResponse{},
		Le: s.svc.Now().UTC()}
	if d.Situation != nil {
		comptes := make(map[string]bool, len(d.Compte))
		for _, x := range d.Compte {
			comptes[x.CCP] = x.Compte
		}
		out.Situation = &situationResponse{SessionReference: d.SituationSession, resultatResponse: toResultat(d.Situation),
			ComptentAujourdhui: comptes}
	}
	for _, p := range d.Passages {
		out.Sessions = append(out.Sessions, passageResponse{Session: toSession(p.Session), Inscription: toInscription(p.Inscription),
			Resultat: toResultat(p.Resultat), RecoursJusquau: dateString(p.RecoursJusquau)})
	}
	return c.JSON(http.StatusOK, out)
}
