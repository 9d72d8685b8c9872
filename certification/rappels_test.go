package certification_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/queue"
)

// recu is a message the SMTP server in process accepted, read back: its
// envelope recipient, subject and parts by content type, decoded.
type recu struct {
	to, subject string
	parts       map[string][]byte
	noms        map[string]string // attachment file name by content type
}

func lire(t testing.TB, raw string) recu {
	t.Helper()
	m, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	r := recu{to: strings.Trim(m.Header.Get("To-Envelope"), "<>"), subject: subject, parts: map[string][]byte{}, noms: map[string]string{}}
	r.lirePart(t, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), "", m.Body)
	return r
}

func (r recu) lirePart(t testing.TB, ctype, encoding, disposition string, body io.Reader) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r.lirePart(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	r.parts[mt] = b
	if _, dp, err := mime.ParseMediaType(disposition); err == nil {
		r.noms[mt] = dp["filename"]
	}
}

// pdfTexte is pdftotext's reading of a PDF.
func pdfTexte(t testing.TB, doc []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "piece.pdf")
	if err := os.WriteFile(p, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// echecJobs enqueues through the queue, then fails while echec is set: the
// transaction that enqueued rolls back, its jobs with it.
type echecJobs struct {
	certification.Jobs
	mu    sync.Mutex
	echec bool
}

func (e *echecJobs) Enqueue(tx *gorm.DB, jobs ...certification.Job) error {
	if err := e.Jobs.Enqueue(tx, jobs...); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.echec {
		return errors.New("panne après l’ajout des tâches")
	}
	return nil
}

// horloge is a test clock that the test moves forward.
type horloge struct {
	mu  sync.Mutex
	now time.Time
}

func (h *horloge) Now() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now }
func (h *horloge) avancer(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

// rappelsWorld is a service on db whose jobs go to a queue sending to an
// SMTP server in process, with a clock the test moves, the demo loaded.
type rappelsWorld struct {
	svc                          *certification.Service
	q                            *queue.Queue
	boite                        *boite
	clock                        *horloge
	jobs                         *echecJobs
	centre, jury1, jury2, dreets certification.Acteur
	jury                         []string
}

func newRappelsWorld(t *testing.T, db *certification.DB) *rappelsWorld {
	t.Helper()
	// The periodic sweep stays off: the tests sweep at the times they choose.
	return newRappelsWorldWith(t, db, -1)
}

// newRappelsWorldWith is newRappelsWorld with the queue sweeping the
// reminders at the pace rappels (queue.Config.Rappels).
func newRappelsWorldWith(t *testing.T, db *certification.DB, rappels time.Duration) *rappelsWorld {
	t.Helper()
	w := &rappelsWorld{boite: &boite{recus: make(chan string, 20)}, clock: &horloge{now: certtest.Now}}
	sender := w.boite.start(t)
	var err error
	w.q, err = queue.New(context.Background(), db, queue.Config{Sender: sender, Retry: retryNow{}, PollInterval: 20 * time.Millisecond, Rappels: rappels})
	if err != nil {
		t.Fatal(err)
	}
	w.jobs = &echecJobs{Jobs: w.q}
	opt := certtest.Options(t)
	opt.Now = w.clock.Now
	opt.Jobs = w.jobs
	w.svc = certtest.NewServiceWith(t, db, opt)
	w.centre, w.jury1, w.jury2, w.dreets, w.jury = demoPV(t, w.svc)
	return w
}

// sweep runs the reminders' sweep at the test's clock and checks how many
// it enqueued.
func (w *rappelsWorld) sweep(t *testing.T, want int) {
	t.Helper()
	got, err := w.svc.EnvoyerRappels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("%s: %d reminders enqueued, want %d", w.clock.Now().Format(time.DateOnly), got, want)
	}
}

func (w *rappelsWorld) start(t *testing.T) {
	t.Helper()
	if err := w.q.Start(context.Background(), w.svc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.q.Stop(context.Background()) })
}

