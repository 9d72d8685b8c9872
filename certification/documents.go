package certification

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// Document is an issued document. Its bytes (Contenu) are loaded only by
// DocumentContenu.
type Document struct {
	ID                 string
	Type               TypeDocument
	Numero             string
	TitreID            string
	Annee              int
	Rang               int
	CodeVerification   string
	Sha256             string
	Gabarit            string
	Contenu            []byte
	Taille             int
	SessionID          string
	CandidatID         *string
	InscriptionID      *string
	TitulaireNom       string
	TitulairePrenoms   string
	TitulaireNaissance *Date
	Statut             string
	RemplacePar        *string
	// CategorieRevocation is public; MotifRevocation is internal: only the
	// autorité and the admin read it.
	CategorieRevocation CategorieRevocation
	MotifRevocation     string
	RevoqueAt           *time.Time
	RevoquePar          *string
	EmisAt              time.Time
	EmisPar             string
	// SceauEmpreinte and SceauNom identify the certificate that sealed
	// the document; empty for a document issued before documents were
	// sealed.
	SceauEmpreinte string
	SceauNom       string
	// DuplicataDe is the id of the document this one duplicates; nil for
	// an original.
	DuplicataDe *string
}

// The statuses of a document.
const (
	StatutValide   = "valide"
	StatutRemplace = "remplace"
	StatutRevoque  = "revoque"
)

// Ministere is the issuing ministry printed on every document.
const Ministere = "Ministère du Travail"

// EmettreDocumentsSession issues, in one transaction, the PV of a validated
// session and, for each candidat, its parchemin (titre obtained) or livret
// (partial success). Documents already issued are not issued again, so the
// call can be repeated. Autorité only.
func (s *Service) EmettreDocumentsSession(ctx context.Context, a Acteur, sessionID string) ([]Document, error) {
	docs, _, err := s.emettre(ctx, a, sessionID, "", 0)
	return docs, err
}

// EmettreDocumentCandidat issues the parchemin or livret of one candidat of
// a validated session. Returns ErrConflict when its outcome gives no
// document or the document is already issued.
func (s *Service) EmettreDocumentCandidat(ctx context.Context, a Acteur, sessionID, inscriptionID string) (*Document, error) {
	docs, _, err := s.emettre(ctx, a, sessionID, inscriptionID, 0)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, Errorf(ErrConflict, "document_deja_emis", "Le document de ce candidat est déjà émis.")
	}
	return &docs[0], nil
}

