-- seal_failed: every signer signed but the seal met a failure that running it again cannot cure
-- (e.g. a signature image it cannot decode). No job retries it and the sweep leaves it alone; an
-- operator cancels it (`paraphe envelope cancel`) or, after a fix, seals it again (`reseal`).
ALTER TABLE envelopes DROP CONSTRAINT envelopes_status_check;
ALTER TABLE envelopes ADD CONSTRAINT envelopes_status_check
  CHECK (status IN ('pending', 'sealing', 'completed', 'declined', 'expired', 'cancelled', 'seal_failed'));
-- For the operators' gauge and listings: few rows, read on every metrics scrape.
CREATE INDEX envelopes_seal_failed ON envelopes (updated_at) WHERE status = 'seal_failed';