func (w *rappelsWorld) candidat(t *testing.T, nom, email string) string {
	t.Helper()
	d := certification.NewDate
	c, err := w.svc.CreateCandidat(context.Background(), w.centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
		NomNaissance: nom, Prenoms: "Élise", DateNaissance: d(1990, 2, 3), LieuNaissance: "Nantes (44)", Email: email,
		Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)},
		ECF:       []certification.ECF{{CCP: "CCP1", DateEvaluation: d(2026, 3, 20)}, {CCP: "CCP2", DateEvaluation: d(2026, 6, 12)}, {CCP: "CCP3", DateEvaluation: d(2026, 9, 11)}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func countJobs(t testing.TB, db *certification.DB, kind string) int64 {
	t.Helper()
	var n int64
	if err := db.Table("river_job").Where("kind = ?", kind).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConvocations: a session's declaration convenes each candidat enrolled
// by e-mail with its convocation attached, in the declaring transaction (a
// declaration rolled back enqueues nothing); a candidat enrolled in a
// session already declared is convened at once; a withdrawal after the
// convocation sends its cancellation, and nothing is sent twice.
func TestConvocations(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newRappelsWorld(t, db)
		debut := certification.DateOf(certtest.Now.AddDate(0, 0, 14))
		s, err := w.svc.CreateSession(ctx, w.centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: debut, Fin: debut, Lieu: "Lyon, 12 rue Garibaldi", Responsable: "Sophie Garnier", Jury: w.jury})
		if err != nil {
			t.Fatal(err)
		}
		noms := map[string]string{"AUBÉ": "aube@example.fr", "Nguyễn": "nguyen@example.fr", "Łukasiewicz": "lukasiewicz@example.fr"}
		var inscriptions []string
		for _, nom := range []string{"AUBÉ", "Nguyễn"} {
			in, err := w.svc.Inscrire(ctx, w.centre, s.ID, w.candidat(t, nom, noms[nom]), nil)
			if err != nil {
				t.Fatal(err)
			}
			inscriptions = append(inscriptions, in.ID)
		}
		w.start(t)

		// A declaration that fails after enqueuing rolls back with its jobs.
		before := countJobs(t, db, "message")
		w.jobs.mu.Lock()
		w.jobs.echec = true
		w.jobs.mu.Unlock()
		if _, err := w.svc.DeclarerSession(ctx, w.centre, s.ID); err == nil {
			t.Fatal("declaration succeeded despite the failure")
		}
		w.jobs.mu.Lock()
		w.jobs.echec = false
		w.jobs.mu.Unlock()
		if n := countJobs(t, db, "message"); n != before {
			t.Fatalf("a rolled-back declaration left %d message jobs", n-before)
		}
		if got, _ := w.svc.Session(ctx, w.centre, s.ID); got.Statut != certification.Planifiee {
			t.Fatalf("session %s after a rolled-back declaration", got.Statut)
		}

		if _, err := w.svc.DeclarerSession(ctx, w.centre, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Inscrire(ctx, w.centre, s.ID, w.candidat(t, "Łukasiewicz", noms["Łukasiewicz"]), nil); err != nil {
			t.Fatal(err)
		}
		vus := map[string]bool{}
		for range 3 {
			m := lire(t, <-w.boite.recus)
			var nom string
			for n, e := range noms {
				if e == m.to {
					nom = n
				}
			}
			if nom == "" || vus[nom] {
				t.Fatalf("convocation to %q (already seen: %v)", m.to, vus)
			}
			vus[nom] = true
			if m.subject != "Votre convocation à la session "+s.Reference {
				t.Errorf("subject %q", m.subject)
			}
			if txt := string(m.parts["text/plain"]); !strings.Contains(txt, "vous convoque à la session "+s.Reference) ||
				!strings.Contains(txt, "https://cipcert.test/mon-espace") || !strings.Contains(txt, "Lyon, 12 rue Garibaldi") {
				t.Errorf("text part:\n%s", txt)
			}
			if !strings.Contains(string(m.parts["text/html"]), `<a href="https://cipcert.test/mon-espace">`) {
				t.Errorf("HTML part:\n%s", m.parts["text/html"])
			}
			pdf, ok := m.parts["application/pdf"]
			if !ok || !strings.HasSuffix(m.noms["application/pdf"], ".pdf") {
				t.Fatalf("no PDF attached to the convocation of %s: parts %v", nom, m.noms)
			}
			if txt := pdfTexte(t, pdf); !strings.Contains(strings.ToUpper(txt), strings.ToUpper(nom)) {
				t.Errorf("the attached convocation does not name %s:\n%s", nom, txt)
			}
		}
		waitRecorded(t, db, 3)

		// Withdrawn after its convocation, the candidat is told it is cancelled.
		if err := w.svc.RetirerInscription(ctx, w.centre, s.ID, inscriptions[1], "Abandon de la formation"); err != nil {
			t.Fatal(err)
		}
		m := lire(t, <-w.boite.recus)
		if m.to != noms["Nguyễn"] || m.subject != "Votre convocation à la session "+s.Reference+" est annulée" ||
			!strings.Contains(string(m.parts["text/plain"]), "Le centre a retiré votre inscription") {
			t.Errorf("cancellation %q to %q:\n%s", m.subject, m.to, m.parts["text/plain"])
		}
		waitRecorded(t, db, 4)

		// The place changes after the declaration: the two candidats still
		// convened get the new convocation; the one withdrawn gets nothing.
		cur, err := w.svc.Session(ctx, w.centre, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ModifierSession(ctx, w.centre, s.ID, cur.Version, certification.ModificationSession{Debut: cur.Debut, Fin: cur.Fin,
			Heure: cur.Heure, Lieu: "Villeurbanne, 3 avenue Einstein", Responsable: cur.Responsable}); err != nil {
			t.Fatal(err)
		}
		modifies := map[string]bool{}
		for range 2 {
			m := lire(t, <-w.boite.recus)
			if m.subject != "Votre convocation à la session "+s.Reference+" est modifiée" || m.to == noms["Nguyễn"] || modifies[m.to] {
				t.Fatalf("new convocation %q to %q (already: %v)", m.subject, m.to, modifies)
			}
			modifies[m.to] = true
			if txt := string(m.parts["text/plain"]); !strings.Contains(txt, "a modifié la session "+s.Reference) ||
				!strings.Contains(txt, "Villeurbanne, 3 avenue Einstein") || !strings.Contains(txt, "remplace la précédente") {
				t.Errorf("text part:\n%s", txt)
			}
			if txt := pdfTexte(t, m.parts["application/pdf"]); !strings.Contains(txt, "Villeurbanne") {
				t.Errorf("the attached convocation does not give the new place:\n%s", txt)
			}
		}
		waitRecorded(t, db, 6)
		// A change of responsable alone convenes no one again.
		cur, err = w.svc.Session(ctx, w.centre, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ModifierSession(ctx, w.centre, s.ID, cur.Version, certification.ModificationSession{Debut: cur.Debut, Fin: cur.Fin,
			Heure: cur.Heure, Lieu: cur.Lieu, Responsable: "Marc Olivier"}); err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, db, "message"); n != 6 {
			t.Errorf("%d message jobs, want 3 convocations, 1 cancellation and 2 new convocations", n)
		}
		if len(w.boite.recus) != 0 {
			t.Errorf("%d messages more", len(w.boite.recus))
		}
	})
}

// TestRappelsJury: the day after a held session whose results are missing,
// each jury member is reminded once a day, with what is missing; a session
// whose results are complete reminds no one.
func TestRappelsJury(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newRappelsWorld(t, db)
		incomplete, _ := heldSession(t, w.svc, 2, w.jury, w.centre)
		complete, ins := heldSession(t, w.svc, 1, w.jury, w.centre)
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, complete, ins[0], 1, certification.PresenceSaisie{Presence: "absent"}); err != nil {
			t.Fatal(err)
		}
		w.sweep(t, 0) // the session's own day
		w.clock.avancer(24 * time.Hour)
		w.sweep(t, 2) // one per member of the incomplete session
		w.clock.avancer(3 * time.Hour)
		w.sweep(t, 0) // the same day again

		w.start(t)
		ref := func(id string) string {
			s, err := w.svc.Session(ctx, w.centre, id)
			if err != nil {
				t.Fatal(err)
			}
			return s.Reference
		}
		for range 2 {
			m := lire(t, <-w.boite.recus)
			txt := string(m.parts["text/plain"])
			if m.to != "j@example.fr" || m.subject != "Résultats manquants : session "+ref(incomplete) ||
				!strings.Contains(txt, "LEFÈVRE-000 Camille Éloïse : présence") && !strings.Contains(txt, "Lefèvre-000 Camille Éloïse : présence") ||
				!strings.Contains(txt, "https://cipcert.test/jury/sessions/"+incomplete) {
				t.Errorf("reminder %q to %q:\n%s", m.subject, m.to, txt)
			}
		}
		waitRecorded(t, db, 2)

		w.clock.avancer(24 * time.Hour)
		w.sweep(t, 2) // the next day, still missing
		waitRecorded(t, db, 4)
		if len(w.boite.recus) != 2 {
			t.Errorf("%d reminders the next day, want 2", len(w.boite.recus))
		}
	})
}

