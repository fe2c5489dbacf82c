-- A practice switch is a visible, two-sided step (issue 9): a registration for a client who is
-- registered at another practice becomes a switch request, which that practice confirms or objects
-- to, or which completes by itself after the region's period. BSN-matching misses are kept per
-- patient and organisation (coalesced) so the practice holding the registration sees them.
-- Patients and practice profiles get a revision for optimistic concurrency, and changes of the
-- lead physician are kept as history.

CREATE TABLE switch_requests (
    id                      INTEGER PRIMARY KEY,
    patient_id              INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    from_practice_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    to_practice_id          INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    state                   TEXT NOT NULL CHECK (state IN ('open', 'completed', 'objected', 'withdrawn')),
    consent_method          TEXT NOT NULL CHECK (consent_method IN ('in_writing', 'in_person')),
    consent_on              TEXT NOT NULL,
    consent_by              TEXT NOT NULL,
    location_id             INTEGER REFERENCES locations (id) ON DELETE SET NULL,
    priority                INTEGER NOT NULL,
    priority_ground         TEXT NOT NULL,
    open_items_acknowledged TEXT NOT NULL,
    requested_by            INTEGER,
    requested_at            TEXT NOT NULL,
    due_at                  TEXT NOT NULL,
    decided_by              INTEGER,
    decided_at              TEXT,
    reason                  TEXT NOT NULL,
    registration_id         INTEGER REFERENCES registrations (id) ON DELETE SET NULL
);
CREATE INDEX switch_requests_patient ON switch_requests (patient_id);
CREATE INDEX switch_requests_from ON switch_requests (from_practice_id, state);
CREATE INDEX switch_requests_to ON switch_requests (to_practice_id, state);
CREATE INDEX switch_requests_due ON switch_requests (state, due_at);
-- At most one open request per client: two practices asking at once cannot both win.
CREATE UNIQUE INDEX switch_requests_one_open ON switch_requests (patient_id) WHERE state = 'open';

CREATE TABLE bsn_match_misses (
    patient_id      INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    misses          INTEGER NOT NULL,
    first_at        TEXT NOT NULL,
    last_at         TEXT NOT NULL,
    PRIMARY KEY (patient_id, organisation_id)
);

CREATE TABLE lead_physician_changes (
    id                   INTEGER PRIMARY KEY,
    patient_id           INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    from_kind            TEXT NOT NULL,
    from_org_id          INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    to_kind              TEXT NOT NULL,
    to_org_id            INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    changed_by           INTEGER,
    changed_by_org_id    INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    changed_at           TEXT NOT NULL
);
CREATE INDEX lead_physician_changes_patient ON lead_physician_changes (patient_id);

ALTER TABLE patients ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE practice_profiles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
