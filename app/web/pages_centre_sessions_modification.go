package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// A session's changes before it is held: its dates and place, a juror
// replaced, its CERES number, a candidat withdrawn or excused; and the
// centre's documents, convocations and feuille d'émargement.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/modification", Handler: (*Web).handleSessionEditForm,
			Title: "Modifier la session", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/modification", Handler: (*Web).handleSessionEdit,
			Title: "Modifier la session", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/jury", Handler: (*Web).handleJuryForm,
			Title: "Remplacer un membre du jury", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/jury", Handler: (*Web).handleJuryReplace,
			Title: "Remplacer un membre du jury", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/ceres", Handler: (*Web).handleCeresForm,
			Title: "Déclaration dans CERES", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/ceres", Handler: (*Web).handleCeres,
			Title: "Déclaration dans CERES", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscriptions/:iid/retrait", Handler: (*Web).handleWithdrawForm,
			Title: "Retirer un candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/inscriptions/:iid/retrait", Handler: (*Web).handleWithdraw,
			Title: "Retirer un candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscriptions/:iid/excuse", Handler: (*Web).handleExcuseForm,
			Title: "Noter l’excuse d’un candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/inscriptions/:iid/excuse", Handler: (*Web).handleExcuse,
			Title: "Noter l’excuse d’un candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/convocations.pdf", Handler: (*Web).handleConvocations,
			Title: "Convocations", Roles: centreOnly, File: true},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscriptions/:iid/convocation.pdf", Handler: (*Web).handleConvocation,
			Title: "Convocation", Roles: centreOnly, File: true},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/emargement.pdf", Handler: (*Web).handleEmargement,
			Title: "Feuille d’émargement", Roles: centreOnly, File: true},
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id/emargement.pdf", Handler: (*Web).handleEmargement,
			Title: "Feuille d’émargement", Roles: []certification.Role{certification.RoleJury}, File: true},
		Page{Method: http.MethodGet, Path: "/mon-espace/convocations/:id/:iid", Handler: (*Web).handleConvocation,
			Title: "Ma convocation", Roles: candidatOnly, File: true},
	)
	notices["session-modifiee"] = "La session est modifiée."
	notices["jury-remplace"] = "Le membre du jury est remplacé."
	notices["ceres-enregistre"] = "Le numéro CERES et la date de déclaration sont enregistrés."
	notices["candidat-retire"] = "Le candidat est retiré de la session : sa convocation n’est plus proposée."
	notices["candidat-excuse"] = "L’excuse du candidat est notée. Le jour de la session, le jury saisit la présence."
}

// modificationData is a form on a session's record: the session, and for
// the jury the members who may replace one.
type modificationData struct {
	S       *certification.Session
	Jury    []option
	Membres []option
	// I is the enrolment a withdrawal or an excuse is about.
	I *certification.Inscription
}

