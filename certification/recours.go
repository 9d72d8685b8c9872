package certification

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// A candidat contests a validated decision by a recours administratif:
// gracieux to the autorité that validated the PV, or hiérarchique to the
// minister (docs/domaine.md §6 bis). The jury is sovereign, so the outcomes
// are a rejection, the correction of a decision transcribed wrongly, or a new
// deliberation that jury members sign before the autorité records it.

// TypeRecours is whom a recours administratif is addressed to.
type TypeRecours string

// The types of recours administratif.
const (
	RecoursGracieux     TypeRecours = "gracieux"
	RecoursHierarchique TypeRecours = "hierarchique"
)

// StatutRecours is where a recours stands.
type StatutRecours string

// The statuts of a recours.
const (
	// RecoursDepose is filed and awaits the autorité.
	RecoursDepose StatutRecours = "depose"
	// RecoursDeliberation is sent back to the jury, which deliberates again.
	RecoursDeliberation StatutRecours = "deliberation"
	RecoursRejete       StatutRecours = "rejete"
	// RecoursErreurCorrigee: the autorité corrected a decision transcribed wrongly.
	RecoursErreurCorrigee StatutRecours = "erreur_materielle_corrigee"
	// RecoursNouvelleDeliberation: the decision the jury took again is recorded.
	RecoursNouvelleDeliberation StatutRecours = "nouvelle_deliberation"
)

// LibelleStatutRecours names a statut in French.
var LibelleStatutRecours = map[StatutRecours]string{
	RecoursDepose:               "Déposé",
	RecoursDeliberation:         "Nouvelle délibération en cours",
	RecoursRejete:               "Rejeté",
	RecoursErreurCorrigee:       "Erreur matérielle corrigée",
	RecoursNouvelleDeliberation: "Nouvelle délibération",
}

// MotifsRejet are the grounds of a rejection, with their French label.
var MotifsRejet = map[string]string{
	"tardif":      "Recours tardif : formé après l'expiration du délai",
	"non_fonde":   "Recours non fondé : la décision du jury est maintenue",
	"irrecevable": "Recours irrecevable",
}

// Limits of the files attached to a recours.
const (
	MaxPieceRecours   = 5 << 20
	MaxPiecesRecours  = 10 << 20
	MaxNombrePieces   = 5
	maxMotifsRecours  = 5000
	maxNomPieceRecour = 200
)

// RecoursAdministratif is a recours gracieux or hiérarchique on the decision
// of one enrolment.
type RecoursAdministratif struct {
	ID, InscriptionID, SessionID, CandidatID, CentreID string
	Type                                               TypeRecours
	Motifs                                             string
	DeposePar                                          string
	DeposeRole                                         Role
	DeposeAt                                           time.Time
	// DelaiJusquau is the last day of the period computed from the
	// notification; nil when the decision was never notified, since the
	// period runs only from a notification (CJA R421-5).
	DelaiJusquau *Date
	// HorsDelai says it was filed after DelaiJusquau: shown to the autorité,
	// never refused by the software.
	HorsDelai bool
	// RejetImpliciteLe is the day silence turns into a rejection.
	RejetImpliciteLe Date
	Statut           StatutRecours
	MotifRejet       string
	// Reponse is the autorité's answer to the candidat, or the jury's
	// reasons after a new deliberation.
	Reponse     string
	Proposition *PropositionJury
	DecidePar   *string
	DecideAt    *time.Time
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// SilenceDepasse: still open after RejetImpliciteLe.
	SilenceDepasse bool
	Pieces         []PieceRecours
	// Signatures are the jury members who signed the current proposition.
	Signatures []SignatureRecours
	// SignaturesRequises is how many the proposition needs.
	SignaturesRequises int
	// Read-only, joined.
	SessionReference, NomNaissance, Prenoms string
	// ProchainsRecours says, once decided, what the candidat may still do.
	ProchainsRecours string
}

// Ouvert reports whether the recours still awaits its outcome.
func (r RecoursAdministratif) Ouvert() bool {
	return r.Statut == RecoursDepose || r.Statut == RecoursDeliberation
}

// PieceRecours is a file attached to a recours; Contenu is filled only
// when its bytes are asked for.
type PieceRecours struct {
	ID, RecoursID, Nom, TypeContenu string
	Taille                          int
	SHA256                          string
	Contenu                         []byte `json:"-"`
	AjouteePar                      string
	AjouteeAt                       time.Time
}

// SignatureRecours is a jury member's signature of a proposition.
type SignatureRecours struct {
	MembreID string
	SigneAt  time.Time
}

// PropositionJury is the decision the jury takes again on a recours.
type PropositionJury struct {
	Motif     string        `json:"motif"`
	Decisions []DecisionCCP `json:"decisions"`
}

// DecisionCCP is the decision on one CCP.
type DecisionCCP struct {
	CCP        string           `json:"ccp"`
	Evaluation EvaluationSaisie `json:"evaluation"`
}

// NouveauRecours is what the candidat or its centre files.
type NouveauRecours struct {
	InscriptionID string
	Type          TypeRecours
	Motifs        string
	Pieces        []PieceJointe
}

// DecisionRecours is the autorité's outcome of a recours.
type DecisionRecours struct {
	// Issue is rejete, erreur_materielle_corrigee or nouvelle_deliberation:
	// the latter sends a filed recours back to the jury, and records the
	// jury's signed decision once it deliberated.
	Issue      StatutRecours
	MotifRejet string
	Reponse    string
	// CCP and Evaluation are the decision as the jury took it, for
	// erreur_materielle_corrigee.
	CCP        string
	Evaluation *EvaluationSaisie
}

