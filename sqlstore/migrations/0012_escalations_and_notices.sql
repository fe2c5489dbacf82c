-- Escalations along the covenant's route (domain.md §7; L-Conv 2, 3, 5; L-Rol 1, 4), the
-- organisations' inboxes with a durable e-mail outbox, and a lifecycle for locations (issue 11).
--
-- A report (melding) is filed by a GP practice, or by the RHO on its behalf, about a care provider
-- and optionally one of its locations. It follows the route care_provider → care_office →
-- regional_table and ends resolved or withdrawn; state is the covenant step (FHIR Task
-- businessStatus), from which the Task status follows (in-progress, completed, cancelled). Every
-- step is a row with its addressee, its response deadline (a calendar date) and its outcome.

CREATE TABLE escalations (
    id                   INTEGER PRIMARY KEY,
    reporter_practice_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    filed_by_org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    filed_by             INTEGER,
    care_provider_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    location_id          INTEGER REFERENCES locations (id) ON DELETE SET NULL,
    category             TEXT NOT NULL CHECK (category IN ('staffing', 'first_line_availability',
                             'physician_availability', 'behaviour_support', 'protocols', 'communication',
                             'prerequisites', 'other')),
    description          TEXT NOT NULL,
    period_start         TEXT NOT NULL,
    period_end           TEXT,
    state                TEXT NOT NULL CHECK (state IN ('care_provider', 'care_office', 'regional_table',
                             'resolved', 'withdrawn')),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    closed_at            TEXT,
    revision             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX escalations_provider ON escalations (care_provider_id, state);
CREATE INDEX escalations_location ON escalations (location_id, state);
CREATE INDEX escalations_reporter ON escalations (reporter_practice_id, state);
CREATE INDEX escalations_created ON escalations (created_at);

CREATE TABLE escalation_steps (
    id               INTEGER PRIMARY KEY,
    escalation_id    INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    step             TEXT NOT NULL CHECK (step IN ('care_provider', 'care_office', 'regional_table')),
    -- The addressed organisation: the care provider, the zorgkantoor of the location's region; for
    -- the regional table the RHO that convenes it.
    addressee_org_id INTEGER REFERENCES organisations (id) ON DELETE RESTRICT,
    opened_at        TEXT NOT NULL,
    opened_by        INTEGER,
    deadline         TEXT NOT NULL, -- YYYY-MM-DD, the last calendar day for a response
    response         TEXT NOT NULL DEFAULT '',
    responded_at     TEXT,
    responded_by     INTEGER,
    -- '' while the step is current; moved_on when the report went to the next step; resolved or
    -- withdrawn when the report ended at this step.
    outcome          TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'moved_on', 'resolved', 'withdrawn')),
    outcome_note     TEXT NOT NULL DEFAULT '',
    closed_at        TEXT
);
CREATE INDEX escalation_steps_escalation ON escalation_steps (escalation_id, id);
CREATE INDEX escalation_steps_addressee ON escalation_steps (addressee_org_id, closed_at);
CREATE INDEX escalation_steps_open_deadline ON escalation_steps (closed_at, deadline);

-- Clients a report is about: optional, and only through the access policy and the audit log.
CREATE TABLE escalation_patients (
    escalation_id INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    patient_id    INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    PRIMARY KEY (escalation_id, patient_id)
);
CREATE INDEX escalation_patients_patient ON escalation_patients (patient_id);

CREATE TABLE escalation_attachments (
    id            INTEGER PRIMARY KEY,
    escalation_id INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    uploaded_by   INTEGER,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX escalation_attachments_escalation ON escalation_attachments (escalation_id);

-- An organisation's inbox. Subjects never hold patient data or a person's health information.
-- dedupe_key makes a notice that a periodic scan finds (an overdue step, a reminder) arrive once.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    link            TEXT NOT NULL,
    object_type     TEXT NOT NULL DEFAULT '',
    object_id       INTEGER NOT NULL DEFAULT 0,
    dedupe_key      TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    read_at         TEXT,
    read_by         INTEGER
);
CREATE INDEX notices_inbox ON notices (organisation_id, id);
CREATE INDEX notices_unread ON notices (organisation_id, read_at);

-- E-mails waiting to be sent, written in the same transaction as their notice: a restart loses
-- none. A mail says only that there is something in mgz, with a link.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    notice_id       INTEGER REFERENCES notices (id) ON DELETE SET NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    link            TEXT NOT NULL, -- a path in mgz; the mailer puts its public address before it
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TEXT,
    failed_at       TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox (sent_at, failed_at, next_attempt_at);

-- A location's lifecycle: planned → open → closing → closed, with the expected opening date of a
-- planned location ("agreements before opening", L-Rol 3).
ALTER TABLE locations ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'open'
    CHECK (lifecycle IN ('planned', 'open', 'closing', 'closed'));
ALTER TABLE locations ADD COLUMN expected_opening TEXT;
CREATE INDEX locations_lifecycle ON locations (lifecycle, expected_opening);
