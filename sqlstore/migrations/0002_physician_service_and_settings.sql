-- The SO/AVG service contracted for a location (domain.md §5 physician_contract; the rules name it
-- as the elderly-care or ID physician of the location), and the region's settings, such as the
-- office hours and free days of the calendar (domain.md §4.1).

ALTER TABLE locations ADD COLUMN physician_service_id INTEGER REFERENCES organisations (id) ON DELETE RESTRICT;
CREATE INDEX locations_physician_service ON locations (physician_service_id);

CREATE TABLE region_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
