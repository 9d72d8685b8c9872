package pdf

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cipcert/cipcert/certification"
)

// Parchemin lays out the parchemin of a titre or, when p.CCS is set, of a
// certificat complémentaire de spécialisation, as French diplomas are: the
// texts it applies (« Vu … »), the statement that the titre is délivré to
// its holder, then the place, the date and the signatory, who signs for the
// minister by delegation. One page.
func (*Renderer) Parchemin(p certification.ParcheminData) ([]byte, error) {
	kind := "Titre professionnel"
	if strings.TrimSpace(p.CCS) != "" {
		kind = "Certificat complémentaire de spécialisation"
	}
	d, err := newDoc(p.EnTete, kind)
	if err != nil {
		return nil, err
	}
	x, w := marginX+8, contentW-16
	d.space(12)
	d.color(black)
	if strings.TrimSpace(p.CCS) == "" {
		d.para("TITRE PROFESSIONNEL", true, 20, "C", x, w)
	} else {
		d.para("CERTIFICAT COMPLÉMENTAIRE DE SPÉCIALISATION", true, 16, "C", x, w)
	}
	d.space(1)
	d.color(darkGrey)
	d.para("Ministère chargé de l’emploi", false, 11, "C", x, w)
	d.space(14)

	d.color(black)
	d.para("Le ministre chargé de l’emploi,", false, 10.5, "L", x, w)
	d.space(2.5)
	for _, v := range visas(p) {
		d.para(v, false, 10, "L", x, w)
		d.space(1.5)
	}

	d.space(14)
	d.color(black)
	if strings.TrimSpace(p.CCS) == "" {
		d.para(mentionText("enonce", "intitule", p.TitreIntitule, "niveau", fmt.Sprint(p.Niveau), "rncp", p.RNCP), false, 12, "C", x, w)
	} else {
		d.para(mentionText("enonce_ccs", "ccs", p.CCS, "intitule", p.TitreIntitule), false, 12, "C", x, w)
	}
	d.space(9)
	d.para(identity(p.Prenoms, p.NomNaissance), true, 20, "C", x, w)
	d.space(2)
	if u := strings.TrimSpace(p.NomUsage); u != "" {
		d.para("nom d’usage : "+u, false, 11, "C", x, w)
	}
	if n := naissance(p.DateNaissance, p.LieuNaissance); n != "" {
		d.para(n, false, 11, "C", x, w)
	}
	d.space(8)
	d.color(darkGrey)
	d.para(references(p.TitreCode, p.Niveau, p.NSF, p.RNCP), false, 9, "C", x, w)
	d.space(10)
	d.signature(p.Signataire)
	return d.finish()
}

// visas are the « Vu » mentions of a parchemin, the texts it applies.
func visas(p certification.ParcheminData) []string {
	v := []string{mentionText("vu_code_education"), mentionText("vu_arrete_2015"), mentionText("vu_arrete_2016")}
	if a := strings.TrimSpace(p.ArreteSpecialite); a != "" {
		v = append(v, mentionText("vu_arrete_specialite", "arrete", lowerFirst(a)))
	}
	if !p.DateJury.IsZero() || p.Session != "" {
		s := mentionText("vu_pv", "session", p.Session, "date", p.DateJury.Francais(), "pv", p.PV)
		if strings.TrimSpace(p.PV) == "" {
			s = strings.Replace(s, ", n°  ;", " ;", 1)
		}
		v = append(v, s)
	}
	return v
}

// lowerFirst puts the first letter of a title in lower case, for it to
// follow an article: "Arrêté du …" → "arrêté du …".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// references is the identification line of a titre: "Code TP-00403 —
// Niveau 5 — NSF 332t — RNCP37274", without the parts that are unknown.
func references(code string, niveau int, nsf, rncp string) string {
	var parts []string
	if code = strings.TrimSpace(code); code != "" {
		parts = append(parts, "Code "+code)
	}
	if niveau > 0 {
		parts = append(parts, fmt.Sprintf("Niveau %d", niveau))
	}
	if nsf = strings.TrimSpace(nsf); nsf != "" {
		parts = append(parts, "NSF "+nsf)
	}
	if rncp = strings.TrimSpace(rncp); rncp != "" {
		if !strings.HasPrefix(strings.ToUpper(rncp), "RNCP") {
			rncp = "RNCP " + rncp
		}
		parts = append(parts, rncp)
	}
	return strings.Join(parts, " — ")
}
