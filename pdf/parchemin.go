package pdf

import (
	"fmt"
	"strings"

	"github.com/cipcert/cipcert/certification"
)

// Parchemin lays out the parchemin of a titre or, when p.CCS is set, of a
// certificat complémentaire de spécialisation: one page, centred, naming the
// certification, its holder and the jury date, signed by the représentant
// territorial.
func (*Renderer) Parchemin(p certification.ParcheminData) ([]byte, error) {
	d, err := newDoc(p.EnTete, "Parchemin")
	if err != nil {
		return nil, err
	}
	d.space(22)
	x, w := marginX+5, contentW-10
	d.color(black)
	if strings.TrimSpace(p.CCS) == "" {
		d.para("Titre professionnel", false, 15, "C", x, w)
		d.space(3)
		d.para(p.TitreIntitule, true, 22, "C", x, w)
	} else {
		d.para("Certificat complémentaire de spécialisation", false, 15, "C", x, w)
		d.space(3)
		d.para(p.CCS, true, 20, "C", x, w)
		d.space(2)
		d.para("associé au titre professionnel "+p.TitreIntitule, false, 12, "C", x, w)
	}
	d.space(3)
	d.color(darkGrey)
	d.para(references(p.TitreCode, p.Niveau, p.NSF, p.RNCP), false, 10, "C", x, w)

	d.space(24)
	d.color(black)
	d.para("délivré à", false, 12, "C", x, w)
	d.space(4)
	d.para(identity(p.Prenoms, p.NomNaissance), true, 20, "C", x, w)
	d.space(2)
	if u := strings.TrimSpace(p.NomUsage); u != "" {
		d.para("nom d’usage : "+u, false, 11, "C", x, w)
	}
	if n := naissance(p.DateNaissance, p.LieuNaissance); n != "" {
		d.para(n, false, 11, "C", x, w)
	}

	if !p.DateJury.IsZero() {
		d.space(16)
		d.para("Date du jury : "+p.DateJury.Francais(), false, 11, "C", x, w)
	}
	d.space(22)
	d.signature(p.Signataire)
	return d.finish()
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
