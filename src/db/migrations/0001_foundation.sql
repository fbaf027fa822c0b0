-- Foundation: accounts and mailboxes, the durable job queue, the dev mailbox and SMS outbox.
-- Migration numbers are grouped by domain (0001-0099 foundation, 0100 envelopes, 0200 sms,
-- 0300 signing, 0400 billing) so work on different domains never claims the same number.

CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Last day (inclusive, Europe/Paris calendar) of a valid subscription; NULL = none.
  subscription_until date,
  created_at timestamptz NOT NULL
);

CREATE TABLE mailboxes (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  -- Stored lower-cased: mail addresses are matched case-insensitively in practice.
  address text NOT NULL UNIQUE CHECK (address = lower(address)),
  created_at timestamptz NOT NULL
);
CREATE INDEX mailboxes_account ON mailboxes (account_id);

CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  run_at timestamptz NOT NULL,
  locked_by text,
  lease_expires_at timestamptz,
  last_error text,
  -- Optional: enqueueing twice with the same key creates one job (idempotent producers).
  dedupe_key text UNIQUE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_failed ON jobs (updated_at) WHERE status = 'failed';

CREATE TABLE job_schedules (
  name text PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  interval_seconds integer NOT NULL CHECK (interval_seconds > 0),
  next_run_at timestamptz NOT NULL
);

CREATE TABLE dev_mail (
  id uuid PRIMARY KEY,
  envelope_from text NOT NULL,
  recipients jsonb NOT NULL,
  subject text NOT NULL,
  raw_sha256 text NOT NULL,
  size_bytes integer NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX dev_mail_created ON dev_mail (created_at DESC);

CREATE TABLE dev_sms (
  id uuid PRIMARY KEY,
  to_number text NOT NULL,
  sender_id text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX dev_sms_created ON dev_sms (created_at DESC);

-- Append-only trail of what happened to an envelope (evidence). Every domain writes here through
-- audit/; envelope_id and signer_id gain foreign keys once their tables exist.
CREATE TABLE audit_events (
  id uuid PRIMARY KEY,
  -- Insertion order, which a frozen test clock cannot give.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  envelope_id uuid,
  signer_id uuid,
  type text NOT NULL,
  -- Who caused it: 'system', 'sender', 'signer', 'operator'.
  actor text NOT NULL,
  ip text,
  user_agent text,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);
CREATE INDEX audit_events_envelope ON audit_events (envelope_id, created_at);
CREATE INDEX audit_events_signer ON audit_events (signer_id, created_at);