type recoursRow struct {
	ID, InscriptionID, SessionID, CandidatID, CentreID string
	Type                                               string
	Motifs                                             string
	DeposePar                                          string
	DeposeRole                                         string
	DeposeAt                                           time.Time
	DelaiJusquAu                                       *Date `gorm:"column:delai_jusqu_au"`
	HorsDelai                                          bool
	RejetImpliciteLe                                   Date
	Statut                                             string
	MotifRejet                                         string
	Reponse                                            string
	Proposition                                        string
	DecidePar                                          *string
	DecideAt                                           *time.Time
	Version                                            int
	CreatedAt, UpdatedAt                               time.Time
}

func (recoursRow) TableName() string { return "recours" }

type pieceRow struct {
	ID, RecoursID, Nom, TypeContenu string
	Taille                          int
	Sha256                          string
	Contenu                         []byte
	AjouteePar                      string
	AjouteeAt                       time.Time
}

func (pieceRow) TableName() string { return "recours_pieces" }

type signatureRecoursRow struct {
	RecoursID, MembreID, Empreinte string
	SigneAt                        time.Time
}

func (signatureRecoursRow) TableName() string { return "recours_signatures" }

func (r recoursRow) recours() (RecoursAdministratif, error) {
	out := RecoursAdministratif{ID: r.ID, InscriptionID: r.InscriptionID, SessionID: r.SessionID, CandidatID: r.CandidatID,
		CentreID: r.CentreID, Type: TypeRecours(r.Type), Motifs: r.Motifs, DeposePar: r.DeposePar, DeposeRole: Role(r.DeposeRole),
		DeposeAt: r.DeposeAt, DelaiJusquau: r.DelaiJusquAu, HorsDelai: r.HorsDelai, RejetImpliciteLe: r.RejetImpliciteLe,
		Statut: StatutRecours(r.Statut), MotifRejet: r.MotifRejet, Reponse: r.Reponse, DecidePar: r.DecidePar, DecideAt: r.DecideAt,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Pieces: []PieceRecours{}, Signatures: []SignatureRecours{}}
	if r.Proposition != "" {
		var p PropositionJury
		if err := json.Unmarshal([]byte(r.Proposition), &p); err != nil {
			return out, fmt.Errorf("recours %s: proposition: %w", r.ID, err)
		}
		out.Proposition = &p
	}
	return out, nil
}

// scopeRecours restricts a query on recours to what the actor may see: the
// autorité those of its territory's centres, a centre its own, a candidat
// its own, a jury member those of the sessions it sits on.
func scopeRecours(db *gorm.DB, a Acteur) (*gorm.DB, error) {
	q := db.Model(&recoursRow{})
	switch a.Role {
	case RoleAdmin:
		return q, nil
	case RoleAutorite:
		return q.Where("centre_id IN (?)", centresDu(db, a.Territoire)), nil
	case RoleCentre:
		return q.Where("centre_id = ?", a.CentreID), nil
	case RoleCandidat:
		return q.Where("candidat_id = ?", a.CandidatID), nil
	case RoleJury:
		// The jury reads a recours only once sent back to it: the
		// candidat's reasons are not the jury's business otherwise.
		return q.Where(`session_id IN (SELECT sj.session_id FROM session_jury sj JOIN jury_membres m ON m.id = sj.membre_id
			WHERE m.utilisateur_id = ?) AND statut IN ?`, a.UtilisateurID,
			[]string{string(RecoursDeliberation), string(RecoursNouvelleDeliberation)}), nil
	}
	return nil, forbidden()
}

// etatRecours says where a recours stands, in a sentence « Le recours est … ».
var etatRecours = map[string]string{
	string(RecoursDepose):               "déposé",
	string(RecoursDeliberation):         "renvoyé au jury, qui délibère à nouveau",
	string(RecoursRejete):               "déjà décidé (rejeté)",
	string(RecoursErreurCorrigee):       "déjà décidé (erreur matérielle corrigée)",
	string(RecoursNouvelleDeliberation): "déjà décidé (nouvelle délibération)",
}

func findRecoursRow(tx *gorm.DB, a Acteur, id string) (*recoursRow, error) {
	if !validID(id) {
		return nil, notFound("Recours")
	}
	q, err := scopeRecours(tx, a)
	if err != nil {
		return nil, err
	}
	var rows []recoursRow
	if err := q.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "recours %s: load", id)
	}
	if len(rows) == 0 {
		return nil, notFound("Recours")
	}
	return &rows[0], nil
}

