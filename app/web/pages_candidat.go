package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/rules"
)

var candidatOnly = []certification.Role{certification.RoleCandidat}

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/mon-espace", Handler: (*Web).handleMonEspace, Title: "Mon espace",
			Roles: candidatOnly, Menu: "Mon espace"},
		Page{Method: http.MethodGet, Path: "/mon-espace/documents/:fichier", Handler: (*Web).handleMonDocument,
			Title: "Document", Roles: candidatOnly, File: true},
	)
}

// espaceData is the candidat's space: its dossier, outcome and documents.
type espaceData struct {
	D         *certification.Dossier
	Documents []certification.Document
	// Badge is the outcome of the last validated session, as a badge.
	Badge     badge
	Passages  []passageView
	Intitules map[string]string
	// Convocations are the enrolments in force in sessions not yet held:
	// a withdrawn enrolment, or a cancelled session, offers none.
	Convocations []certification.PassageDossier
	// Amenagements are the aménagements d'épreuves granted for those
	// sessions, by enrolment.
	Amenagements map[string][]certification.Amenagement
	// Recours are the candidat's recours, their outcome and the remedies
	// left; Contestables the validated results it may contest.
	Recours      []certification.RecoursAdministratif
	Contestables []certification.PassageDossier
}

type badge struct{ Label, Class string }

// passageView is one session of the dossier, with a line per CCP.
type passageView struct {
	P     certification.PassageDossier
	Badge badge
	CCP   []ccpLine
}

type ccpLine struct {
	Code, Intitule string
	Acquis         bool
	Session        string
	Date           string
}

// issueBadge says an outcome in the words of the candidat.
func issueBadge(i rules.Issue) badge {
	switch i {
	case rules.IssueTitre, rules.IssueCCS:
		return badge{"Titre obtenu", "fr-badge--success"}
	case rules.IssuePartiel:
		return badge{"Réussite partielle", "fr-badge--info"}
	case rules.IssueAbsent:
		return badge{"Absent : non obtenu", "fr-badge--warning"}
	}
	return badge{"Non obtenu", "fr-badge--error"}
}

func (w *Web) handleMonEspace(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	d, err := w.svc.Parcours(ctx, a, a.CandidatID)
	if err != nil {
		return err
	}
	docs, err := w.svc.Documents(ctx, a, certification.FiltreDocuments{CandidatID: a.CandidatID})
	if err != nil {
		return err
	}
	data := &espaceData{D: d, Documents: docs, Intitules: map[string]string{}}
	if t, err := w.svc.Titre(ctx, d.Candidat.TitreCode); err == nil {
		for _, v := range t.Versions {
			for _, b := range v.Blocs {
				data.Intitules[b.Code] = b.Intitule
			}
		}
	}
	if d.Situation != nil {
		data.Badge = issueBadge(d.Situation.Issue)
	}
	data.Passages = passages(d, data.Intitules)
	for _, p := range d.Passages {
		if st := p.Session.Statut; st == certification.Planifiee || st == certification.Declaree {
			data.Convocations = append(data.Convocations, p)
			ams, err := w.svc.AmenagementsInscription(ctx, a, p.Session.ID, p.Inscription.ID)
			if err != nil {
				return err
			}
			if len(ams) > 0 {
				if data.Amenagements == nil {
					data.Amenagements = map[string][]certification.Amenagement{}
				}
				data.Amenagements[p.Inscription.ID] = ams
			}
		}
	}
	if data.Recours, err = w.svc.ListeRecours(ctx, a, certification.FiltreRecours{}); err != nil {
		return err
	}
	for _, p := range d.Passages {
		if p.Session.Statut == certification.Validee && p.Resultat != nil {
			data.Contestables = append(data.Contestables, p)
		}
	}
	v := w.view(c, data)
	v.Home = true
	return w.render(c, http.StatusOK, "mon-espace", v)
}

// handleMonDocument serves a document's bytes exactly as issued, as the
// API does, to the candidat it belongs to.
func (w *Web) handleMonDocument(c echo.Context) error {
	a, _ := acteur(c)
	id, _ := strings.CutSuffix(c.Param("fichier"), ".pdf")
	d, err := w.svc.Document(c.Request().Context(), a, id, true)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", `"`+d.Sha256+`"`)
	h.Set("Cache-Control", "no-store") // the holder's identity: no cache keeps it
	h.Set("Content-Disposition", `attachment; filename="`+string(d.Type)+"-"+d.Numero+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", d.Contenu)
}

// libelleParcours names a parcours for people.
var libelleParcours = map[certification.Parcours]string{
	certification.ParcoursFormation:      "Formation",
	certification.ParcoursVAE:            "Validation des acquis de l’expérience (VAE)",
	certification.ParcoursCapitalisation: "Capitalisation de CCP",
	certification.ParcoursCCS:            "Certificat complémentaire de spécialisation (CCS)",
}

// passages lays out a dossier's sessions with a line per CCP.
func passages(d *certification.Dossier, intitules map[string]string) []passageView {
	var out []passageView
	for _, p := range d.Passages {
		pv := passageView{P: p}
		if r := p.Resultat; r != nil {
			pv.Badge = issueBadge(r.Issue)
			for _, cc := range r.CCPAcquis {
				ref := p.Session.Reference
				switch cc.Origine {
				case rules.OrigineSessionAnterieure:
					ref = "Session antérieure"
				case rules.OrigineDeclaree:
					ref = "Déclaré à l’inscription (" + cc.SessionID + ")"
				}
				pv.CCP = append(pv.CCP, ccpLine{cc.CCP, intitules[cc.CCP], true, ref, cc.Date.In(paris).Format("02/01/2006")})
			}
			for _, m := range r.CCPManquants {
				pv.CCP = append(pv.CCP, ccpLine{Code: m, Intitule: intitules[m]})
			}
		}
		out = append(out, pv)
	}
	return out
}

// PageRecoursDepot is where the candidat posts its recours and its files:
// the server limits that body apart from the others.
const PageRecoursDepot = "/mon-espace/recours"
