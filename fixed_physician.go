package mgz

import (
	"context"
	"time"
)

// FixedPhysician is the fixed SO (elderly care) or AVG (disability care) of a location or of a GP
// practice for one sector (L-Conv 5: preferably a fixed SO/AVG per location and per practice). The
// physician is staff: a name and a phone to call, nothing more. ServiceID is the SO/AVG service (or
// care provider with its own physicians) the physician works for, when registered.
type FixedPhysician struct {
	ID             int64     `json:"id"`
	OrganisationID *int64    `json:"organisation_id"` // a GP practice
	LocationID     *int64    `json:"location_id"`
	Sector         Sector    `json:"sector"`
	Name           string    `json:"name"`
	Phone          string    `json:"phone"`
	ServiceID      *int64    `json:"service_id"`
	Revision       int64     `json:"revision"` // see Organisation.Revision
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Title is the Dutch name of the physician's function in the sector: SO or AVG.
func (f FixedPhysician) Title() string {
	if f.Sector == SectorDisability {
		return "AVG"
	}
	return "SO"
}

// Normalise cleans f's fields in place and validates them.
func (f *FixedPhysician) Normalise() error {
	fe := fieldErrors{}
	if f.OrganisationID != nil && *f.OrganisationID <= 0 {
		f.OrganisationID = nil
	}
	if f.LocationID != nil && *f.LocationID <= 0 {
		f.LocationID = nil
	}
	if f.ServiceID != nil && *f.ServiceID <= 0 {
		f.ServiceID = nil
	}
	switch {
	case f.OrganisationID == nil && f.LocationID == nil:
		fe.add("location_id", "Een vaste SO/AVG hoort bij een locatie of bij een huisartsenpraktijk. Kies er één.")
	case f.OrganisationID != nil && f.LocationID != nil:
		fe.add("location_id", "Een vaste SO/AVG hoort bij een locatie óf bij een huisartsenpraktijk, niet bij beide. Laat één van de twee leeg.")
	}
	if !Sectors.Valid(f.Sector) {
		if f.Sector == "" {
			fe.add("sector", "Sector is verplicht. Kies een van: "+Sectors.List()+".")
		} else {
			fe.add("sector", "Onbekende sector "+quote(string(f.Sector))+". Kies een van: "+Sectors.List()+".")
		}
	}
	f.Name = checkText(fe, "name", "Naam van de arts", f.Name, true, maxName)
	f.Phone = checkPhone(fe, "phone", f.Phone, true)
	return fe.err()
}

// FixedPhysicianFilter selects fixed physicians. Zero fields do not filter.
type FixedPhysicianFilter struct {
	OrganisationID int64
	LocationID     int64
}

// FixedPhysicianStore keeps the fixed SO/AVG of locations and GP practices.
type FixedPhysicianStore interface {
	// Get returns one fixed physician.
	Get(ctx context.Context, id int64) (FixedPhysician, error)
	// List returns the fixed physicians f selects, by owner and sector.
	List(ctx context.Context, f FixedPhysicianFilter) ([]FixedPhysician, error)
	// Create stores f (setting ID); a second one for the same owner and sector is a
	// conflict.
	Create(ctx context.Context, f *FixedPhysician) error
	// Update changes sector, name, phone and service (the owner stays), refusing a
	// stale revision.
	Update(ctx context.Context, f *FixedPhysician) error
	// Delete removes one.
	Delete(ctx context.Context, id int64) error
}
