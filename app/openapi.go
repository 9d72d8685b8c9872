package app

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The OpenAPI document is generated from routeTable and the Go types of the
// requests and responses: json tags give the names, validate tags the
// constraints, pointers the nullability, champs the descriptions and
// examples. It cannot drift from the code's field names, and the tests
// validate it, its examples and real answers with an OpenAPI validator.

var pathParam = regexp.MustCompile(`:([a-z]+)`)

// openAPIPath turns Echo's /x/:id into OpenAPI's /x/{id}.
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// pathParams documents the path parameters by name.
var pathParams = map[string]queryParam{
	"id":      {kind: "string", doc: "Identifiant (UUIDv7) de l'objet."},
	"iid":     {kind: "string", doc: "Identifiant (UUIDv7) de l'inscription."},
	"hid":     {kind: "string", doc: "Identifiant (UUIDv7) de l'habilitation."},
	"code":    {kind: "string", doc: "Code : d'un titre (TP-00403) ou de vérification d'un document (XXXX-XXXX-XXXX)."},
	"ccp":     {kind: "string", doc: "Code du CCP (CCP1, CCP2…)."},
	"fichier": {kind: "string", doc: "{id} pour les métadonnées du document, {id}.pdf pour ses octets."},
	"paquet":  {kind: "string", doc: "Paquet vendu avec sa version, par exemple " + redocVersion + "."},
}

// OpenAPI builds the OpenAPI 3.1 document of the API.
func OpenAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]any{}
	for _, r := range routeTable {
		p := openAPIPath(r.path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(r.method)] = g.operation(r)
	}
	g.ref(reflect.TypeOf(Problem{}))
	var tagList []any
	for _, t := range tags {
		tagList = append(tagList, map[string]any{"name": t.name, "description": t.doc})
	}
	var erreurs []any
	for _, e := range catalogue {
		erreurs = append(erreurs, map[string]any{"code": e.Code, "status": e.Status, "messages": e.Messages})
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "cipcert", "version": "1",
			"description": "Gestion des sessions de certification des titres professionnels du ministère du Travail.\n\n" +
				"Authentification : POST /api/v1/auth/connexion donne un jeton, à envoyer dans « Authorization: Bearer … ». " +
				"Les écritures concurrentes se protègent par ETag et If-Match (412 sur une version périmée).\n\n" +
				"Erreurs : application/problem+json (RFC 9457) avec un `code` stable, un `detail` en français et, pour une saisie invalide, " +
				"`erreurs: [{champ, code, message}]`. Chaque opération liste les codes qu'elle peut renvoyer ; le catalogue complet est " +
				"dans `x-erreurs` et lisible à /api/docs/erreurs.",
			"license": map[string]any{"name": "Propriétaire"}},
		"servers":   []any{map[string]any{"url": "/", "description": "Ce serveur"}, map[string]any{"url": "http://localhost:8080", "description": "make run, en local"}},
		"tags":      tagList,
		"paths":     paths,
		"x-erreurs": erreurs,
		"components": map[string]any{"schemas": g.defs, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
			"description": "Jeton obtenu par POST /api/v1/auth/connexion, valable 8 heures."}}},
	}
}

func (g *schemaGen) operation(r route) map[string]any {
	desc := r.description
	if r.public {
		desc += "\n\nPublique : sans jeton."
	} else {
		var rs []string
		for _, x := range r.roles {
			rs = append(rs, string(x))
		}
		desc += "\n\nRôles admis : " + strings.Join(rs, ", ") + "."
	}
	o := map[string]any{
		"operationId": r.handlerName(),
		"summary":     r.summary,
		"description": desc,
		"tags":        []any{r.tag},
		"responses":   g.responses(r),
	}
	if r.public {
		o["security"] = []any{}
	} else {
		o["security"] = []any{map[string]any{"bearer": []any{}}}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
		pp := pathParams[m[1]]
		s := map[string]any{"type": "string"}
		ex := "TP-00403"
		switch m[1] {
		case "id", "iid", "hid":
			s["format"], ex = "uuid", exampleID(r.path, m[1])
		case "ccp":
			ex = "CCP1"
		case "fichier":
			ex = exDocID + ".pdf"
		case "paquet":
			ex = redocVersion
		case "code":
			if strings.HasPrefix(r.path, "/verification") {
				ex = "7KQ2-M9XD-4TWC"
			}
		}
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "description": pp.doc, "schema": s, "example": ex})
	}
	for _, q := range r.query {
		params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.doc, "schema": q.schema()})
	}
	switch r.ifMatch {
	case ifMatchRequis:
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "example": `"1"`,
			"schema": map[string]any{"type": "string"}, "description": "ETag lu au dernier GET : une version périmée est refusée (412), son absence aussi (428)."})
	case ifMatchFin:
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "example": `"2029-11-30"`,
			"schema": map[string]any{"type": "string"}, "description": "Date de fin de l'habilitation lue (ETag, champ fin de GET /api/v1/jury/membres) : " +
				"une fin changée entre-temps est refusée (412), l'absence de l'en-tête aussi (428)."})
	case ifMatchFacultatif:
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "example": `"1"`,
			"schema": map[string]any{"type": "string"}, "description": "ETag de la décision à remplacer ; sans lui, seule une première saisie est acceptée."})
	}
	if r.method == "GET" && r.binary == "application/pdf" && r.etag {
		params = append(params, map[string]any{"name": "If-None-Match", "in": "header", "schema": map[string]any{"type": "string"},
			"description": "ETag déjà détenu : 304 sans corps s'il est inchangé."})
	}
	if len(params) > 0 {
		o["parameters"] = params
	}
	if r.multipart {
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []any{"fichier"},
				"properties": map[string]any{"fichier": map[string]any{"type": "string", "format": "binary",
					"description": "Le fichier de candidats, CSV ou XLSX, 5 Mio au plus."}}}}}}
	}
	if r.request != nil {
		t := reflect.TypeOf(r.request)
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.ref(t), "example": g.example(t, true)}}}
	}
	return o
}

