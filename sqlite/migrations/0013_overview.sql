-- The regional overview (issue 11 part 5): keyset paging by name, and the patients' counts per
-- location without reading the rows themselves.
CREATE INDEX locations_name ON locations (name, id);
CREATE INDEX locations_municipality ON locations (municipality, name, id);
CREATE INDEX patients_location_wlz ON patients (location_id, wlz, delivery, gp_practice_id);
