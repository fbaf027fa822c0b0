-- The public verification page (/verifier) finds a document by its SHA-256: a sealed result or an
-- original as sent for signature.
CREATE INDEX sealed_documents_sha256 ON sealed_documents (sha256);
CREATE INDEX documents_sha256 ON documents (sha256);
