export { openFsBlobStore } from './fs-store.js';
export { type BlobMigrationReport, migrateBlobs } from './migrate-blobs.js';
export { type BlobStoreSettings, describeBlobStore, openBlobStore } from './open-blob-store.js';
export type { BlobRef, BlobStore } from './types.js';
