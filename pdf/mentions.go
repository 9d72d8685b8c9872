package pdf

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// mentionsJSON holds the legal mentions the documents print, each with the
// text it rests on and whether its wording was confirmed: a correction of
// the wording is a change of data, reviewed with its source.
//
//go:embed mentions.json
var mentionsJSON []byte

// mention is one legal mention; Texte may hold {placeholders} the document
// fills.
type mention struct {
	Cle        string   `json:"cle"`
	Documents  []string `json:"documents"`
	Texte      string   `json:"texte"`
	Source     string   `json:"source"`
	Legifrance string   `json:"legifrance"`
	Confirme   bool     `json:"confirme"`
	AVerifier  string   `json:"a_verifier"`
}

// mentions parses the embedded file once per process; a bad file is a
// build defect, caught by the tests.
var mentions = sync.OnceValue(func() map[string]mention {
	var f struct {
		Mentions []mention `json:"mentions"`
	}
	if err := json.Unmarshal(mentionsJSON, &f); err != nil {
		panic(fmt.Sprintf("pdf: mentions.json: %v", err))
	}
	m := make(map[string]mention, len(f.Mentions))
	for _, x := range f.Mentions {
		m[x.Cle] = x
	}
	return m
})

// mentionText is the wording of the mention cle with its placeholders
// filled from kv, pairs of name and value.
func mentionText(cle string, kv ...string) string {
	m, ok := mentions()[cle]
	if !ok {
		panic("pdf: no mention " + cle)
	}
	s := m.Texte
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}
