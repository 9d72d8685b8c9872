package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

type connexionRequest struct {
	Identifiant string `json:"identifiant" validate:"required,max=100"`
	MotDePasse  string `json:"mot_de_passe" validate:"required,max=200"`
	// CodeTOTP is the code of the account's second factor, or one of its
	// recovery codes, when it has one.
	CodeTOTP string `json:"code_totp" validate:"max=32"`
}

type connexionResponse struct {
	Jeton    string    `json:"jeton"`
	Type     string    `json:"type"`
	ExpireLe time.Time `json:"expire_le"`
}

func (s *Server) handleConnexion(c echo.Context) error {
	var req connexionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if ok, wait := s.logins.allow(c.RealIP(), req.Identifiant, s.svc.Now()); !ok {
		return tooManyAttempts(wait)
	}
	token, exp, err := s.svc.ConnexionCode(c.Request().Context(), req.Identifiant, req.MotDePasse, req.CodeTOTP)
	if _, code := certification.SecondFacteurRequis(err); errors.Is(err, certification.ErrUnauthorized) && !code {
		s.logins.failed(c.RealIP(), req.Identifiant, s.svc.Now())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, connexionResponse{Jeton: token, Type: "Bearer", ExpireLe: exp})
}

func (s *Server) handleDeconnexion(c echo.Context) error {
	_, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if err := s.svc.Deconnexion(c.Request().Context(), strings.TrimSpace(token)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type moiResponse struct {
	ID          string `json:"id"`
	Identifiant string `json:"identifiant"`
	Nom         string `json:"nom"`
	Role        string `json:"role"`
	CentreID    string `json:"centre_id,omitempty"`
	CandidatID  string `json:"candidat_id,omitempty"`
}

func (s *Server) handleMoi(c echo.Context) error {
	a := acteur(c)
	return c.JSON(http.StatusOK, moiResponse{a.UtilisateurID, a.Identifiant, a.Nom, string(a.Role), a.CentreID, a.CandidatID})
}

type utilisateurRequest struct {
	Identifiant string `json:"identifiant" validate:"required,min=3,max=100,nocontrol"`
	Nom         string `json:"nom" validate:"required,notblank,max=200,nocontrol"`
	MotDePasse  string `json:"mot_de_passe" validate:"required,min=12,max=72"`
	Role        string `json:"role" validate:"required,oneof=admin autorite centre jury candidat"`
	CentreID    string `json:"centre_id" validate:"max=64"`
	CandidatID  string `json:"candidat_id" validate:"max=64"`
	// Territoire is required for an autorité account, and only for it.
	Territoire *territoireRequest `json:"territoire"`
	// Fonction is the function of an autorité account's signatory.
	Fonction string `json:"fonction" validate:"max=200,nocontrol"`
}

func (s *Server) handleUtilisateurCreate(c echo.Context) error {
	// Refused before the body is read: a centre learns how to open its
	// candidat's account whatever it sent.
	if err := certification.PeutCreerCompte(acteur(c)); err != nil {
		return err
	}
	var req utilisateurRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := certification.NouvelUtilisateur{
		Identifiant: req.Identifiant, Nom: req.Nom, MotDePasse: req.MotDePasse,
		Role: certification.Role(req.Role), CentreID: req.CentreID, CandidatID: req.CandidatID, Fonction: req.Fonction,
	}
	if t := req.Territoire; t != nil {
		in.Territoire = certification.Territoire{Autorite: t.Autorite, Region: t.Region, Departements: t.Departements}
	}
	u, err := s.svc.CreateUtilisateur(c.Request().Context(), acteur(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, moiResponse{u.ID, u.Identifiant, u.Nom, string(u.Role), deref(u.CentreID), deref(u.CandidatID)})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type statusResponse struct {
	Statut string `json:"statut"`
}

func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, statusResponse{"ok"})
}

func (s *Server) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.svc.DB().Ping(ctx); err != nil {
		s.log.Warn("database unreachable", "err", err)
		return &httpError{status: http.StatusServiceUnavailable, code: "base_indisponible",
			detail: "La base de données ne répond pas."}
	}
	return c.JSON(http.StatusOK, statusResponse{"pret"})
}

// compteCandidatResponse is the activation link a centre hands over to its
// candidat: shown in this answer only, never stored in clear.
type compteCandidatResponse struct {
	Identifiant    string    `json:"identifiant"`
	LienActivation string    `json:"lien_activation"`
	ExpireLe       time.Time `json:"expire_le"`
}

func (s *Server) handleCompteCandidat(c echo.Context) error {
	l, err := s.svc.OuvrirCompteCandidat(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, compteCandidatResponse{Identifiant: l.Identifiant,
		LienActivation: web.ActivationURL(s.svc.PublicURL(), l.Jeton), ExpireLe: l.ExpireAt.UTC()})
}
