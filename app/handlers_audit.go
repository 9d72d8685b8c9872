package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type evenementResponse struct {
	ID            string    `json:"id"`
	Le            time.Time `json:"le"`
	UtilisateurID string    `json:"utilisateur_id,omitempty"`
	Role          string    `json:"role"`
	Action        string    `json:"action"`
	Objet         string    `json:"objet"`
	ObjetID       string    `json:"objet_id"`
	SessionID     string    `json:"session_id,omitempty"`
	CandidatID    string    `json:"candidat_id,omitempty"`
	Avant         rawJSON   `json:"avant,omitempty"`
	Apres         rawJSON   `json:"apres,omitempty"`
}

type evenementListResponse struct {
	Evenements []evenementResponse `json:"evenements"`
}

// rawJSON embeds stored JSON as is; empty stays absent.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	return []byte(r), nil
}

func (s *Server) evenements(c echo.Context, sessionID, candidatID string) error {
	evs, err := s.svc.Evenements(c.Request().Context(), acteur(c), sessionID, candidatID)
	if err != nil {
		return err
	}
	return evenementsJSON(c, evs)
}

func evenementsJSON(c echo.Context, evs []certification.Evenement) error {
	out := make([]evenementResponse, len(evs))
	for i, e := range evs {
		out[i] = evenementResponse{ID: e.ID, Le: e.At, UtilisateurID: deref(e.UtilisateurID), Role: string(e.Role), Action: e.Action,
			Objet: e.Objet, ObjetID: e.ObjetID, SessionID: deref(e.SessionID), CandidatID: deref(e.CandidatID),
			Avant: rawJSON(e.Avant), Apres: rawJSON(e.Apres)}
	}
	return c.JSON(http.StatusOK, evenementListResponse{out})
}

func (s *Server) handleSessionEvents(c echo.Context) error { return s.evenements(c, c.Param("id"), "") }

func (s *Server) handleCandidatEvents(c echo.Context) error {
	return s.evenements(c, "", c.Param("id"))
}
