package mgz

import "context"

// LocationCoverage is how well a location is covered by its fixed GP practice (domain.md §6): how
// many of its Wlz residents are registered with that practice.
type LocationCoverage struct {
	Location     Location `json:"location"`
	WlzResidents int      `json:"wlz_residents"`
	WithFixedGP  int      `json:"registered_with_fixed_gp"`
}

// PatientStore keeps patients, the practices' profiles and the registrations by name.
type PatientStore interface {
	CreatePatient(ctx context.Context, p *Patient) error
	UpdatePatient(ctx context.Context, p *Patient) error
	Patient(ctx context.Context, id int64) (Patient, error)
	// Patients lists patients by name, with the filter's VisibleTo applied in the query.
	Patients(ctx context.Context, f PatientFilter) ([]Patient, int, error)
	// PatientByBSN finds a patient by BSN, for imports; not found when none.
	PatientByBSN(ctx context.Context, bsn string) (Patient, error)

	// PracticeProfile returns a practice's capacity and postcode areas (open and none when unset).
	PracticeProfile(ctx context.Context, orgID int64) (PracticeProfile, error)
	SetPracticeProfile(ctx context.Context, pp *PracticeProfile) error

	AddRegistration(ctx context.Context, r *Registration) error
	Registrations(ctx context.Context, patientID int64) ([]Registration, error)

	// Coverage lists every location with its Wlz residents and those registered with its fixed
	// practice.
	Coverage(ctx context.Context) ([]LocationCoverage, error)
}
