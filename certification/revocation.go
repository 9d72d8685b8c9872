package certification

// CategorieRevocation is why a document was revoked, from a closed list:
// the public verification of the document shows it, while the free-text
// motif, which may name a penal file or a person, stays with the autorité
// and in the audit trail.
//
// The list follows the grounds the domain knows for withdrawing a
// document (docs/domaine.md §4 and §6 bis): a material error corrected by
// the autorité, a decision the jury rectified in a new deliberation, the
// holder's civil identity rectified, an exclusion for fraud, and a
// decision taken on a recours gracieux or contentieux.
type CategorieRevocation string

// The categories of revocation.
const (
	RevocationErreurMaterielle  CategorieRevocation = "erreur_materielle"
	RevocationDecisionRectifiee CategorieRevocation = "decision_rectifiee"
	RevocationIdentiteRectifiee CategorieRevocation = "identite_rectifiee"
	RevocationFraude            CategorieRevocation = "fraude"
	RevocationRecours           CategorieRevocation = "recours"
)

// CategoriesRevocation lists the categories, in the order forms show them.
var CategoriesRevocation = []CategorieRevocation{RevocationErreurMaterielle, RevocationDecisionRectifiee,
	RevocationIdentiteRectifiee, RevocationFraude, RevocationRecours}

var libellesRevocation = map[CategorieRevocation]string{
	RevocationErreurMaterielle:  "Erreur matérielle corrigée par l’autorité",
	RevocationDecisionRectifiee: "Décision du jury rectifiée",
	RevocationIdentiteRectifiee: "Identité du titulaire rectifiée",
	RevocationFraude:            "Fraude constatée",
	RevocationRecours:           "Décision prise sur un recours",
}

// Valid reports whether c is one of the categories.
func (c CategorieRevocation) Valid() bool { _, ok := libellesRevocation[c]; return ok }

// Libelle is the category as the public reads it; empty for a document
// revoked before categories were recorded.
func (c CategorieRevocation) Libelle() string { return libellesRevocation[c] }

// sansMotifInterne blanks the free-text revocation motif of documents read
// by an actor other than the autorité or the admin.
func sansMotifInterne(a Acteur, ds []Document) []Document {
	if a.Is(RoleAutorite, RoleAdmin) {
		return ds
	}
	for i := range ds {
		ds[i].MotifRevocation = ""
	}
	return ds
}