// sessionForm reads the session of the address and renders one of its
// forms, with the session's crumbs.
func (w *Web) sessionForm(c echo.Context, status int, form *Form, page string, fill func(*modificationData) error) error {
	a, _ := acteur(c)
	s, err := w.svc.Session(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	d := &modificationData{S: s}
	if fill != nil {
		if err := fill(d); err != nil {
			return err
		}
	}
	if form.Get("version") == "" {
		form.Values.Set("version", strconv.Itoa(s.Version))
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/centre/sessions"}, crumb{"Session " + s.Reference, "/centre/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, page, v)
}

// sessionChange posts a form that changes the session at the version it
// was read: a field error comes back on its field (422), a refusal on the
// form, 422 for a rule broken and 409 for a conflict or a stale version.
func (w *Web) sessionChange(c echo.Context, form *Form, render func(echo.Context, int, *Form) error,
	act func(ctx context.Context, a certification.Acteur, version int) error, info string) error {
	a, _ := acteur(c)
	if form.Failed() {
		form.Summary = "Corrigez les champs signalés."
		return render(c, http.StatusUnprocessableEntity, form)
	}
	version, _ := strconv.Atoi(form.Get("version"))
	if err := act(c.Request().Context(), a, version); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusConflict
		if errors.Is(err, certification.ErrInvalid) {
			status = http.StatusUnprocessableEntity
		}
		return render(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/sessions/"+c.Param("id")+"?info="+info)
}

func (w *Web) renderSessionEdit(c echo.Context, status int, form *Form) error {
	return w.sessionForm(c, status, form, "centre_sessions_modification", func(d *modificationData) error {
		if form.Get("lieu") == "" && !form.Failed() && form.Summary == "" {
			form.Values.Set("debut", d.S.Debut.Francais())
			form.Values.Set("fin", d.S.Fin.Francais())
			form.Values.Set("heure", d.S.Heure)
			form.Values.Set("lieu", d.S.Lieu)
			form.Values.Set("responsable", d.S.Responsable)
		}
		return nil
	})
}

func (w *Web) handleSessionEditForm(c echo.Context) error {
	return w.renderSessionEdit(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleSessionEdit(c echo.Context) error {
	form := newForm(formValues(c))
	var in certification.ModificationSession
	for _, p := range []struct {
		name string
		d    *certification.Date
	}{{"debut", &in.Debut}, {"fin", &in.Fin}} {
		d, ok := parseDate(form.Get(p.name))
		if !ok {
			form.Fail(p.name, dateMessage)
		}
		*p.d = d
	}
	in.Heure = form.Get("heure")
	in.Lieu = textField(form, "lieu", "Indiquez le lieu de la session.", 300)
	in.Responsable = textField(form, "responsable", "Indiquez le responsable de la session.", 200)
	return w.sessionChange(c, form, w.renderSessionEdit, func(ctx context.Context, a certification.Acteur, version int) error {
		_, err := w.svc.ModifierSession(ctx, a, c.Param("id"), version, in)
		return err
	}, "session-modifiee")
}

func (w *Web) renderJury(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	return w.sessionForm(c, status, form, "centre_sessions_jury", func(d *modificationData) error {
		assis := map[string]bool{}
		for _, m := range d.S.Jury {
			d.Jury = append(d.Jury, option{m.MembreID, m.Prenoms + " " + m.Nom})
			assis[m.MembreID] = true
		}
		ms, err := w.svc.Membres(c.Request().Context(), a)
		if err != nil {
			return err
		}
		d.Membres = []option{{"", "Choisissez un membre"}}
		for _, m := range ms {
			if assis[m.ID] || len(m.Habilitations) == 0 {
				continue
			}
			label := m.Prenoms + " " + m.Nom + " — habilitation"
			for i, h := range m.Habilitations {
				if i > 0 {
					label += " ;"
				}
				label += " " + h.TitreCode + " du " + h.Debut.Francais() + " au " + h.Fin.Francais()
			}
			d.Membres = append(d.Membres, option{m.ID, label})
		}
		return nil
	})
}

func (w *Web) handleJuryForm(c echo.Context) error {
	return w.renderJury(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleJuryReplace(c echo.Context) error {
	form := newForm(formValues(c))
	ancien, nouveau := form.Get("ancien"), form.Get("nouveau")
	if ancien == "" {
		form.Fail("ancien", "Choisissez le membre à remplacer.")
	}
	if nouveau == "" {
		form.Fail("nouveau", "Choisissez le membre qui le remplace.")
	}
	return w.sessionChange(c, form, w.renderJury, func(ctx context.Context, a certification.Acteur, version int) error {
		_, err := w.svc.RemplacerMembreJury(ctx, a, c.Param("id"), version, ancien, nouveau)
		return err
	}, "jury-remplace")
}

func (w *Web) renderCeres(c echo.Context, status int, form *Form) error {
	return w.sessionForm(c, status, form, "centre_sessions_ceres", func(d *modificationData) error {
		if form.Get("numero_ceres") == "" && d.S.NumeroCeres != "" && !form.Failed() {
			form.Values.Set("numero_ceres", d.S.NumeroCeres)
			if d.S.CeresDeclareeLe != nil {
				form.Values.Set("declaree_le", d.S.CeresDeclareeLe.Francais())
			}
		}
		return nil
	})
}

func (w *Web) handleCeresForm(c echo.Context) error {
	return w.renderCeres(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleCeres(c echo.Context) error {
	form := newForm(formValues(c))
	numero := textField(form, "numero_ceres", "Indiquez le numéro que CERES a donné à la session.", 20)
	le, ok := parseDate(form.Get("declaree_le"))
	if !ok {
		form.Fail("declaree_le", dateMessage)
	}
	return w.sessionChange(c, form, w.renderCeres, func(ctx context.Context, a certification.Acteur, version int) error {
		_, err := w.svc.EnregistrerCeres(ctx, a, c.Param("id"), version, numero, le)
		return err
	}, "ceres-enregistre")
}

// inscriptionForm renders a form about one enrolment of the session.
func (w *Web) inscriptionForm(page string) func(echo.Context, int, *Form) error {
	return func(c echo.Context, status int, form *Form) error {
		a, _ := acteur(c)
		return w.sessionForm(c, status, form, page, func(d *modificationData) error {
			ins, err := w.svc.Inscriptions(c.Request().Context(), a, d.S.ID)
			if err != nil {
				return err
			}
			for i := range ins {
				if ins[i].ID == c.Param("iid") {
					d.I = &ins[i]
					return nil
				}
			}
			return echo.ErrNotFound
		})
	}
}

func (w *Web) handleWithdrawForm(c echo.Context) error {
	return w.inscriptionForm("centre_sessions_retrait")(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleWithdraw(c echo.Context) error {
	return motifAction(c, "Indiquez le motif du retrait.", "Le candidat ne peut pas être retiré sans motif.", w.inscriptionForm("centre_sessions_retrait"),
		func(ctx context.Context, a certification.Acteur, motif string) error {
			return w.svc.RetirerInscription(ctx, a, c.Param("id"), c.Param("iid"), motif)
		}, "/centre/sessions/"+c.Param("id")+"?info=candidat-retire")
}

func (w *Web) handleExcuseForm(c echo.Context) error {
	return w.inscriptionForm("centre_sessions_excuse")(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleExcuse(c echo.Context) error {
	return motifAction(c, "Indiquez ce que le candidat a fait savoir.", "L’excuse ne peut pas être notée sans motif.", w.inscriptionForm("centre_sessions_excuse"),
		func(ctx context.Context, a certification.Acteur, motif string) error {
			return w.svc.ExcuserCandidat(ctx, a, c.Param("id"), c.Param("iid"), motif)
		}, "/centre/sessions/"+c.Param("id")+"?info=candidat-excuse")
}

// centreDocument sends one of the centre's documents, made on demand.
func (w *Web) centreDocument(c echo.Context, name string, render func(ctx context.Context, a certification.Acteur) ([]byte, error)) error {
	a, _ := acteur(c)
	data, err := render(c.Request().Context(), a)
	return SendDraftPDF(c, name, data, err)
}

func (w *Web) handleConvocations(c echo.Context) error {
	return w.centreDocument(c, "convocations.pdf", func(ctx context.Context, a certification.Acteur) ([]byte, error) {
		return w.svc.ConvocationsSessionPDF(ctx, a, c.Param("id"))
	})
}

func (w *Web) handleConvocation(c echo.Context) error {
	return w.centreDocument(c, "convocation.pdf", func(ctx context.Context, a certification.Acteur) ([]byte, error) {
		return w.svc.ConvocationPDF(ctx, a, c.Param("id"), c.Param("iid"))
	})
}

func (w *Web) handleEmargement(c echo.Context) error {
	return w.centreDocument(c, "feuille-emargement.pdf", func(ctx context.Context, a certification.Acteur) ([]byte, error) {
		return w.svc.FeuilleEmargementPDF(ctx, a, c.Param("id"))
	})
}
