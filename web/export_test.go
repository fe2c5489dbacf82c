package web

// APIRoutes lists "METHOD /path" of every API route, for the OpenAPI test.
func (s *Server) APIRoutes() []string {
	var out []string
	for _, rt := range s.apiRoutes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}

// PageRoutes lists "METHOD /path" of every page route, for the test that no page is reachable
// without signing in.
func (s *Server) PageRoutes() []string {
	var out []string
	for _, rt := range s.pageRoutes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}

// FHIRRoutes lists "METHOD /path" of every FHIR route, for the permission matrix.
func (s *Server) FHIRRoutes() []string {
	var out []string
	for _, rt := range s.fhirRoutes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}
