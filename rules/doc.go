// Package rules is the heart of mgz: it classifies a client's situation
// (domain.md §3: who pays, which agreement, who leads) and routes a care
// question to the right party at the right moment (§4.3), behind the
// decision contract of contract.md.
//
// The rules are data: the classification tables in classify.go and the
// routing table in route.go mirror the tables of domain.md so a domain
// expert can review them line by line. Every reason, step and
// not_responsible entry carries its source in the citation forms of
// domain.md (T 2.3.2.3, L-Rol 2, L-Wlz 6, L-Conv 4, …).
//
// The package is pure: no I/O apart from the io.Reader/io.Writer handed to
// DecideLines, no global mutable state, deterministic, safe for concurrent
// use. The tables are built once at start-up; a decision returns shared,
// read-only slices and does not allocate beyond its Route.
package rules
