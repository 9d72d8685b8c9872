package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

type sessionModificationRequest struct {
	Debut       string `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin         string `json:"fin" validate:"required,datetime=2006-01-02"`
	Heure       string `json:"heure" validate:"max=5,nocontrol"`
	Lieu        string `json:"lieu" validate:"required,notblank,max=300,nocontrol"`
	Responsable string `json:"responsable" validate:"required,notblank,max=200,nocontrol"`
}

type juryRemplacementRequest struct {
	Ancien  string `json:"ancien" validate:"required,max=64"`
	Nouveau string `json:"nouveau" validate:"required,max=64"`
}

type ceresRequest struct {
	NumeroCeres string `json:"numero_ceres" validate:"required,max=20,nocontrol"`
	DeclareeLe  string `json:"declaree_le" validate:"required,datetime=2006-01-02"`
}

// sessionVersionJSON answers a change of a session with it and its version
// as ETag, the If-Match of the next change.
func sessionVersionJSON(c echo.Context, ss *certification.Session, err error) error {
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(ss.Version))
	return c.JSON(http.StatusOK, toSession(*ss))
}

func (s *Server) handleSessionUpdate(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req sessionModificationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ss, err := s.svc.ModifierSession(c.Request().Context(), acteur(c), c.Param("id"), version, certification.ModificationSession{
		Debut: date(req.Debut), Fin: date(req.Fin), Heure: req.Heure, Lieu: req.Lieu, Responsable: req.Responsable})
	return sessionVersionJSON(c, ss, err)
}

func (s *Server) handleJuryReplace(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req juryRemplacementRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ss, err := s.svc.RemplacerMembreJury(c.Request().Context(), acteur(c), c.Param("id"), version, req.Ancien, req.Nouveau)
	return sessionVersionJSON(c, ss, err)
}

func (s *Server) handleCeresRecord(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req ceresRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ss, err := s.svc.EnregistrerCeres(c.Request().Context(), acteur(c), c.Param("id"), version, req.NumeroCeres, date(req.DeclareeLe))
	return sessionVersionJSON(c, ss, err)
}

func (s *Server) handleInscriptionExcuse(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.svc.ExcuserCandidat(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"), req.Motif); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// The centre's documents are produced on demand and never stored: each
// answer reflects the session as it stands, hence no-store.

func (s *Server) handleConvocation(c echo.Context) error {
	data, err := s.svc.ConvocationPDF(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"))
	return web.SendDraftPDF(c, "convocation.pdf", data, err)
}

func (s *Server) handleConvocations(c echo.Context) error {
	data, err := s.svc.ConvocationsSessionPDF(c.Request().Context(), acteur(c), c.Param("id"))
	return web.SendDraftPDF(c, "convocations.pdf", data, err)
}

func (s *Server) handleEmargement(c echo.Context) error {
	data, err := s.svc.FeuilleEmargementPDF(c.Request().Context(), acteur(c), c.Param("id"))
	return web.SendDraftPDF(c, "feuille-emargement.pdf", data, err)
}
