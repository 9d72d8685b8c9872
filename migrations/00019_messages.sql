-- The e-mails the job queue sent, recorded after the SMTP server accepted
-- them: a job finding its key here does not send again. A crash between the
-- acceptance and this row resends, with the same Message-ID.
-- refus keeps a permanent refusal (5xx) for whoever manages the address.

-- +goose Up
CREATE TABLE messages (
    cle           TEXT PRIMARY KEY,
    destinataire  TEXT NOT NULL,
    sujet         TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    envoye_at     TIMESTAMP,
    refus         TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE messages;