// DeposerRecours files a recours on a validated decision of an enrolment,
// for the candidat itself or its centre. A recours filed after the period
// computed from the notification is recorded and flagged hors délai: only
// the autorité may reject it as tardif. Returns ErrNotFound for an
// enrolment the actor may not see, ErrConflict before validation or while
// a recours of the same type is open, ErrInvalid for bad input or files.
func (s *Service) DeposerRecours(ctx context.Context, a Acteur, in NouveauRecours) (*RecoursAdministratif, error) {
	if !a.Is(RoleCandidat, RoleCentre) {
		return nil, forbidden()
	}
	if err := s.checkRecours(in); err != nil {
		return nil, err
	}
	pieces, err := verifierPieces(in.Pieces, 0, 0)
	if err != nil {
		return nil, err
	}
	var id string
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		var ins []inscriptionRow
		if validID(in.InscriptionID) {
			if err := tx.Where("id = ?", in.InscriptionID).Limit(1).Find(&ins).Error; err != nil {
				return wrap(err, "inscription %s", in.InscriptionID)
			}
		}
		if len(ins) == 0 {
			return notFound("Inscription")
		}
		cand, err := findCandidat(tx, a, ins[0].CandidatID)
		if err != nil {
			return notFound("Inscription")
		}
		sess, err := findSessionRow(tx, Acteur{Role: RoleAdmin}, ins[0].SessionID)
		if err != nil {
			return err
		}
		if sess.Statut != Validee {
			return Errorf(ErrConflict, "recours_premature", "La session est %s : un recours se forme contre le résultat publié, après la validation du PV.", libelleStatut[sess.Statut])
		}
		var n int64
		if err := tx.Model(&recoursRow{}).Where("inscription_id = ? AND type = ? AND statut IN ?", ins[0].ID, string(in.Type),
			[]string{string(RecoursDepose), string(RecoursDeliberation)}).Count(&n).Error; err != nil {
			return wrap(err, "recours of %s", ins[0].ID)
		}
		if n > 0 {
			return Errorf(ErrConflict, "recours_en_cours", "Un recours %s sur ce résultat est déjà en cours d'instruction.", libelleTypeRecours[in.Type])
		}
		now := s.now()
		row := recoursRow{ID: newID(), InscriptionID: ins[0].ID, SessionID: sess.ID, CandidatID: cand.ID, CentreID: sess.CentreID,
			Type: string(in.Type), Motifs: strings.TrimSpace(in.Motifs), DeposePar: a.UtilisateurID, DeposeRole: string(a.Role), DeposeAt: now,
			Statut: string(RecoursDepose), Version: 1, CreatedAt: now, UpdatedAt: now}
		if ins[0].NotifieLe != nil {
			lim, _, err := rules.DateLimiteRecours(s.opt.Parametres, ins[0].NotifieLe.Time())
			if err != nil {
				return ruleError(err)
			}
			l := DateOf(lim)
			row.DelaiJusquAu, row.HorsDelai = &l, s.today().After(l)
		}
		silence, _, err := rules.DateRejetImplicite(s.opt.Parametres, now)
		if err != nil {
			return ruleError(err)
		}
		row.RejetImpliciteLe = DateOf(silence)
		if err := tx.Create(&row).Error; err != nil {
			return wrap(err, "recours: insert")
		}
		id = row.ID
		if err := s.journal(tx, a, audit{action: "recours_depose", objet: "recours", objetID: row.ID, sessionID: sess.ID, candidatID: cand.ID,
			apres: recoursSnapshot{Type: row.Type, Statut: row.Statut, HorsDelai: row.HorsDelai, DelaiJusquau: row.DelaiJusquAu, Motifs: row.Motifs}}); err != nil {
			return err
		}
		return s.insertPieces(tx, a, row, pieces)
	})
	if err != nil {
		return nil, err
	}
	return s.LireRecours(ctx, a, id)
}

var libelleTypeRecours = map[TypeRecours]string{RecoursGracieux: "gracieux", RecoursHierarchique: "hiérarchique"}

func (s *Service) checkRecours(in NouveauRecours) error {
	var fe []FieldError
	if in.Type != RecoursGracieux && in.Type != RecoursHierarchique {
		fe = append(fe, FieldError{"type", "inconnu", "Valeurs admises : gracieux (auprès de l'autorité), hierarchique (auprès du ministre)."})
	}
	switch m := strings.TrimSpace(in.Motifs); {
	case m == "":
		fe = append(fe, FieldError{"motifs", "requis", "Exposez les raisons pour lesquelles vous contestez la décision."})
	case utf8.RuneCountInString(m) > maxMotifsRecours:
		fe = append(fe, FieldError{"motifs", "trop_long", fmt.Sprintf("Au plus %d caractères.", maxMotifsRecours)})
	case !utf8.ValidString(m):
		fe = append(fe, FieldError{"motifs", "utf8_invalide", "Le texte n'est pas en UTF-8."})
	}
	if len(fe) > 0 {
		return Invalid("recours_invalide", "Le recours est incomplet.", fe...)
	}
	return nil
}

// typesPieces are the formats a file attached to a recours may have, as the
// content sniffing of net/http names them.
var typesPieces = map[string]string{"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}

// verifierPieces checks files to attach to a recours which already holds
// deja of them totalling dejaTaille bytes: PDF, PNG or JPEG by their
// content, whatever their name says, each and all within the limits.
func verifierPieces(ps []PieceJointe, deja, dejaTaille int) ([]pieceRow, error) {
	if deja+len(ps) > MaxNombrePieces {
		return nil, Invalid("pieces_trop_nombreuses", fmt.Sprintf("Un recours porte au plus %d pièces jointes.", MaxNombrePieces),
			FieldError{"pieces", "trop_nombreuses", fmt.Sprintf("Au plus %d fichiers.", MaxNombrePieces)})
	}
	total := dejaTaille
	var out []pieceRow
	for _, p := range ps {
		nom := nomPiece(p.Nom)
		switch {
		case len(p.Contenu) == 0:
			return nil, Invalid("piece_vide", fmt.Sprintf("Le fichier « %s » est vide.", nom), FieldError{"pieces", "vide", "Le fichier est vide."})
		case len(p.Contenu) > MaxPieceRecours:
			return nil, Invalid("piece_trop_volumineuse", fmt.Sprintf("Le fichier « %s » dépasse 5 Mio.", nom),
				FieldError{"pieces", "trop_volumineux", "Chaque fichier fait au plus 5 Mio."})
		}
		typ := http.DetectContentType(p.Contenu)
		if _, ok := typesPieces[typ]; !ok {
			return nil, Invalid("piece_type_refuse",
				fmt.Sprintf("Le contenu du fichier « %s » n'est ni un PDF, ni une image PNG ou JPEG : seuls ces formats sont acceptés, quel que soit le nom du fichier.", nom),
				FieldError{"pieces", "type_refuse", "Formats acceptés : PDF, PNG, JPEG."})
		}
		total += len(p.Contenu)
		if total > MaxPiecesRecours {
			return nil, Invalid("pieces_trop_volumineuses", "Les pièces jointes d'un recours font au plus 10 Mio en tout.",
				FieldError{"pieces", "trop_volumineux", "10 Mio au plus pour l'ensemble des fichiers."})
		}
		sum := sha256.Sum256(p.Contenu)
		out = append(out, pieceRow{ID: newID(), Nom: nom, TypeContenu: typ, Taille: len(p.Contenu), Sha256: hex.EncodeToString(sum[:]), Contenu: p.Contenu})
	}
	return out, nil
}

// nomPiece keeps of an uploaded name its last element, printable and short:
// it is shown, never used as a path.
func nomPiece(n string) string {
	n = path.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, n)
	if n == "." || n == "/" || n == "" {
		n = "pièce jointe"
	}
	if r := []rune(n); len(r) > maxNomPieceRecour {
		n = string(r[:maxNomPieceRecour])
	}
	return n
}

