import type { Readable } from 'node:stream';

/** A stored blob: content-addressed, so equal bytes are stored once. */
export interface BlobRef {
  sha256: string;
  sizeBytes: number;
}

/**
 * Where documents, signed PDFs and raw messages live. Implementations: `fs` (default) and `s3`,
 * chosen by `openBlobStore` (put/get/delete by hash, no listing or renaming needed).
 */
export interface BlobStore {
  /** Stores the bytes durably; resolves only once they would survive a crash. */
  put(bytes: Uint8Array): Promise<BlobRef>;
  /** Stores a stream without holding it in memory; same guarantees as `put`. */
  putStream(stream: Readable): Promise<BlobRef>;
  /** The bytes, checked against their hash (BLOB_NOT_FOUND, BLOB_CORRUPT). */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
  /**
   * Removes a blob (no error when it is already gone). Blobs are shared by content: the caller
   * checks that nothing else refers to these bytes.
   */
  delete(sha256: string): Promise<void>;
  /** Throws when the store cannot be written (readiness). */
  ping(): Promise<void>;
  /** Releases connections (S3); the filesystem store has none. */
  close?(): Promise<void>;
}
