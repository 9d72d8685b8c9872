package certification

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A dossier is read in two statements, whatever its history: the candidat
// (under the actor's scope) with its enrolments and their sessions, then
// every detail of them at once (ECF, CCP antérieurs, notifications de
// recevabilité, blocs, live evaluations, jury). Each statement is a round
// trip, which under load costs more than anything the server does with the
// rows; and the rows are scanned by hand, GORM's scanning by reflection
// having been a quarter of a parcours read's CPU time.

// passageColumns follow candidatColumns in the dossier statement: the
// enrolment, then its session, NULL for a candidat without enrolment.
const passageColumns = `, i.id, i.session_id, i.entretien_final_du, i.presence, i.entretien_final, i.issue, i.explication,
	i.date_limite, i.notifie_le, i.excusee_at, i.motif_excuse, i.version, i.created_at, i.updated_at,
	s.reference, s.centre_id, s.version_id, v.code, t.code, s.type, s.debut, s.fin, s.lieu, s.responsable, s.heure,
	s.numero_ceres, s.ceres_declaree_le, s.statut, s.motif_annulation, s.motif_regularisation, s.declaree_at, s.tenue_at,
	s.deliberee_at, s.validee_at, s.validee_par, s.version, s.created_at, s.updated_at`

// passageDossierRow is what passageColumns read into.
type passageDossierRow struct {
	in   Inscription
	sess Session
}

