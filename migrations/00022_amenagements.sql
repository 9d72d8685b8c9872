-- Aménagements d'épreuves: the adjustments a candidat with a disability
-- sits the épreuves with (extra time, human or technical assistance, an
-- adapted format or room), recorded by the centre on an enrolment from the
-- decision that grants them. A type from a fixed list, a free detail of the
-- adjustment, and the reference and date of the decision. No column holds,
-- or may hold, the disability itself: it is health data the service never
-- needs. A row recorded in error is withdrawn, never deleted: a
-- convocation may have stated it. version is the optimistic lock of the
-- centre's edits.

-- +goose Up
CREATE TABLE amenagements (
    id                  TEXT PRIMARY KEY,
    session_id          TEXT NOT NULL REFERENCES sessions (id),
    inscription_id      TEXT NOT NULL REFERENCES inscriptions (id),
    type                TEXT NOT NULL,
    detail              TEXT NOT NULL DEFAULT '',
    decision_reference  TEXT NOT NULL,
    decision_date       DATE NOT NULL,
    saisi_par           TEXT NOT NULL REFERENCES utilisateurs (id),
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    retire_at           TIMESTAMP
);
CREATE INDEX amenagements_session_idx ON amenagements (session_id, inscription_id, created_at);

-- +goose Down
DROP TABLE amenagements;
