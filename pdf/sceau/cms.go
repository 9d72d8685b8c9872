package sceau

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"sort"
)

// The object identifiers of a CAdES-BES detached signature (RFC 5652,
// RFC 5035, RFC 5754, RFC 8017).
var (
	oidData                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningCertificate2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSHA256              = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSAEncryption       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECDSAWithSHA256     = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, built by wrapExplicit0
}

type encapsulatedContentInfo struct {
	EContentType asn1.ObjectIdentifier
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapsulatedContentInfo
	Certificates     asn1.RawValue
	SignerInfos      []signerInfo `asn1:"set"`
}

type issuerAndSerialNumber struct {
	Issuer       asn1.RawValue
	SerialNumber *big.Int
}

type signerInfo struct {
	Version            int
	SID                issuerAndSerialNumber
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue
}

// essCertIDv2 leaves out hashAlgorithm: SHA-256 is its DEFAULT, which DER
// omits.
type essCertIDv2 struct {
	CertHash     []byte
	IssuerSerial issuerSerial
}

type issuerSerial struct {
	Issuer       []asn1.RawValue // GeneralNames
	SerialNumber *big.Int
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// signCMS returns a DER CMS SignedData, detached, whose signed attributes
// bind digest (the SHA-256 of the signed bytes) and the signing
// certificate, as PAdES B-B asks. There is no signing-time attribute: PAdES
// puts the claimed time in the signature dictionary's /M.
func signCMS(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, digest []byte) ([]byte, error) {
	certHash := sha256.Sum256(cert.Raw)
	sc, err := asn1.Marshal(signingCertificateV2{Certs: []essCertIDv2{{
		CertHash: certHash[:],
		IssuerSerial: issuerSerial{
			Issuer:       []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer}},
			SerialNumber: cert.SerialNumber,
		},
	}}})
	if err != nil {
		return nil, err
	}
	ct, err := asn1.Marshal(oidData)
	if err != nil {
		return nil, err
	}
	md, err := asn1.Marshal(digest)
	if err != nil {
		return nil, err
	}
	attrs, err := derSet(
		attr(oidContentType, ct),
		attr(oidMessageDigest, md),
		attr(oidSigningCertificate2, sc),
	)
	if err != nil {
		return nil, err
	}
	// The signature covers the attributes as a SET (tag 0x31); the
	// SignerInfo carries them under [0] IMPLICIT.
	h := sha256.Sum256(attrs)
	var sigAlg pkix.AlgorithmIdentifier
	switch key.Public().(type) {
	case *rsa.PublicKey:
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue}
	case *ecdsa.PublicKey:
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256}
	default:
		return nil, fmt.Errorf("sceau: unsupported key type %T (RSA or ECDSA)", key.Public())
	}
	sig, err := key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sceau: sign: %w", err)
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{cert}, chain...) {
		certs = append(certs, c.Raw...)
	}
	sha := pkix.AlgorithmIdentifier{Algorithm: oidSHA256}
	sd := signedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{sha},
		EncapContentInfo: encapsulatedContentInfo{EContentType: oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certs},
		SignerInfos: []signerInfo{{
			Version:            1,
			SID:                issuerAndSerialNumber{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, SerialNumber: cert.SerialNumber},
			DigestAlgorithm:    sha,
			SignedAttrs:        asn1.RawValue{FullBytes: append([]byte{0xa0}, attrs[1:]...)},
			SignatureAlgorithm: sigAlg,
			Signature:          sig,
		}},
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(contentInfo{ContentType: oidSignedData, Content: asn1.RawValue{FullBytes: wrapExplicit0(inner)}})
}

func attr(oid asn1.ObjectIdentifier, value []byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		return asn1.Marshal(attribute{Type: oid, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value}})
	}
}

// derSet encodes a SET OF with its elements in the order DER requires:
// ascending by their encodings.
func derSet(elems ...func() ([]byte, error)) ([]byte, error) {
	var enc [][]byte
	for _, e := range elems {
		b, err := e()
		if err != nil {
			return nil, err
		}
		enc = append(enc, b)
	}
	sort.Slice(enc, func(i, j int) bool { return bytes.Compare(enc[i], enc[j]) < 0 })
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Join(enc, nil)})
}

// wrapExplicit0 tags der as [0] EXPLICIT.
func wrapExplicit0(der []byte) []byte {
	b, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der})
	return b
}
