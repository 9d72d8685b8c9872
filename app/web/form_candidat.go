package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/cipcert/cipcert/certification"
)

// The candidat form. Its input names are the service's field names
// ("formation.fin", "ecf[0].date_evaluation"), so that the service's
// refusals land on the right input. Rows of lists (ECF, CCP antérieurs) are
// numbered by the form; only filled rows are sent, so the service's index
// is mapped back to the form's.

// anterieurRows is how many CCP already held the form offers.
const anterieurRows = 3

// candidatForm is the bound candidat form: the saisie to send, and the
// map from the service's list indexes to the form's.
type candidatForm struct {
	Saisie     certification.CandidatSaisie
	ecfRow     []int
	anterieurs []int
}

// bindCandidat reads the posted candidat form. Errors of form (a date that
// is not one, a half-filled row) go on the form; the rules are the service's.
func bindCandidat(form *Form, ccp []string) candidatForm {
	var cf candidatForm
	in := &cf.Saisie
	in.TitreCode = form.Get("titre_code")
	in.Parcours = certification.Parcours(form.Get("parcours"))
	in.NomNaissance, in.NomUsage = form.Get("nom_naissance"), form.Get("nom_usage")
	in.Prenoms, in.LieuNaissance, in.Email = form.Get("prenoms"), form.Get("lieu_naissance"), form.Get("email")
	if in.Parcours == "" {
		form.Fail("parcours", "Choisissez le parcours du candidat.")
	}
	for name, msg := range map[string]string{"nom_naissance": "Saisissez le nom de naissance.", "prenoms": "Saisissez au moins un prénom.",
		"lieu_naissance": "Saisissez le lieu de naissance.", "email": "Saisissez l’adresse électronique."} {
		if form.Get(name) == "" {
			form.Fail(name, msg)
		}
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " ,;")) {
		form.Fail("email", "Adresse électronique invalide : saisissez-la au format nom@domaine.fr.")
	}
	in.DateNaissance = requiredDate(form, "date_naissance")
	if debut, fin := form.Get("formation.debut"), form.Get("formation.fin"); debut != "" || fin != "" {
		in.Formation = &certification.Periode{Debut: requiredDate(form, "formation.debut"), Fin: requiredDate(form, "formation.fin")}
	}
	for i, code := range ccp {
		name := fmt.Sprintf("ecf[%d].date_evaluation", i)
		if form.Get(name) == "" {
			continue
		}
		cf.ecfRow = append(cf.ecfRow, i)
		in.ECF = append(in.ECF, certification.ECF{CCP: code, DateEvaluation: requiredDate(form, name)})
	}
	if anyFilled(form, "recevabilite.date_notification", "recevabilite.reference", "recevabilite.ddets",
		"recevabilite.mois_experience", "recevabilite.type_session") {
		r := &certification.Recevabilite{DateNotification: requiredDate(form, "recevabilite.date_notification"),
			Reference: form.Get("recevabilite.reference"), DDETS: form.Get("recevabilite.ddets"),
			TypeSession: form.Get("recevabilite.type_session")}
		if r.Reference == "" {
			form.Fail("recevabilite.reference", "Saisissez la référence de la notification.")
		}
		if r.DDETS == "" {
			form.Fail("recevabilite.ddets", "Saisissez le service qui a notifié la recevabilité.")
		}
		if r.TypeSession == "" {
			form.Fail("recevabilite.type_session", "Choisissez le type de session ouvert par la notification.")
		}
		r.MoisExperience = months(form, "recevabilite.mois_experience")
		in.Recevabilite = r
	}
	if form.Get("mois_experience") != "" {
		m := months(form, "mois_experience")
		in.MoisExperience = &m
	}
	for i := range anterieurRows {
		p := fmt.Sprintf("ccp_anterieurs[%d].", i)
		if !anyFilled(form, p+"ccp", p+"version_code", p+"date_obtention", p+"session_reference") {
			continue
		}
		a := certification.CCPAnterieur{CCP: form.Get(p + "ccp"), VersionCode: form.Get(p + "version_code"),
			DateObtention: requiredDate(form, p+"date_obtention"), SessionReference: form.Get(p + "session_reference")}
		if a.CCP == "" {
			form.Fail(p+"ccp", "Choisissez le CCP obtenu.")
		}
		if a.VersionCode == "" {
			form.Fail(p+"version_code", "Choisissez la version du titre.")
		}
		if a.SessionReference == "" {
			form.Fail(p+"session_reference", "Saisissez la référence de la session où il a été obtenu.")
		}
		cf.anterieurs = append(cf.anterieurs, i)
		in.CCPAnterieurs = append(in.CCPAnterieurs, a)
	}
	return cf
}

// refuse takes the service's refusal into the form, its list indexes
// turned into the form's rows.
func (cf candidatForm) refuse(form *Form, err error) bool {
	var de *certification.Error
	if !errors.As(err, &de) {
		return form.Refuse(err)
	}
	fixed := *de
	fixed.Fields = make([]certification.FieldError, len(de.Fields))
	for i, f := range de.Fields {
		f.Field = remapIndex(f.Field, "ecf", cf.ecfRow)
		f.Field = remapIndex(f.Field, "ccp_anterieurs", cf.anterieurs)
		if strings.HasPrefix(f.Field, "ecf[") && strings.HasSuffix(f.Field, "].ccp") {
			// The form has no CCP input for an ECF row: its date stands for it.
			f.Field = strings.TrimSuffix(f.Field, "ccp") + "date_evaluation"
		}
		fixed.Fields[i] = f
	}
	return form.Refuse(&fixed)
}

