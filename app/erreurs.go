package app

import (
	"sort"
	"sync"
)

// erreurDoc is one stable error code of the API: its HTTP status and the
// French messages it comes with. The catalogue (erreurs_catalogue.go) is
// generated from the sources, where each code is raised, so it cannot miss
// one; TestCatalogueAJour fails when it is stale.
type erreurDoc struct {
	Code     string
	Status   int
	Messages []string
}

// erreursDuCode gives the catalogue's entries for a code: one, or one per
// status when the sources raise it with two.
func erreursDuCode(code string) []erreurDoc {
	i := sort.Search(len(catalogue), func(i int) bool { return catalogue[i].Code >= code })
	var out []erreurDoc
	for ; i < len(catalogue) && catalogue[i].Code == code; i++ {
		out = append(out, catalogue[i])
	}
	return out
}

const codeCorpsTropVolumineux = "corps_trop_volumineux"

// routeCodes lists the codes a route may answer: those its handler's code
// paths raise (found in the sources, through the service down to the rule
// engine), those of the middleware in front of it, and any the table adds.
func routeCodes(r route) []string {
	// Any route may fail inside, lose its database, or meet Echo's body
	// limit (a middleware in front of every route).
	set := map[string]bool{errInterne.code: true, errBaseIndisponible.code: true, codeCorpsTropVolumineux: true}
	add := func(codes []string) {
		for _, c := range codes {
			set[c] = true
		}
	}
	add(codesParFonction[r.handlerName()])
	add(codesParFonction["cleanURL"])
	if !r.public {
		add(codesParFonction["authenticate"])
		add(codesParFonction["allow"])
	}
	add(r.errors)
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// documentedCodes maps "METHOD /path" to the codes its operation lists.
var documentedCodes = sync.OnceValue(func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for _, r := range routeTable {
		set := map[string]bool{}
		for _, c := range routeCodes(r) {
			set[c] = true
		}
		m[r.key()] = set
	}
	return m
})
