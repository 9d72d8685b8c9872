-- The référentiel is administered through the API, no longer only loaded
-- from the fixtures. A titre carries a version, the token of optimistic
-- locking: two administrators editing it at once cannot overwrite each
-- other's change. A bloc carries its RNCP code (RNCP37274BC01…), the name
-- France compétences gives the bloc de compétences a CCP certifies.

-- +goose Up
ALTER TABLE titres ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE blocs ADD COLUMN rncp_bloc TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE blocs DROP COLUMN rncp_bloc;
ALTER TABLE titres DROP COLUMN version;