// lireDossier reads the candidat id under the actor's scope and its
// enrolments in force in sessions of the statuses visibles, with their
// sessions, oldest session first. Returns ErrNotFound for a candidat the
// actor may not see.
func lireDossier(db *gorm.DB, a Acteur, id string, visibles []StatutSession) (*candidatRow, []passageDossierRow, error) {
	if !validID(id) {
		return nil, nil, notFound("Candidat")
	}
	q, err := scopeCandidats(db, a)
	if err != nil {
		return nil, nil, err
	}
	// A withdrawn enrolment stays in the table but is no longer part of
	// the session. The statuses are sorted out below: a LEFT JOIN
	// condition on the session would keep the enrolment without it.
	var (
		cand *candidatRow
		out  []passageDossierRow
	)
	q = q.Select(candidatColumns+passageColumns).
		Joins("LEFT JOIN inscriptions i ON i.candidat_id = c.id AND i.retiree_at IS NULL").
		Joins("LEFT JOIN sessions s ON s.id = i.session_id").
		Joins("LEFT JOIN titre_versions v ON v.id = s.version_id").
		Joins("LEFT JOIN titres t ON t.id = v.titre_id").
		Where("c.id = ?", id).Order("s.fin, s.id")
	err = parcourir(q, func(rows lignes) error {
		for rows.Next() {
			var (
				r       candidatRow
				p       passageDossierRow
				inID    sql.NullString
				statut  sql.NullString
				in, ses = &p.in, &p.sess
			)
			dest := append(r.dests(), &inID, nul(&in.SessionID), nul(&in.EntretienFinalDu), &in.Presence, &in.EntretienFinal, &in.Issue,
				nul(&in.Explication), &in.DateLimite, &in.NotifieLe, &in.ExcuseeAt, nul(&in.MotifExcuse), nul(&in.Version),
				nul(&in.CreatedAt), nul(&in.UpdatedAt),
				nul(&ses.Reference), nul(&ses.CentreID), nul(&ses.VersionID), nul(&ses.VersionCode), nul(&ses.TitreCode), nul(&ses.Type),
				&ses.Debut, &ses.Fin, nul(&ses.Lieu), nul(&ses.Responsable), nul(&ses.Heure), nul(&ses.NumeroCeres), &ses.CeresDeclareeLe,
				&statut, nul(&ses.MotifAnnulation), nul(&ses.MotifRegularisation), &ses.DeclareeAt, &ses.TenueAt, &ses.DelibereeAt,
				&ses.ValideeAt, &ses.ValideePar, nul(&ses.Version), nul(&ses.CreatedAt), nul(&ses.UpdatedAt))
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if cand == nil {
				cand = &r
			}
			if !inID.Valid || !slices.Contains(visibles, StatutSession(statut.String)) {
				continue
			}
			in.ID, in.CandidatID = inID.String, r.ID
			ses.ID, ses.Statut = in.SessionID, StatutSession(statut.String)
			in.SessionReference, in.SessionType, in.SessionDebut, in.SessionFin = ses.Reference, ses.Type, ses.Debut, ses.Fin
			in.SessionVersionID, in.SessionStatut = ses.VersionID, ses.Statut
			in.NomNaissance, in.NomUsage, in.Prenoms = r.NomNaissance, r.NomUsage, r.Prenoms
			in.CCP, in.Evaluations = []string{}, []Evaluation{}
			ses.CCP, ses.Jury = []string{}, []MembreSession{}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, wrap(err, "dossier of candidat %s: load", id)
	}
	if cand == nil {
		return nil, nil, notFound("Candidat")
	}
	return cand, out, nil
}

// detailColumns is the shape every branch of a details statement selects,
// so that one statement brings details of every kind: what the kind
// (detail*) is, whose detail it is (owner: a candidat, an enrolment or a
// session), its own columns, and the sort keys of its kind. The first
// branch types the columns for both dialects: PostgreSQL types a UNION's
// NULLs by the branches before them, SQLite reports the declared types of
// the first branch's columns.
//
//	kind, owner, id, code, texte, texte2, texte3, texte4, jour, nombre, drapeaux, t1, t2, t3, rang, tri1, tri2
type ligneDetail struct {
	kind, owner, id, code         string
	texte, texte2, texte3, texte4 string
	jour                          Date
	nombre, drapeaux              int
	t1, t2, t3                    *time.Time
}

// The kinds of detail lines.
const (
	detailECF          = "e"
	detailAnterieur    = "a"
	detailRecevabilite = "r"
	detailEvaluation   = "ev"
	detailBlocInscrit  = "ib"
	detailBlocSession  = "sb"
	detailJury         = "sj"
)

// The branches of the details statements. Each orders its lines by rang,
// then tri1 and tri2, then t1, then id (ORDER BY of detailsOrder): the
// blocs by their rank, the notifications as they were recorded, the jury
// by name.
const (
	// branchEvaluations comes first where it is present: its columns have
	// the types of every column.
	branchEvaluations = `SELECT 'ev' AS kind, e.inscription_id AS owner, e.id, b.code, e.decision AS texte, e.motifs AS texte2,
		e.saisi_par AS texte3, e.bloc_id AS texte4, CAST(NULL AS DATE) AS jour, e.version AS nombre,
		(CASE WHEN e.msp THEN 1 ELSE 0 END) + (CASE WHEN e.entretien_technique THEN 2 ELSE 0 END)
		+ (CASE WHEN e.questionnaire_professionnel THEN 4 ELSE 0 END) + (CASE WHEN e.questionnement_productions THEN 8 ELSE 0 END)
		+ (CASE WHEN e.dossier_professionnel THEN 16 ELSE 0 END) + (CASE WHEN e.ecf_pris_en_compte THEN 32 ELSE 0 END) AS drapeaux,
		e.created_at AS t1, e.updated_at AS t2, e.revoque_at AS t3, b.rang, '' AS tri1, '' AS tri2
		FROM evaluations e JOIN blocs b ON b.id = e.bloc_id WHERE e.inscription_id IN ? AND e.revoque_at IS NULL`
	branchBlocsInscrits = `SELECT 'ib', ib.inscription_id, '', b.code, '', '', '', '', NULL, 0, 0, NULL, NULL, NULL, b.rang, '', ''
		FROM inscription_blocs ib JOIN blocs b ON b.id = ib.bloc_id WHERE ib.inscription_id IN ?`
	branchBlocsSession = `SELECT 'sb', sb.session_id, '', b.code, '', '', '', '', NULL, 0, 0, NULL, NULL, NULL, b.rang, '', ''
		FROM session_blocs sb JOIN blocs b ON b.id = sb.bloc_id WHERE sb.session_id IN ?`
	branchJury = `SELECT 'sj', sj.session_id, sj.membre_id, '', m.nom, m.prenoms, '', '', NULL, 0, 0, NULL, NULL, sj.signe_at, 0, m.nom, m.prenoms
		FROM session_jury sj JOIN jury_membres m ON m.id = sj.membre_id WHERE sj.session_id IN ?`
	// branchECF is first in the lists' statement: it types the columns
	// there.
	branchECF = `SELECT 'e' AS kind, e.candidat_id AS owner, e.id, b.code, e.observations AS texte, '' AS texte2, '' AS texte3,
		'' AS texte4, e.date_evaluation AS jour, 0 AS nombre, 0 AS drapeaux, CAST(NULL AS TIMESTAMP) AS t1,
		CAST(NULL AS TIMESTAMP) AS t2, CAST(NULL AS TIMESTAMP) AS t3, b.rang, '' AS tri1, '' AS tri2
		FROM candidat_ecf e JOIN blocs b ON b.id = e.bloc_id WHERE e.candidat_id IN ?`
	branchAnterieurs = `SELECT 'a', a.candidat_id, a.id, b.code, a.session_reference, v.code, '', '', a.date_obtention, 0, 0,
		NULL, NULL, NULL, b.rang, '', ''
		FROM candidat_ccp_anterieurs a JOIN blocs b ON b.id = a.bloc_id JOIN titre_versions v ON v.id = b.version_id
		WHERE a.candidat_id IN ?`
	branchRecevabilites = `SELECT 'r', r.candidat_id, r.id, '', r.reference, r.ddets, r.type_session, '', r.date_notification,
		r.mois_experience, 0, r.enregistree_at, NULL, NULL, 0, '', ''
		FROM candidat_recevabilites r WHERE r.candidat_id IN ?`
	detailsOrder = ` ORDER BY kind, rang, tri1, tri2, t1, id`
)

// lireDetails runs a details statement and calls f with each line, in
// order.
func lireDetails(db *gorm.DB, query string, args []any, f func(*ligneDetail)) error {
	return parcourirBrut(db, query, args, func(rows lignes) error {
		var (
			l          ligneDetail
			rang       int
			tri1, tri2 string
		)
		for rows.Next() {
			l = ligneDetail{}
			if err := rows.Scan(&l.kind, &l.owner, &l.id, &l.code, &l.texte, &l.texte2, &l.texte3, &l.texte4, &l.jour,
				&l.nombre, &l.drapeaux, instant{&l.t1}, instant{&l.t2}, instant{&l.t3}, &rang, &tri1, &tri2); err != nil {
				return err
			}
			f(&l)
		}
		return nil
	})
}

// ajouterDetailCandidat adds an ECF, CCP antérieur or notification line to
// its candidat, and reports whether l was one.
func ajouterDetailCandidat(c *Candidat, l *ligneDetail) bool {
	switch l.kind {
	case detailECF:
		c.ECF = append(c.ECF, ECF{CCP: l.code, DateEvaluation: l.jour, Observations: l.texte})
	case detailAnterieur:
		c.CCPAnterieurs = append(c.CCPAnterieurs, CCPAnterieur{CCP: l.code, VersionCode: l.texte2, DateObtention: l.jour,
			SessionReference: l.texte})
	case detailRecevabilite:
		c.Recevabilites = append(c.Recevabilites, Recevabilite{DateNotification: l.jour, Reference: l.texte, DDETS: l.texte2,
			MoisExperience: l.nombre, TypeSession: l.texte3})
	default:
		return false
	}
	return true
}

// evaluation is an evaluation line's live evaluation.
func (l *ligneDetail) evaluation() Evaluation {
	e := Evaluation{ID: l.id, InscriptionID: l.owner, BlocID: l.texte4, CCP: l.code, Decision: l.texte, Motifs: l.texte2,
		MSP: l.drapeaux&1 != 0, EntretienTechnique: l.drapeaux&2 != 0, QuestionnaireProfessionnel: l.drapeaux&4 != 0,
		QuestionnementProductions: l.drapeaux&8 != 0, DossierProfessionnel: l.drapeaux&16 != 0, EcfPrisEnCompte: l.drapeaux&32 != 0,
		SaisiPar: l.texte3, Version: l.nombre}
	if l.t1 != nil {
		e.CreatedAt = *l.t1
	}
	if l.t2 != nil {
		e.UpdatedAt = *l.t2
	}
	return e
}

// lireDetailsDossier fills the candidat's ECF, CCP antérieurs and
// notifications, the enrolments' blocs and live evaluations, and the
// sessions' blocs and jury, in one statement.
func lireDetailsDossier(db *gorm.DB, c *Candidat, ps []PassageDossier) error {
	branches := []string{branchECF, branchAnterieurs, branchRecevabilites}
	args := []any{[]string{c.ID}, []string{c.ID}, []string{c.ID}}
	ins := map[string]*Inscription{}
	sessions := map[string]*Session{}
	if len(ps) > 0 {
		inIDs, sessIDs := make([]string, len(ps)), make([]string, len(ps))
		for i := range ps {
			inIDs[i], sessIDs[i] = ps[i].Inscription.ID, ps[i].Session.ID
			ins[inIDs[i]], sessions[sessIDs[i]] = &ps[i].Inscription, &ps[i].Session
		}
		branches = append([]string{branchEvaluations, branchBlocsInscrits, branchBlocsSession, branchJury}, branches...)
		args = append([]any{inIDs, inIDs, sessIDs, sessIDs}, args...)
	}
	err := lireDetails(db, strings.Join(branches, " UNION ALL ")+detailsOrder, args, func(l *ligneDetail) {
		if ajouterDetailCandidat(c, l) {
			return
		}
		switch l.kind {
		case detailEvaluation:
			in := ins[l.owner]
			in.Evaluations = append(in.Evaluations, l.evaluation())
		case detailBlocInscrit:
			in := ins[l.owner]
			in.CCP = append(in.CCP, l.code)
		case detailBlocSession:
			s := sessions[l.owner]
			s.CCP = append(s.CCP, l.code)
		case detailJury:
			s := sessions[l.owner]
			s.Jury = append(s.Jury, MembreSession{MembreID: l.id, Nom: l.texte, Prenoms: l.texte2, SigneAt: l.t3})
		}
	})
	return wrap(err, "details of the dossier of candidat %s: load", c.ID)
}

// nul scans a column that a LEFT JOIN leaves NULL where nothing matched
// into *p, as T's zero value then.
func nul[T any](p *T) sql.Scanner { return nulScanner[T]{p} }

type nulScanner[T any] struct{ p *T }

func (n nulScanner[T]) Scan(v any) error {
	var x sql.Null[T]
	if err := x.Scan(v); err != nil {
		return err
	}
	*n.p = x.V
	return nil
}

// instant scans a nullable TIMESTAMP into *p. SQLite's driver hands over
// as text the timestamps of a column whose declared type it does not see,
// as those of a UNION's later branches may be: they are read as the driver
// reads the others (parseTimeFormats).
type instant struct{ p **time.Time }

func (x instant) Scan(v any) error {
	switch t := v.(type) {
	case nil:
		*x.p = nil
		return nil
	case time.Time:
		*x.p = &t
		return nil
	case string:
		return x.parse(t)
	case []byte:
		return x.parse(string(t))
	}
	return fmt.Errorf("certification: cannot scan %T into a timestamp", v)
}

func (x instant) parse(s string) error {
	ts := strings.TrimSuffix(s, "Z")
	for _, f := range sqliteTimeFormats {
		if t, err := time.ParseInLocation(f, ts, time.UTC); err == nil {
			*x.p = &t
			return nil
		}
	}
	return fmt.Errorf("certification: bad timestamp %q", s)
}

// sqliteTimeFormats are the forms SQLite's driver parses a TIMESTAMP
// column's text with, in its order.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}