// exampleID picks the example id a path parameter names.
func exampleID(path, name string) string {
	switch {
	case name == "iid":
		return exInscrID
	case strings.HasPrefix(path, "/api/v1/sessions"):
		return exSessionID
	case strings.HasPrefix(path, "/api/v1/centres"):
		return exCentreID
	case strings.HasPrefix(path, "/api/v1/jury"):
		return exMembreID
	}
	return exCandidatID
}

func (q queryParam) schema() map[string]any {
	s := map[string]any{"type": q.kind}
	if q.format != "" {
		s["format"] = q.format
	}
	if len(q.enum) > 0 {
		var e []any
		for _, v := range q.enum {
			e = append(e, v)
		}
		s["enum"] = e
	}
	if q.kind == "integer" {
		s["minimum"], s["maximum"] = q.min, q.max
	}
	return s
}

var etagHeader = map[string]any{"description": "Version de la ressource, à renvoyer dans If-Match (ou If-None-Match).",
	"schema": map[string]any{"type": "string"}, "example": `"1"`}

func (g *schemaGen) responses(r route) map[string]any {
	rs := map[string]any{}
	ok := map[string]any{"description": r.summary}
	content := map[string]any{}
	if r.response != nil {
		t := reflect.TypeOf(r.response)
		content["application/json"] = map[string]any{"schema": g.ref(t), "example": g.example(t, false)}
	}
	switch {
	case r.binary == "application/json": // the document itself
		content[r.binary] = map[string]any{"schema": map[string]any{"type": "object"}}
	case r.binary != "":
		// An export names its formats, comma-separated.
		for _, ct := range strings.Split(r.binary, ", ") {
			content[ct] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": ct}}
		}
	}
	if len(content) > 0 {
		ok["content"] = content
	}
	headers := map[string]any{}
	if r.etag {
		headers["ETag"] = etagHeader
	}
	if r.status == http.StatusCreated && (r.path == "/api/v1/candidats" || r.path == "/api/v1/sessions") {
		headers["Location"] = map[string]any{"description": "Adresse de l'objet créé.", "schema": map[string]any{"type": "string"}}
	}
	if len(headers) > 0 {
		ok["headers"] = headers
	}
	rs[strconv.Itoa(r.status)] = ok
	if r.repete != "" {
		rs["200"] = map[string]any{"description": r.repete, "content": content}
	}
	if r.etag && r.binary == "application/pdf" && r.method == "GET" {
		rs["304"] = map[string]any{"description": "Inchangé depuis l'ETag envoyé dans If-None-Match.", "headers": map[string]any{"ETag": etagHeader}}
	}
	// Errors, grouped by status, each listing its codes.
	byStatus := map[int][]erreurDoc{}
	for _, code := range routeCodes(r) {
		for _, e := range erreursDuCode(code) {
			byStatus[e.Status] = append(byStatus[e.Status], e)
		}
	}
	for status, es := range byStatus {
		var codes []any
		var lines []string
		for _, e := range es {
			codes = append(codes, e.Code)
			msg := ""
			if len(e.Messages) > 0 {
				msg = " — " + e.Messages[0]
			}
			lines = append(lines, "- `"+e.Code+"`"+msg)
		}
		first := es[0]
		detail := first.Code
		if len(first.Messages) > 0 {
			detail = first.Messages[0]
		}
		resp := map[string]any{
			"description": http.StatusText(status) + ". Codes :\n" + strings.Join(lines, "\n"),
			"x-codes":     codes,
			"content": map[string]any{"application/problem+json": map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Problem"},
				"example": map[string]any{"type": "https://cipcert.fr/problemes/" + first.Code, "title": http.StatusText(status),
					"status": status, "detail": detail, "code": first.Code, "instance": openAPIPath(r.path)}}},
		}
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			resp["headers"] = map[string]any{"Retry-After": map[string]any{"description": "Secondes à attendre avant de réessayer.",
				"schema": map[string]any{"type": "integer"}}}
		}
		rs[strconv.Itoa(status)] = resp
	}
	return rs
}

