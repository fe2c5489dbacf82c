-- PostgreSQL: a name search within a caller's clients walks that caller's rows of patient_parties
-- (migration 0016) in list order and compares each with the folded name, instead of collecting
-- every client of the country whose name holds the term through the trigram index and then
-- keeping the caller's: "bakk" matches 3,500 clients nationally, each a heap visit and a recheck
-- (40 ms), while the 17,000 rows of the largest practice are one index range. The folded name is
-- a stored generated column, kept by PostgreSQL itself with every change of sort_name, and is
-- carried in the list index so the walk never visits the table. SQLite searches through FTS5.

-- dialect: postgres
ALTER TABLE patient_parties ADD COLUMN folded TEXT GENERATED ALWAYS AS (mgz_fold(sort_name)) STORED;
DROP INDEX patient_parties_list;
CREATE INDEX patient_parties_list ON patient_parties (organisation_id, sort_name, patient_id) INCLUDE (folded);
-- dialect: all
