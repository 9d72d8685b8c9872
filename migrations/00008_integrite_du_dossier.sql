-- What keeps the certification record truthful: withdrawals from a session
-- not yet held, late declarations.

-- +goose Up
-- A withdrawn enrolment is kept, with its reason, and counts no longer: the
-- candidat may then be enrolled elsewhere for the same blocs.
ALTER TABLE inscriptions ADD COLUMN retiree_at TIMESTAMP;
ALTER TABLE inscriptions ADD COLUMN motif_retrait TEXT NOT NULL DEFAULT ''
    CHECK (retiree_at IS NULL OR motif_retrait <> '');

-- A session is declared before its first day; a declaration the autorité
-- records later (a régularisation) keeps its reason.
ALTER TABLE sessions ADD COLUMN motif_regularisation TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN motif_regularisation;
ALTER TABLE inscriptions DROP COLUMN motif_retrait;
ALTER TABLE inscriptions DROP COLUMN retiree_at;