// emettre issues what is due for the session (or one enrolment of it), at
// most max documents when max > 0, and reports where the session's
// issuance stands once they are stored.
func (s *Service) emettre(ctx context.Context, a Acteur, sessionID, inscriptionID string, max int) ([]Document, Avancement, error) {
	if !a.Is(RoleAutorite) {
		return nil, Avancement{}, forbidden()
	}
	var issued []Document
	var av Avancement
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		// Issuers of one session queue here, so that one of them issues
		// each document.
		if err := lockSession(tx, sessionID, lockExclusive); err != nil {
			return err
		}
		sess, err := findSession(tx, a, sessionID)
		if err != nil {
			return err
		}
		if sess.Statut != Validee {
			return Errorf(ErrConflict, "pv_non_valide", "La session est %s : les documents ne sont délivrés qu'après validation du PV.", libelleStatut[sess.Statut])
		}
		dc, err := s.documentContext(tx, sess)
		if err != nil {
			return err
		}
		ins, err := inscriptionsOf(tx, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		if inscriptionID != "" && len(ins) == 0 {
			return notFound("Inscription")
		}
		existing, err := validDocuments(tx, sessionID)
		if err != nil {
			return err
		}
		if inscriptionID == "" {
			av = avancement(ins, existing)
		}
		// What is due, in the order it is issued: the PV, then each
		// enrolment's documents, at most max in all.
		pv := inscriptionID == "" && !existing["pv:"]
		var due []dueDocument
		n := 0
		if pv {
			n++
		}
		for _, in := range ins {
			if _, ok := documentFor(in); !ok && inscriptionID != "" {
				return Errorf(ErrConflict, "aucun_document", "L'issue de ce candidat (%s) ne donne lieu à aucun document.", deref(in.Issue))
			}
			for _, typ := range documentsFor(in) {
				if (max > 0 && n >= max) || existing[string(typ)+":"+in.ID] {
					continue
				}
				due = append(due, dueDocument{in, typ})
				n++
			}
		}
		if dc.batch, err = s.prepareBatch(tx, dc, pv, due); err != nil {
			return err
		}
		if pv {
			liens, err := liensDuJury(tx, sessionID)
			if err != nil {
				return err
			}
			p, err := pvData(tx, dc, ins, liens, anterieursDelibere)
			if err != nil {
				return err
			}
			d, err := s.issue(tx, a, dc, DocPV, nil, func(e EnTete) ([]byte, error) {
				p.EnTete = e
				return s.opt.Renderer.PV(p)
			})
			if err != nil {
				return err
			}
			if err := s.store(tx, a, d, ""); err != nil {
				return err
			}
			dc.pvNumero = d.Numero
			issued = append(issued, *d)
		}
		for _, due := range due {
			d, err := s.issueCandidat(tx, a, dc, due.typ, due.in)
			if err != nil {
				return err
			}
			issued = append(issued, *d)
		}
		if err := dc.batch.flush(tx); err != nil {
			return err
		}
		av.Delivres += len(issued)
		return s.enqueueDocuments(tx, issued)
	})
	if err != nil {
		return nil, Avancement{}, err
	}
	return issued, av, nil
}

// documentFor says which document an outcome gives.
func documentFor(in Inscription) (TypeDocument, bool) {
	switch deref(in.Issue) {
	case string(rules.IssueTitre), string(rules.IssueCCS):
		return DocParchemin, true
	case string(rules.IssuePartiel):
		return DocLivret, true
	}
	return "", false
}

// documentsFor lists the documents an enrolment's outcome gives, its
// parchemin or livret first: every deliberated candidat receives its fiche
// de résultats.
func documentsFor(in Inscription) []TypeDocument {
	var out []TypeDocument
	if typ, ok := documentFor(in); ok {
		out = append(out, typ)
	}
	if deref(in.Issue) != "" {
		out = append(out, DocFiche)
	}
	return out
}

// docContext is what every document of a session needs.
type docContext struct {
	sess    *Session
	titre   *Titre
	version Version
	centre  Centre
	today   Date
	valider string
	// autorite is the authority of the account that validated the PV,
	// fonction the function its signatory signs with.
	autorite, fonction string
	// pvNumero is the number of the session's valid PV, cited by the
	// parchemin; empty until the PV is issued.
	pvNumero string
	// recours is the period of a recours, from the rule parameters.
	recours Recours
	// incidents are the session's, printed on its PV.
	incidents []Incident
	// amenagements are the adjustments granted to the session's
	// candidats, printed on its PV as applied.
	amenagements []Amenagement
	// batch holds what a session's issuance reads and writes for all its
	// documents at once; nil when documents are issued one by one.
	batch *issueBatch
}

