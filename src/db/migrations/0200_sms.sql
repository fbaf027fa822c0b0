-- SMS: one-time codes (OtpChallenge) and every SMS the service tries to send.
-- envelope/signer/account ids carry no foreign key: sms/ sits beside envelopes/ and must not
-- depend on its tables; the signing flow passes the ids it already checked.

CREATE TABLE otp_challenges (
  id uuid PRIMARY KEY,
  signer_id uuid NOT NULL,
  envelope_id uuid NOT NULL,
  account_id uuid NOT NULL,
  phone_e164 text NOT NULL CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  -- HMAC-SHA256 of the code under the server secret; the code itself is never stored.
  code_hash text NOT NULL,
  -- active → confirmed | superseded (a newer code was sent) | locked (too many wrong attempts).
  -- Expiry is read from expires_at, so no sweep is needed to make a code stop working.
  status text NOT NULL CHECK (status IN ('active', 'confirmed', 'superseded', 'locked')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  expires_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX otp_challenges_signer ON otp_challenges (signer_id, created_at DESC);

-- One row per signer: the conditional upsert on last_requested_at makes "30 s between sends"
-- hold under concurrent requests, and its row lock serialises the signer's limit checks.
CREATE TABLE sms_signer_throttle (
  signer_id uuid PRIMARY KEY,
  last_requested_at timestamptz NOT NULL
);

CREATE TABLE sms_messages (
  id uuid PRIMARY KEY,
  -- 'otp' for signing codes, 'test' for `paraphe sms test`.
  purpose text NOT NULL CHECK (purpose IN ('otp', 'test')),
  challenge_id uuid REFERENCES otp_challenges (id),
  signer_id uuid,
  envelope_id uuid,
  account_id uuid,
  to_number text NOT NULL,
  sender_id text NOT NULL,
  provider text NOT NULL,
  -- The body encrypted under the server secret (it holds the code) while it waits to be sent;
  -- erased once sent or given up.
  sealed_body text,
  -- queued → sending → sent | failed (permanent) | abandoned (retries exhausted, or code expired).
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'abandoned')),
  attempts integer NOT NULL DEFAULT 0,
  -- Tries before giving up (transient failures only; a permanent refusal is never retried).
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  -- A sender holds 'sending' until this time; after it, a crashed attempt may be taken over.
  lease_until timestamptz,
  provider_message_id text,
  failure_reason text,
  last_error text,
  -- From delivery receipts (Twilio StatusCallback): queued, sent, delivered, undelivered, failed.
  delivery_status text,
  delivery_error_code text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX sms_messages_signer ON sms_messages (signer_id, created_at);
CREATE INDEX sms_messages_envelope ON sms_messages (envelope_id, created_at);
CREATE INDEX sms_messages_account ON sms_messages (account_id, created_at);
CREATE INDEX sms_messages_created ON sms_messages (created_at);
CREATE INDEX sms_messages_challenge ON sms_messages (challenge_id);
CREATE UNIQUE INDEX sms_messages_provider_id ON sms_messages (provider, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