func (s *Service) insertPieces(tx *gorm.DB, a Acteur, r recoursRow, ps []pieceRow) error {
	for _, p := range ps {
		p.RecoursID, p.AjouteePar, p.AjouteeAt = r.ID, a.UtilisateurID, s.now()
		if err := tx.Create(&p).Error; err != nil {
			return wrap(err, "recours %s: attach", r.ID)
		}
		if err := s.journal(tx, a, audit{action: "recours_piece", objet: "recours", objetID: r.ID, sessionID: r.SessionID, candidatID: r.CandidatID,
			apres: pieceSnapshot{Nom: p.Nom, TypeContenu: p.TypeContenu, Taille: p.Taille, SHA256: p.Sha256}}); err != nil {
			return err
		}
	}
	return nil
}

// AjouterPiece attaches a file to a recours still awaiting the autorité, by
// the candidat or its centre. Returns ErrInvalid for a file of another type
// or over the limits, ErrConflict once the recours is instructed.
func (s *Service) AjouterPiece(ctx context.Context, a Acteur, recoursID string, p PieceJointe) (*PieceRecours, error) {
	if !a.Is(RoleCandidat, RoleCentre) {
		return nil, forbidden()
	}
	var out *PieceRecours
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		r, err := findRecoursRow(tx, a, recoursID)
		if err != nil {
			return err
		}
		if r.Statut != string(RecoursDepose) {
			return Errorf(ErrConflict, "recours_instruit", "Le recours est %s : il ne reçoit plus de pièce.", etatRecours[r.Statut])
		}
		var st struct {
			N     int
			Total int
		}
		if err := tx.Model(&pieceRow{}).Select("COUNT(*) AS n, COALESCE(SUM(taille), 0) AS total").Where("recours_id = ?", r.ID).Scan(&st).Error; err != nil {
			return wrap(err, "recours %s: pieces", r.ID)
		}
		rows, err := verifierPieces([]PieceJointe{p}, st.N, st.Total)
		if err != nil {
			return err
		}
		if err := s.insertPieces(tx, a, *r, rows); err != nil {
			return err
		}
		pr := rows[0]
		out = &PieceRecours{ID: pr.ID, RecoursID: r.ID, Nom: pr.Nom, TypeContenu: pr.TypeContenu, Taille: pr.Taille, SHA256: pr.Sha256,
			AjouteePar: a.UtilisateurID, AjouteeAt: s.now()}
		return nil
	})
	return out, err
}

// FiltreRecours selects recours in a list.
type FiltreRecours struct {
	// Ouverts keeps those awaiting their outcome.
	Ouverts bool
	// CandidatID keeps those of one candidat.
	CandidatID string
}

// ListeRecours returns the recours the actor may see, the earliest silence
// date first: the autorité's worklist.
func (s *Service) ListeRecours(ctx context.Context, a Acteur, f FiltreRecours) ([]RecoursAdministratif, error) {
	db := s.read(ctx)
	q, err := scopeRecours(db, a)
	if err != nil {
		return nil, err
	}
	if f.Ouverts {
		q = q.Where("statut IN ?", []string{string(RecoursDepose), string(RecoursDeliberation)})
	}
	if f.CandidatID != "" {
		q = q.Where("candidat_id = ?", f.CandidatID)
	}
	var rows []recoursRow
	if err := q.Order("rejet_implicite_le, depose_at, id").Limit(500).Find(&rows).Error; err != nil {
		return nil, wrap(err, "recours: list")
	}
	return s.hydrateRecours(db, rows, false)
}