func (s *Service) documentContext(tx *gorm.DB, sess *Session) (*docContext, error) {
	dc := &docContext{sess: sess, today: s.today()}
	var err error
	if dc.titre, err = findTitreByCode(tx, sess.TitreCode); err != nil {
		return nil, err
	}
	dc.version, _ = titreVersion(dc.titre, sess.VersionID)
	centre, err := findCentreByID(tx, sess.CentreID)
	if err != nil {
		return nil, err
	}
	dc.centre = *centre
	if dc.incidents, err = incidentsOf(tx, sess.ID); err != nil {
		return nil, err
	}
	if dc.amenagements, err = amenagementsOf(tx, sess.ID, ""); err != nil {
		return nil, err
	}
	if sess.ValideePar != nil {
		// The signatory's name is a courtesy: a deleted account leaves the
		// generic "représentant territorial".
		if u, err := findUtilisateurByID(tx, *sess.ValideePar); err == nil {
			dc.valider, dc.autorite, dc.fonction = u.Nom, u.Autorite, u.Fonction
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	pvs, err := validDocumentsOf(tx, sess.ID, "", DocPV)
	if err != nil {
		return nil, err
	}
	if len(pvs) > 0 {
		dc.pvNumero = pvs[len(pvs)-1].Numero
	}
	dc.recours = Recours{Autorite: dc.enTete(false).Service}
	if s.opt.Parametres != nil {
		if n, p, err := s.opt.Parametres.Valeur(rules.CleRecoursDelai, dc.today.Time()); err == nil {
			dc.recours.DelaiMois, dc.recours.Source = n, p.Source
		}
	}
	return dc, nil
}

func (dc *docContext) enTete(brouillon bool) EnTete {
	service := "DREETS " + dc.centre.Region
	if dc.autorite != "" {
		service = dc.autorite
	}
	return EnTete{Ministere: Ministere, Service: service, Brouillon: brouillon, Lieu: dc.centre.Ville, Date: dc.today}
}

// issue numbers, renders and stores one document; render receives the
// header with the number and verification code.
func (s *Service) issue(tx *gorm.DB, a Acteur, dc *docContext, typ TypeDocument, t *Titulaire, render func(EnTete) ([]byte, error)) (*Document, error) {
	if err := s.checkPublicURL(); err != nil {
		return nil, err
	}
	if s.opt.Sceau == nil {
		return nil, Errorf(ErrConflict, "sceau_non_configure",
			"Les documents ne peuvent pas être délivrés : aucun sceau électronique n'est configuré. Indiquez le certificat et la clé de l'autorité (réglages CIPCERT_SCEAU_CERT_FILE et CIPCERT_SCEAU_CLE_FILE), redémarrez le service, puis recommencez.")
	}
	year := dc.today.Time().Year()
	rang, ok := dc.batch.number(typ)
	if !ok {
		var err error
		if rang, err = nextNumber(tx, dc.titre.ID, typ, year); err != nil {
			return nil, err
		}
	}
	prefix := map[TypeDocument]string{DocParchemin: "PAR", DocLivret: "LIV", DocPV: "PV", DocFiche: "FIR"}[typ]
	code, err := newVerificationCode()
	if err != nil {
		return nil, err
	}
	e := dc.enTete(false)
	e.Numero = fmt.Sprintf("%s-%s-%d-%06d", prefix, dc.titre.Code, year, rang)
	e.Code = code
	e.URL = strings.TrimRight(s.opt.PublicURL, "/") + "/verification/" + code
	content, err := render(e)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", typ, err)
	}
	// The seal goes in before the hash: the bytes stored, served and
	// hashed are the sealed ones.
	if content, err = s.opt.Sceau.Sceller(content, s.now()); err != nil {
		return nil, fmt.Errorf("seal %s: %w", typ, err)
	}
	cert := s.opt.Sceau.Certificat()
	sum := sha256.Sum256(content)
	d := &Document{ID: newID(), Type: typ, Numero: e.Numero, TitreID: dc.titre.ID, Annee: year, Rang: rang,
		CodeVerification: code, Sha256: hex.EncodeToString(sum[:]), Gabarit: s.opt.Renderer.Template(), Contenu: content,
		Taille: len(content), SessionID: dc.sess.ID, Statut: StatutValide, EmisAt: s.now(), EmisPar: a.UtilisateurID,
		SceauEmpreinte: cert.Empreinte, SceauNom: cert.Nom}
	if t != nil {
		d.TitulaireNom, d.TitulairePrenoms = t.NomNaissance, t.Prenoms
		n := t.DateNaissance
		d.TitulaireNaissance = &n
	}
	return d, nil
}

func (s *Service) store(tx *gorm.DB, a Acteur, d *Document, candidatID string) error {
	return s.storeIn(tx, a, nil, d, candidatID)
}

// storeIn stores a document and its audit row; in a batch, both rows wait
// for the batch's next flush.
func (s *Service) storeIn(tx *gorm.DB, a Acteur, b *issueBatch, d *Document, candidatID string) error {
	e := audit{action: "document_emis", objet: "document", objetID: d.ID, sessionID: d.SessionID,
		candidatID: candidatID, apres: documentSnapshot{Type: d.Type, Numero: d.Numero, Sha256: d.Sha256, Statut: d.Statut}}
	if b == nil {
		if err := documentConflict(insertDocument(tx, d)); err != nil {
			return err
		}
		d.Contenu = nil
		return s.journal(tx, a, e)
	}
	ev, err := s.evenement(a, e)
	if err != nil {
		return err
	}
	b.pending = append(b.pending, documentRow(*d))
	b.events = append(b.events, evenementRow(ev))
	d.Contenu = nil
	return nil
}

func (s *Service) issueCandidat(tx *gorm.DB, a Acteur, dc *docContext, typ TypeDocument, in Inscription) (*Document, error) {
	d, err := s.renderCandidat(tx, a, dc, typ, in, "")
	if err != nil {
		return nil, err
	}
	// A new livret supersedes the candidat's earlier ones; the parchemin
	// supersedes the last livret. A fiche replaces nothing: each session
	// has its own.
	var olds []Document
	if typ != DocFiche {
		if olds, err = dc.batch.validLivrets(tx, in.CandidatID, dc.titre.ID); err != nil {
			return nil, err
		}
	}
	if err := s.storeIn(tx, a, dc.batch, d, in.CandidatID); err != nil {
		return nil, err
	}
	if len(olds) > 0 {
		// The old documents name the new one, which must be in the table.
		if err := dc.batch.flush(tx); err != nil {
			return nil, err
		}
	}
	for _, o := range olds {
		if err := s.remplacer(tx, a, o, d, in.CandidatID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// renderCandidat numbers and renders the document of type typ of an
// enrolment as its record stands, marked as a duplicata of the document
// numbered duplicataDe when that is set; the caller stores it.
func (s *Service) renderCandidat(tx *gorm.DB, a Acteur, dc *docContext, typ TypeDocument, in Inscription, duplicataDe string) (*Document, error) {
	cand, err := dc.batch.candidat(tx, in.CandidatID)
	if err != nil {
		return nil, err
	}
	var r rules.Resultat
	if err := json.Unmarshal([]byte(in.Explication), &r); err != nil {
		return nil, fmt.Errorf("explication of %s: %w", in.ID, err)
	}
	t := titulaire(cand)
	refs, err := dc.batch.sessionReferences(tx, r)
	if err != nil {
		return nil, err
	}
	d, err := s.issue(tx, a, dc, typ, &t, func(e EnTete) ([]byte, error) {
		e.DuplicataDe = duplicataDe
		switch typ {
		case DocParchemin:
			return s.opt.Renderer.Parchemin(dc.parchemin(e, t, in, r))
		case DocFiche:
			return s.opt.Renderer.Fiche(dc.fiche(e, t, cand.Parcours, in, r))
		}
		return s.opt.Renderer.Livret(dc.livret(e, t, r, refs))
	})
	if err != nil {
		return nil, err
	}
	d.CandidatID, d.InscriptionID = &in.CandidatID, &in.ID
	return d, nil
}

func titulaire(c *Candidat) Titulaire {
	return Titulaire{NomNaissance: c.NomNaissance, NomUsage: c.NomUsage, Prenoms: c.Prenoms, DateNaissance: c.DateNaissance, LieuNaissance: c.LieuNaissance}
}

func (dc *docContext) parchemin(e EnTete, t Titulaire, in Inscription, r rules.Resultat) ParcheminData {
	p := ParcheminData{EnTete: e, Titulaire: t, TitreIntitule: dc.titre.Intitule, TitreCode: dc.titre.Code, Niveau: dc.titre.Niveau,
		NSF: dc.titre.NSF, RNCP: dc.titre.RNCP, ArreteSpecialite: dc.version.Texte, DateJury: dc.sess.Fin,
		Session: dc.sess.Reference, PV: dc.pvNumero, Signataire: dc.signataire()}
	if r.Issue == rules.IssueCCS {
		var names []string
		for _, c := range in.CCP {
			if b, ok := dc.version.Bloc(c); ok {
				names = append(names, b.Intitule)
			}
		}
		p.CCS = strings.Join(names, ", ")
	}
	return p
}

// signataire is the authority that validated the PV and its
// representative. An account's name may already carry its authority
// ("Hélène Girard, DREETS Auvergne-Rhône-Alpes"): it is printed once.
func (dc *docContext) signataire() Signataire {
	nom := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(dc.valider), dc.autorite))
	nom = strings.TrimSpace(strings.TrimSuffix(nom, ","))
	return Signataire{Nom: nom, Fonction: dc.fonction, Autorite: dc.enTete(false).Service}
}

// sansIdentifiants names versions by their code in a sentence of the rules
// that may have been stored when a version was named by its id.
func (dc *docContext) sansIdentifiants(s string) string {
	for _, v := range dc.titre.Versions {
		if v.ID != "" && v.Code != "" {
			s = strings.ReplaceAll(s, v.ID, v.Code)
		}
	}
	return s
}

// sessionReferences maps the sessions a result cites to their references.
func sessionReferences(tx *gorm.DB, r rules.Resultat) (map[string]string, error) {
	var ids []string
	for _, c := range r.CCPAcquis {
		ids = append(ids, c.SessionID)
	}
	return sessionReferencesByID(tx, ids)
}

func (dc *docContext) livret(e EnTete, t Titulaire, r rules.Resultat, refs map[string]string) LivretData {
	l := LivretData{EnTete: e, Titulaire: t, TitreIntitule: dc.titre.Intitule, TitreCode: dc.titre.Code, Niveau: dc.titre.Niveau,
		RNCP: dc.titre.RNCP, VersionCode: dc.version.Code, VersionTexte: dc.version.Texte, Recours: dc.recours, Signataire: dc.signataire()}
	acquis := map[string]rules.CCPCompte{}
	for _, c := range r.CCPAcquis {
		if c.Compte {
			acquis[c.CCP] = c
		}
	}
	for _, b := range dc.version.Blocs {
		if b.Nature != "ccp" {
			continue
		}
		lb := LivretBloc{Code: b.Code, RNCPBloc: b.RNCPBloc, Intitule: b.Intitule}
		for _, c := range b.Competences {
			lb.Competences = append(lb.Competences, c.Intitule)
		}
		if c, ok := acquis[b.Code]; ok {
			lb.Acquis, lb.Date = true, DateOf(c.Date)
			lb.Session = c.SessionID
			if ref, ok := refs[c.SessionID]; ok {
				lb.Session = ref
			}
		}
		l.Blocs = append(l.Blocs, lb)
	}
	l.DateLimite, l.RegleDateLimite = dc.dateLimite(r)
	return l
}

// dateLimite is the deadline to complete the titre and the sentence, with
// its source, of the rule that sets it.
func (dc *docContext) dateLimite(r rules.Resultat) (Date, string) {
	var d Date
	if r.DateLimite != nil {
		d = DateOf(*r.DateLimite)
	}
	var regle string
	for _, e := range r.Explication {
		if e.Code == "date_limite" || e.Code == "cloture_delai" {
			regle = dc.sansIdentifiants(e.Detail) + " (" + e.Source + ")"
		}
	}
	return d, regle
}

// fiche is the fiche de résultats of an enrolment: its decisions in the
// order of the référentiel, and what its outcome leaves to do.
func (dc *docContext) fiche(e EnTete, t Titulaire, p Parcours, in Inscription, r rules.Resultat) FicheData {
	f := FicheData{EnTete: e, Titulaire: t, TitreIntitule: dc.titre.Intitule, TitreCode: dc.titre.Code, Niveau: dc.titre.Niveau,
		RNCP: dc.titre.RNCP, VersionCode: dc.version.Code, SessionReference: dc.sess.Reference, TypeSession: dc.sess.Type,
		Debut: dc.sess.Debut, Fin: dc.sess.Fin, Parcours: libelleParcours[p], Presence: libellePresence[deref(in.Presence)],
		EntretienFinal: "sans objet", Issue: libelleIssue[deref(in.Issue)], Suite: deref(in.Issue),
		Recours: dc.recours, Signataire: dc.signataire()}
	if in.EntretienFinalDu {
		f.EntretienFinal = map[string]string{"favorable": "favorable", "defavorable": "défavorable", "": "non tenu"}[deref(in.EntretienFinal)]
	}
	evals := map[string]Evaluation{}
	for _, ev := range in.Evaluations {
		evals[ev.CCP] = ev
	}
	acquis := map[string]bool{}
	for _, c := range r.CCPAcquis {
		if c.Compte {
			acquis[c.CCP] = true
		}
	}
	for _, b := range dc.version.Blocs {
		if ev, ok := evals[b.Code]; ok {
			f.Decisions = append(f.Decisions, FicheDecision{Code: b.Code, RNCPBloc: b.RNCPBloc, Intitule: b.Intitule,
				Decision: libelleDecision[ev.Decision], Motifs: ev.Motifs})
		}
		if b.Nature == "ccp" && !acquis[b.Code] && f.Suite == string(rules.IssuePartiel) {
			f.Manquants = append(f.Manquants, b.Code+" — "+b.Intitule)
		}
	}
	if f.Suite == string(rules.IssuePartiel) {
		f.DateLimite, f.RegleDateLimite = dc.dateLimite(r)
	}
	return f
}

var (
	libellePresence = map[string]string{"present": "présent", "absent": "absent", "excuse": "excusé", "exclu_fraude": "exclu pour fraude", "": "non renseignée"}
	libelleIssue    = map[string]string{"titre": "Titre obtenu", "ccs": "CCS obtenu", "partiel": "Réussite partielle", "echec": "Échec", "absent": "Absent", "": "Non délibéré"}
	libelleDecision = map[string]string{"acquis": "acquis", "non_acquis": "non acquis"}
	libelleParcours = map[Parcours]string{ParcoursFormation: "formation continue", ParcoursVAE: "validation des acquis de l’expérience (VAE)",
		ParcoursCapitalisation: "capitalisation de CCP", ParcoursCCS: "certificat complémentaire de spécialisation"}
)

// verificationAlphabet is Crockford's base 32: no I, L, O or U to misread.
const verificationAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newVerificationCode returns 60 random bits as XXXX-XXXX-XXXX.
func newVerificationCode() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("verification code: %w", err)
	}
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(verificationAlphabet[x&31])
	}
	return sb.String(), nil
}

// NormaliserCode reads a verification code as a person may type it.
func NormaliserCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	s = strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(s)
	if len(s) != 12 {
		return s
	}
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}

// checkPublicURL refuses to issue a document whose verification link would
// not be https: the link and its QR code are printed on a document that
// never changes, and a holder must be able to follow them safely for
// years. The demo and tests admit http (Options.AllowHTTPPublicURL).
func (s *Service) checkPublicURL() error {
	if strings.HasPrefix(s.opt.PublicURL, "https://") || s.opt.AllowHTTPPublicURL {
		return nil
	}
	return Errorf(ErrConflict, "url_publique_non_https",
		"Les documents ne peuvent pas être délivrés : l'adresse publique du service (réglage PUBLIC_URL, actuellement « %s ») doit commencer par https://, car elle est imprimée à jamais dans le lien de vérification et le QR code. Corrigez PUBLIC_URL, redémarrez le service, puis recommencez.",
		s.opt.PublicURL)
}
