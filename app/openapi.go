package app

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// operation documents one route. Schemas are derived from the request and
// response types themselves, so the document cannot drift from the code's
// field names, and a test checks that every route is documented.
type operation struct {
	method, path string
	summary      string
	roles        string // who may call it; "" for public routes
	request      any    // zero value of the request type, or nil
	response     any    // zero value of the 2xx response type, or nil
	status       int
	binary       string // content type of a binary response
	query        []string
	ifMatch      bool
}

// list documents a response {"<field>": [item…]}.
type list struct {
	field string
	item  any
}

const (
	everyRole   = "admin, autorite, centre, jury, candidat"
	staffRoles  = "admin, autorite"
	centreRoles = "centre"
)

var operations = []operation{
	{method: "GET", path: "/healthz", summary: "Le processus répond.", response: statusResponse{}, status: 200},
	{method: "GET", path: "/readyz", summary: "La base de données répond.", response: statusResponse{}, status: 200},
	{method: "GET", path: "/api/v1/openapi.json", summary: "Ce document.", status: 200, binary: "application/json"},
	{method: "GET", path: "/verification/:code", summary: "Vérification publique d'un document délivré.", response: verificationResponse{}, status: 200, query: []string{"nom", "date_naissance"}},
	{method: "POST", path: "/api/v1/auth/connexion", summary: "Connexion : renvoie un jeton d'accès.", request: connexionRequest{}, response: connexionResponse{}, status: 200},
	{method: "POST", path: "/api/v1/auth/deconnexion", summary: "Révoque le jeton utilisé.", roles: everyRole, status: 204},
	{method: "GET", path: "/api/v1/moi", summary: "Le compte connecté.", roles: everyRole, response: moiResponse{}, status: 200},
	{method: "GET", path: "/api/v1/titres", summary: "Le référentiel : titres, versions, CCP, compétences.", roles: everyRole, response: list{"titres", titreResponse{}}, status: 200},
	{method: "GET", path: "/api/v1/titres/:code", summary: "Un titre et ses versions.", roles: everyRole, response: titreResponse{}, status: 200},
	{method: "POST", path: "/api/v1/utilisateurs", summary: "Crée un compte (un centre : les comptes de ses candidats).", roles: "admin, centre", request: utilisateurRequest{}, response: moiResponse{}, status: 201},
	{method: "POST", path: "/api/v1/centres", summary: "Enregistre un centre agréé.", roles: "admin", request: centreRequest{}, response: centreResponse{}, status: 201},
	{method: "GET", path: "/api/v1/centres", summary: "Les centres.", roles: staffRoles, response: list{"centres", centreResponse{}}, status: 200},
	{method: "GET", path: "/api/v1/centres/:id", summary: "Un centre.", roles: "admin, autorite, centre", response: centreResponse{}, status: 200},
	{method: "POST", path: "/api/v1/candidats", summary: "Inscrit un candidat du centre.", roles: centreRoles, request: candidatRequest{}, response: candidatResponse{}, status: 201},
	{method: "GET", path: "/api/v1/candidats", summary: "Les candidats visibles, par pages.", roles: "admin, autorite, centre", response: candidatListResponse{}, status: 200,
		query: []string{"parcours", "nom", "centre_id", "archives", "apres", "limite"}},
	{method: "GET", path: "/api/v1/candidats/:id", summary: "Un candidat.", roles: "admin, autorite, centre, candidat", response: candidatResponse{}, status: 200},
	{method: "PUT", path: "/api/v1/candidats/:id", summary: "Remplace le dossier d'un candidat.", roles: centreRoles, request: candidatRequest{}, response: candidatResponse{}, status: 200, ifMatch: true},
	{method: "POST", path: "/api/v1/candidats/:id/archivage", summary: "Archive un candidat.", roles: centreRoles, response: candidatResponse{}, status: 200, ifMatch: true},
	{method: "GET", path: "/api/v1/candidats/:id/parcours", summary: "Le parcours d'un candidat, ses résultats expliqués.", roles: "admin, autorite, centre, candidat", response: dossierResponse{}, status: 200},
	{method: "GET", path: "/api/v1/candidats/:id/evenements", summary: "Le journal d'un candidat.", roles: staffRoles, response: list{"evenements", evenementResponse{}}, status: 200},
	{method: "POST", path: "/api/v1/jury/membres", summary: "Enregistre un membre de jury.", roles: staffRoles, request: membreRequest{}, response: membreResponse{}, status: 201},
	{method: "GET", path: "/api/v1/jury/membres", summary: "Les membres de jury et leurs habilitations.", roles: "admin, autorite, centre", response: list{"membres", membreResponse{}}, status: 200},
	{method: "POST", path: "/api/v1/jury/membres/:id/habilitations", summary: "Habilite un membre pour un titre.", roles: "autorite", request: habilitationRequest{}, response: habilitationResponse{}, status: 201},
	{method: "POST", path: "/api/v1/liens", summary: "Déclare un lien entre un membre de jury et un candidat.", roles: "centre, jury", request: lienRequest{}, response: lienResponse{}, status: 201},
	{method: "POST", path: "/api/v1/sessions", summary: "Planifie une session.", roles: centreRoles, request: sessionRequest{}, response: sessionResponse{}, status: 201},
	{method: "GET", path: "/api/v1/sessions", summary: "Les sessions visibles.", roles: "admin, autorite, centre, jury", response: list{"sessions", sessionResponse{}}, status: 200},
	{method: "GET", path: "/api/v1/sessions/:id", summary: "Une session.", roles: "admin, autorite, centre, jury", response: sessionResponse{}, status: 200},
	{method: "POST", path: "/api/v1/sessions/:id/declaration", summary: "Déclare la session au représentant territorial.", roles: centreRoles, response: sessionResponse{}, status: 200},
	{method: "POST", path: "/api/v1/sessions/:id/tenue", summary: "Ouvre les évaluations.", roles: centreRoles, response: sessionResponse{}, status: 200},
	{method: "POST", path: "/api/v1/sessions/:id/annulation", summary: "Annule la session, avec un motif.", roles: "centre, autorite", request: motifRequest{}, response: sessionResponse{}, status: 200},
	{method: "POST", path: "/api/v1/sessions/:id/signature", summary: "Signe le PV ; la dernière signature délibère.", roles: "jury", response: sessionResponse{}, status: 200},
	{method: "POST", path: "/api/v1/sessions/:id/validation", summary: "Valide le PV : les résultats sont publiés.", roles: "autorite", response: sessionResponse{}, status: 200},
	{method: "GET", path: "/api/v1/sessions/:id/evenements", summary: "Le journal d'une session.", roles: staffRoles, response: list{"evenements", evenementResponse{}}, status: 200},
	{method: "GET", path: "/api/v1/sessions/:id/inscriptions", summary: "Les candidats inscrits et leurs résultats.", roles: "admin, autorite, centre, jury", response: list{"inscriptions", inscriptionResponse{}}, status: 200},
	{method: "POST", path: "/api/v1/sessions/:id/inscriptions", summary: "Inscrit un candidat à la session.", roles: centreRoles, request: inscriptionRequest{}, response: inscriptionResponse{}, status: 201},
	{method: "PUT", path: "/api/v1/sessions/:id/inscriptions/:iid/presence", summary: "Présence et entretien final.", roles: "jury", request: presenceRequest{}, response: inscriptionResponse{}, status: 200, ifMatch: true},
	{method: "PUT", path: "/api/v1/sessions/:id/inscriptions/:iid/evaluations/:ccp", summary: "Décision sur un CCP (sans If-Match : première saisie).", roles: "jury", request: evaluationRequest{}, response: evaluationResponse{}, status: 200, ifMatch: true},
	{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/evaluations/:ccp/correction", summary: "Révoque une décision et la remplace, avec un motif.", roles: "autorite", request: correctionRequest{}, response: inscriptionResponse{}, status: 200},
	{method: "GET", path: "/api/v1/sessions/:id/pv-brouillon.pdf", summary: "Brouillon du PV, sans valeur officielle.", roles: "autorite, centre, jury", status: 200, binary: "application/pdf"},
	{method: "GET", path: "/api/v1/sessions/:id/inscriptions/:iid/livret-apercu.pdf", summary: "Aperçu du livret, sans valeur officielle.", roles: "autorite, centre, jury", status: 200, binary: "application/pdf"},
	{method: "POST", path: "/api/v1/sessions/:id/documents", summary: "Délivre le PV et les documents des candidats.", roles: "autorite", response: list{"documents", documentResponse{}}, status: 201},
	{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/documents", summary: "Délivre le document d'un candidat.", roles: "autorite", response: documentResponse{}, status: 201},
	{method: "GET", path: "/api/v1/sessions/:id/documents.zip", summary: "Les documents de la session, en archive ZIP.", roles: "admin, autorite, centre", status: 200, binary: "application/zip"},
	{method: "GET", path: "/api/v1/documents", summary: "Les documents visibles.", roles: "admin, autorite, centre, candidat", response: list{"documents", documentResponse{}}, status: 200, query: []string{"candidat_id", "session_id"}},
	{method: "GET", path: "/api/v1/documents/:fichier", summary: "Un document : {id} ses métadonnées, {id}.pdf ses octets (ETag, If-None-Match).", roles: "admin, autorite, centre, candidat", response: documentResponse{}, status: 200, binary: "application/pdf"},
	{method: "POST", path: "/api/v1/documents/:fichier/revocation", summary: "Révoque un document, avec un motif.", roles: "autorite", request: revocationRequest{}, response: documentResponse{}, status: 200},
}

var pathParam = regexp.MustCompile(`:([a-z]+)`)

// openAPIPath turns Echo's /x/:id into OpenAPI's /x/{id}.
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// OpenAPI builds the OpenAPI 3.1 document of the API.
func OpenAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]any{}
	for _, op := range operations {
		p := openAPIPath(op.path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		o := map[string]any{"summary": op.summary, "responses": g.responses(op)}
		if op.roles != "" {
			o["description"] = "Rôles admis : " + op.roles + "."
			o["security"] = []any{map[string]any{"bearer": []any{}}}
		} else {
			o["security"] = []any{}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range op.query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if op.ifMatch {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "schema": map[string]any{"type": "string"},
				"description": "ETag lu au dernier GET : une version périmée est refusée (412)."})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.request != nil {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.ref(reflect.TypeOf(op.request))}}}
		}
		item[strings.ToLower(op.method)] = o
	}
	g.ref(reflect.TypeOf(Problem{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "cipcert", "version": "1",
			"description": "Gestion des sessions de certification des titres professionnels du ministère du Travail. Erreurs : application/problem+json (RFC 9457)."},
		"paths": paths,
		"components": map[string]any{
			"schemas":         g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func (g *schemaGen) responses(op operation) map[string]any {
	rs := map[string]any{}
	ok := map[string]any{"description": http.StatusText(op.status)}
	content := map[string]any{}
	if op.response != nil {
		content["application/json"] = map[string]any{"schema": g.schemaOf(op.response)}
	}
	if op.binary != "" {
		content[op.binary] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
	}
	if len(content) > 0 {
		ok["content"] = content
	}
	rs[strconv.Itoa(op.status)] = ok
	rs["default"] = map[string]any{"description": "Erreur", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	return rs
}

// schemaOf gives the schema of a documented response value.
func (g *schemaGen) schemaOf(v any) map[string]any {
	if l, ok := v.(list); ok {
		return map[string]any{"type": "object", "required": []string{l.field}, "additionalProperties": false,
			"properties": map[string]any{l.field: map[string]any{"type": "array", "items": g.ref(reflect.TypeOf(l.item))}}}
	}
	return g.ref(reflect.TypeOf(v))
}

// schemaGen derives JSON Schemas from Go types: json tags give the names,
// validate tags the constraints, pointers the nullability.
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
	g.fields(t, props, &required)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			g.fields(ft, props, required)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type, f.Tag.Get("validate"))
		if f.Type.Kind() == reflect.Pointer {
			s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
		}
		props[name] = s
		// A response field is always present unless omitempty; a request
		// field is required when validated so.
		if strings.Contains(","+f.Tag.Get("validate")+",", ",required,") ||
			(!strings.Contains(opts, "omitempty") && f.Tag.Get("validate") == "" && !strings.HasSuffix(t.Name(), "Request")) {
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
		_, elem, _ := strings.Cut(validate, "dive")
		return map[string]any{"type": "array", "items": g.ref2(t.Elem(), strings.Trim(elem, ","))}
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

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

func (s *Server) handleOpenAPI(c echo.Context) error {
	openAPIOnce.Do(func() { openAPIDoc = OpenAPI() })
	return c.JSON(http.StatusOK, openAPIDoc)
}