// TestRappelsAutorite: a session délibérée whose PV is not validated
// reminds the autorité agents of its territory with an address after N
// days (rappel_validation_pv_jours), not before, once per period of N
// days, and no longer once validated.
func TestRappelsAutorite(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newRappelsWorld(t, db)
		for _, id := range []string{"dreets", "dreets-pdl"} {
			if err := db.Table("utilisateurs").Where("identifiant = ?", id).Update("email", id+"@example.gouv.fr").Error; err != nil {
				t.Fatal(err)
			}
		}
		sid := deliberatedSession(t, w.svc, 1, w.jury, w.centre, w.jury1, w.jury2)
		n, _, err := certtest.Options(t).Parametres.Valeur("rappel_validation_pv_jours", certtest.Now)
		if err != nil || n < 2 {
			t.Fatalf("rappel_validation_pv_jours = %d, %v", n, err)
		}
		jour := 24 * time.Hour
		w.clock.avancer(time.Duration(n-1) * jour)
		w.sweep(t, 0) // N-1 days
		w.clock.avancer(jour)
		w.sweep(t, 1) // N days: the DREETS of the centre's region, not the other region's
		w.sweep(t, 0)
		w.clock.avancer(jour)
		w.sweep(t, 0) // the same period
		w.start(t)
		m := lire(t, <-w.boite.recus)
		if m.to != "dreets@example.gouv.fr" || !strings.HasPrefix(m.subject, "PV à valider : session ") ||
			!strings.Contains(string(m.parts["text/plain"]), "attend sa validation depuis "+strconv.Itoa(n+1)+" jours") ||
			!strings.Contains(string(m.parts["text/plain"]), "https://cipcert.test/autorite/sessions/"+sid) {
			t.Errorf("reminder %q to %q:\n%s", m.subject, m.to, m.parts["text/plain"])
		}
		w.clock.avancer(time.Duration(n-1) * jour)
		w.sweep(t, 1) // 2N days: another period
		waitRecorded(t, db, 2)
		if _, err := w.svc.ValiderPV(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		w.clock.avancer(time.Duration(n) * jour)
		w.sweep(t, 0) // validated
	})
}

// TestRappelsPeriodiques: the queue sweeps the reminders by itself, from its
// start: the day after a held session with results missing, its jury
// members are reminded without anyone asking.
func TestRappelsPeriodiques(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRappelsWorldWith(t, db, time.Hour)
		id, _ := heldSession(t, w.svc, 1, w.jury, w.centre)
		w.clock.avancer(24 * time.Hour)
		w.start(t)
		for range 2 {
			if m := lire(t, <-w.boite.recus); !strings.HasPrefix(m.subject, "Résultats manquants : session ") ||
				!strings.Contains(string(m.parts["text/plain"]), "/jury/sessions/"+id) {
				t.Errorf("message %q:\n%s", m.subject, m.parts["text/plain"])
			}
		}
		if n := countJobs(t, db, "rappels"); n < 1 {
			t.Errorf("%d sweeps in the queue", n)
		}
	})
}
