-- Rosters: who is on call, not only which number to ring (issue 13). A roster staffs one role of
-- an organisation (care provider, SO/AVG service, GP post) or of a location; its shifts recur by an
-- RFC 5545 RRULE in wall-clock time of their zone, minus their EXDATEs and as their holiday rule
-- says. Persons on a roster are staff: a shift keeps a name, a function and a phone, nothing more.

CREATE TABLE rosters (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    location_id     INTEGER REFERENCES locations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('first_line', 'behaviour_specialist', 'physician_on_call',
                        'gp_post_elderly_care_physician', 'gp_post_id_physician')),
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((organisation_id IS NULL) <> (location_id IS NULL))
);
CREATE INDEX rosters_organisation ON rosters (organisation_id, role);
CREATE INDEX rosters_location ON rosters (location_id, role);

-- start_local and end_local are wall-clock times 'YYYY-MM-DDTHH:MM:SS' in time_zone; exdates is a
-- JSON array of such wall-clock starts.
CREATE TABLE roster_shifts (
    id          INTEGER PRIMARY KEY,
    roster_id   INTEGER NOT NULL REFERENCES rosters (id) ON DELETE CASCADE,
    uid         TEXT NOT NULL,
    person      TEXT NOT NULL,
    function    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    start_local TEXT NOT NULL,
    end_local   TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
    rrule       TEXT NOT NULL DEFAULT '',
    exdates     TEXT NOT NULL DEFAULT '[]',
    holidays    TEXT NOT NULL DEFAULT '' CHECK (holidays IN ('', 'skip_holidays', 'only_holidays')),
    source      TEXT NOT NULL CHECK (source IN ('manual', 'ical', 'csv', 'demo')),
    UNIQUE (roster_id, source, uid)
);

-- A fixed SO or AVG per location and per GP practice, for each sector (L-Conv 5: preferably a
-- fixed physician). service_id is the SO/AVG service the physician works for, when registered.
CREATE TABLE fixed_physicians (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    location_id     INTEGER REFERENCES locations (id) ON DELETE CASCADE,
    sector          TEXT NOT NULL CHECK (sector IN ('elderly', 'disability')),
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    service_id      INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((organisation_id IS NULL) <> (location_id IS NULL))
);
CREATE UNIQUE INDEX fixed_physicians_location ON fixed_physicians (location_id, sector) WHERE location_id IS NOT NULL;
CREATE UNIQUE INDEX fixed_physicians_organisation ON fixed_physicians (organisation_id, sector) WHERE organisation_id IS NOT NULL;
