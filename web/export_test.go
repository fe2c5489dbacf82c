package web

// APIRoutes lists "METHOD /path" of every API route, for the OpenAPI test.
func (s *Server) APIRoutes() []string {
	var out []string
	for _, rt := range s.apiRoutes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}
