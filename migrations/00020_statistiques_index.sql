-- The statistics count the deliberated, still enrolled candidats of each
-- session and the live decisions on each CCP. Without these indexes every
-- statistics request read the whole inscriptions and evaluations tables,
-- even for one centre. Both indexes are partial on exactly the rows the
-- statistics count and carry the columns they read, so a centre's request
-- walks its sessions' entries only and the territory-wide ones are
-- index-only scans.

-- +goose Up
CREATE INDEX inscriptions_statistiques_idx ON inscriptions (session_id, issue, candidat_id, id)
    WHERE issue IS NOT NULL AND retiree_at IS NULL;
CREATE INDEX evaluations_statistiques_idx ON evaluations (inscription_id, bloc_id, decision)
    WHERE revoque_at IS NULL;

-- +goose Down
DROP INDEX evaluations_statistiques_idx;
DROP INDEX inscriptions_statistiques_idx;
