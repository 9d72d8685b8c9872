package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// strictKeys walks a JSON body that is already known to be valid UTF-8
// and refuses what encoding/json would accept silently: a key given twice
// in one object (the last one would win, so two readers of the body could
// disagree on its meaning), and a key that names a field of the request
// only when case is ignored ({"IDENTIFIANT": …}). t is the type the body
// decodes into; parts of the body it does not describe are still checked
// for duplicates. Syntax errors are left to the decoder, which reports
// them with their offset.
func strictKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := walkValue(dec, t, "", 0)
	if _, ok := err.(*httpError); ok {
		return err
	}
	return nil
}

// maxDepth bounds the nesting walked: no request of ours nests deeper than
// a few levels, and 1 MiB of '[' would otherwise recurse a million times.
const maxDepth = 32

// walkValue reads one value from dec, described by t (nil when unknown),
// at the given nesting depth.
func walkValue(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	if depth > maxDepth {
		return badRequest("json_invalide", "Le JSON est imbriqué trop profondément (plus de 32 niveaux).")
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, t, path, depth)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkValue(dec, elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ]
		return err
	}
	return nil
}

func walkObject(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		p := key
		if path != "" {
			p = path + "." + key
		}
		if seen[key] {
			return badRequest("champ_duplique", "La requête donne plusieurs fois le même champ dans un objet : chaque champ ne doit figurer qu'une fois.",
				ChampErreur{p, "duplique", "Ce champ figure plusieurs fois dans le même objet."})
		}
		seen[key] = true
		vt := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return badRequest("champ_inconnu", "La requête contient un champ inconnu : les noms de champs respectent la casse.",
							ChampErreur{p, "inconnu", fmt.Sprintf("Ce champ n'existe pas ; les noms de champs respectent la casse : « %s ».", name)})
					}
				}
			}
			vt = ft
		}
		if err := walkValue(dec, vt, p, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // }
	return err
}

// jsonFields maps the JSON names of a struct's fields, as encoding/json
// sees them (embedded structs promote theirs), to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
