package fhir

// CapabilityStatement says what the server implements.
type CapabilityStatement struct {
	ResourceType   string          `json:"resourceType"`
	Status         string          `json:"status"`
	Date           string          `json:"date"`
	Publisher      string          `json:"publisher,omitempty"`
	Kind           string          `json:"kind"`
	Software       *Software       `json:"software,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
	FHIRVersion    string          `json:"fhirVersion"`
	Format         []string        `json:"format"`
	Rest           []Rest          `json:"rest"`
}

// Software names the program.
type Software struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Implementation is this server.
type Implementation struct {
	Description string `json:"description"`
	URL         string `json:"url,omitempty"`
}

// Rest is the server's RESTful interface.
type Rest struct {
	Mode          string         `json:"mode"`
	Documentation string         `json:"documentation,omitempty"`
	Security      *Security      `json:"security,omitempty"`
	Resource      []RestResource `json:"resource"`
}

// Security says how clients authenticate.
type Security struct {
	Service     []CodeableConcept `json:"service,omitempty"`
	Description string            `json:"description,omitempty"`
}

// RestResource is one resource type with its interactions and search parameters.
type RestResource struct {
	Type        string        `json:"type"`
	Interaction []Interaction `json:"interaction"`
	SearchParam []SearchParam `json:"searchParam,omitempty"`
	Operation   []Operation   `json:"operation,omitempty"`
}

// Operation is an operation on a resource type, such as Patient/{id}/$handover.
type Operation struct {
	Name          string `json:"name"`
	Definition    string `json:"definition"`
	Documentation string `json:"documentation,omitempty"`
}

// Interaction is a RESTful interaction: read or search-type.
type Interaction struct {
	Code string `json:"code"`
}

// SearchParam is a supported search parameter.
type SearchParam struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	Documentation string `json:"documentation,omitempty"`
}

// The interactions mgz implements.
const (
	InteractionRead   = "read"
	InteractionSearch = "search-type"
)

// NewCapabilityStatement describes a read-only server with the given resources.
func NewCapabilityStatement(base, version, date string, resources []RestResource) CapabilityStatement {
	return CapabilityStatement{ResourceType: "CapabilityStatement", Status: "active", Date: date, Publisher: "mgz", Kind: "instance",
		Software:       &Software{Name: "mgz", Version: version},
		Implementation: &Implementation{Description: "mgz: medisch-generalistische zorg in de regio (alleen lezen)", URL: base},
		FHIRVersion:    Version, Format: []string{"json"},
		Rest: []Rest{{Mode: "server",
			Documentation: "Alleen lezen. Zoekresultaten zijn een Bundle (searchset) met total en self/next-links; _count standaard 20, hoogstens 100.",
			Security: &Security{Description: "Stuur Authorization: Bearer <token> (mgz token create). Iedere lezing van een cliënt staat in het auditlog.",
				Service: []CodeableConcept{{Text: "Bearer-token"}}},
			Resource: resources}},
	}
}
