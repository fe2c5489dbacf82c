package mgz

import (
	"context"
	"time"
)

// LocationCoverage is how well a location is covered by its fixed GP practice (domain.md §6): how
// many of its Wlz residents are registered with that practice.
type LocationCoverage struct {
	Location     Location `json:"location"`
	WlzResidents int      `json:"wlz_residents"`
	WithFixedGP  int      `json:"registered_with_fixed_gp"`
	// FixedGPName is the name of the location's fixed GP practice; empty when it has none.
	FixedGPName string `json:"fixed_gp_practice_name,omitempty"`
}

// CoverageFilter pages the coverage list, which is ordered by location name. After continues
// past a row (keyset, Offset ignored); otherwise Offset skips rows.
type CoverageFilter struct {
	Page
	After *CoverageCursor
}

// CoverageCursor is the position of a row in the coverage list: its location's name and id.
type CoverageCursor struct {
	Name string
	ID   int64
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

	// AddSwitchRequest stores a new, open switch request; a conflict when the client already has
	// an open one.
	AddSwitchRequest(ctx context.Context, sr *SwitchRequest) error
	SwitchRequest(ctx context.Context, id int64) (SwitchRequest, error)
	// SwitchRequests lists requests, newest first, with the total before paging.
	SwitchRequests(ctx context.Context, f SwitchFilter) ([]SwitchRequest, int, error)
	// CloseSwitchRequest records the outcome of an open request (state, decided by/at, reason,
	// registration); a conflict when it is no longer open.
	CloseSwitchRequest(ctx context.Context, sr *SwitchRequest) error
	// DueSwitchRequests lists the open requests whose period has passed at now.
	DueSwitchRequests(ctx context.Context, now time.Time) ([]SwitchRequest, error)
	// RecordBSNMiss counts one registration by org that named patientID's BSN with another
	// birth date, coalesced into one row per patient and organisation.
	RecordBSNMiss(ctx context.Context, patientID, orgID int64, at time.Time) error
	// BSNMisses lists the misses on the patients registered with practiceID (and, when patientID
	// is not zero, on that patient only), latest first.
	BSNMisses(ctx context.Context, practiceID, patientID int64) ([]BSNMiss, error)
	// SwitchPeriodDays is the region's period after which an unanswered switch completes;
	// DefaultSwitchPeriodDays when unset.
	SwitchPeriodDays(ctx context.Context) (int, error)
	SetSwitchPeriodDays(ctx context.Context, days int) error
	AddLeadChange(ctx context.Context, c *LeadChange) error
	LeadChanges(ctx context.Context, patientID int64) ([]LeadChange, error)
	// LeadChangesByOthers lists the changes since the given moment, made by other organisations,
	// of the lead physician of patients registered with practiceID, newest first.
	LeadChangesByOthers(ctx context.Context, practiceID int64, since time.Time) ([]LeadChange, error)

	// Coverage lists one page of the locations, by name, with their Wlz residents and those
	// registered with their fixed practice, and the number of locations.
	Coverage(ctx context.Context, f CoverageFilter) ([]LocationCoverage, int, error)
}
