package certification

import (
	"os"
	"testing"
)

// TestPlanCacheModes checks that only the search pool plans every
// statement for its values: the name search needs it, and the other
// statements would pay for it in throughput.
func TestPlanCacheModes(t *testing.T) {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but TEST_DATABASE_URL is not")
		}
		t.Skip("TEST_DATABASE_URL is not set")
	}
	db, err := Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var main, search string
	if err := db.Raw("SHOW plan_cache_mode").Scan(&main).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.forSearch().Raw("SHOW plan_cache_mode").Scan(&search).Error; err != nil {
		t.Fatal(err)
	}
	if main != "auto" || search != "force_custom_plan" {
		t.Errorf("plan_cache_mode: main pool %q, search pool %q; want auto and force_custom_plan", main, search)
	}
}
