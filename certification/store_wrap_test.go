package certification

import (
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// TestWrap: a storage error gains its operation and key and keeps its
// identity; the domain's errors pass through unchanged, so that the
// transport still maps them.
func TestWrap(t *testing.T) {
	if wrap(nil, "session %s: load", "x") != nil {
		t.Error("wrap(nil) is not nil")
	}
	err := wrap(gorm.ErrDuplicatedKey, "session %s: insert", "S1")
	if !errors.Is(err, gorm.ErrDuplicatedKey) || !isUniqueViolation(err) {
		t.Errorf("wrapped error %v lost its identity", err)
	}
	if got := err.Error(); !strings.HasPrefix(got, "store: session S1: insert: ") {
		t.Errorf("wrapped error = %q, want the operation and key first", got)
	}
	nf := notFound("Session")
	got := wrap(nf, "session %s: load", "S1")
	var de *Error
	if got != error(nf) || !errors.As(got, &de) || !errors.Is(got, ErrNotFound) {
		t.Errorf("domain error came back as %v", got)
	}
}
