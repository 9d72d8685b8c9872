package sceau_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/pdf"
	"github.com/cipcert/cipcert/pdf/sceau"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// document renders a small livret to seal.
func document(tb testing.TB) []byte {
	tb.Helper()
	b, err := pdf.New().Livret(certification.LivretData{
		EnTete:        certification.EnTete{Ministere: certification.Ministere, Service: "DREETS Bretagne", Numero: "LIV-TP-00000-2026-000001", Code: "ABCD-EFGH-JKMN", URL: "https://cipcert.test/verification/ABCD-EFGH-JKMN", Lieu: "Rennes", Date: certification.DateOf(now)},
		Titulaire:     certification.Titulaire{NomNaissance: "Lefèvre", Prenoms: "Camille Éloïse", DateNaissance: certification.DateOf(now.AddDate(-30, 0, 0)), LieuNaissance: "Brest"},
		TitreIntitule: "Conseiller en insertion professionnelle", TitreCode: "TP-01234", Niveau: 5, VersionCode: "2023",
		Blocs: []certification.LivretBloc{{Code: "CCP1", Intitule: "Accueillir pour analyser la demande", Acquis: true, Date: certification.DateOf(now), Session: "S-1"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// authority returns a seal whose certificate a test CA issued, with an RSA
// or ECDSA key, and the CA's certificate in PEM.
func authority(tb testing.TB, cn string, useRSA bool) (*sceau.Sceau, []byte) {
	tb.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	caTpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "AC de test cipcert"},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTpl, caTpl, &caKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	var pub any
	var key crypto.Signer
	if useRSA {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			tb.Fatal(err)
		}
		pub, key = &k.PublicKey, k
	} else {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		pub, key = &k.PublicKey, k
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn, Organization: []string{"Ministère du Travail"}},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(3, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, pub, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	k8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	certPEM := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	s, err := sceau.LoadPEM(certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k8}))
	if err != nil {
		tb.Fatal(err)
	}
	return s, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func TestScellerValideParPdfsig(t *testing.T) {
	for _, tc := range []struct {
		name string
		rsa  bool
	}{{"RSA", true}, {"ECDSA", false}} {
		t.Run(tc.name, func(t *testing.T) {
			s, caPEM := authority(t, "DREETS de Bretagne — sceau", tc.rsa)
			orig := document(t)
			doc, err := s.Sceller(orig, now)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(doc, orig) {
				t.Fatal("the sealed document does not start with the rendered bytes")
			}
			out := certtest.Pdfsig(t, doc)
			if !strings.Contains(out, "Signature Validation: Signature is Valid.") {
				t.Fatalf("pdfsig does not find the seal valid:\n%s", out)
			}
			if !strings.Contains(out, "Signer Certificate Common Name: DREETS de Bretagne — sceau") {
				t.Fatalf("pdfsig does not name the authority:\n%s", out)
			}
			if !strings.Contains(out, "Signature Type: ETSI.CAdES.detached") {
				t.Fatalf("not a PAdES signature:\n%s", out)
			}
			opensslVerify(t, doc, caPEM)

			t.Run("OctetModifie", func(t *testing.T) {
				bad := bytes.Clone(doc)
				i := bytes.Index(bad, []byte("/Type /Catalog"))
				bad[i+1] = 'X' // /Xype: inside the first signed range
				if out := certtest.Pdfsig(t, bad); strings.Contains(out, "Signature is Valid.") {
					t.Fatalf("pdfsig still finds a modified document valid:\n%s", out)
				}
			})
		})
	}
}

// opensslVerify checks the CMS against the byte range with OpenSSL,
// trusting the test CA.
func opensslVerify(t *testing.T, doc, caPEM []byte) {
	t.Helper()
	cms, content, err := sceau.Signed(doc)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range map[string][]byte{"sig.der": cms, "content": content, "ca.pem": caPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.der", "-content", "content",
		"-CAfile", "ca.pem", "-purpose", "any", "-out", os.DevNull)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
}

func TestLoadPEMRefuse(t *testing.T) {
	s1, _ := authority(t, "A", false)
	certA, keyA, err := sceau.Generer("A", now)
	if err != nil {
		t.Fatal(err)
	}
	_, keyB, _ := sceau.Generer("B", now)
	for _, tc := range []struct {
		name      string
		cert, key []byte
		want      string
	}{
		{"CleDUnAutreCertificat", certA, keyB, "ne correspond pas"},
		{"PasDeCertificat", keyA, keyA, "aucun certificat"},
		{"PasDeCle", certA, certA, "aucune clé"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sceau.LoadPEM(tc.cert, tc.key); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadPEM: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := s1.Sceller([]byte("%PDF-1.3\nnot a pdf"), now); err == nil {
		t.Fatal("sealed a file that is no PDF")
	}
}

func TestDemoNommeeNonOfficielle(t *testing.T) {
	c, k, err := sceau.Generer(sceau.NomDemo, now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sceau.LoadPEM(c, k)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := s.Sceller(document(t), now)
	if err != nil {
		t.Fatal(err)
	}
	out := certtest.Pdfsig(t, doc)
	if !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Common Name: "+sceau.NomDemo) {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

// BenchmarkSceller measures the seal alone, apart from rendering: the
// incremental update, the hash of the byte range and the signature.
func BenchmarkSceller(b *testing.B) {
	doc := document(b)
	for _, tc := range []struct {
		name string
		rsa  bool
	}{{"ECDSA-P256", false}, {"RSA-2048", true}} {
		s, _ := authority(b, "DREETS de Bretagne — sceau", tc.rsa)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sceller(doc, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
