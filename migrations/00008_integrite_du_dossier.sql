-- What keeps the certification record truthful: withdrawals from a session
-- not yet held.

-- +goose Up
-- A withdrawn enrolment is kept, with its reason, and counts no longer: the
-- candidat may then be enrolled elsewhere for the same blocs.
ALTER TABLE inscriptions ADD COLUMN retiree_at TIMESTAMP;
ALTER TABLE inscriptions ADD COLUMN motif_retrait TEXT NOT NULL DEFAULT ''
    CHECK (retiree_at IS NULL OR motif_retrait <> '');

-- +goose Down
ALTER TABLE inscriptions DROP COLUMN motif_retrait;
ALTER TABLE inscriptions DROP COLUMN retiree_at;
