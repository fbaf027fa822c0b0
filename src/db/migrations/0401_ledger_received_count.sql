-- The free window's count as two index reads instead of a scan of the window's entries: each
-- entry carries how many signatures the account had received after it (charge and free entries,
-- without those of requests accepted before billing). Entries are written in time order per
-- account, so the count in a window is the difference between the latest entry before its end and
-- the latest entry before its start.
ALTER TABLE ledger_entries ADD COLUMN received_after bigint NOT NULL DEFAULT 0;
-- Rows written before this column existed get their counts; the only rewrite the ledger allows.
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update_delete;
UPDATE ledger_entries l SET received_after = x.received
FROM (
  SELECT id, count(*) FILTER (WHERE kind IN ('charge', 'free') AND reason <> 'accepted_before_billing')
           OVER (PARTITION BY account_id ORDER BY seq) AS received
  FROM ledger_entries
) x
WHERE x.id = l.id;
ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_update_delete;
DROP INDEX ledger_entries_received;
CREATE INDEX ledger_entries_time ON ledger_entries (account_id, created_at, seq);
