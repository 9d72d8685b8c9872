package certification_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestUpdateCandidatStale: an update or an archive carrying a version
// that is no longer current is refused and writes nothing.
func TestUpdateCandidatStale(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.candidat(t, "Lefèvre")
		in := saisieOf(c)
		in.Email = "camille.lefevre@nouveau.example.fr"
		got, err := w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, in)
		if err != nil || got.Version != c.Version+1 {
			t.Fatalf("first update: %v, version %v", err, got)
		}
		stale := saisieOf(c)
		stale.Email = "perdu@example.fr"
		_, err = w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, stale)
		var de *certification.Error
		if !errors.Is(err, certification.ErrStale) || !errors.As(err, &de) || de.Code != "version_perimee" {
			t.Fatalf("update with a stale version: %v, want ErrStale version_perimee", err)
		}
		if _, err := w.svc.ArchiveCandidat(ctx, w.centre, c.ID, c.Version); !errors.Is(err, certification.ErrStale) {
			t.Errorf("archive with a stale version: %v, want ErrStale", err)
		}
		now, err := w.svc.Candidat(ctx, w.centre, c.ID)
		if err != nil || now.Email != in.Email || now.Version != c.Version+1 || now.ArchiveAt != nil {
			t.Errorf("after the refusals the candidat is %+v (%v), want the first update's e-mail at version %d", now, err, c.Version+1)
		}
	})
}

// TestSaisirEvaluationStale: a decision recorded or changed by someone
// else since the member read it is never overwritten.
func TestSaisirEvaluationStale(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sid, ins := heldSession(t, w.svc, 1, w.jury, w.centre)
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, sid, ins[0], 1,
			certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SaisirPresence(ctx, w.jury2, sid, ins[0], 1,
			certification.PresenceSaisie{Presence: "absent"}); !errors.Is(err, certification.ErrStale) {
			t.Errorf("presence with a stale version: %v, want ErrStale", err)
		}
		acquis := certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		first, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 0, acquis)
		if err != nil || first.Version != 1 {
			t.Fatalf("first decision: %v %+v", err, first)
		}
		nonAcquis := acquis
		nonAcquis.Decision, nonAcquis.Motifs = "non_acquis", "La mise en situation n'est pas probante."
		if _, err := w.svc.SaisirEvaluation(ctx, w.jury2, sid, ins[0], "CCP1", 0, nonAcquis); !errors.Is(err, certification.ErrStale) {
			t.Errorf("a second first decision: %v, want ErrStale", err)
		}
		second, err := w.svc.SaisirEvaluation(ctx, w.jury2, sid, ins[0], "CCP1", 1, nonAcquis)
		if err != nil || second.Version != 2 {
			t.Fatalf("change at the current version: %v %+v", err, second)
		}
		if _, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 1, acquis); !errors.Is(err, certification.ErrStale) {
			t.Errorf("change at a stale version: %v, want ErrStale", err)
		}
		list, err := w.svc.Inscriptions(ctx, w.centre, sid)
		if err != nil || len(list) != 1 || len(list[0].Evaluations) != 1 {
			t.Fatalf("inscriptions: %v %+v", err, list)
		}
		if e := list[0].Evaluations[0]; e.Decision != "non_acquis" || e.Version != 2 || e.SaisiPar != w.jury2.UtilisateurID {
			t.Errorf("stored decision = %+v, want jury2's non_acquis at version 2", e)
		}
	})
}

// TestSaisieRefuseeSansTransaction: a recording refused or with nothing
// to write leaves no transaction open on the connection it used, which
// the pool keeps and serves again.
func TestSaisieRefuseeSansTransaction(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sid, ins := sessionAvecPresent(t, w)
		sqlDB, err := db.DB.DB()
		if err != nil {
			t.Fatal(err)
		}
		sqlDB.SetMaxOpenConns(1)
		before := backendPID(t, db)
		acquis := certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true}
		first, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 0, acquis)
		if err != nil {
			t.Fatal(err)
		}
		var de *certification.Error
		if _, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP9", 0, acquis); !errors.As(err, &de) || de.Code != "ccp_non_inscrit" {
			t.Errorf("decision on a CCP not enrolled: %v, want ccp_non_inscrit", err)
		}
		if again, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 0, acquis); err != nil || again.Version != first.Version {
			t.Errorf("the same decision sent again: %v %+v, want it back at version %d", err, again, first.Version)
		}
		if _, err := w.svc.SaisirEvaluation(ctx, w.jury2, sid, ins[0], "CCP1", 0, acquis); !errors.Is(err, certification.ErrStale) {
			t.Errorf("another member's first decision on a decided CCP: %v, want ErrStale", err)
		}
		// Had they left a transaction open, the pool would have closed the
		// connection and opened another.
		if after := backendPID(t, db); after != before {
			t.Errorf("the refusals left the connection unusable: backend %d replaced by %d", before, after)
		}
		second, err := w.svc.SaisirEvaluation(ctx, w.jury2, sid, ins[0], "CCP1", first.Version,
			certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "La mise en situation n'est pas probante.", MSP: true})
		if err != nil || second.Version != first.Version+1 {
			t.Fatalf("change at the current version after the refusals: %v %+v", err, second)
		}
	})
}

