import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import type { BlobStore } from '../../src/blobs/index.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** One store under test and the ways to reach behind its back. */
export interface ContractSubject {
  store: BlobStore;
  /** Replaces the stored bytes of a blob with other bytes, as bit rot or a bad copy would. */
  tamper(sha256: string, bytes: Uint8Array): Promise<void>;
  /** Temporary files the store has left (its tmp or spool folder). */
  leftovers(): Promise<string[]>;
}

/**
 * The behaviour every BlobStore must have, run by each implementation's test file inside its own
 * `describe` (the filesystem store, and the S3 store in path-style and virtual-host style).
 * `largeBytes` should pass the store's multipart threshold where it has one.
 */
export function blobStoreContract(
  open: () => Promise<ContractSubject>,
  options: { largeBytes: number },
): void {
  it('stores bytes under their SHA-256 and gives them back', async () => {
    const { store } = await open();
    const bytes = new TextEncoder().encode(`%PDF-1.7 contrat ${Math.random()}`);
    const ref = await store.put(bytes);
    assert.deepEqual(ref, { sha256: sha(bytes), sizeBytes: bytes.byteLength });
    assert.deepEqual(Buffer.from(await store.get(ref.sha256)), Buffer.from(bytes));
    assert.equal(await store.has(ref.sha256), true);
    assert.deepEqual(await store.put(bytes), ref, 'the same bytes again are the same blob');
  });

  it('deletes a blob, and deleting it again is no error', async () => {
    const { store } = await open();
    const kept = await store.put(new TextEncoder().encode(`kept ${Math.random()}`));
    const gone = await store.put(new TextEncoder().encode(`gone ${Math.random()}`));
    await store.delete(gone.sha256);
    await store.delete(gone.sha256);
    assert.equal(await store.has(gone.sha256), false);
    await assert.rejects(store.get(gone.sha256), { code: 'BLOB_NOT_FOUND' });
    assert.equal(await store.has(kept.sha256), true);
  });

  it('keeps an empty blob', async () => {
    const { store } = await open();
    const ref = await store.put(new Uint8Array());
    assert.equal(ref.sizeBytes, 0);
    assert.equal((await store.get(ref.sha256)).byteLength, 0);
  });

  it('streams a large blob without losing a byte', async () => {
    const subject = await open();
    const { store } = subject;
    const chunkBytes = 256 * 1024;
    const chunks = Array.from({ length: Math.ceil(options.largeBytes / chunkBytes) }, (_, i) =>
      Buffer.alloc(chunkBytes, (i * 7 + Math.floor(Math.random() * 256)) % 256),
    );
    const whole = Buffer.concat(chunks);
    const ref = await store.putStream(Readable.from(chunks));
    assert.deepEqual(ref, { sha256: sha(whole), sizeBytes: whole.length });
    assert.ok(Buffer.from(await store.get(ref.sha256)).equals(whole), 'bytes read back differ');
    assert.deepEqual(await subject.leftovers(), []);
  });

  it('stores large bytes given at once', async () => {
    const { store } = await open();
    const bytes = Buffer.alloc(options.largeBytes + 1234, Math.floor(Math.random() * 256));
    bytes.write('end', bytes.length - 3);
    const ref = await store.put(bytes);
    assert.equal(ref.sha256, sha(bytes));
    assert.ok(Buffer.from(await store.get(ref.sha256)).equals(bytes));
  });

  it('refuses to return bytes that no longer match their hash', async () => {
    const subject = await open();
    const ref = await subject.store.put(new TextEncoder().encode(`original ${Math.random()}`));
    await subject.tamper(ref.sha256, new TextEncoder().encode('tampered'));
    await assert.rejects(subject.store.get(ref.sha256), { code: 'BLOB_CORRUPT' });
  });

  it('says not found for an unknown or malformed id', async () => {
    const { store } = await open();
    await assert.rejects(store.get('0'.repeat(64)), { code: 'BLOB_NOT_FOUND' });
    await assert.rejects(store.get('../../etc/passwd'), { code: 'BLOB_NOT_FOUND' });
    assert.equal(await store.has('0'.repeat(64)), false);
    assert.equal(await store.has('../x'), false);
  });

  it('stores nothing and leaves no temporary file when the source stream fails midway', async () => {
    const subject = await open();
    const first = Buffer.alloc(1024, 1);
    async function* failing() {
      yield first;
      throw new Error('connection reset');
    }
    await assert.rejects(subject.store.putStream(Readable.from(failing())), { code: 'BLOB_UNAVAILABLE' });
    assert.equal(await subject.store.has(sha(first)), false);
    assert.deepEqual(await subject.leftovers(), []);
  });

  it('answers its readiness probe', async () => {
    const { store } = await open();
    await store.ping();
  });
}
