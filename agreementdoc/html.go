package agreementdoc

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/page.html
var pageFS embed.FS

// page is the HTML page; parsed once, only read afterwards.
var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"join":      strings.Join,
	"draftMark": func() string { return draftMark },
}).ParseFS(pageFS, "templates/page.html"))

// WriteHTML writes d as one complete, print-ready HTML page (lang="nl"): its own style sheet with
// @page and @media print rules, no external assets and no scripts.
func WriteHTML(w io.Writer, d Document) error {
	m, err := build(d)
	if err != nil {
		return err
	}
	if err := page.Execute(w, m); err != nil {
		return fmt.Errorf("agreementdoc: HTML van %s: %w", d.Number, err)
	}
	return nil
}
