-- A centre changes a planned or declared session rather than cancelling and
-- recreating it, and prints its convocations: the session gains the hour
-- candidats are convened at ('' until the centre gives one: sessions planned
-- before this version had none), the number the ministry's CERES system gave
-- it and the date the centre declared it to the DREETS there ('' and NULL
-- until recorded). An enrolment gains the centre's note that the candidat
-- excused himself before the session: a note only, since presence on the
-- day remains the jury's record (inscriptions.presence).

-- +goose Up
ALTER TABLE sessions ADD COLUMN heure TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN numero_ceres TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ceres_declaree_le DATE;
ALTER TABLE inscriptions ADD COLUMN excusee_at TIMESTAMP;
ALTER TABLE inscriptions ADD COLUMN motif_excuse TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE inscriptions DROP COLUMN motif_excuse;
ALTER TABLE inscriptions DROP COLUMN excusee_at;
ALTER TABLE sessions DROP COLUMN ceres_declaree_le;
ALTER TABLE sessions DROP COLUMN numero_ceres;
ALTER TABLE sessions DROP COLUMN heure;
