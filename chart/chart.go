// Package chart draws small, accessible bar charts as SVG on the server: no JavaScript, a
// <title> and <desc> for screen readers (role="img"), and text in the chart itself. A chart is
// never the only carrier of its numbers: pages put a table with the same numbers beside it.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one bar of a horizontal bar chart: Value out of Total (a share), with a label.
type Bar struct {
	Label string
	Value int
	Total int
}

// Colours with a contrast of at least 3:1 against white (WCAG 1.4.11 for graphics).
const (
	colourA  = "#1f5f8b" // filled part, first series
	colourB  = "#b35900" // second series
	colourBg = "#d9d9d9" // the unfilled rest of a share (decorative; the number is printed)
	ink      = "#1a1a1a"
)

func esc(s string) string { return html.EscapeString(s) }

// Shares draws one horizontal bar per item: the filled part is Value/Total, and the bar says
// "Value van Total" in text. id makes the title and description ids unique on the page.
func Shares(id, title, desc string, bars []Bar) template.HTML {
	const labelW, barW, rowH, pad = 220, 300, 28, 8
	width := labelW + barW + 110
	height := pad*2 + rowH*max(len(bars), 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" style="max-width:%dpx" class="chart">`,
		esc(id), esc(id), width, height, width)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	for i, bar := range bars {
		y := pad + i*rowH
		frac := 0.0
		if bar.Total > 0 {
			frac = float64(bar.Value) / float64(bar.Total)
		}
		label := bar.Label
		if r := []rune(label); len(r) > 30 {
			label = string(r[:29]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="%s" text-anchor="end">%s</text>`, labelW-8, y+18, ink, esc(label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="18" fill="%s"/>`, labelW, y+4, barW, colourBg)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" fill="%s"/>`, labelW, y+4, frac*barW, colourA)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="%s">%d van %d</text>`, labelW+barW+8, y+18, ink, bar.Value, bar.Total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Group is one group of a column chart (e.g. a quarter) with a value per series.
type Group struct {
	Label  string
	Values []int
}

// Columns draws grouped vertical columns, one group per item and one column per series, with a
// legend and each column's number above it.
func Columns(id, title, desc string, series []string, groups []Group) template.HTML {
	colours := []string{colourA, colourB}
	const colW, gap, chartH, top, bottom, left = 26, 28, 160, 36, 30, 10
	n := max(len(series), 1)
	groupW := n*colW + gap
	width := max(left+len(groups)*groupW+gap, 260)
	height := top + chartH + bottom
	peak := 1
	for _, g := range groups {
		for _, v := range g.Values {
			peak = max(peak, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" style="max-width:%dpx" class="chart">`,
		esc(id), esc(id), width, height, width)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	for i, s := range series {
		x := left + i*150
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="14" height="14" fill="%s"/><text x="%d" y="18" font-size="13" fill="%s">%s</text>`,
			x, colours[i%len(colours)], x+20, ink, esc(s))
	}
	base := top + chartH
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, base, width-4, base, ink)
	for gi, g := range groups {
		x0 := left + gap/2 + gi*groupW
		for si, v := range g.Values {
			h := chartH * v / peak
			x := x0 + si*colW
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x, base-h, colW-4, h, colours[si%len(colours)])
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="middle">%d</text>`, x+(colW-4)/2, base-h-4, ink, v)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="middle">%s</text>`, x0+n*colW/2, base+18, ink, esc(g.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
