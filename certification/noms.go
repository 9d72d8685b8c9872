package certification

import (
	"fmt"
	"strings"

	"github.com/cipcert/cipcert/certification/texte"
)

// libellesNoms name the fields holding a person's name or a place in the
// messages that refuse them.
var libellesNoms = map[string]string{
	"nom_naissance":  "Le nom de naissance",
	"nom_usage":      "Le nom d'usage",
	"prenoms":        "Les prénoms",
	"lieu_naissance": "Le lieu de naissance",
	"nom":            "Le nom",
	"lieu":           "Le lieu",
	"responsable":    "Le nom du responsable",
	"ville":          "La ville",
	"region":         "La région",
}

// checkNom checks a name or a place, already in NFC, as texte.Verifier
// does: nil when it is acceptable, else the field error, in French, naming
// the field and the character at fault.
func checkNom(field, value string) *FieldError {
	if strings.TrimSpace(value) == "" {
		return nil // whether it is required is the caller's rule
	}
	libelle, ok := libellesNoms[field]
	if !ok {
		libelle = "Ce texte"
	}
	switch faute, r := texte.Verifier(value); faute {
	case texte.CaractereInterdit:
		return &FieldError{Field: field, Code: "caractere_interdit", Message: fmt.Sprintf(
			"%s contient un caractère invisible, de contrôle ou de mise en forme (U+%04X), qui n'est pas admis : retirez-le.", libelle, r)}
	case texte.DroiteAGauche:
		return &FieldError{Field: field, Code: "ecriture_droite_a_gauche", Message: fmt.Sprintf(
			"%s contient une lettre d'une écriture de droite à gauche (U+%04X), que les documents ne savent pas imprimer : écrivez-le en caractères latins, comme sur la pièce d'identité.", libelle, r)}
	case texte.TropDeMarques:
		return &FieldError{Field: field, Code: "trop_de_diacritiques", Message: fmt.Sprintf(
			"%s porte plus de %d signes diacritiques sur une même lettre.", libelle, texte.MaxMarques)}
	case texte.SansLettre:
		return &FieldError{Field: field, Code: "sans_lettre", Message: libelle + " doit comporter au moins une lettre."}
	}
	return nil
}

// nfc puts the names and places of a candidat's input in the form they
// are stored and compared in.
func (in CandidatSaisie) nfc() CandidatSaisie {
	in.NomNaissance, in.NomUsage = texte.NFC(in.NomNaissance), texte.NFC(in.NomUsage)
	in.Prenoms, in.LieuNaissance = texte.NFC(in.Prenoms), texte.NFC(in.LieuNaissance)
	return in
}

func (id Identite) nfc() Identite {
	id.NomNaissance, id.Prenoms, id.LieuNaissance = texte.NFC(id.NomNaissance), texte.NFC(id.Prenoms), texte.NFC(id.LieuNaissance)
	return id
}

// identifiantValide reports whether an account's identifiant uses only
// lowercase ASCII letters, digits, dots, hyphens and underscores: it is
// typed at every login, and two identifiants that look alike must be the
// same bytes.
func identifiantValide(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	})
}
