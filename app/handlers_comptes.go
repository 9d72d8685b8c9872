package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// territoireRequest is the territory of an autorité account: the authority
// it acts for, as printed on the documents it issues, and its region (a
// DREETS) or its départements (a DDETS).
type territoireRequest struct {
	Autorite     string   `json:"autorite" validate:"required,notblank,max=200,nocontrol"`
	Region       string   `json:"region" validate:"max=100,nocontrol"`
	Departements []string `json:"departements" validate:"max=110"`
}

// utilisateurResponse is an account as the administrator manages it.
type utilisateurResponse struct {
	ID          string            `json:"id"`
	Identifiant string            `json:"identifiant"`
	Nom         string            `json:"nom"`
	Role        string            `json:"role"`
	Territoire  territoireRequest `json:"territoire"`
	// Email receives the account's invitation, reset links and reminders;
	// empty for an account opened before accounts had one.
	Email string `json:"email"`
	// Actif is false for an account deactivated, or a candidat's account
	// not yet activated: it cannot sign in.
	Actif bool `json:"actif"`
}

type utilisateurListResponse struct {
	Utilisateurs []utilisateurResponse `json:"utilisateurs"`
}

func toUtilisateur(u certification.Utilisateur) utilisateurResponse {
	t := u.Territoire()
	if t.Departements == nil {
		t.Departements = []string{}
	}
	return utilisateurResponse{ID: u.ID, Identifiant: u.Identifiant, Nom: u.Nom, Role: string(u.Role),
		Territoire: territoireRequest{Autorite: t.Autorite, Region: t.Region, Departements: t.Departements}, Email: u.Email, Actif: u.Actif}
}

func (s *Server) handleUtilisateurList(c echo.Context) error {
	us, err := s.svc.Utilisateurs(c.Request().Context(), acteur(c), certification.Role(c.QueryParam("role")))
	if err != nil {
		return err
	}
	return utilisateursJSON(c, us)
}

// utilisateursJSON answers a list of accounts.
func utilisateursJSON(c echo.Context, us []certification.Utilisateur) error {
	out := make([]utilisateurResponse, len(us))
	for i, u := range us {
		out[i] = toUtilisateur(u)
	}
	return c.JSON(http.StatusOK, utilisateurListResponse{out})
}

func (s *Server) handleTerritoireUpdate(c echo.Context) error {
	var req territoireRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.ChangerTerritoire(c.Request().Context(), acteur(c), c.Param("id"), certification.Territoire{
		Autorite: req.Autorite, Region: req.Region, Departements: req.Departements})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUtilisateur(*u))
}

// emailRequest is an account's new e-mail address.
type emailRequest struct {
	Email string `json:"email" validate:"required,max=254,nocontrol"`
}

func (s *Server) handleEmailUpdate(c echo.Context) error {
	var req emailRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.ChangerEmail(c.Request().Context(), acteur(c), c.Param("id"), req.Email)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUtilisateur(*u))
}
