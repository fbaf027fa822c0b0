-- When the newest timestamp of a sealed PDF (B-LT/B-LTA) stops proving anything: the earliest
-- expiry in its TSA's certificate path. The LTV renewal job adds a document timestamp before then.
-- NULL: the seal has no long-term validation to keep up (B-B, B-T, or sealed before this column).
ALTER TABLE sealed_documents ADD COLUMN ltv_expires_at timestamptz;
CREATE INDEX sealed_documents_ltv_expiry ON sealed_documents (ltv_expires_at) WHERE ltv_expires_at IS NOT NULL;
