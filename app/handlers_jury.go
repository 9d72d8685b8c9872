package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type membreRequest struct {
	Nom           string `json:"nom" validate:"required,notblank,max=100,nocontrol"`
	Prenoms       string `json:"prenoms" validate:"required,notblank,max=200,nocontrol"`
	Email         string `json:"email" validate:"required,max=254,email"`
	UtilisateurID string `json:"utilisateur_id" validate:"max=64"`
}

type habilitationRequest struct {
	TitreCode string `json:"titre_code" validate:"required,max=20"`
	Debut     string `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin       string `json:"fin" validate:"required,datetime=2006-01-02"`
	Reference string `json:"reference" validate:"required,notblank,max=100,nocontrol"`
}

type habilitationResponse struct {
	ID        string `json:"id"`
	TitreCode string `json:"titre_code"`
	Debut     string `json:"debut"`
	Fin       string `json:"fin"`
	Reference string `json:"reference"`
}

type membreResponse struct {
	ID            string                 `json:"id"`
	Nom           string                 `json:"nom"`
	Prenoms       string                 `json:"prenoms"`
	Email         string                 `json:"email"`
	UtilisateurID string                 `json:"utilisateur_id,omitempty"`
	Habilitations []habilitationResponse `json:"habilitations"`
}

func toHabilitation(h certification.Habilitation) habilitationResponse {
	return habilitationResponse{h.ID, h.TitreCode, h.Debut.String(), h.Fin.String(), h.Reference}
}

func toMembre(m certification.MembreJury) membreResponse {
	r := membreResponse{ID: m.ID, Nom: m.Nom, Prenoms: m.Prenoms, Email: m.Email, UtilisateurID: deref(m.UtilisateurID),
		Habilitations: []habilitationResponse{}}
	for _, h := range m.Habilitations {
		r.Habilitations = append(r.Habilitations, toHabilitation(h))
	}
	return r
}

func (s *Server) handleMembreCreate(c echo.Context) error {
	var req membreRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.svc.CreateMembre(c.Request().Context(), acteur(c), certification.NouveauMembre{
		Nom: req.Nom, Prenoms: req.Prenoms, Email: req.Email, UtilisateurID: req.UtilisateurID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toMembre(*m))
}

type membreListResponse struct {
	Membres []membreResponse `json:"membres"`
}

func (s *Server) handleMembreList(c echo.Context) error {
	ms, err := s.svc.Membres(c.Request().Context(), acteur(c))
	if err != nil {
		return err
	}
	out := make([]membreResponse, len(ms))
	for i, m := range ms {
		out[i] = toMembre(m)
	}
	return c.JSON(http.StatusOK, membreListResponse{out})
}

func (s *Server) handleHabilitationCreate(c echo.Context) error {
	var req habilitationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	h, err := s.svc.Habiliter(c.Request().Context(), acteur(c), c.Param("id"), certification.NouvelleHabilitation{
		TitreCode: req.TitreCode, Debut: date(req.Debut), Fin: date(req.Fin), Reference: req.Reference})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toHabilitation(*h))
}

type lienRequest struct {
	MembreID   string `json:"membre_id" validate:"required,max=64"`
	CandidatID string `json:"candidat_id" validate:"required,max=64"`
	Nature     string `json:"nature" validate:"required,oneof=formateur tuteur employeur connaissance_personnelle"`
}

type lienResponse struct {
	ID         string    `json:"id"`
	MembreID   string    `json:"membre_id"`
	CandidatID string    `json:"candidat_id"`
	Nature     string    `json:"nature"`
	DeclareLe  time.Time `json:"declare_le"`
}

func (s *Server) handleLienCreate(c echo.Context) error {
	var req lienRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	l, err := s.svc.DeclarerLien(c.Request().Context(), acteur(c), req.MembreID, req.CandidatID, req.Nature)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, lienResponse{l.ID, l.MembreID, l.CandidatID, l.Nature, l.CreatedAt})
}

type compteMembreRequest struct {
	UtilisateurID string `json:"utilisateur_id" validate:"required,max=64"`
}

func (s *Server) handleMembreCompte(c echo.Context) error {
	var req compteMembreRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.svc.LierCompteMembre(c.Request().Context(), acteur(c), c.Param("id"), req.UtilisateurID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMembre(*m))
}

func (s *Server) handleComptesJuryLiables(c echo.Context) error {
	us, err := s.svc.ComptesJuryLiables(c.Request().Context(), acteur(c))
	if err != nil {
		return err
	}
	return utilisateursJSON(c, us)
}
