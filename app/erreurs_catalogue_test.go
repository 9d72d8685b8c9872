package app

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
)

// TestCatalogueAJour regenerates the error catalogue and the codes each
// function can raise from the sources, and fails if erreurs_catalogue.go
// differs. CIPCERT_UPDATE_CATALOGUE=1 rewrites it instead.
func TestCatalogueAJour(t *testing.T) {
	src, err := generateCatalogue([]string{"../certification", "../certification/rules", "."})
	if err != nil {
		t.Fatal(err)
	}
	const file = "erreurs_catalogue.go"
	if os.Getenv("CIPCERT_UPDATE_CATALOGUE") == "1" {
		if err := os.WriteFile(file, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, src) {
		t.Fatalf("%s is stale: run CIPCERT_UPDATE_CATALOGUE=1 go test ./app -run TestCatalogueAJour", file)
	}
}

// kinds are the domain's error kinds by name, mapped through statusOf.
var kinds = map[string]error{
	"ErrInvalid": certification.ErrInvalid, "ErrNotFound": certification.ErrNotFound, "ErrStale": certification.ErrStale,
	"ErrConflict": certification.ErrConflict, "ErrForbidden": certification.ErrForbidden, "ErrUnauthorized": certification.ErrUnauthorized,
	"ErrOverloaded": certification.ErrOverloaded,
}

func kindStatus(name string) (int, error) {
	kind, ok := kinds[name]
	if !ok {
		return 0, fmt.Errorf("unknown error kind %s", name)
	}
	for _, m := range statusOf {
		if errors.Is(kind, m.kind) {
			return m.status, nil
		}
	}
	return 0, fmt.Errorf("kind %s has no status", name)
}

var httpStatus = map[string]int{}

func init() {
	for code := 100; code < 600; code++ {
		if text := http.StatusText(code); text != "" {
			httpStatus["Status"+strings.NewReplacer(" ", "", "-", "", "'", "").Replace(text)] = code
		}
	}
	httpStatus["StatusRequestEntityTooLarge"] = http.StatusRequestEntityTooLarge
}

// aliases are calls through a variable holding a function.
var aliases = map[string]string{"app.validate": "app.newValidator"}

// localType names a type of the package itself (T or *T), "" otherwise.
func localType(e ast.Expr) string {
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	if id, ok := e.(*ast.Ident); ok && types.Universe.Lookup(id.Name) == nil {
		return id.Name
	}
	return ""
}

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

type occurrence struct {
	status  int
	message string
}

func generateCatalogue(dirs []string) ([]byte, error) {
	fset := token.NewFileSet()
	direct := map[string]map[string]bool{} // function → codes raised in its body
	calls := map[string]map[string]bool{}  // function → functions it calls
	occ := map[string][]occurrence{}
	byName := map[string][]string{} // "pkg.m" → every method m of pkg
	var problems []string
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				return nil, err
			}
			pkg := af.Name.Name
			imports := map[string]bool{}
			for _, im := range af.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if im.Name != nil {
					name = im.Name.Name
				}
				imports[name] = true
			}
			// typed names the identifiers of a function's receiver and
			// parameters by their local type, to resolve x.m() to T.m.
			var typed map[string]string
			str := func(e ast.Expr) (string, bool) {
				bl, ok := e.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return "", false
				}
				s, err := strconv.Unquote(bl.Value)
				return s, err == nil
			}
			record := func(fn, code string, status int, msg ast.Expr) {
				m, _ := str(msg)
				m = verb.ReplaceAllString(m, "…")
				occ[code] = append(occ[code], occurrence{status, m})
				if fn != "" {
					direct[fn][code] = true
				}
			}
			visit := func(fn string) func(ast.Node) bool {
				return func(n ast.Node) bool {
					switch x := n.(type) {
					case *ast.CompositeLit:
						// &httpError{status: http.StatusX, code: "…", detail: "…"}
						if id, ok := x.Type.(*ast.Ident); !ok || id.Name != "httpError" {
							return true
						}
						var code string
						var status int
						var detail ast.Expr
						for _, el := range x.Elts {
							kv, ok := el.(*ast.KeyValueExpr)
							if !ok {
								continue
							}
							switch kv.Key.(*ast.Ident).Name {
							case "code":
								code, _ = str(kv.Value)
							case "detail":
								detail = kv.Value
							case "status":
								if sel, ok := kv.Value.(*ast.SelectorExpr); ok {
									status = httpStatus[sel.Sel.Name]
								}
							}
						}
						if code == "" {
							return true // a code passed through (badRequest), recorded at its call sites
						}
						if status == 0 {
							problems = append(problems, fmt.Sprintf("%s: httpError %s without a literal status", fset.Position(x.Pos()), code))
							return true
						}
						record(fn, code, status, detail)
					case *ast.CallExpr:
						var name string
						qualified := false
						var callees []string
						switch f := x.Fun.(type) {
						case *ast.Ident:
							name = f.Name
							callee := pkg + "." + name
							if a, ok := aliases[callee]; ok {
								callee = a
							}
							callees = []string{callee}
						case *ast.SelectorExpr:
							name = f.Sel.Name
							switch recv := f.X.(type) {
							case *ast.Ident:
								switch {
								case recv.Name == "certification" || recv.Name == "rules":
									qualified = true
									callees = []string{recv.Name + "." + name}
								case imports[recv.Name]:
									return true // another package's function
								case typed[recv.Name] != "":
									callees = []string{pkg + "." + typed[recv.Name] + "." + name}
								default:
									callees = []string{"?" + pkg + "." + name} // resolved by name below
								}
							case *ast.SelectorExpr:
								if recv.Sel.Name == "svc" { // the service, reached through s.svc
									qualified = true
									callees = []string{"certification.Service." + name}
								} else {
									callees = []string{"?" + pkg + "." + name}
								}
							default:
								callees = []string{"?" + pkg + "." + name}
							}
						}
						if name == "" {
							return true
						}
						if fn != "" {
							for _, c := range callees {
								calls[fn][c] = true
							}
						}
						local := pkg == "certification" || qualified
						switch {
						case name == "Errorf" && (pkg == "certification" || qualified) && len(x.Args) >= 3:
							code, ok := str(x.Args[1])
							if !ok {
								return true // a code passed through, raised elsewhere
							}
							var kind string
							switch k := x.Args[0].(type) {
							case *ast.Ident:
								kind = k.Name
							case *ast.SelectorExpr:
								kind = k.Sel.Name
							}
							status, err := kindStatus(kind)
							if err != nil {
								problems = append(problems, fmt.Sprintf("%s: %v", fset.Position(x.Pos()), err))
								return true
							}
							record(fn, code, status, x.Args[2])
						case name == "Invalid" && local && len(x.Args) >= 2:
							if code, ok := str(x.Args[0]); ok {
								record(fn, code, http.StatusUnprocessableEntity, x.Args[1])
							}
						case (name == "refus" || name == "incoherence") && pkg == "rules" && len(x.Args) >= 2:
							// ruleError turns both into ErrInvalid.
							if code, ok := str(x.Args[0]); ok {
								record(fn, code, http.StatusUnprocessableEntity, x.Args[1])
							}
						case name == "badRequest" && pkg == "app" && len(x.Args) >= 2:
							if code, ok := str(x.Args[0]); ok {
								record(fn, code, http.StatusBadRequest, x.Args[1])
							}
						}
					case *ast.CaseClause:
						// echoCode: case http.StatusX: return "code", "message"
						if fn != "app.echoCode" || len(x.List) != 1 || len(x.Body) != 1 {
							return true
						}
						sel, ok1 := x.List[0].(*ast.SelectorExpr)
						ret, ok2 := x.Body[0].(*ast.ReturnStmt)
						if ok1 && ok2 && len(ret.Results) == 2 {
							if code, ok := str(ret.Results[0]); ok {
								record(fn, code, httpStatus[sel.Sel.Name], ret.Results[1])
							}
						}
					}
					return true
				}
			}
			for _, d := range af.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Body == nil {
						continue
					}
					fn := pkg + "." + d.Name.Name
					typed = map[string]string{}
					var fields []*ast.Field
					if d.Recv != nil {
						fields = append(fields, d.Recv.List...)
						fn = pkg + "." + localType(d.Recv.List[0].Type) + "." + d.Name.Name
						byName[pkg+"."+d.Name.Name] = append(byName[pkg+"."+d.Name.Name], fn)
					}
					fields = append(fields, d.Type.Params.List...)
					for _, fl := range fields {
						if t := localType(fl.Type); t != "" {
							for _, n := range fl.Names {
								typed[n.Name] = t
							}
						}
					}
					if direct[fn] == nil {
						direct[fn], calls[fn] = map[string]bool{}, map[string]bool{}
					}
					ast.Inspect(d.Body, visit(fn))
				case *ast.GenDecl:
					ast.Inspect(d, visit(""))
				}
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}

	var buf bytes.Buffer
	buf.WriteString("// Code generated by TestCatalogueAJour from the sources of app, certification and\n" +
		"// certification/rules; DO NOT EDIT. Regenerate with\n" +
		"// CIPCERT_UPDATE_CATALOGUE=1 go test ./app -run TestCatalogueAJour\n\npackage app\n\n")
	buf.WriteString("// catalogue lists every error code the API can answer, by code.\nvar catalogue = []erreurDoc{\n")
	codes := make([]string, 0, len(occ))
	for c := range occ {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		// A code should have one status (TestUnStatutParCode); where the
		// sources give it two, the catalogue says so rather than pick one.
		byStatus := map[int]map[string]bool{}
		for _, o := range occ[c] {
			if byStatus[o.status] == nil {
				byStatus[o.status] = map[string]bool{}
			}
			if o.message != "" {
				byStatus[o.status][o.message] = true
			}
		}
		var statuses []int
		for st := range byStatus {
			statuses = append(statuses, st)
		}
		sort.Ints(statuses)
		for _, st := range statuses {
			var msgs []string
			for m := range byStatus[st] {
				msgs = append(msgs, strconv.Quote(m))
			}
			sort.Strings(msgs)
			fmt.Fprintf(&buf, "\t{Code: %q, Status: %d, Messages: []string{%s}},\n", c, st, strings.Join(msgs, ", "))
		}
	}
	buf.WriteString("}\n\n// codesParFonction lists, for each handler and middleware, the codes its code\n" +
		"// paths can raise, down through the service and the rule engine.\nvar codesParFonction = map[string][]string{\n")
	var closure func(fn string, seen, out map[string]bool)
	closure = func(fn string, seen, out map[string]bool) {
		if seen[fn] {
			return
		}
		seen[fn] = true
		for c := range direct[fn] {
			out[c] = true
		}
		for c := range calls[fn] {
			if name, ok := strings.CutPrefix(c, "?"); ok {
				// x.m() on a value of unknown type: any method m, or a
				// function of that name holding a func value.
				for _, m := range byName[name] {
					closure(m, seen, out)
				}
				continue
			}
			closure(c, seen, out)
		}
	}
	var fns []string
	for fn := range direct {
		name := strings.TrimPrefix(strings.TrimPrefix(fn, "app."), "Server.")
		if strings.HasPrefix(fn, "app.") && (strings.HasPrefix(name, "handle") || name == "authenticate" || name == "allow" || name == "cleanURL") {
			fns = append(fns, fn)
		}
	}
	sort.Strings(fns)
	for _, fn := range fns {
		out := map[string]bool{}
		closure(fn, map[string]bool{}, out)
		var list []string
		for c := range out {
			list = append(list, strconv.Quote(c))
		}
		sort.Strings(list)
		fmt.Fprintf(&buf, "\t%q: {%s},\n", strings.TrimPrefix(strings.TrimPrefix(fn, "app."), "Server."), strings.Join(list, ", "))
	}
	buf.WriteString("}\n")
	return format.Source(buf.Bytes())
}