// sessionAvecPresent returns a held session of one candidat, noted present.
func sessionAvecPresent(t *testing.T, w *world) (string, []string) {
	t.Helper()
	sid, ins := heldSession(t, w.svc, 1, w.jury, w.centre)
	if _, err := w.svc.SaisirPresence(context.Background(), w.jury1, sid, ins[0], 1, certification.PresenceSaisie{Presence: "present"}); err != nil {
		t.Fatal(err)
	}
	return sid, ins
}

// backendPID returns the PostgreSQL backend of the connection db's pool
// hands out (0 on SQLite, whose one connection stays).
func backendPID(t *testing.T, db *certification.DB) uint32 {
	t.Helper()
	var pid uint32
	if db.Dialect == "postgres" {
		if err := db.AvecPgx(context.Background(), func(c *pgx.Conn) error { pid = c.PgConn().PID(); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return pid
}

// TestEmissionConcurrente: issuers of one session started together issue
// each document once, numbered from 1 without a gap.
func TestEmissionConcurrente(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sid := validatedSession(t, w.svc, 3, w.jury, w.centre, w.jury1, w.jury2, w.dreets)
		const issuers = 4
		start := make(chan struct{})
		var wg sync.WaitGroup
		issued := make([][]certification.Document, issuers)
		errs := make([]error, issuers)
		for i := range issuers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				issued[i], errs[i] = w.svc.EmettreDocumentsSession(ctx, w.dreets, sid)
			}()
		}
		close(start)
		wg.Wait()
		ranks := map[certification.TypeDocument][]int{}
		for i := range issuers {
			if errs[i] != nil {
				t.Errorf("issuer %d: %v", i, errs[i])
			}
			for _, d := range issued[i] {
				ranks[d.Type] = append(ranks[d.Type], d.Rang)
			}
		}
		for typ, want := range map[certification.TypeDocument][]int{certification.DocPV: {1}, certification.DocParchemin: {1, 2, 3}} {
			got := ranks[typ]
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s numbers issued = %v, want %v", typ, got, want)
			}
		}
		docs, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: sid})
		if err != nil || len(docs) != 7 {
			t.Fatalf("documents of the session: %d (%v), want 7: the PV, and a parchemin and a fiche per candidat", len(docs), err)
		}
		for _, d := range docs {
			if !strings.HasSuffix(d.Numero, fmt.Sprintf("-%06d", d.Rang)) {
				t.Errorf("document %s has rank %d", d.Numero, d.Rang)
			}
		}
	})
}

// TestLockSessionSerialises: a transaction that locks a session waits for
// the one holding its lock to end, then sees what that one wrote. The
// test waits on what the database reports (a backend blocked by the
// holder on PostgreSQL, a request waiting for the single connection on
// SQLite), never on time.
func TestLockSessionSerialises(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		sid, _ := heldSession(t, w.svc, 1, w.jury, w.centre)
		h := holdSessionLock(t, db, sid, "UPDATE sessions SET lieu = 'premier' WHERE id = ?")
		second := make(chan string, 1)
		go func() {
			var lieu string
			err := db.WithContext(context.Background()).Transaction(func(tx *gorm.DB) error {
				if err := certification.LockSession(tx, sid); err != nil {
					return err
				}
				return tx.Raw("SELECT lieu FROM sessions WHERE id = ?", sid).Scan(&lieu).Error
			})
			if err != nil {
				lieu = "error: " + err.Error()
			}
			second <- lieu
		}()
		waitBlocked(t, h, second, "the second transaction")
		if lieu := <-second; lieu != "premier" {
			t.Errorf("the second transaction read lieu %q, want what the first one committed", lieu)
		}
	})
}

// TestSaisieAttendLeVerrou: a recording waits for the transaction that
// holds its session's lock exclusively (a deliberation), then sees the
// session it left: it records nothing on a session deliberated meanwhile.
func TestSaisieAttendLeVerrou(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sid, ins := sessionAvecPresent(t, w)
		h := holdSessionLock(t, db, sid, "UPDATE sessions SET statut = 'deliberee' WHERE id = ?")
		saisie := make(chan error, 1)
		go func() {
			_, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 0,
				certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true})
			saisie <- err
		}()
		waitBlocked(t, h, saisie, "the recording")
		var de *certification.Error
		if err := <-saisie; !errors.As(err, &de) || de.Code != "resultats_verrouilles" {
			t.Errorf("recording on a session deliberated while it waited: %v, want resultats_verrouilles", err)
		}
		list, err := w.svc.Inscriptions(ctx, w.centre, sid)
		if err != nil || len(list) != 1 || len(list[0].Evaluations) != 0 {
			t.Errorf("inscriptions after the refusal: %v %+v, want no decision", err, list)
		}
	})
}

// sessionLockHolder is a transaction holding a session's exclusive lock
// (holdSessionLock) until release.
type sessionLockHolder struct {
	db       *certification.DB
	pid      int
	waits    int64
	released bool
	stop     chan struct{}
	done     chan error
}