// remapIndex turns "list[i].x" into "list[rows[i]].x".
func remapIndex(field, list string, rows []int) string {
	rest, ok := strings.CutPrefix(field, list+"[")
	if !ok {
		return field
	}
	n, tail, ok := strings.Cut(rest, "]")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 0 || i >= len(rows) {
		return field
	}
	return fmt.Sprintf("%s[%d]%s", list, rows[i], tail)
}

func anyFilled(form *Form, names ...string) bool {
	for _, n := range names {
		if form.Get(n) != "" {
			return true
		}
	}
	return false
}

func requiredDate(form *Form, name string) certification.Date {
	v := form.Get(name)
	if v == "" {
		form.Fail(name, "Saisissez la date, au format JJ/MM/AAAA.")
		return certification.Date{}
	}
	d, ok := parseDate(v)
	if !ok {
		form.Fail(name, dateMessage)
	}
	return d
}

func months(form *Form, name string) int {
	v := form.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 720 {
		form.Fail(name, "Saisissez un nombre de mois entre 0 et 720.")
	}
	return n
}

// candidatValues writes a candidat as the form's values: what the edit form
// starts from, and what a stale edit compares.
func candidatValues(c *certification.Candidat, ccp []string) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("titre_code", c.TitreCode)
	set("parcours", string(c.Parcours))
	set("nom_naissance", c.NomNaissance)
	set("nom_usage", c.NomUsage)
	set("prenoms", c.Prenoms)
	set("date_naissance", c.DateNaissance.Francais())
	set("lieu_naissance", c.LieuNaissance)
	set("email", c.Email)
	if f := c.Formation; f != nil {
		set("formation.debut", f.Debut.Francais())
		set("formation.fin", f.Fin.Francais())
	}
	for _, e := range c.ECF {
		for i, code := range ccp {
			if code == e.CCP {
				set(fmt.Sprintf("ecf[%d].date_evaluation", i), e.DateEvaluation.Francais())
			}
		}
	}
	if r := c.Recevabilite; r != nil {
		set("recevabilite.date_notification", r.DateNotification.Francais())
		set("recevabilite.reference", r.Reference)
		set("recevabilite.ddets", r.DDETS)
		set("recevabilite.mois_experience", strconv.Itoa(r.MoisExperience))
		set("recevabilite.type_session", r.TypeSession)
	}
	if c.MoisExperience != nil {
		set("mois_experience", strconv.Itoa(*c.MoisExperience))
	}
	for i, a := range c.CCPAnterieurs {
		if i >= anterieurRows {
			break
		}
		p := fmt.Sprintf("ccp_anterieurs[%d].", i)
		set(p+"ccp", a.CCP)
		set(p+"version_code", a.VersionCode)
		set(p+"date_obtention", a.DateObtention.Francais())
		set(p+"session_reference", a.SessionReference)
	}
	return v
}

// encodeValues and decodeValues carry the values the edit form started
// from in a hidden field, so that a stale save can say what changed since.
func encodeValues(v url.Values) string {
	return base64.RawURLEncoding.EncodeToString([]byte(v.Encode()))
}

func decodeValues(s string) url.Values {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return url.Values{}
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return url.Values{}
	}
	return v
}

// change is one field another user changed since the form was loaded.
type change struct{ Label, Avant, Apres string }

// changes lists, with their labels, the fields whose value differs
// between before and after.
func changes(before, after url.Values, labels []fieldLabel) []change {
	var out []change
	for _, l := range labels {
		if b, a := before.Get(l.Name), after.Get(l.Name); b != a {
			out = append(out, change{l.Label, cmpOr(b, "(vide)"), cmpOr(a, "(vide)")})
		}
	}
	return out
}

type fieldLabel struct{ Name, Label string }

// candidatLabels names the form's fields, for the list of changes.
func candidatLabels(ccp []string) []fieldLabel {
	out := []fieldLabel{{"parcours", "Parcours"}, {"nom_naissance", "Nom de naissance"}, {"nom_usage", "Nom d’usage"},
		{"prenoms", "Prénoms"}, {"date_naissance", "Date de naissance"}, {"lieu_naissance", "Lieu de naissance"},
		{"email", "Adresse électronique"}, {"formation.debut", "Début de la formation"}, {"formation.fin", "Fin de la formation"}}
	for i, c := range ccp {
		out = append(out, fieldLabel{fmt.Sprintf("ecf[%d].date_evaluation", i), "Date de l’ECF " + c})
	}
	out = append(out, fieldLabel{"recevabilite.date_notification", "Date de notification de la recevabilité"},
		fieldLabel{"recevabilite.reference", "Référence de la recevabilité"}, fieldLabel{"recevabilite.ddets", "Service notificateur"},
		fieldLabel{"recevabilite.mois_experience", "Mois d’expérience (recevabilité)"},
		fieldLabel{"recevabilite.type_session", "Type de session ouvert"}, fieldLabel{"mois_experience", "Mois d’expérience"})
	for i := range anterieurRows {
		p := fmt.Sprintf("ccp_anterieurs[%d].", i)
		out = append(out, fieldLabel{p + "ccp", fmt.Sprintf("CCP déjà obtenu n° %d", i+1)},
			fieldLabel{p + "date_obtention", fmt.Sprintf("Date d’obtention n° %d", i+1)},
			fieldLabel{p + "session_reference", fmt.Sprintf("Session d’obtention n° %d", i+1)})
	}
	return out
}
