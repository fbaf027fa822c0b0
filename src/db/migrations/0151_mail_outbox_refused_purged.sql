-- A permanent refusal (5xx) from the next hop ends a delivery: 'refused' is as final as 'sent'.
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_status_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check
  CHECK (status IN ('queued', 'sending', 'sent', 'refused'));
ALTER TABLE mail_outbox ADD COLUMN refused_at timestamptz;
-- Who is told when the next hop refuses the message for good, and in which language: the sender
-- of a copy. NULL for Paraphe's own mail, whose refusals are logged and counted instead.
ALTER TABLE mail_outbox ADD COLUMN refusal_notice jsonb;
-- Bodies hold signing links: once a delivery is over for the retention period, the blob is
-- deleted and the row keeps only its envelope and outcome.
ALTER TABLE mail_outbox ALTER COLUMN raw_sha256 DROP NOT NULL;
ALTER TABLE mail_outbox ADD COLUMN body_purged_at timestamptz;
CREATE INDEX mail_outbox_unpurged ON mail_outbox ((COALESCE(sent_at, refused_at)))
  WHERE body_purged_at IS NULL AND status IN ('sent', 'refused');
