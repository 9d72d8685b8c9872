package certification

import "time"

// Sceau applies the issuing authority's electronic seal to a document's
// bytes at issuance, before their hash is taken, so that the bytes stored,
// served and hashed are the sealed ones.
type Sceau interface {
	// Sceller returns doc sealed, claiming time at.
	Sceller(doc []byte, at time.Time) ([]byte, error)
	// Certificat identifies the certificate that seals.
	Certificat() CertificatSceau
}

// CertificatSceau identifies the certificate that sealed a document: the
// SHA-256 of its DER encoding, in hexadecimal, and its subject's common
// name, as PDF readers show it.
type CertificatSceau struct {
	Empreinte string
	Nom       string
}
