import type { Ids } from '../shared/ids.js';
import { openFsBlobStore } from './fs-store.js';
import type { S3BlobStoreSettings } from './s3-store.js';
import type { BlobStore } from './types.js';
import { withFsFallback } from './with-fs-fallback.js';

/** The blob store settings (`config.blobs`). */
export interface BlobStoreSettings {
  /** Root of the filesystem store. */
  dir: string;
  store: 'fs' | 's3';
  /** With `s3`: write to both, read S3 then the filesystem (a move without downtime). */
  hasFsFallback: boolean;
  s3: S3BlobStoreSettings;
}

/**
 * The configured blob store. The S3 module (and the AWS SDK under it, ~10 MB of code) is loaded
 * only when S3 is chosen, so the embedded default starts as fast as before.
 */
export async function openBlobStore(settings: BlobStoreSettings, deps: { ids: Ids }): Promise<BlobStore> {
  if (settings.store === 'fs') return openFsBlobStore({ root: settings.dir, ids: deps.ids });
  const { openS3BlobStore } = await import('./s3-store.js');
  const s3 = await openS3BlobStore({ settings: settings.s3, ids: deps.ids });
  if (!settings.hasFsFallback) return s3;
  return withFsFallback(s3, await openFsBlobStore({ root: settings.dir, ids: deps.ids }));
}

/** Where blobs go, for the start banner: `s3://bucket/prefix at endpoint`, or the folder. */
export function describeBlobStore(settings: BlobStoreSettings): string {
  if (settings.store === 'fs') return settings.dir;
  const where = `s3://${settings.s3.bucket}/${settings.s3.prefix} at ${settings.s3.endpoint ?? `AWS ${settings.s3.region}`}`;
  return settings.hasFsFallback ? `${where}, falling back to ${settings.dir}` : where;
}
