-- Patients registered by name, the practices' capacity and postcode areas, and the registrations
-- (domain.md §6). Minimal data only; the BSN is optional and unique when known.

CREATE TABLE patients (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT NOT NULL,
    birth_date            TEXT NOT NULL,
    bsn                   TEXT UNIQUE,
    location_id           INTEGER REFERENCES locations (id) ON DELETE RESTRICT,
    home_postcode         TEXT NOT NULL,
    sector                TEXT NOT NULL,
    wlz                   TEXT NOT NULL CHECK (wlz IN ('none', 'without_treatment', 'with_treatment')),
    wlz_source            TEXT NOT NULL,
    wlz_checked_on        TEXT,
    delivery              TEXT NOT NULL,
    gp_practice_id        INTEGER REFERENCES organisations (id) ON DELETE RESTRICT,
    lead_physician        TEXT NOT NULL,
    lead_physician_org_id INTEGER REFERENCES organisations (id) ON DELETE RESTRICT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX patients_location ON patients (location_id);
CREATE INDEX patients_practice ON patients (gp_practice_id);
CREATE INDEX patients_lead ON patients (lead_physician_org_id);

CREATE TABLE practice_profiles (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    capacity        TEXT NOT NULL CHECK (capacity IN ('open', 'nearly_full', 'full')),
    postcode_areas  TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE registrations (
    id                      INTEGER PRIMARY KEY,
    patient_id              INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    practice_id             INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    location_id             INTEGER REFERENCES locations (id) ON DELETE SET NULL,
    priority                INTEGER NOT NULL,
    priority_ground         TEXT NOT NULL,
    switch_from_practice_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    switch_consent          INTEGER NOT NULL,
    open_items_acknowledged TEXT NOT NULL,
    registered_by           INTEGER,
    registered_at           TEXT NOT NULL
);
CREATE INDEX registrations_patient ON registrations (patient_id);
