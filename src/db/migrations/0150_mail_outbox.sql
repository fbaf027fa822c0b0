-- Outgoing mail that Paraphe has taken responsibility for: each row is delivered by a durable
-- 'mail.deliver' job (and possibly at once after the enqueuing transaction commits). The status
-- claim below is what keeps the job and the immediate attempt from sending the same row twice.
CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY,
  -- Why it is sent ('signer.copy', 'sender.reply', ...), for the operator and metrics.
  purpose text NOT NULL,
  envelope_id uuid,
  envelope_from text NOT NULL,
  recipients jsonb NOT NULL,
  -- The exact bytes live in the blob store (content-addressed).
  raw_sha256 text NOT NULL,
  size_bytes integer NOT NULL,
  dsn jsonb,
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent')),
  -- While 'sending': the claim expires then, so a crashed sender's row is taken up again.
  claim_expires_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX mail_outbox_envelope ON mail_outbox (envelope_id);
CREATE INDEX mail_outbox_pending ON mail_outbox (created_at) WHERE status <> 'sent';
