// Package certification is the domain of cipcert: the référentiel of the
// titres professionnels (titres, versions, CCP and CCS, compétences,
// correspondences), the centres and their candidats, the accounts that act on
// them, and the GORM store behind one Service.
//
// Exported Service methods own their transaction and take the acting
// Acteur, so that role and ownership are enforced where the data is read:
// a centre asking for another centre's candidat gets ErrNotFound, exactly as
// for an id that does not exist. Errors are *Error values whose Kind is one
// of the sentinel errors below and whose Message is French and safe to show.
//
// The package knows nothing of HTTP, JSON or PDF layout.
package certification
