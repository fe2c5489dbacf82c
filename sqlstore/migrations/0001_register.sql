-- The regional register: organisations, locations of care providers, contact points.
-- Kept to portable SQL where it matters to the code: the postgres adapter will have its own
-- migrations with the same tables and columns.

CREATE TABLE organisations (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('gp_practice', 'care_provider', 'gp_post',
                           'physician_service', 'care_office', 'regional_gp_org', 'public_health_service')),
    name               TEXT NOT NULL CHECK (name <> ''),
    agb                TEXT CHECK (agb IS NULL OR length(agb) = 8),
    kvk                TEXT NOT NULL CHECK (length(kvk) = 8),
    address            TEXT NOT NULL,
    postcode           TEXT NOT NULL CHECK (length(postcode) = 7),
    city               TEXT NOT NULL,
    phone              TEXT NOT NULL,
    care_office_region TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_agb ON organisations (agb);
CREATE INDEX organisations_kind_name ON organisations (kind, name);

CREATE TABLE locations (
    id                   INTEGER PRIMARY KEY,
    provider_id          INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    name                 TEXT NOT NULL CHECK (name <> ''),
    address              TEXT NOT NULL,
    postcode             TEXT NOT NULL CHECK (length(postcode) = 7),
    municipality         TEXT NOT NULL,
    setting              TEXT NOT NULL CHECK (setting IN ('clustered_housing', 'institution')),
    sector               TEXT NOT NULL CHECK (sector IN ('elderly', 'disability')),
    places               INTEGER NOT NULL CHECK (places >= 0),
    fixed_gp_practice_id INTEGER REFERENCES organisations (id) ON DELETE RESTRICT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX locations_provider ON locations (provider_id);
CREATE INDEX locations_fixed_gp ON locations (fixed_gp_practice_id);

CREATE TABLE location_deliveries (
    location_id INTEGER NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    delivery    TEXT NOT NULL CHECK (delivery IN ('stay_with_treatment', 'stay_without_treatment', 'vpt', 'mpt', 'pgb')),
    PRIMARY KEY (location_id, delivery)
);

CREATE TABLE contact_points (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    location_id     INTEGER REFERENCES locations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    hours           TEXT NOT NULL CHECK (hours IN ('24_7', 'office_hours', 'out_of_hours')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((organisation_id IS NULL) <> (location_id IS NULL))
);
CREATE INDEX contact_points_organisation ON contact_points (organisation_id);
CREATE INDEX contact_points_location ON contact_points (location_id, role);
