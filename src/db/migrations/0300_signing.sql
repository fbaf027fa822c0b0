-- Signing: each signer's completed act, the sealed results, reminders and request counters.

-- A signer's Signature: the drawn image (normalised PNG in the blob store), where they placed it,
-- and the evidence of who did it (confirmed phone, IP, user agent, times). One per signer: the
-- primary key on signer_id is what makes a double submit sign once.
CREATE TABLE signatures (
  signer_id uuid PRIMARY KEY REFERENCES signers (id),
  envelope_id uuid NOT NULL REFERENCES envelopes (id),
  image_sha256 text NOT NULL,
  -- [{documentId, page, x, y, width, height}] in the page's visual coordinates (points, top-left).
  placements jsonb NOT NULL,
  -- 'drawn' or 'typed' (the keyboard alternative).
  method text NOT NULL CHECK (method IN ('drawn', 'typed')),
  phone_e164 text NOT NULL,
  otp_challenge_id uuid NOT NULL,
  code_confirmed_at timestamptz NOT NULL,
  ip text,
  user_agent text,
  page_opened_at timestamptz,
  signed_at timestamptz NOT NULL
);
CREATE INDEX signatures_envelope ON signatures (envelope_id);

-- The sealed PDF of each document, once the seal job ran (the blob store holds the bytes).
CREATE TABLE sealed_documents (
  document_id uuid PRIMARY KEY REFERENCES documents (id),
  envelope_id uuid NOT NULL REFERENCES envelopes (id),
  sha256 text NOT NULL,
  size_bytes integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('certification', 'approval')),
  created_at timestamptz NOT NULL
);
CREATE INDEX sealed_documents_envelope ON sealed_documents (envelope_id);

-- Download links for sealed documents too large to attach; only the token's hash is kept.
CREATE TABLE sealed_download_links (
  token_hash text PRIMARY KEY,
  envelope_id uuid NOT NULL REFERENCES envelopes (id),
  recipient text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Reminders sent to the signer holding the turn (at most a configured number).
CREATE TABLE signing_reminders (
  signer_id uuid PRIMARY KEY REFERENCES signers (id),
  sent_count integer NOT NULL,
  last_sent_at timestamptz NOT NULL
);

-- Fixed-window request counters for the signing routes (per IP, per token), shared by every
-- web process through the database.
CREATE TABLE signing_rate_counters (
  bucket text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
