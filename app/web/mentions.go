package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// Mentions are what the operator of an instance declares on the mandatory
// public pages (mentions légales, données personnelles, accessibilité): the
// software cannot know who runs it. MentionsDemo fills them for the demo;
// an operator gives its own in a JSON file (CIPCERT_MENTIONS_FILE).
type Mentions struct {
	Editeur              string `json:"editeur"`
	Adresse              string `json:"adresse"`
	DirecteurPublication string `json:"directeur_publication"`
	Hebergeur            string `json:"hebergeur"`
	// ResponsableTraitement is the data controller, as the register of
	// processing activities names it.
	ResponsableTraitement string `json:"responsable_traitement"`
	// DPO is how to reach the data protection officer (an address or a
	// postal address).
	DPO string `json:"dpo"`
	// ContactAccessibilite is where a user reports an accessibility problem.
	ContactAccessibilite string `json:"contact_accessibilite"`
	// DateDeclaration is when the accessibility declaration was drawn up,
	// JJ/MM/AAAA.
	DateDeclaration string `json:"date_declaration"`
}

// MentionsDemo are the demo's mentions, visibly not a real operator's.
var MentionsDemo = Mentions{
	Editeur:               "Opérateur de démonstration cipcert (à remplacer par l’organisme qui exploite le service)",
	Adresse:               "1 place de la Démonstration, 69000 Lyon",
	DirecteurPublication:  "Directrice de la démonstration",
	Hebergeur:             "Hébergeur de démonstration, 2 rue des Serveurs, 69000 Lyon",
	ResponsableTraitement: "Le ministre chargé de l’emploi, représenté par la DREETS ou la DDETS compétente (démonstration)",
	DPO:                   "dpd@demo.cipcert.example",
	ContactAccessibilite:  "accessibilite@demo.cipcert.example",
	DateDeclaration:       "04/12/2026",
}

// ParseMentions reads an operator's mentions in JSON; every field is
// required, since each is a legal mention.
func ParseMentions(data []byte) (Mentions, error) {
	var m Mentions
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Mentions{}, fmt.Errorf("mentions: %w", err)
	}
	var missing []string
	for name, v := range map[string]string{"editeur": m.Editeur, "adresse": m.Adresse,
		"directeur_publication": m.DirecteurPublication, "hebergeur": m.Hebergeur,
		"responsable_traitement": m.ResponsableTraitement, "dpo": m.DPO,
		"contact_accessibilite": m.ContactAccessibilite, "date_declaration": m.DateDeclaration} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return Mentions{}, fmt.Errorf("mentions: missing %s", strings.Join(missing, ", "))
	}
	return m, nil
}

// pagePublique is the data of the mandatory public pages.
type pagePublique struct {
	Mentions     Mentions
	Conservation certification.Conservation
	// Plan is the site map: the pages the reader may open.
	Plan []crumb
}

// publique renders a mandatory public page with the operator's mentions.
func publique(name string) func(*Web, echo.Context) error {
	return func(w *Web, c echo.Context) error {
		d := pagePublique{Mentions: w.mentions, Conservation: w.svc.Conservation()}
		if name == "plan-du-site" {
			a, _ := acteur(c)
			d.Plan = planDuSite(a)
		}
		return w.render(c, http.StatusOK, name, w.view(c, d))
	}
}

// planDuSite lists the pages a reader may open from a link: those without
// a parameter in their address, public ones first, then its role's.
func planDuSite(a certification.Acteur) []crumb {
	var public, own []crumb
	for _, p := range Pages() {
		if p.Method != http.MethodGet || p.File || p.HorsPlan || strings.Contains(p.Path, ":") {
			continue
		}
		switch {
		case len(p.Roles) == 0:
			public = append(public, crumb{p.Title, p.Path})
		case a.Role != "" && slices.Contains(p.Roles, a.Role):
			own = append(own, crumb{p.Title, p.Path})
		}
	}
	return append(public, own...)
}
