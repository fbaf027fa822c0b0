-- Envelopes: one *SIGN request (one message), its documents (PDFs) and its signers in order.

CREATE TABLE envelopes (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  mailbox_id uuid NOT NULL REFERENCES mailboxes (id),
  sender_address text NOT NULL,
  -- The Subject as recipients see it (marker removed), decoded.
  subject text NOT NULL,
  -- Language of the sender's message: the text we add and send to everyone follows it.
  locale text NOT NULL CHECK (locale IN ('fr', 'en')),
  -- pending: collecting signatures; sealing: all signed, the seal job runs; then a final state.
  status text NOT NULL CHECK (status IN ('pending', 'sealing', 'completed', 'declined', 'expired', 'cancelled')),
  message_id text,
  queue_id text,
  -- Same message delivered again (Postfix retry, or a split into several transactions of at most
  -- 50 recipients) = same key: Message-ID when present, else the queue id, else the bytes' hash.
  dedupe_key text NOT NULL,
  -- The message exactly as the sender's client submitted it (evidence), in the blob store.
  raw_sha256 text NOT NULL,
  raw_size_bytes integer NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz,
  UNIQUE (mailbox_id, dedupe_key)
);
CREATE INDEX envelopes_account ON envelopes (account_id, created_at DESC);
CREATE INDEX envelopes_pending_expiry ON envelopes (expires_at) WHERE status = 'pending';

CREATE TABLE documents (
  id uuid PRIMARY KEY,
  envelope_id uuid NOT NULL REFERENCES envelopes (id),
  -- Order of the attachments in the message (1-based).
  position integer NOT NULL CHECK (position >= 1),
  file_name text NOT NULL,
  sha256 text NOT NULL,
  size_bytes integer NOT NULL,
  page_count integer NOT NULL,
  has_signatures boolean NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (envelope_id, position)
);

CREATE TABLE signers (
  id uuid PRIMARY KEY,
  envelope_id uuid NOT NULL REFERENCES envelopes (id),
  -- Turn order (1-based): To then Cc, in header order.
  position integer NOT NULL CHECK (position >= 1),
  address text NOT NULL CHECK (address = lower(address)),
  display_name text,
  -- waiting: not their turn; current: their turn; signed / declined: done.
  status text NOT NULL CHECK (status IN ('waiting', 'current', 'signed', 'declined')),
  turn_started_at timestamptz,
  signed_at timestamptz,
  declined_at timestamptz,
  decline_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (envelope_id, position),
  UNIQUE (envelope_id, address)
);
-- At most one signer holds the turn.
CREATE UNIQUE INDEX signers_one_current ON signers (envelope_id) WHERE status = 'current';

-- Personal links: a signer may receive several (their copy, "your turn", reminders); only the
-- SHA-256 of each token is kept.
CREATE TABLE signer_links (
  token_hash text PRIMARY KEY,
  signer_id uuid NOT NULL REFERENCES signers (id),
  purpose text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX signer_links_signer ON signer_links (signer_id);

-- Every envelope recipient Postfix handed us, with the copy we queued for it: a second delivery
-- of the same message (retry, split transaction) only sends to the recipients not yet here.
CREATE TABLE envelope_recipients (
  envelope_id uuid NOT NULL REFERENCES envelopes (id),
  address text NOT NULL CHECK (address = lower(address)),
  signer_id uuid REFERENCES signers (id),
  outbox_id uuid,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (envelope_id, address)
);

-- *SIGN messages refused for a sender's mistake: a retried or split delivery of the same message
-- must not send the explanation twice.
CREATE TABLE sign_request_refusals (
  id uuid PRIMARY KEY,
  mailbox_id uuid NOT NULL REFERENCES mailboxes (id),
  dedupe_key text NOT NULL,
  problems jsonb NOT NULL,
  raw_sha256 text NOT NULL,
  outbox_id uuid,
  created_at timestamptz NOT NULL,
  UNIQUE (mailbox_id, dedupe_key)
);

-- audit_events.envelope_id / signer_id get no foreign key: other domains' tests (sms) write
-- events for envelopes they fake, and an evidence log should never refuse a line.