// schemaGen derives JSON Schemas from Go types.
type schemaGen struct {
	defs map[string]any
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) ref(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return g.schema(t, "")
	}
	name := schemaName(t)
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = map[string]any{} // placeholder against recursion
		g.defs[name] = g.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func schemaName(t reflect.Type) string {
	n := t.Name()
	return strings.ToUpper(n[:1]) + n[1:]
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, t, props, &required, false)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		o["required"] = required
	}
	return o
}

// isRequest says whether t is decoded from a client, where only validated
// fields are required; in an answer every field without omitempty is.
func isRequest(t reflect.Type) bool { return strings.HasSuffix(t.Name(), "Request") }

// fieldDoc finds a field's documentation: by "Schema.name", then by name.
// An override without an example takes the generic one.
func fieldDoc(owner reflect.Type, name string) (champ, bool) {
	generic, gok := champs[name]
	if c, ok := champs[schemaName(owner)+"."+name]; ok {
		if c.ex == nil && !c.sans {
			c.ex = generic.ex
		}
		return c, true
	}
	return generic, gok
}

// jsonField gives a struct field's JSON name and whether it has omitempty.
func jsonField(f reflect.StructField) (string, bool, bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" || !f.IsExported() {
		return "", false, false
	}
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(opts, "omitempty"), true
}

func (g *schemaGen) fields(owner, t reflect.Type, props map[string]any, required *[]string, readOnly bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			g.fields(owner, ft, props, required, readOnly || f.Tag.Get("openapi") == "readonly")
			continue
		}
		name, omitempty, ok := jsonField(f)
		if !ok {
			continue
		}
		validate := f.Tag.Get("validate")
		s := g.schema(f.Type, validate)
		c, _ := fieldDoc(owner, name)
		if s["type"] == "string" && s["format"] == nil && f.Type.Kind() == reflect.String && (name == "id" || strings.HasSuffix(name, "_id")) && name != "request_id" {
			// Ids are UUIDs; in a request they may be empty when optional.
			if own, _, _ := strings.Cut(validate, "dive"); isRequest(owner) && !strings.Contains(","+own+",", ",required,") {
				s["anyOf"] = []any{map[string]any{"format": "uuid"}, map[string]any{"maxLength": 0}}
			} else {
				s["format"] = "uuid"
			}
		}
		if f.Type.Kind() == reflect.Pointer {
			s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
		}
		if c.doc != "" {
			s["description"] = c.doc
		}
		ro := readOnly || (c.ro && !isRequest(owner))
		if ro {
			s["readOnly"] = true
		}
		if readOnly {
			s["description"] = strings.TrimSpace(c.doc + " En lecture seule : le corps lu par GET peut le renvoyer ; id, centre_id et version doivent alors être inchangés, les horodatages sont ignorés.")
		}
		props[name] = s
		if isRequest(owner) {
			// Only the rules before "dive" are the field's own; after it
			// they apply to each element of a list.
			own, _, _ := strings.Cut(validate, "dive")
			if strings.Contains(","+own+",", ",required,") {
				*required = append(*required, name)
			}
		} else if !omitempty {
			*required = append(*required, name)
		}
	}
}

func (g *schemaGen) schema(t reflect.Type, validate string) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t == reflect.TypeOf(rawJSON("")) {
		return map[string]any{}
	}
	s := map[string]any{}
	switch t.Kind() {
	case reflect.String:
		s["type"] = "string"
	case reflect.Bool:
		s["type"] = "boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		s["type"] = "integer"
	case reflect.Float64:
		s["type"] = "number"
	case reflect.Slice:
		outer, elem, _ := strings.Cut(validate, "dive")
		a := map[string]any{"type": "array", "items": g.ref2(t.Elem(), strings.Trim(elem, ","))}
		for _, rule := range strings.Split(strings.Trim(outer, ","), ",") {
			if n, ok := strings.CutPrefix(rule, "max="); ok {
				if v, err := strconv.Atoi(n); err == nil {
					a["maxItems"] = v
				}
			}
		}
		return a
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem(), "")}
	case reflect.Struct:
		return g.ref(t)
	}
	for _, rule := range strings.Split(validate, ",") {
		k, v, _ := strings.Cut(rule, "=")
		switch k {
		case "oneof":
			var enum []any
			for _, x := range strings.Fields(v) {
				enum = append(enum, x)
			}
			s["enum"] = enum
		case "datetime":
			s["format"] = "date"
		case "email":
			s["format"] = "email"
		case "len":
			if n, err := strconv.Atoi(v); err == nil {
				s["minLength"], s["maxLength"] = n, n
			}
		case "numeric":
			s["pattern"] = "^[0-9]*$"
		case "max":
			if n, err := strconv.Atoi(v); err == nil && t.Kind() == reflect.String {
				s["maxLength"] = n
			} else if err == nil {
				s["maximum"] = n
			}
		case "min", "gte":
			if n, err := strconv.Atoi(v); err == nil && t.Kind() == reflect.String {
				s["minLength"] = n
			} else if err == nil {
				s["minimum"] = n
			}
		case "lte":
			if n, err := strconv.Atoi(v); err == nil {
				s["maximum"] = n
			}
		}
	}
	return s
}

