package certification

import (
	"encoding/json"
	"slices"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// dueDocument is one document an issuance is to issue.
type dueDocument struct {
	in  Inscription
	typ TypeDocument
}

// issueBatch is what the issuance of a session's documents reads once for
// all of them, and the documents' rows it inserts together. Issuing a
// session's documents one statement at a time cost more round trips than
// rendering them. A nil batch reads and writes for each document.
type issueBatch struct {
	// numbers are the numbers reserved for each type of document.
	numbers map[TypeDocument]*numberRange
	// candidats are the candidats of the documents due, by id.
	candidats map[string]*Candidat
	// refs are the references of the sessions the results cite, of which
	// citable holds the ids looked up.
	refs    map[string]string
	citable map[string]bool
	// livrets are the valid livrets of the candidats who receive one
	// document that supersedes them, by candidat.
	livrets map[string][]Document
	// pending are the documents issued and not yet inserted, events their
	// audit rows, inserted with them.
	pending []documentRow
	events  []evenementRow
}

type numberRange struct{ next, last int }

// prepareBatch reserves the numbers of the documents due, the PV first
// when pv is set, and reads what they need.
func (s *Service) prepareBatch(tx *gorm.DB, dc *docContext, pv bool, due []dueDocument) (*issueBatch, error) {
	b := &issueBatch{numbers: map[TypeDocument]*numberRange{}, citable: map[string]bool{}, livrets: map[string][]Document{}}
	counts := map[TypeDocument]int{}
	if pv {
		counts[DocPV]++
	}
	superseding := map[string]int{}
	var candidats, sessions []string
	for _, d := range due {
		counts[d.typ]++
		if !slices.Contains(candidats, d.in.CandidatID) {
			candidats = append(candidats, d.in.CandidatID)
		}
		if d.typ != DocFiche {
			superseding[d.in.CandidatID]++
		}
		// An explication that does not read fails the document's
		// rendering, which says so.
		var r rules.Resultat
		if json.Unmarshal([]byte(d.in.Explication), &r) == nil {
			for _, c := range r.CCPAcquis {
				if !b.citable[c.SessionID] {
					b.citable[c.SessionID] = true
					sessions = append(sessions, c.SessionID)
				}
			}
		}
	}
	// In the order of the types, so that concurrent issuers lock the
	// counters in the same order.
	types := make([]TypeDocument, 0, len(counts))
	for typ := range counts {
		types = append(types, typ)
	}
	slices.Sort(types)
	year := dc.today.Time().Year()
	for _, typ := range types {
		last, err := reserveNumbers(tx, dc.titre.ID, typ, year, counts[typ])
		if err != nil {
			return nil, err
		}
		b.numbers[typ] = &numberRange{next: last - counts[typ] + 1, last: last}
	}
	var err error
	if b.candidats, err = candidatsByID(tx, candidats); err != nil {
		return nil, err
	}
	if b.refs, err = sessionReferencesByID(tx, sessions); err != nil {
		return nil, err
	}
	// A candidat who receives two superseding documents reads its livrets
	// after the first: it is left to the per-document read.
	var once []string
	for c, n := range superseding {
		if n == 1 {
			once = append(once, c)
		}
	}
	ls, err := validLivretsOf(tx, once, dc.titre.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range once {
		b.livrets[c] = ls[c]
	}
	return b, nil
}

// number takes the next number reserved for typ, if any.
func (b *issueBatch) number(typ TypeDocument) (int, bool) {
	if b == nil || b.numbers[typ] == nil || b.numbers[typ].next > b.numbers[typ].last {
		return 0, false
	}
	r := b.numbers[typ]
	r.next++
	return r.next - 1, true
}

// candidat returns a candidat with its details.
func (b *issueBatch) candidat(tx *gorm.DB, id string) (*Candidat, error) {
	if b != nil && b.candidats[id] != nil {
		return b.candidats[id], nil
	}
	return findCandidat(tx, Acteur{Role: RoleAdmin}, id)
}

// sessionReferences maps the sessions a result cites to their references.
func (b *issueBatch) sessionReferences(tx *gorm.DB, r rules.Resultat) (map[string]string, error) {
	if b == nil {
		return sessionReferences(tx, r)
	}
	for _, c := range r.CCPAcquis {
		if !b.citable[c.SessionID] {
			return sessionReferences(tx, r)
		}
	}
	return b.refs, nil
}

// validLivrets returns a candidat's valid livrets for a titre.
func (b *issueBatch) validLivrets(tx *gorm.DB, candidatID, titreID string) ([]Document, error) {
	if b != nil {
		if ds, ok := b.livrets[candidatID]; ok {
			return ds, nil
		}
	}
	return validLivrets(tx, candidatID, titreID)
}

// flush inserts the pending documents, then their audit rows.
func (b *issueBatch) flush(tx *gorm.DB) error {
	if b == nil || len(b.pending) == 0 {
		return nil
	}
	// Chunks keep a statement's parameters under SQLite's limit and its
	// size under a few megabytes.
	for chunk := range slices.Chunk(b.pending, 50) {
		if err := documentConflict(insertDocuments(tx, chunk)); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(b.events, 50) {
		if err := insertEvenements(tx, chunk); err != nil {
			return err
		}
	}
	b.pending, b.events = nil, nil
	return nil
}
