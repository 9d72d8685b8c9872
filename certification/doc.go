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
// Storage has its own files. Each aggregate's domain file (sessions.go,
// candidats.go, documents.go…) holds its types, with no GORM tag, and the
// business checks of its Service methods; its *_store.go file holds the
// row structs that map the tables, their mapping to and from the domain
// types, and small query helpers that take the transaction
// (findSessionRow(tx, a, id), insertInscription, updateCandidat…). Store
// helpers wrap every database error with the operation and key
// ("store: session …: load: …") and pass the domain's *Error through
// untouched. lock_store.go holds the one row-locking helper; store.go opens
// the database.
//
// The référentiel and the tokens resolved are read from copies each
// process keeps in memory (referentiel_cache.go, comptes_cache.go). Any
// code that writes the référentiel's tables calls referentielModifie in the
// same transaction; any code that revokes a token or changes what it stands
// for (account, role, territory, centre, second factor) names the account
// or the token with invaliderCompte or invaliderCle. The process forgets it
// when the transaction ends, and on PostgreSQL the other processes within
// 1 s (invalidation.go). Names are searched through their search keys
// (package search), stored beside them by every write.
//
// The package knows nothing of HTTP, JSON or PDF layout.
package certification
