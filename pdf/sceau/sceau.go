// Package sceau applies the issuing authority's electronic seal to the
// documents cipcert issues: a PAdES baseline B-B signature (ETSI EN
// 319 142-1), that is a CMS detached SignedData over the PDF's byte range
// with the ESS signing-certificate-v2 attribute, appended to the PDF as an
// incremental update with an invisible signature field. Any PDF reader
// checks it without cipcert: the certificate that sealed travels in the
// document.
//
// The package neither reads the database nor the environment: cmd/cipcert
// loads the key and certificate and hands them over.
package sceau

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/cipcert/cipcert/certification"
)

// Sceau seals documents with one key and its certificate. It is safe for
// concurrent use.
type Sceau struct {
	key   crypto.Signer
	cert  *x509.Certificate
	chain []*x509.Certificate
	id    certification.CertificatSceau
	// room is the size reserved for the CMS: certificates, attributes,
	// signature and a margin.
	room int
}

// New returns a seal with key, its certificate cert and the chain
// certificates to embed (the issuing CAs, possibly none). It fails when the
// key is not RSA or ECDSA, does not match the certificate, or the
// certificate may not sign.
func New(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate) (*Sceau, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		if !pub.Equal(cert.PublicKey) {
			return nil, errors.New("la clé privée ne correspond pas au certificat")
		}
	case *ecdsa.PublicKey:
		if !pub.Equal(cert.PublicKey) {
			return nil, errors.New("la clé privée ne correspond pas au certificat")
		}
	default:
		return nil, fmt.Errorf("clé de type %T non prise en charge (RSA ou ECDSA attendue)", key.Public())
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, errors.New("le certificat n'autorise pas la signature (usage digitalSignature ou nonRepudiation requis)")
	}
	sum := sha256.Sum256(cert.Raw)
	room := len(cert.Raw) + 2048
	for _, c := range chain {
		room += len(c.Raw)
	}
	return &Sceau{key: key, cert: cert, chain: chain, room: room,
		id: certification.CertificatSceau{Empreinte: hex.EncodeToString(sum[:]), Nom: cert.Subject.CommonName}}, nil
}

// LoadPEM reads a seal from PEM: certPEM holds the sealing certificate
// first, then any chain certificates; keyPEM the private key (PKCS#8,
// PKCS#1 or SEC 1). Errors are in French, for the operator.
func LoadPEM(certPEM, keyPEM []byte) (*Sceau, error) {
	var certs []*x509.Certificate
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificat illisible : %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("aucun certificat PEM (« BEGIN CERTIFICATE ») trouvé")
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, err
	}
	return New(key, certs[0], certs[1:])
}

func parseKey(keyPEM []byte) (crypto.Signer, error) {
	for rest := keyPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("aucune clé privée PEM trouvée")
		}
		var k any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("la clé privée est chiffrée : fournissez-la déchiffrée, dans un fichier lisible du seul service")
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("clé privée illisible : %w", err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("clé de type %T non prise en charge", k)
		}
		return s, nil
	}
}

// Certificat identifies the certificate that seals.
func (s *Sceau) Certificat() certification.CertificatSceau { return s.id }

// Certificate returns the sealing certificate.
func (s *Sceau) Certificate() *x509.Certificate { return s.cert }

// Sceller returns doc with the seal appended, claimed at time at. doc's
// bytes are kept as they are: the seal is an incremental update.
func (s *Sceau) Sceller(doc []byte, at time.Time) ([]byte, error) {
	f, err := parsePDF(doc)
	if err != nil {
		return nil, err
	}
	out, br, err := appendSignature(f, s.room, at, s.id.Nom)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(out[br[0] : br[0]+br[1]])
	h.Write(out[br[2] : br[2]+br[3]])
	der, err := signCMS(s.key, s.cert, s.chain, h.Sum(nil))
	if err != nil {
		return nil, err
	}
	if err := fillContents(out, br, der); err != nil {
		return nil, err
	}
	return out, nil
}

// Signed returns the CMS of a sealed document and the bytes its byte range
// covers, for checking the seal with other tools.
func Signed(doc []byte) (cms, content []byte, err error) {
	i := bytes.LastIndex(doc, []byte("/ByteRange ["))
	if i < 0 {
		return nil, nil, errors.New("sceau: no /ByteRange")
	}
	var br [4]int
	if _, err := fmt.Sscanf(string(doc[i+len("/ByteRange ["):]), "%d %d %d %d", &br[0], &br[1], &br[2], &br[3]); err != nil {
		return nil, nil, fmt.Errorf("sceau: /ByteRange: %w", err)
	}
	if br[1]+1 > br[2]-1 || br[2]+br[3] != len(doc) {
		return nil, nil, errors.New("sceau: /ByteRange does not cover the file")
	}
	all := make([]byte, hex.DecodedLen(br[2]-1-(br[1]+1)))
	if _, err := hex.Decode(all, doc[br[1]+1:br[2]-1]); err != nil {
		return nil, nil, fmt.Errorf("sceau: /Contents: %w", err)
	}
	// The CMS is followed by the placeholder's zero padding.
	var rv asn1.RawValue
	if _, err := asn1.Unmarshal(all, &rv); err != nil {
		return nil, nil, fmt.Errorf("sceau: /Contents: %w", err)
	}
	cms = rv.FullBytes
	content = append(append([]byte{}, doc[br[0]:br[1]]...), doc[br[2]:br[2]+br[3]]...)
	return cms, content, nil
}
