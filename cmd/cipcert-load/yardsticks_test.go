package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification/certtest"
)

// TestFloor serves the floor yardstick on the demo data through the
// statement counter: a centre's token reads its candidat in two statements
// and two round trips, the JSON carrying the row; another centre's
// candidat is not found, a revoked token or none is refused.
func TestFloor(t *testing.T) {
	if !slices.Contains(certtest.Dialects(t), "postgres") {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	db := certtest.Open(t, "postgres")
	// The floor checks expiry against the real clock, as the server does.
	opt := certtest.Options(t)
	opt.Now = func() time.Time { return time.Now().UTC() }
	svc := certtest.NewServiceWith(t, db, opt)
	certtest.SeedWith(t, svc, false)
	token, _, err := svc.Connexion(ctx, "centre", demoPasswords["centre"])
	if err != nil {
		t.Fatal(err)
	}
	var mine, other string
	if err := db.Raw(`SELECT c.id FROM candidats c JOIN utilisateurs u ON u.centre_id = c.centre_id
		WHERE u.identifiant = 'centre' ORDER BY c.id LIMIT 1`).Scan(&mine).Error; err != nil || mine == "" {
		t.Fatalf("a candidat of the centre: %q, %v", mine, err)
	}
	if err := db.Raw(`SELECT c.id FROM candidats c WHERE c.centre_id <> (SELECT centre_id FROM utilisateurs
		WHERE identifiant = 'centre') ORDER BY c.id LIMIT 1`).Scan(&other).Error; err != nil {
		t.Fatal(err)
	}

	counter, viaURL, err := startPgCounter(db.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer counter.close()
	floorURL, stop, err := startFloor(ctx, viaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := newClient()

	read := []request{{method: "GET", token: token, url: floorURL + mine}}
	countRequests(ctx, c, &counter.counts, "warm-up", read)
	sc, _ := countRequests(ctx, c, &counter.counts, phaseFloor, read)
	if sc.Errors != 0 || sc.Statements != 2 || sc.RoundTrips != 2 {
		t.Errorf("floor read: %+v, want 2 statements in 2 round trips", sc)
	}
	req, _ := http.NewRequest("GET", floorURL+mine, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got floorCandidat
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || got.ID != mine || got.NomNaissance == "" || got.Version < 1 {
		t.Errorf("floor read: %d %+v %v", resp.StatusCode, got, err)
	}

	statuses := map[string]int{"": http.StatusUnauthorized, "inconnu": http.StatusUnauthorized}
	if other == "" {
		t.Error("the demo data has no candidat of another centre")
	} else {
		status, _ := send(ctx, c, request{method: "GET", token: token, url: floorURL + other})
		if status != http.StatusNotFound {
			t.Errorf("another centre's candidat: %d, want 404", status)
		}
	}
	if err := svc.Deconnexion(ctx, token); err != nil {
		t.Fatal(err)
	}
	statuses[token] = http.StatusUnauthorized
	for tok, want := range statuses {
		if status, _ := send(ctx, c, request{method: "GET", token: tok, url: floorURL + mine}); status != want {
			t.Errorf("token %.8q: %d, want %d", tok, status, want)
		}
	}
}
