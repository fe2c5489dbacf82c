-- How a care provider (or one of its locations) arranged GP care out of hours for clients with
-- treatment (domain.md §3.2; T, L-Conv 4): a contact point with role gp_out_of_hours records the
-- arrangement — the GP post by agreement, a commercial party, or its own staff. Empty for every
-- other role.
ALTER TABLE contact_points ADD COLUMN arrangement TEXT NOT NULL DEFAULT ''
    CHECK (arrangement IN ('', 'gp_post', 'commercial', 'own_staff'));
