package certification

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNomRecherche caps the name a candidat search starts from, in
// characters: no stored name is longer (the nom de naissance holds 100), and
// SQLite refuses a LIKE pattern over 50 000 bytes ("pattern too complex"),
// which a filter of 25 000 "_" reaches once escaped.
const MaxNomRecherche = 100

// check reports every invalid filter at once, each on the name of its
// query parameter, before anything reaches the database.
func (f FiltreCandidats) check() error {
	var fe []FieldError
	switch {
	case !utf8.ValidString(f.Nom) || strings.ContainsRune(f.Nom, 0):
		fe = append(fe, FieldError{"nom", "texte_invalide", "UTF-8 valide sans caractère nul attendu."})
	case utf8.RuneCountInString(f.Nom) > MaxNomRecherche:
		fe = append(fe, FieldError{"nom", "trop_long", fmt.Sprintf("Le nom recherché ne doit pas dépasser %d caractères.", MaxNomRecherche)})
	}
	if f.Parcours != "" && !f.Parcours.Valid() {
		fe = append(fe, FieldError{"parcours", "inconnu", "Parcours inconnu ; valeurs admises : formation, vae, capitalisation, ccs."})
	}
	for _, p := range []struct{ name, id string }{{"centre_id", f.CentreID}, {"apres", f.Apres}} {
		if p.id != "" && !validID(p.id) {
			fe = append(fe, FieldError{p.name, "identifiant_invalide", "Un identifiant (UUID) est attendu."})
		}
	}
	if len(fe) > 0 {
		return Invalid("filtre_invalide", "Les filtres de la liste sont invalides.", fe...)
	}
	return nil
}
