package app

import (
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// avantSecondFacteur are the routes an account whose second factor is
// required but not enrolled may still call: enrol it, read its account,
// sign out.
var avantSecondFacteur = map[string]bool{
	"GET /api/v1/moi":                  true,
	"POST /api/v1/auth/deconnexion":    true,
	"POST /api/v1/moi/totp":            true,
	"POST /api/v1/moi/totp/activation": true,
}

func secondFacteurAActiver() error {
	return certification.Errorf(certification.ErrForbidden, "second_facteur_a_activer",
		"Votre compte doit activer la validation en deux étapes avant toute autre action : POST /api/v1/moi/totp, puis POST /api/v1/moi/totp/activation avec un premier code, ou la page « Validation en deux étapes » de l'interface.")
}

// totpEnrolementResponse is what an authenticator application needs; the
// secret is shown until the enrolment is confirmed, never afterwards.
type totpEnrolementResponse struct {
	Secret string `json:"secret"`
	URL    string `json:"url_otpauth"`
	// QRPNG is the otpauth address as a PNG QR code, in base64.
	QRPNG string `json:"qr_png"`
}

func (s *Server) handleTOTPCommencer(c echo.Context) error {
	e, err := s.svc.CommencerTOTP(c.Request().Context(), acteur(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, totpEnrolementResponse{Secret: e.Secret, URL: e.URL, QRPNG: base64.StdEncoding.EncodeToString(e.QR)})
}

type totpActivationRequest struct {
	Code string `json:"code" validate:"required,max=32"`
}

// totpActivationResponse gives the recovery codes, in this answer only.
type totpActivationResponse struct {
	CodesSecours []string `json:"codes_secours"`
}

func (s *Server) handleTOTPActivation(c echo.Context) error {
	var req totpActivationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	codes, err := s.svc.ActiverTOTP(c.Request().Context(), acteur(c), req.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, totpActivationResponse{CodesSecours: codes})
}

func (s *Server) handleTOTPReinitialisation(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.svc.ReinitialiserTOTP(c.Request().Context(), acteur(c), c.Param("id"), req.Motif); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
