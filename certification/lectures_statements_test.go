package certification_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// statementCounter counts the SQL statements a database runs: every
// statement, query or write, passes through its logger's Trace.
type statementCounter struct {
	logger.Interface
	n atomic.Int64
}

func (s *statementCounter) LogMode(logger.LogLevel) logger.Interface { return s }

func (s *statementCounter) Trace(context.Context, time.Time, func() (string, int64), error) {
	s.n.Add(1)
}

// TestLecturesStatements holds the parcours and the candidat lists to the
// statements they send one after the other: their time under load follows
// the round trips more than anything else. The référentiel is read from
// its copy once filled.
func TestLecturesStatements(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		svc := certtest.NewService(t, db)
		certtest.Seed(t, svc)
		var ids []struct{ ID, CentreID, NomNaissance string }
		if err := db.Table("candidats").Select("id, centre_id, nom_naissance").Scan(&ids).Error; err != nil {
			t.Fatal(err)
		}
		cand := map[string]struct{ ID, CentreID, NomNaissance string }{}
		for _, c := range ids {
			cand[c.NomNaissance] = c
		}
		nguyen, lefevre := cand["Nguyễn"], cand["Lefèvre"]
		centre := certification.Acteur{Role: certification.RoleCentre, CentreID: nguyen.CentreID}
		autorite := certification.Acteur{Role: certification.RoleAutorite,
			Territoire: certification.Territoire{Autorite: "DREETS Auvergne-Rhône-Alpes", Region: "Auvergne-Rhône-Alpes"}}
		admin := certification.Acteur{Role: certification.RoleAdmin}
		candidat := certification.Acteur{Role: certification.RoleCandidat, CandidatID: lefevre.ID}
		count := &statementCounter{Interface: logger.Discard}
		db.SetLogger(count)
		ctx := context.Background()
		parcours := func(a certification.Acteur, id string) func() error {
			return func() error { _, err := svc.Parcours(ctx, a, id); return err }
		}
		list := func(a certification.Acteur, f certification.FiltreCandidats) func() error {
			return func() error { _, err := svc.Candidats(ctx, a, f); return err }
		}
		for _, c := range []struct {
			name string
			max  int64
			read func() error
		}{
			{"parcours as the centre", 2, parcours(centre, nguyen.ID)},
			{"parcours as the autorité", 2, parcours(autorite, nguyen.ID)},
			{"parcours as the candidat", 2, parcours(candidat, lefevre.ID)},
			{"parcours as the admin", 2, parcours(admin, lefevre.ID)},
			{"list as the centre", 2, list(centre, certification.FiltreCandidats{})},
			{"list as the admin", 2, list(admin, certification.FiltreCandidats{})},
			{"list as the autorité", 2, list(autorite, certification.FiltreCandidats{})},
			{"name search as the centre", 2, list(centre, certification.FiltreCandidats{Nom: "ngu"})},
			{"name search as the admin", 2, list(admin, certification.FiltreCandidats{Nom: "lef"})},
			{"parcours=vae as the admin", 2, list(admin, certification.FiltreCandidats{Parcours: certification.ParcoursVAE})},
		} {
			// The first read may fill the référentiel's copy.
			if err := c.read(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			before := count.n.Load()
			if err := c.read(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n := count.n.Load() - before; n > c.max {
				t.Errorf("%s: %d SQL statements, at most %d expected", c.name, n, c.max)
			} else {
				t.Logf("%s: %d SQL statements", c.name, n)
			}
		}
	})
}
