package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestReferentielCmd exports the CIP from the command line, imports it
// under another code, and refuses a file whose correspondence names no CCP.
func TestReferentielCmd(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CIPCERT_SQLITE": filepath.Join(t.TempDir(), "ref.db")}
	getenv := func(k string) string { return env[k] }
	cipcert := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out)
		return out.String(), err
	}
	for _, args := range [][]string{{"migrate", "up"}, {"seed"}} {
		if out, err := cipcert("", args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	export, err := cipcert("", "referentiel", "export", "TP-00403")
	if err != nil || !strings.Contains(export, `"rncp_bloc": "RNCP37274BC03"`) {
		t.Fatalf("export: %v\n%s", err, export)
	}
	copie := strings.ReplaceAll(export, "TP-00403", "TP-99403")
	if out, err := cipcert(copie, "referentiel", "import"); err != nil || !strings.Contains(out, "titre TP-99403 importé : 1 version(s)") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if again, err := cipcert("", "referentiel", "export", "TP-99403"); err != nil || again != copie {
		t.Fatalf("export of the import: %v\n%s\nwant\n%s", err, again, copie)
	}
	faux := strings.Replace(strings.ReplaceAll(export, "TP-00403", "TP-99404"), `"competences"`, `"correspond": ["TP-99404-2023/CCP9"], "competences"`, 1)
	_, err = cipcert(faux, "referentiel", "import")
	if err == nil || !strings.Contains(err.Error(), "versions[0].blocs[0].correspond[0]") {
		t.Fatalf("import of a faulty file: %v", err)
	}
}
