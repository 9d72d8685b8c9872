package certtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cipcert/cipcert/pdf/sceau"
)

// NomSceau is the common name of the test services' sealing certificate.
const NomSceau = "DREETS de test — sceau cipcert"

var testSceau = sync.OnceValues(func() (*sceau.Sceau, error) { return NewSceau(NomSceau) })

// Sceau returns the seal of test services, made once per test binary.
func Sceau(tb testing.TB) *sceau.Sceau {
	tb.Helper()
	s, err := testSceau()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// NewSceau returns a new seal with a self-signed certificate named cn.
func NewSceau(cn string) (*sceau.Sceau, error) {
	c, k, err := sceau.Generer(cn, Now)
	if err != nil {
		return nil, err
	}
	return sceau.LoadPEM(c, k)
}

// Pdfsig runs poppler's pdfsig on doc and returns its report.
func Pdfsig(tb testing.TB, doc []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "document.pdf")
	if err := os.WriteFile(p, doc, 0o600); err != nil {
		tb.Fatal(err)
	}
	// pdfsig exits non-zero for an invalid signature: the report says why.
	out, _ := exec.Command("pdfsig", p).CombinedOutput()
	return string(out)
}

// CheckSceau fails tb unless pdfsig finds doc's seal valid and made by
// the certificate named cn, and finds a copy with one byte changed inside
// the signed range invalid.
func CheckSceau(tb testing.TB, doc []byte, cn string) {
	tb.Helper()
	out := Pdfsig(tb, doc)
	if !strings.Contains(out, "Signature Validation: Signature is Valid.") ||
		!strings.Contains(out, "Signer Certificate Common Name: "+cn+"\n") ||
		!strings.Contains(out, "Signature Type: ETSI.CAdES.detached") {
		tb.Fatalf("pdfsig does not report a valid seal by %q:\n%s", cn, out)
	}
	bad := bytes.Clone(doc)
	i := bytes.Index(bad, []byte("/Producer"))
	if i < 0 {
		i = bytes.Index(bad, []byte("endobj"))
	}
	bad[i+1]++
	if out := Pdfsig(tb, bad); strings.Contains(out, "Signature is Valid.") {
		tb.Fatalf("pdfsig still finds the seal valid after a byte of the signed range changed:\n%s", out)
	}
}
