-- Handovers with treatment wishes (domain.md §9, L-Conv 4; issue 12). Every save of a client's
-- handover is a new version row that is never changed; confirmations ("still right") are rows of
-- their own, and the last one decides whether the handover is outdated (region setting
-- handover.max_age_months in region_settings, default 12). Treatment wishes follow zib
-- Behandelaanwijzing (nl-core-TreatmentDirective2) and are stored as JSON in the version row.

CREATE TABLE handovers (
    id                   INTEGER PRIMARY KEY,
    patient_id           INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    version              INTEGER NOT NULL,
    lead_physician       TEXT NOT NULL DEFAULT '',
    lead_org_id          INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    lead_name            TEXT NOT NULL,
    lead_reach           TEXT NOT NULL,
    wishes               TEXT NOT NULL, -- JSON array of treatment wishes
    problems             TEXT NOT NULL DEFAULT '',
    medication           TEXT NOT NULL DEFAULT '',
    allergies            TEXT NOT NULL DEFAULT '',
    contact_persons      TEXT NOT NULL DEFAULT '',
    legal_representative TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    created_by           INTEGER,
    created_by_name      TEXT NOT NULL,
    UNIQUE (patient_id, version)
);

CREATE TABLE handover_confirmations (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    confirmed_at TEXT NOT NULL,
    confirmed_by INTEGER,
    name         TEXT NOT NULL,
    org_id       INTEGER NOT NULL,
    FOREIGN KEY (patient_id, version) REFERENCES handovers (patient_id, version) ON DELETE CASCADE
);
CREATE INDEX handover_confirmations_version ON handover_confirmations (patient_id, version, confirmed_at);

-- Break-the-glass accesses: who read a handover without standing access, why, and until when.
CREATE TABLE handover_emergency_access (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    granted_at      TEXT NOT NULL,
    until           TEXT NOT NULL
);
CREATE INDEX handover_emergency_access_user ON handover_emergency_access (user_id, patient_id, until);
