export { openFsBlobStore } from './fs-store.js';
export type { BlobRef, BlobStore } from './types.js';
