package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// What left cipcert by e-mail, as the administrator checks it: each message
// accepted with its Message-ID, or refused with the server's answer so that
// a wrong address is seen.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/admin/messages", Handler: (*Web).handleAdminMessages, Title: "Messages envoyés",
			Roles: adminOnly, Menu: "Messages envoyés"},
		Page{Method: http.MethodGet, Path: "/admin/messages/:genre/:id", Handler: (*Web).handleAdminMessage, Title: "Message envoyé",
			Roles: adminOnly},
	)
}

type messagesData struct {
	*certification.PageMessages
	Precedente int
}

func (w *Web) handleAdminMessages(c echo.Context) error {
	a, _ := acteur(c)
	page, _ := strconv.Atoi(c.QueryParam("page"))
	p, err := w.svc.MessagesEnvoyes(c.Request().Context(), a, page)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "admin_messages", w.view(c, messagesData{p, p.Page - 1}))
}

func (w *Web) handleAdminMessage(c echo.Context) error {
	a, _ := acteur(c)
	m, err := w.svc.MessageEnvoyeParCle(c.Request().Context(), a, c.Param("genre")+"/"+c.Param("id"))
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "admin_message", w.view(c, m))
}