// LireRecours returns one recours with its files and signatures.
func (s *Service) LireRecours(ctx context.Context, a Acteur, id string) (*RecoursAdministratif, error) {
	db := s.read(ctx)
	r, err := findRecoursRow(db, a, id)
	if err != nil {
		return nil, err
	}
	out, err := s.hydrateRecours(db, []recoursRow{*r}, true)
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

func (s *Service) hydrateRecours(db *gorm.DB, rows []recoursRow, details bool) ([]RecoursAdministratif, error) {
	out := make([]RecoursAdministratif, 0, len(rows))
	today := s.today()
	for _, row := range rows {
		r, err := row.recours()
		if err != nil {
			return nil, err
		}
		r.SilenceDepasse = r.Ouvert() && today.After(r.RejetImpliciteLe)
		var joint struct{ Reference, NomNaissance, Prenoms string }
		if err := db.Raw(`SELECT s.reference, c.nom_naissance, c.prenoms FROM sessions s, candidats c WHERE s.id = ? AND c.id = ?`,
			r.SessionID, r.CandidatID).Scan(&joint).Error; err != nil {
			return nil, wrap(err, "recours %s: session and candidat", r.ID)
		}
		r.SessionReference, r.NomNaissance, r.Prenoms = joint.Reference, joint.NomNaissance, joint.Prenoms
		r.ProchainsRecours = s.prochainsRecours(r)
		if details {
			var ps []pieceRow
			if err := db.Select("id", "recours_id", "nom", "type_contenu", "taille", "sha256", "ajoutee_par", "ajoutee_at").
				Where("recours_id = ?", r.ID).Order("ajoutee_at, id").Find(&ps).Error; err != nil {
				return nil, wrap(err, "recours %s: pieces", r.ID)
			}
			for _, p := range ps {
				r.Pieces = append(r.Pieces, PieceRecours{ID: p.ID, RecoursID: p.RecoursID, Nom: p.Nom, TypeContenu: p.TypeContenu, Taille: p.Taille,
					SHA256: p.Sha256, AjouteePar: p.AjouteePar, AjouteeAt: p.AjouteeAt})
			}
			if r.Proposition != nil {
				var ss []signatureRecoursRow
				if err := db.Where("recours_id = ? AND empreinte = ?", r.ID, row.empreinte()).Order("signe_at, membre_id").Find(&ss).Error; err != nil {
					return nil, wrap(err, "recours %s: signatures", r.ID)
				}
				for _, sg := range ss {
					r.Signatures = append(r.Signatures, SignatureRecours{MembreID: sg.MembreID, SigneAt: sg.SigneAt})
				}
			}
			sess, err := findSessionRow(db, Acteur{Role: RoleAdmin}, r.SessionID)
			if err != nil {
				return nil, err
			}
			if r.SignaturesRequises, _, err = s.param(rules.CleJuryTailleMin, sess.Debut); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// prochainsRecours says what the candidat may still do once the recours is
// decided, and until when: after a recours gracieux, a recours hiérarchique
// or contentieux; after a recours hiérarchique, the contentieux alone. The
// period runs again from the answer (CRPA L411-2, CJA R421-1).
func (s *Service) prochainsRecours(r RecoursAdministratif) string {
	var depuis time.Time
	switch {
	case r.DecideAt != nil:
		depuis = *r.DecideAt
	case r.Ouvert() && s.today().After(r.RejetImpliciteLe):
		depuis = r.RejetImpliciteLe.Time()
	default:
		return ""
	}
	lim, regle, err := rules.DateLimiteRecours(s.opt.Parametres, depuis)
	if err != nil {
		return ""
	}
	quand := fmt.Sprintf("jusqu'au %s inclus (deux mois à compter de cette réponse ; %s)", DateOf(lim).Francais(), regle.Source)
	if r.DecideAt == nil {
		quand = fmt.Sprintf("jusqu'au %s inclus (le silence gardé deux mois vaut rejet le %s)", DateOf(lim).Francais(), r.RejetImpliciteLe.Francais())
	}
	if r.Type == RecoursGracieux {
		return "Vous pouvez encore former un recours hiérarchique auprès du ministre chargé de l'emploi, ou un recours contentieux devant le tribunal administratif compétent, " + quand + "."
	}
	return "Vous pouvez encore former un recours contentieux devant le tribunal administratif compétent, " + quand + "."
}

// PieceRecoursContenu returns a file attached to a recours, with its bytes.
func (s *Service) PieceRecoursContenu(ctx context.Context, a Acteur, recoursID, pieceID string) (*PieceRecours, error) {
	db := s.read(ctx)
	if _, err := findRecoursRow(db, a, recoursID); err != nil {
		return nil, err
	}
	var ps []pieceRow
	if validID(pieceID) {
		if err := db.Where("id = ? AND recours_id = ?", pieceID, recoursID).Limit(1).Find(&ps).Error; err != nil {
			return nil, wrap(err, "piece %s", pieceID)
		}
	}
	if len(ps) == 0 {
		return nil, notFound("Pièce jointe")
	}
	p := ps[0]
	return &PieceRecours{ID: p.ID, RecoursID: p.RecoursID, Nom: p.Nom, TypeContenu: p.TypeContenu, Taille: p.Taille, SHA256: p.Sha256,
		Contenu: p.Contenu, AjouteePar: p.AjouteePar, AjouteeAt: p.AjouteeAt}, nil
}

// empreinte digests the proposition the jury members sign.
func (r recoursRow) empreinte() string {
	sum := sha256.Sum256([]byte(r.Proposition))
	return hex.EncodeToString(sum[:])
}

// updateRecours writes cols if the recours is still at version, and bumps
// it; false when someone changed it in between.
func (s *Service) updateRecours(tx *gorm.DB, id string, version int, cols map[string]any) (bool, error) {
	cols["version"], cols["updated_at"] = version+1, s.now()
	res := tx.Model(&recoursRow{}).Where("id = ? AND version = ?", id, version).Updates(cols)
	if res.Error != nil {
		return false, wrap(res.Error, "recours %s: update", id)
	}
	return res.RowsAffected == 1, nil
}

// DeciderRecours records the autorité's outcome of a recours at version:
// a rejection with its ground and reasons; the correction of a decision
// transcribed wrongly, through the correction path (rectified PV, documents
// re-issued); or a new deliberation, which first sends the recours back to
// the jury and, once jury members signed their decision, records it the
// same way. The autorité never writes an assessment itself. The candidat's
// e-mail is enqueued in the deciding transaction. Returns ErrStale when the
// recours changed since version, ErrConflict when its statut forbids it.
func (s *Service) DeciderRecours(ctx context.Context, a Acteur, id string, version int, d DecisionRecours) (*RecoursAdministratif, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	if d.Evaluation != nil {
		if err := s.checkEvaluation(*d.Evaluation); err != nil {
			return nil, err
		}
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		r, err := findRecoursRow(tx, a, id)
		if err != nil {
			return err
		}
		if err := lockSession(tx, r.SessionID, lockExclusive); err != nil {
			return err
		}
		if r.Version != version {
			return stale("Le recours")
		}
		avant := recoursSnapshot{Type: r.Type, Statut: r.Statut, HorsDelai: r.HorsDelai, DelaiJusquau: r.DelaiJusquAu}
		now := s.now()
		cols := map[string]any{"statut": string(d.Issue), "reponse": strings.TrimSpace(d.Reponse), "decide_par": a.UtilisateurID, "decide_at": now}
		switch {
		case r.Statut == string(RecoursDeliberation) && d.Issue == RecoursNouvelleDeliberation:
			if err := s.enregistrerDeliberation(tx, a, r); err != nil {
				return err
			}
			cols["reponse"] = s.reponseDeliberation(r, d.Reponse)
		case r.Statut != string(RecoursDepose):
			if r.Statut == string(RecoursDeliberation) {
				return Errorf(ErrConflict, "recours_instruit", "Le recours est %s : seule la décision que le jury a signée peut être enregistrée.", etatRecours[r.Statut])
			}
			return Errorf(ErrConflict, "recours_instruit", "Le recours est %s : sa décision est définitive.", etatRecours[r.Statut])
		case d.Issue == RecoursRejete:
			cols["motif_rejet"] = d.MotifRejet
		case d.Issue == RecoursNouvelleDeliberation:
			// Sent back to the jury: nothing is decided yet.
			cols = map[string]any{"statut": string(RecoursDeliberation), "reponse": strings.TrimSpace(d.Reponse)}
		case d.Issue == RecoursErreurCorrigee:
			motif, err := s.corrigerSurRecours(tx, a, r, d)
			if err != nil {
				return err
			}
			cols["reponse"] = motif
		}
		ok, err := s.updateRecours(tx, r.ID, version, cols)
		if err != nil {
			return err
		}
		if !ok {
			return stale("Le recours")
		}
		apres := recoursSnapshot{Type: r.Type, Statut: fmt.Sprint(cols["statut"]), HorsDelai: r.HorsDelai, DelaiJusquau: r.DelaiJusquAu,
			MotifRejet: d.MotifRejet, Reponse: fmt.Sprint(cols["reponse"])}
		action := "recours_decide"
		if apres.Statut == string(RecoursDeliberation) {
			action = "recours_renvoye_jury"
		}
		if err := s.journal(tx, a, audit{action: action, objet: "recours", objetID: r.ID, sessionID: r.SessionID, candidatID: r.CandidatID,
			avant: avant, apres: apres}); err != nil {
			return err
		}
		if action == "recours_renvoye_jury" {
			return nil
		}
		return wrap(s.opt.Jobs.Enqueue(tx, MessageJob{Cle: "recours/" + r.ID}), "recours %s: enqueue the message", r.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.LireRecours(ctx, a, id)
}

func (d DecisionRecours) check() error {
	var fe []FieldError
	switch d.Issue {
	case RecoursRejete:
		if _, ok := MotifsRejet[d.MotifRejet]; !ok {
			fe = append(fe, FieldError{"motif_rejet", "inconnu", "Valeurs admises : tardif, non_fonde, irrecevable."})
		}
		if strings.TrimSpace(d.Reponse) == "" {
			fe = append(fe, FieldError{"reponse", "requis", "Un rejet est motivé : le candidat lit cette réponse."})
		}
	case RecoursErreurCorrigee:
		if d.CCP == "" || d.Evaluation == nil {
			fe = append(fe, FieldError{"evaluation", "requis", "Indiquez le CCP et la décision telle que le jury l'a prise."})
		}
		if strings.TrimSpace(d.Reponse) == "" {
			fe = append(fe, FieldError{"reponse", "requis", "Dites quelle transcription était erronée."})
		}
	case RecoursNouvelleDeliberation:
	default:
		fe = append(fe, FieldError{"issue", "inconnu", "Valeurs admises : rejete, erreur_materielle_corrigee, nouvelle_deliberation."})
	}
	if d.Issue != RecoursRejete && d.MotifRejet != "" {
		fe = append(fe, FieldError{"motif_rejet", "sans_objet", "Le motif de rejet ne vaut que pour un rejet."})
	}
	if utf8.RuneCountInString(d.Reponse) > maxMotifsRecours {
		fe = append(fe, FieldError{"reponse", "trop_long", fmt.Sprintf("Au plus %d caractères.", maxMotifsRecours)})
	}
	if len(fe) > 0 {
		return Invalid("decision_recours_invalide", "La décision sur le recours est incomplète.", fe...)
	}
	return nil
}

// corrigerSurRecours corrects, through the correction path, the decision on
// a CCP transcribed wrongly; the reason it returns names the transcription
// that was wrong and the decision the jury took.
func (s *Service) corrigerSurRecours(tx *gorm.DB, a Acteur, r *recoursRow, d DecisionRecours) (string, error) {
	sess, err := findSession(tx, Acteur{Role: RoleAdmin}, r.SessionID)
	if err != nil {
		return "", err
	}
	ins, err := inscriptionsOf(tx, r.SessionID, r.InscriptionID)
	if err != nil {
		return "", err
	}
	var avant *Evaluation
	for i := range ins[0].Evaluations {
		if ins[0].Evaluations[i].CCP == d.CCP {
			avant = &ins[0].Evaluations[i]
		}
	}
	if avant == nil {
		return "", Errorf(ErrNotFound, "evaluation_introuvable", "Aucune décision n'est enregistrée pour %s.", d.CCP)
	}
	if d.Evaluation.egale(*avant) {
		return "", Invalid("correction_sans_effet", "La décision indiquée est celle qui est déjà transcrite : il n'y a rien à corriger.",
			FieldError{"evaluation", "identique", "Indiquez la décision telle que le jury l'a prise."})
	}
	motif := fmt.Sprintf("Recours du %s : la décision du jury sur %s a été transcrite « %s » au lieu de « %s ». %s",
		DateOf(r.DeposeAt).Francais(), d.CCP, libelleDecision[avant.Decision], libelleDecision[d.Evaluation.Decision], strings.TrimSpace(d.Reponse))
	if avant.Decision == d.Evaluation.Decision {
		motif = fmt.Sprintf("Recours du %s : les éléments de la décision du jury sur %s ont été mal transcrits. %s",
			DateOf(r.DeposeAt).Francais(), d.CCP, strings.TrimSpace(d.Reponse))
	}
	if _, err := s.corriger(tx, a, sess, r.InscriptionID, d.CCP, 0, motif, natureErreurMaterielle, *d.Evaluation); err != nil {
		return "", err
	}
	return motif, nil
}

// ProposerDeliberation records, on a recours sent back to the jury, the
// decision a member of that session's jury, without a declared link with
// the candidat, proposes for the CCP concerned; the signatures given to a
// previous proposition are withdrawn. Returns ErrStale when the recours
// changed since version.
func (s *Service) ProposerDeliberation(ctx context.Context, a Acteur, id string, version int, p PropositionJury) (*RecoursAdministratif, error) {
	if !a.Is(RoleJury) {
		return nil, forbidden()
	}
	if fe := s.checkMotifProposition(p.Motif); fe != nil {
		if fe.Code != "requis" {
			return nil, Invalid("proposition_invalide", "Les raisons de la décision ne peuvent pas être enregistrées telles quelles.", *fe)
		}
		return nil, Invalid("proposition_invalide", "La nouvelle délibération est motivée.", *fe)
	}
	if len(p.Decisions) == 0 {
		return nil, Invalid("proposition_invalide", "Indiquez la décision sur au moins un CCP.", FieldError{"decisions", "requis", "Au moins une décision."})
	}
	seen := map[string]bool{}
	for _, d := range p.Decisions {
		if seen[d.CCP] {
			return nil, Invalid("proposition_invalide", "Un CCP figure deux fois.", FieldError{"decisions", "en_double", d.CCP})
		}
		seen[d.CCP] = true
		if utf8.RuneCountInString(d.Evaluation.Motifs) > maxMotifsRecours {
			return nil, Invalid("proposition_invalide", "Les motifs sont trop longs.",
				FieldError{"evaluations." + d.CCP + ".motifs", "trop_long", fmt.Sprintf("Au plus %d caractères.", maxMotifsRecours)})
		}
		if err := s.checkEvaluation(d.Evaluation); err != nil {
			return nil, champDe("evaluations."+d.CCP, err)
		}
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		r, m, err := s.juryRecours(tx, a, id)
		if err != nil {
			return err
		}
		ins, err := inscriptionsOf(tx, r.SessionID, r.InscriptionID)
		if err != nil {
			return err
		}
		for _, d := range p.Decisions {
			if ins[0].Evaluation(d.CCP) == nil {
				return Errorf(ErrInvalid, "ccp_non_inscrit", "Le candidat n'a pas de décision sur %s à cette session.", d.CCP)
			}
		}
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := tx.Where("recours_id = ?", r.ID).Delete(&signatureRecoursRow{}).Error; err != nil {
			return wrap(err, "recours %s: withdraw signatures", r.ID)
		}
		ok, err := s.updateRecours(tx, r.ID, version, map[string]any{"proposition": string(b)})
		if err != nil {
			return err
		}
		if !ok {
			return stale("Le recours")
		}
		return s.journal(tx, a, audit{action: "recours_proposition", objet: "recours", objetID: r.ID, sessionID: r.SessionID, candidatID: r.CandidatID,
			apres: propositionSnapshot{MembreID: m.ID, Proposition: p}})
	})
	if err != nil {
		return nil, err
	}
	return s.LireRecours(ctx, a, id)
}

// checkMotifProposition checks the jury's reasons: the candidat reads them
// in the answer and the rectified PV prints them.
func (s *Service) checkMotifProposition(m string) *FieldError {
	switch {
	case strings.TrimSpace(m) == "":
		return &FieldError{"motif", "requis", "Indiquez les raisons de la décision."}
	case !utf8.ValidString(m):
		return &FieldError{"motif", "utf8_invalide", "Le texte n'est pas en UTF-8."}
	case utf8.RuneCountInString(m) > maxMotifsRecours:
		return &FieldError{"motif", "trop_long", fmt.Sprintf("Au plus %d caractères.", maxMotifsRecours)}
	case strings.ContainsFunc(m, controleTexte):
		return &FieldError{"motif", "caractere_controle", "Le texte contient des caractères de contrôle ou d'inversion du sens d'écriture."}
	}
	return s.imprimable("motif", m)
}

// controleTexte tells a character a text of several lines may not hold: a
// control character other than line breaks and tabs, or one that reverses
// the writing direction and would make the printed reasons say another
// thing than what was typed.
func controleTexte(r rune) bool {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return false
	case isControl(r), r >= 0x80 && r < 0xa0:
		return true
	}
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// juryRecours loads a recours in deliberation for a member of its session's
// jury who has no declared link with the candidat.
func (s *Service) juryRecours(tx *gorm.DB, a Acteur, id string) (*recoursRow, *MembreJury, error) {
	r, err := findRecoursRow(tx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Statut != string(RecoursDeliberation) {
		return nil, nil, Errorf(ErrConflict, "recours_hors_deliberation", "Le recours est %s : le jury ne délibère que sur un recours que l'autorité lui a renvoyé.",
			etatRecours[r.Statut])
	}
	m, err := membreOf(tx, a)
	if err != nil {
		return nil, nil, err
	}
	ns, err := lienEntre(tx, m.ID, r.CandidatID)
	if err != nil {
		return nil, nil, err
	}
	if len(ns) > 0 {
		return nil, nil, lienRefus(ns)
	}
	return r, m, nil
}

// SignerDeliberation records the acting member's signature of the current
// proposition of a recours in deliberation. Once as many members as the
// minimum jury signed the same proposition, the autorité may record it.
func (s *Service) SignerDeliberation(ctx context.Context, a Acteur, id string) (*RecoursAdministratif, error) {
	if !a.Is(RoleJury) {
		return nil, forbidden()
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		r, m, err := s.juryRecours(tx, a, id)
		if err != nil {
			return err
		}
		if r.Proposition == "" {
			return Errorf(ErrConflict, "proposition_absente", "Aucune décision n'est proposée : un membre du jury la saisit d'abord.")
		}
		if err := tx.Where("recours_id = ? AND membre_id = ?", r.ID, m.ID).Delete(&signatureRecoursRow{}).Error; err != nil {
			return wrap(err, "recours %s: signature", r.ID)
		}
		emp := r.empreinte()
		if err := tx.Create(&signatureRecoursRow{RecoursID: r.ID, MembreID: m.ID, Empreinte: emp, SigneAt: s.now()}).Error; err != nil {
			return wrap(err, "recours %s: signature", r.ID)
		}
		return s.journal(tx, a, audit{action: "recours_signe", objet: "recours", objetID: r.ID, sessionID: r.SessionID, candidatID: r.CandidatID,
			apres: signatureSnapshot{MembreID: m.ID, Empreinte: emp}})
	})
	if err != nil {
		return nil, err
	}
	return s.LireRecours(ctx, a, id)
}

// enregistrerDeliberation records the decisions the jury signed, as the
// jury took them: each changed decision is revoked and replaced, the
// outcome derived again, the PV rectified and the documents re-issued.
// Refused until enough members signed the current proposition.
func (s *Service) enregistrerDeliberation(tx *gorm.DB, a Acteur, r *recoursRow) error {
	sess, err := findSession(tx, Acteur{Role: RoleAdmin}, r.SessionID)
	if err != nil {
		return err
	}
	min, p, err := s.param(rules.CleJuryTailleMin, sess.Debut)
	if err != nil {
		return err
	}
	var n int64
	if r.Proposition != "" {
		if err := tx.Model(&signatureRecoursRow{}).Where("recours_id = ? AND empreinte = ?", r.ID, r.empreinte()).Count(&n).Error; err != nil {
			return wrap(err, "recours %s: count signatures", r.ID)
		}
	}
	if int(n) < min {
		return Errorf(ErrConflict, "deliberation_incomplete",
			"La nouvelle décision porte %d signature(s) de membres du jury ; il en faut au moins %d (%s). L'autorité n'apprécie pas elle-même les compétences.", n, min, p.Source)
	}
	rec, err := r.recours()
	if err != nil {
		return err
	}
	motif := fmt.Sprintf("Nouvelle délibération du jury sur le recours du %s : %s", DateOf(r.DeposeAt).Francais(), rec.Proposition.Motif)
	ins, err := inscriptionsOf(tx, r.SessionID, r.InscriptionID)
	if err != nil {
		return err
	}
	change := false
	for _, d := range rec.Proposition.Decisions {
		e := ins[0].Evaluation(d.CCP)
		if e == nil || d.Evaluation.egale(*e) {
			continue
		}
		if _, err := s.remplacerEvaluation(tx, a, sess, r.InscriptionID, d.CCP, e.Version, motif, natureNouvelleDeliberation, d.Evaluation); err != nil {
			return err
		}
		change = true
	}
	if !change {
		// The jury maintained its decisions: nothing to rectify.
		return nil
	}
	return s.rederiver(tx, a, sess, r.InscriptionID, motif, natureNouvelleDeliberation)
}

func (s *Service) reponseDeliberation(r *recoursRow, reponse string) string {
	rec, err := r.recours()
	if err != nil || rec.Proposition == nil {
		return strings.TrimSpace(reponse)
	}
	out := "Le jury a délibéré à nouveau : " + rec.Proposition.Motif
	if t := strings.TrimSpace(reponse); t != "" {
		out += " " + t
	}
	return out
}

// messageRecours composes « Réponse à votre recours » for the key
// "recours/<id>": the outcome, its reasons and the remedies left.
func (s *Service) messageRecours(db *gorm.DB, cle, id string) (*Message, error) {
	rs, err := s.lireRecoursSysteme(db, id)
	if err != nil {
		return nil, err
	}
	c, err := findCandidat(db, systeme, rs.CandidatID)
	if err != nil {
		return nil, err
	}
	issue := LibelleStatutRecours[rs.Statut]
	if rs.Statut == RecoursRejete {
		issue += " (" + MotifsRejet[rs.MotifRejet] + ")"
	}
	lien := s.lien("/mon-espace") + "#recours"
	text := fmt.Sprintf("Bonjour %s %s,\n\nVotre recours %s du %s sur les résultats de la session %s a reçu une réponse.\nDécision : %s.\nMotifs : %s\n\n%s\nConsultez-la sur votre espace : %s\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		c.Prenoms, c.NomNaissance, libelleTypeRecours[rs.Type], DateOf(rs.DeposeAt).Francais(), rs.SessionReference, issue, rs.Reponse, rs.ProchainsRecours, lien)
	htm := fmt.Sprintf(`<p>Bonjour %s %s,</p><p>Votre recours %s du %s sur les résultats de la session %s a reçu une réponse.</p><p>Décision : %s.</p><p>Motifs : %s</p><p>%s</p><p><a href="%s">Consulter mon espace</a></p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(c.Prenoms), esc(c.NomNaissance), esc(libelleTypeRecours[rs.Type]), esc(DateOf(rs.DeposeAt).Francais()), esc(rs.SessionReference),
		esc(issue), esc(rs.Reponse), esc(rs.ProchainsRecours), esc(lien))
	return &Message{Cle: cle, To: c.Email, Subject: "Réponse à votre recours", Text: text, HTML: htm}, nil
}

func (s *Service) lireRecoursSysteme(db *gorm.DB, id string) (*RecoursAdministratif, error) {
	r, err := findRecoursRow(db, systeme, id)
	if err != nil {
		return nil, err
	}
	out, err := s.hydrateRecours(db, []recoursRow{*r}, false)
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}
