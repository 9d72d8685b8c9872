package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cipcert/cipcert/pdf/sceau"
)

// readSecret reads a setting given either in NAME or in the file named by
// NAME_FILE, never both.
func readSecret(getenv func(string) string, name string) ([]byte, error) {
	v, f := getenv(name), getenv(name+"_FILE")
	if f == "" {
		return []byte(v), nil
	}
	if v != "" {
		return nil, fmt.Errorf("%s et %s_FILE sont tous deux renseignés : gardez-en un", name, name)
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s_FILE : %w", name, err)
	}
	return b, nil
}

// loadSceau reads the authority's seal from CIPCERT_SCEAU_CERT (the
// certificate, then its chain) and CIPCERT_SCEAU_CLE (the private key), in
// PEM, or their _FILE variants. Neither set gives no seal; the problems
// are reported in French, for the operator.
func loadSceau(getenv func(string) string) (*sceau.Sceau, error) {
	cert, errCert := readSecret(getenv, "CIPCERT_SCEAU_CERT")
	key, errKey := readSecret(getenv, "CIPCERT_SCEAU_CLE")
	if err := errors.Join(errCert, errKey); err != nil {
		return nil, err
	}
	switch {
	case len(cert) == 0 && len(key) == 0:
		return nil, nil
	case len(cert) == 0:
		return nil, errors.New("CIPCERT_SCEAU_CLE est renseignée sans CIPCERT_SCEAU_CERT : indiquez aussi le certificat du sceau")
	case len(key) == 0:
		return nil, errors.New("CIPCERT_SCEAU_CERT est renseigné sans CIPCERT_SCEAU_CLE : indiquez aussi la clé privée du sceau")
	}
	s, err := sceau.LoadPEM(cert, key)
	if err != nil {
		return nil, fmt.Errorf("sceau électronique (CIPCERT_SCEAU_CERT, CIPCERT_SCEAU_CLE) : %w", err)
	}
	return s, nil
}

// demoSceauPath is where cipcert seed writes the demo seal: next to the
// SQLite file, or in the working directory for PostgreSQL.
func demoSceauPath(databaseURL string) string {
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		return "cipcert-sceau-demo.pem"
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(databaseURL, "sqlite://"), "?")
	return strings.TrimSuffix(path, filepath.Ext(path)) + "-sceau-demo.pem"
}

// demoSceau loads the demo seal at path, creating it when create is set
// and the file does not exist yet. Its certificate names itself « sceau
// non officiel » in every PDF reader.
func demoSceau(path string, create bool, now time.Time) (*sceau.Sceau, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		c, k, err := sceau.Generer(sceau.NomDemo, now)
		if err != nil {
			return nil, err
		}
		b = append(c, k...)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("demo seal: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("demo seal: %w", err)
	}
	return sceau.LoadPEM(b, b)
}

// loadCleTOTP reads the key that seals the second factors' secrets from
// CIPCERT_TOTP_CLE or CIPCERT_TOTP_CLE_FILE: 32 bytes, in base64 or hex
// (openssl rand -base64 32). Unset, the secrets are stored unsealed.
func loadCleTOTP(getenv func(string) string) ([]byte, error) {
	raw, err := readSecret(getenv, "CIPCERT_TOTP_CLE")
	if err != nil {
		return nil, err
	}
	v := strings.TrimSpace(string(raw))
	if v == "" {
		return nil, nil
	}
	if k, err := hex.DecodeString(v); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(v); err == nil && len(k) == 32 {
		return k, nil
	}
	return nil, errors.New("CIPCERT_TOTP_CLE doit contenir 32 octets, en base64 ou en hexadécimal (openssl rand -base64 32)")
}
