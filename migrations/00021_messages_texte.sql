-- The administrator reads what was sent on « Messages envoyés »: the text
-- part is kept beside the recording, and a refusal gets its own date since
-- it has no acceptance date. Messages recorded before keep an empty text.

-- +goose Up
ALTER TABLE messages ADD COLUMN texte TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN refuse_at TIMESTAMP;

-- +goose Down
ALTER TABLE messages DROP COLUMN refuse_at;
ALTER TABLE messages DROP COLUMN texte;
