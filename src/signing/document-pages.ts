import type { BlobStore } from '../blobs/index.js';
import { inspectPdf } from '../pdf/index.js';

export interface PageSize {
  width: number;
  height: number;
}

// Documents never change once stored (content-addressed), so their page sizes can be remembered;
// bounded so a long-running process does not grow without end.
const cache = new Map<string, PageSize[]>();
const CACHE_MAX = 500;

/** Visual size (points, CropBox after /Rotate) of each page of a stored document. */
export async function documentPageSizes(blobs: BlobStore, sha256: string): Promise<PageSize[]> {
  const known = cache.get(sha256);
  if (known) return known;
  const inspection = await inspectPdf(await blobs.get(sha256));
  const sizes = inspection.pages.map((p) => ({ width: p.width, height: p.height }));
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(sha256, sizes);
  return sizes;
}