// holdSessionLock starts a transaction that locks session sid
// exclusively and runs write (with sid as its argument), and returns
// once it holds the lock.
func holdSessionLock(t *testing.T, db *certification.DB, sid, write string) *sessionLockHolder {
	t.Helper()
	h := &sessionLockHolder{db: db, stop: make(chan struct{}), done: make(chan error, 1)}
	locked := make(chan int)
	go func() {
		h.done <- db.WithContext(context.Background()).Transaction(func(tx *gorm.DB) error {
			if err := certification.LockSession(tx, sid); err != nil {
				return err
			}
			if err := tx.Exec(write, sid).Error; err != nil {
				return err
			}
			pid := 0
			if db.Dialect == "postgres" {
				if err := tx.Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
					return err
				}
			}
			locked <- pid
			<-h.stop
			return nil
		})
	}()
	select {
	case h.pid = <-locked:
	case err := <-h.done:
		t.Fatalf("lock holder: %v", err)
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	h.waits = sqlDB.Stats().WaitCount
	return h
}

// waitBlocked waits until another transaction waits for the holder h,
// failing if what, whose outcome comes on went, gets through first; then
// it ends the holder's transaction.
func waitBlocked[T any](t *testing.T, h *sessionLockHolder, went <-chan T, what string) {
	t.Helper()
	sqlDB, err := h.db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	for blocked := false; !blocked; {
		if h.db.Dialect != "postgres" {
			blocked = sqlDB.Stats().WaitCount > h.waits
		} else {
			var n int
			if err := h.db.Raw("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", h.pid).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			blocked = n > 0
		}
		select {
		case v := <-went:
			h.release()
			t.Fatalf("%s went through the lock while it was held: %v", what, v)
		default:
		}
	}
	if err := h.release(); err != nil {
		t.Fatal(err)
	}
}

// release ends the holder's transaction, committing its write.
func (h *sessionLockHolder) release() error {
	if !h.released {
		h.released = true
		close(h.stop)
	}
	return <-h.done
}

// TestAuditSnapshots: the trail stores snake_case snapshots with concrete
// values, and events stored in the former shape stay readable.
func TestAuditSnapshots(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.candidat(t, "Lefèvre")
		in := saisieOf(c)
		in.NomUsage = "Lefèvre-Martin"
		if _, err := w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, in); err != nil {
			t.Fatal(err)
		}
		sid, _ := heldSession(t, w.svc, 1, w.jury, w.centre)
		old := `{"NomNaissance":"Ancien","version":{"SQL":"version + 1","Vars":null,"WithoutParentheses":false}}`
		if err := db.Exec(`INSERT INTO evenements (id, at, role, action, objet, objet_id, candidat_id, avant, apres)
			VALUES (?, ?, 'centre', 'candidat_modifie', 'candidat', ?, ?, '', ?)`,
			"0192a000-0000-7000-8000-000000000001", certtest.Now.Add(-1e12), c.ID, c.ID, old).Error; err != nil {
			t.Fatal(err)
		}

		evs, err := w.svc.Evenements(ctx, w.dreets, "", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sawOld, sawUpdate bool
		for _, e := range evs {
			if e.Apres == old {
				sawOld = true
				continue
			}
			if e.Action == "candidat_modifie" {
				sawUpdate = true
				var avant, apres map[string]any
				if json.Unmarshal([]byte(e.Avant), &avant) != nil || json.Unmarshal([]byte(e.Apres), &apres) != nil {
					t.Fatalf("update event not JSON: %s / %s", e.Avant, e.Apres)
				}
				if avant["nom_naissance"] != "Lefèvre" || apres["nom_usage"] != "Lefèvre-Martin" || avant["version"] != float64(c.Version) ||
					apres["date_naissance"] != "1994-05-17" {
					t.Errorf("update event = %s → %s", e.Avant, e.Apres)
				}
			}
			if strings.Contains(e.Avant+e.Apres, "NomNaissance") {
				t.Errorf("event %s stores Go field names: %s / %s", e.Action, e.Avant, e.Apres)
			}
		}
		if !sawOld || !sawUpdate {
			t.Errorf("candidat trail: old-shape event read %v, update event %v", sawOld, sawUpdate)
		}

		evs, err = w.svc.Evenements(ctx, w.dreets, sid, "")
		if err != nil {
			t.Fatal(err)
		}
		var tenue bool
		for _, e := range evs {
			if strings.Contains(e.Avant+e.Apres, `"SQL"`) {
				t.Errorf("event %s stores SQL: %s", e.Action, e.Apres)
			}
			if e.Action == "session_tenue" {
				tenue = true
				var apres struct {
					Statut  string `json:"statut"`
					Version int    `json:"version"`
					TenueAt string `json:"tenue_at"`
				}
				if err := json.Unmarshal([]byte(e.Apres), &apres); err != nil || apres.Statut != "tenue" || apres.Version != 3 || apres.TenueAt == "" {
					t.Errorf("session_tenue après = %s (%v), want statut tenue at version 3", e.Apres, err)
				}
			}
		}
		if !tenue {
			t.Error("no session_tenue event")
		}
	})
}