func (g *schemaGen) ref2(t reflect.Type, validate string) map[string]any {
	if t.Kind() == reflect.Struct && t != timeType {
		return g.ref(t)
	}
	return g.schema(t, validate)
}

// example builds an example value of t from the champs examples; for a
// request it leaves out the read-only fields a client need not send.
func (g *schemaGen) example(t reflect.Type, request bool) any {
	return g.exampleOf(t, t, "", "", request, 0)
}

func (g *schemaGen) exampleOf(owner, t reflect.Type, name, validate string, request bool, depth int) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	c, _ := fieldDoc(owner, name)
	switch {
	case t == timeType:
		if s, ok := c.ex.(string); ok {
			return s
		}
		return exHorodatage
	case t == reflect.TypeOf(rawJSON("")):
		return map[string]any{"statut": "planifiee"}
	}
	switch t.Kind() {
	case reflect.Struct:
		if depth > 20 { // no type of the API nests this deep; a guard against a cycle
			return map[string]any{}
		}
		out := map[string]any{}
		g.exampleFields(t, t, out, request, depth, false)
		return out
	case reflect.Slice:
		if c.sans {
			return []any{}
		}
		if c.ex != nil && t.Elem().Kind() != reflect.Struct {
			if reflect.TypeOf(c.ex).Kind() == reflect.Slice {
				return c.ex
			}
			return []any{c.ex}
		}
		_, elem, _ := strings.Cut(validate, "dive")
		return []any{g.exampleOf(owner, t.Elem(), name, strings.Trim(elem, ","), request, depth+1)}
	case reflect.Map:
		return map[string]any{"CCP1": true}
	}
	if c.ex != nil {
		if enum := g.schema(t, validate)["enum"]; enum != nil && !containsAny(enum.([]any), c.ex) {
			return enum.([]any)[0]
		}
		return c.ex
	}
	if enum := g.schema(t, validate)["enum"]; enum != nil {
		return enum.([]any)[0]
	}
	switch t.Kind() {
	case reflect.Bool:
		return true
	case reflect.Int, reflect.Int64, reflect.Int32:
		return 1
	}
	if strings.Contains(validate, "datetime") {
		return "2026-12-07"
	}
	return ""
}

func containsAny(xs []any, x any) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (g *schemaGen) exampleFields(owner, t reflect.Type, out map[string]any, request bool, depth int, readOnly bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			ro := f.Tag.Get("openapi") == "readonly"
			if request && ro {
				continue
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			g.exampleFields(owner, ft, out, request, depth, readOnly || ro)
			continue
		}
		name, omitempty, ok := jsonField(f)
		if !ok {
			continue
		}
		validate := f.Tag.Get("validate")
		c, _ := fieldDoc(owner, name)
		if c.sans {
			switch {
			case request || omitempty:
			case f.Type.Kind() == reflect.Slice:
				out[name] = []any{}
			case f.Type.Kind() == reflect.Pointer:
				out[name] = nil
			default:
				out[name] = reflect.Zero(f.Type).Interface()
			}
			continue
		}
		// An optional request field without an example stays out; an answer
		// shows a null where a pointer has no example.
		if request && !strings.Contains(validate, "required") && c.ex == nil && f.Type.Kind() != reflect.Pointer && f.Type.Kind() != reflect.Slice {
			continue
		}
		if f.Type.Kind() == reflect.Pointer && c.ex == nil && f.Type.Elem().Kind() != reflect.Struct {
			if !omitempty && !request {
				out[name] = nil
			}
			continue
		}
		if omitempty && c.ex == nil && f.Type.Kind() != reflect.Slice {
			continue
		}
		out[name] = g.exampleOf(owner, f.Type, name, validate, request, depth+1)
	}
}

var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
)

func (s *Server) handleOpenAPI(c echo.Context) error {
	openAPIOnce.Do(func() { openAPIDoc, _ = json.Marshal(OpenAPI()) })
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSONBlob(http.StatusOK, openAPIDoc)
}
