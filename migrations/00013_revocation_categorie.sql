-- A revoked document's public verification shows why it was revoked as a
-- category from a closed list (certification.CategorieRevocation); the
-- free-text motif, which may name a penal file or a person, stays
-- internal. Documents revoked before this version have no category (''):
-- their motif cannot be sorted into one without a person reading it, so
-- their verification says only « révoqué ».

-- +goose Up
ALTER TABLE documents ADD COLUMN categorie_revocation TEXT NOT NULL DEFAULT ''
    CHECK (categorie_revocation IN ('', 'erreur_materielle', 'decision_rectifiee', 'identite_rectifiee', 'fraude', 'recours'));

-- +goose Down
ALTER TABLE documents DROP COLUMN categorie_revocation;
