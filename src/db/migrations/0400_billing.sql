-- Billing: the prepaid balance of each account as an append-only ledger (docs/billing.md).

-- Envelopes accepted under billing (a Hold was worked out for them). Envelopes created before
-- this migration are not here: their signatures are recorded free and outside the free window.
CREATE TABLE billed_envelopes (
  envelope_id uuid PRIMARY KEY REFERENCES envelopes (id),
  account_id uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL
);

-- Every movement of money, never changed once written. amount_cents is signed (what the entry
-- does to the available balance): credit > 0, charge < 0, free = 0, hold < 0, hold_release > 0.
-- Each row carries the account's running totals after it, so a balance is one indexed read of
-- the latest row instead of a sum over every entry.
CREATE TABLE ledger_entries (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  -- 1, 2, 3… per account: the order the running totals follow (the account row is locked while
  -- an entry is appended, and the unique index refuses two entries claiming one place).
  seq bigint NOT NULL CHECK (seq >= 1),
  kind text NOT NULL CHECK (kind IN ('credit', 'hold', 'hold_release', 'charge', 'free')),
  amount_cents bigint NOT NULL,
  reason text NOT NULL,
  -- The same movement asked twice (webhook replay, retried command) is written once.
  idempotency_key text NOT NULL,
  envelope_id uuid REFERENCES envelopes (id),
  signer_id uuid REFERENCES signers (id),
  -- Credits: the payer's or provider's reference; top_up_id links a future top-up row.
  reference text,
  top_up_id uuid,
  -- Who caused it: 'system', 'operator', 'provider', 'payment'.
  actor text NOT NULL,
  -- Totals after this entry: balance = credits + charges; held = money set aside for open requests.
  balance_after_cents bigint NOT NULL,
  held_after_cents bigint NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK (
    (kind = 'credit' AND amount_cents > 0) OR (kind = 'charge' AND amount_cents < 0)
    OR (kind = 'free' AND amount_cents = 0) OR (kind = 'hold' AND amount_cents < 0)
    OR (kind = 'hold_release' AND amount_cents > 0)
  ),
  UNIQUE (account_id, seq),
  UNIQUE (account_id, idempotency_key)
);
-- A signer's signature is received once: one charge or free entry per signer, whatever the key.
CREATE UNIQUE INDEX ledger_entries_one_per_signature ON ledger_entries (signer_id)
  WHERE kind IN ('charge', 'free');
-- The rolling free window counts an account's received signatures by date.
CREATE INDEX ledger_entries_received ON ledger_entries (account_id, created_at)
  WHERE kind IN ('charge', 'free') AND reason <> 'accepted_before_billing';
CREATE INDEX ledger_entries_envelope ON ledger_entries (envelope_id) WHERE envelope_id IS NOT NULL;

-- Money is never updated or deleted: a mistake is corrected by a new entry.
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP USING ERRCODE = 'raise_exception';
END;
$$;
CREATE TRIGGER ledger_entries_no_update_delete BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();

-- The open requests of an account, whose remaining signers the holds cover.
CREATE INDEX envelopes_account_pending ON envelopes (account_id) WHERE status = 'pending';
