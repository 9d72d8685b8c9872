-- The statistics read a summary instead of the enrolments: per session and
-- parcours, the deliberated candidats still enrolled by outcome; per
-- session and CCP, the live decisions and the acquired ones among them.
-- Aggregating a million enrolments at each request took seconds for an
-- autorité or the administrator; the summary has a few rows per session.
-- The service keeps it in the transactions that change what it counts
-- (certification/statistiques_sommaire.go); the session's attributes
-- (dates, centre, status) stay in sessions, which the statistics join.

-- +goose Up
CREATE TABLE statistiques_sessions (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    parcours    TEXT NOT NULL,
    candidats   BIGINT NOT NULL,
    titre       BIGINT NOT NULL,
    partiel     BIGINT NOT NULL,
    echec       BIGINT NOT NULL,
    absent      BIGINT NOT NULL,
    PRIMARY KEY (session_id, parcours)
);
CREATE TABLE statistiques_ccp (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    bloc_id     TEXT NOT NULL REFERENCES blocs (id),
    evalues     BIGINT NOT NULL,
    acquis      BIGINT NOT NULL,
    PRIMARY KEY (session_id, bloc_id)
);
INSERT INTO statistiques_sessions (session_id, parcours, candidats, titre, partiel, echec, absent)
    SELECT i.session_id, c.parcours, COUNT(*),
        SUM(CASE WHEN i.issue IN ('titre', 'ccs') THEN 1 ELSE 0 END),
        SUM(CASE WHEN i.issue = 'partiel' THEN 1 ELSE 0 END),
        SUM(CASE WHEN i.issue = 'echec' THEN 1 ELSE 0 END),
        SUM(CASE WHEN i.issue = 'absent' THEN 1 ELSE 0 END)
    FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id
    WHERE i.issue IS NOT NULL AND i.retiree_at IS NULL
    GROUP BY i.session_id, c.parcours;
INSERT INTO statistiques_ccp (session_id, bloc_id, evalues, acquis)
    SELECT i.session_id, e.bloc_id, COUNT(*), SUM(CASE WHEN e.decision = 'acquis' THEN 1 ELSE 0 END)
    FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id
    WHERE e.revoque_at IS NULL AND i.issue IS NOT NULL AND i.retiree_at IS NULL
    GROUP BY i.session_id, e.bloc_id;

-- +goose Down
DROP TABLE statistiques_ccp;
DROP TABLE statistiques_sessions;
