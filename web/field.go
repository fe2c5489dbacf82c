package web

import "strings"

// fieldView is what the "input" template needs to render one labelled form field with its hint
// and error, wired for screen readers (aria-describedby, aria-invalid).
type fieldView struct {
	Name, Label, Hint, Value, Error string
	Type, InputMode, Width          string
	Optional                        bool
}

// Described lists the ids that describe the field: its hint and its error.
func (v fieldView) Described() string {
	var ids []string
	if v.Hint != "" {
		ids = append(ids, "f-"+v.Name+"-hint")
	}
	if v.Error != "" {
		ids = append(ids, "f-"+v.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// field builds a fieldView from a form. Options are "optional", "type=…", "inputmode=…" and
// "width=…" (a CSS width class in characters).
func field(f Form, name, label, hint string, opts ...string) fieldView {
	v := fieldView{Name: name, Label: label, Hint: hint, Value: f.Get(name), Error: f.Err(name), Type: "text"}
	for _, o := range opts {
		key, val, _ := strings.Cut(o, "=")
		switch key {
		case "optional":
			v.Optional = true
		case "type":
			v.Type = val
		case "inputmode":
			v.InputMode = val
		case "width":
			v.Width = val
		}
	}
	return v
}
