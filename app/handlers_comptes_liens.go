package app

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// invitationRequest is an account the administrator opens without choosing
// its password: its user receives a one-time link by e-mail.
type invitationRequest struct {
	Identifiant string `json:"identifiant" validate:"required,min=3,max=100,nocontrol"`
	Nom         string `json:"nom" validate:"required,notblank,max=200,nocontrol"`
	Email       string `json:"email" validate:"required,max=254,nocontrol"`
	Role        string `json:"role" validate:"required,oneof=admin autorite centre jury candidat"`
	CentreID    string `json:"centre_id" validate:"max=64"`
	CandidatID  string `json:"candidat_id" validate:"max=64"`
	// Territoire is required for an autorité account, and only for it.
	Territoire *territoireRequest `json:"territoire"`
	// Fonction is the function of an autorité account's signatory.
	Fonction string `json:"fonction" validate:"max=200,nocontrol"`
}

// invitationResponse is the account created and where its invitation goes.
type invitationResponse struct {
	Utilisateur utilisateurResponse `json:"utilisateur"`
	EnvoyeeA    string              `json:"envoyee_a"`
	ExpireLe    time.Time           `json:"expire_le"`
}

func toInvitation(i *certification.InvitationEnvoyee) invitationResponse {
	return invitationResponse{Utilisateur: toUtilisateur(*i.Utilisateur), EnvoyeeA: i.Email, ExpireLe: i.ExpireAt.UTC()}
}

func (s *Server) handleInvitation(c echo.Context) error {
	var req invitationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := certification.NouvelUtilisateur{Identifiant: req.Identifiant, Nom: req.Nom, Email: req.Email,
		Role: certification.Role(req.Role), CentreID: req.CentreID, CandidatID: req.CandidatID, Fonction: req.Fonction}
	if t := req.Territoire; t != nil {
		in.Territoire = certification.Territoire{Autorite: t.Autorite, Region: t.Region, Departements: t.Departements}
	}
	inv, err := s.svc.InviterUtilisateur(c.Request().Context(), acteur(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInvitation(inv))
}

func (s *Server) handleInvitationCandidat(c echo.Context) error {
	inv, err := s.svc.InviterCandidat(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toInvitation(inv))
}

func (s *Server) handleCompteCandidatDesactivation(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.DesactiverCompteCandidat(c.Request().Context(), acteur(c), c.Param("id"), req.Motif)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUtilisateur(*u))
}

func (s *Server) handleCompteCandidatReactivation(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.ReactiverCompteCandidat(c.Request().Context(), acteur(c), c.Param("id"), req.Motif)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUtilisateur(*u))
}

type motDePasseOublieRequest struct {
	Email string `json:"email" validate:"required,max=254,nocontrol"`
}

// demandeResponse answers every reset request alike.
type demandeResponse struct {
	Statut  string `json:"statut"`
	Message string `json:"message"`
}

// DemandeReinitialisationMessage is the one answer to a reset request,
// whether or not the address is known.
const DemandeReinitialisationMessage = "Si un compte actif utilise cette adresse, un lien de réinitialisation, valable une heure, vient de lui être envoyé."

func (s *Server) handleMotDePasseOublie(c echo.Context) error {
	var req motDePasseOublieRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if ok, wait := s.resets.request(c.RealIP(), req.Email, s.svc.Now()); !ok {
		return tooManyRequests(wait)
	}
	if err := s.svc.DemanderReinitialisation(c.Request().Context(), req.Email); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, demandeResponse{Statut: "demande_enregistree", Message: DemandeReinitialisationMessage})
}

// lienCompteRequest uses an invitation or a reset link.
type lienCompteRequest struct {
	Jeton      string `json:"jeton" validate:"required,max=100"`
	MotDePasse string `json:"mot_de_passe" validate:"required,max=200"`
}

func (s *Server) useLien(c echo.Context, genre string) error {
	var req lienCompteRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	token, exp, err := s.svc.UtiliserLien(c.Request().Context(), genre, req.Jeton, req.MotDePasse)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, connexionResponse{Jeton: token, Type: "Bearer", ExpireLe: exp})
}

func (s *Server) handleInvitationAcceptee(c echo.Context) error {
	return s.useLien(c, certification.LienInvitation)
}

func (s *Server) handleReinitialisation(c echo.Context) error {
	return s.useLien(c, certification.LienReinitialisation)
}

type motDePasseRequest struct {
	MotDePasseActuel  string `json:"mot_de_passe_actuel" validate:"required,max=200"`
	NouveauMotDePasse string `json:"nouveau_mot_de_passe" validate:"required,max=200"`
}

func (s *Server) handleMotDePasse(c echo.Context) error {
	var req motDePasseRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	_, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if err := s.svc.ChangerMotDePasse(c.Request().Context(), acteur(c), strings.TrimSpace(token),
		req.MotDePasseActuel, req.NouveauMotDePasse); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
