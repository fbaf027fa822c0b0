import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { blobStoreContract } from '../../test/support/blob-store-contract.js';
import { loopbackAgent, startS3Server } from '../../test/support/s3-server.js';
import { randomIds } from '../shared/ids.js';
import { openS3BlobStore, type S3BlobStoreSettings } from './s3-store.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');
const keyOf = (prefix: string, sha: string) => `${prefix}${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;

describe('S3 blob store', () => {
  let server: Awaited<ReturnType<typeof startS3Server>>;
  const agent = loopbackAgent();
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    server = await startS3Server();
  });
  after(async () => {
    for (const store of opened) await store.close();
    agent.destroy();
    await server.close();
  });

  async function open(settings: S3BlobStoreSettings) {
    const store = await openS3BlobStore({ settings, ids: randomIds, httpAgent: agent });
    opened.push(store);
    return store;
  }

  /** A plain client, to reach objects behind the store's back. */
  function rawClient(settings: S3BlobStoreSettings) {
    const client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint ?? '',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    opened.push({ close: async () => client.destroy() });
    return client;
  }

  for (const style of ['path', 'virtual-host'] as const) {
    describe(`${style} style`, () => {
      blobStoreContract(
        async () => {
          const settings = server.settings(style);
          return {
            store: await open(settings),
            async tamper(sha, bytes) {
              const raw = rawClient(server.settings('path'));
              await raw.send(
                new PutObjectCommand({
                  Bucket: settings.bucket,
                  Key: keyOf(settings.prefix, sha),
                  Body: bytes,
                }),
              );
            },
            leftovers: async () => readdirSync(settings.spoolDir),
          };
        },
        // Past the 5 MiB part size of the test settings: multipart upload.
        { largeBytes: 11 * 1024 * 1024 },
      );
    });
  }

  it('addresses the bucket in the host name in virtual-host style, in the path otherwise', async () => {
    const bytes = new TextEncoder().encode(`style ${Math.random()}`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await (await open(server.settings('virtual-host'))).put(bytes);
    await (await open(server.settings('path'))).put(new TextEncoder().encode(`other ${Math.random()}`));
    const puts = server.requests.filter((r) => r.method === 'PUT');
    const virtual = puts.find((r) => r.url.includes(sha));
    assert.equal(virtual?.headers.host?.split(':')[0], 'paraphe-test.s3.paraphe.test');
    assert.ok(virtual?.url.startsWith('/blobs/'), virtual?.url);
    const pathStyle = puts.at(-1);
    assert.equal(pathStyle?.headers.host?.split(':')[0], '127.0.0.1');
    assert.ok(pathStyle?.url.startsWith('/paraphe-test/blobs/'), pathStyle?.url);
  });

  it('sends each upload with its MD5 and uploads known content only once', async () => {
    const store = await open(server.settings('path'));
    const small = new TextEncoder().encode(`small ${Math.random()}`);
    const large = Buffer.alloc(12 * 1024 * 1024, Math.floor(Math.random() * 256));
    const smallRef = await store.put(small);
    const largeRef = await store.put(large);
    await store.put(small);
    await store.put(large);

    const putsOf = (sha: string) => server.requests.filter((r) => r.method === 'PUT' && r.url.includes(sha));
    const smallPuts = putsOf(smallRef.sha256);
    assert.equal(smallPuts.length, 1, 'the second put of the same bytes must not upload again');
    assert.equal(smallPuts[0]?.headers['content-md5'], md5(small));
    const parts = putsOf(largeRef.sha256).filter((r) => r.url.includes('partNumber='));
    assert.equal(parts.length, 3, '12 MiB in 5 MiB parts');
    const expected = [0, 1, 2].map((i) =>
      md5(large.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024)),
    );
    assert.deepEqual(
      parts.map((r) => r.headers['content-md5']),
      expected,
    );
  });

  it('asks for server-side encryption when configured', async () => {
    const aes = await open(server.settings('path', { sse: 'AES256' }));
    const kms = await open(
      server.settings('path', { sse: 'aws:kms', sseKmsKeyId: 'arn:aws:kms:test:key/1' }),
    );
    const a = await aes.put(new TextEncoder().encode(`aes ${Math.random()}`));
    const k = await kms.put(Buffer.alloc(6 * 1024 * 1024, 3));
    const headersOf = (sha: string) =>
      server.requests.filter((r) => r.method !== 'HEAD' && r.url.includes(sha)).map((r) => r.headers);
    assert.equal(headersOf(a.sha256)[0]?.['x-amz-server-side-encryption'], 'AES256');
    // Multipart: encryption is asked when the upload is created.
    const created = server.requests.find((r) => r.method === 'POST' && r.url.includes(`${k.sha256}?uploads`));
    assert.equal(created?.headers['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(created?.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'arn:aws:kms:test:key/1');
  });

  it('reports a missing bucket as unavailable, not as a missing blob', async () => {
    const store = await open(server.settings('path', { bucket: 'no-such-bucket' }));
    await assert.rejects(store.get('0'.repeat(64)), { code: 'BLOB_UNAVAILABLE' });
    await assert.rejects(store.put(new TextEncoder().encode('x')), { code: 'BLOB_UNAVAILABLE' });
    await assert.rejects(store.ping(), { code: 'BLOB_UNAVAILABLE' });
  });

  it('reports an unreachable store as unavailable', async () => {
    const store = await open({ ...server.settings('path'), endpoint: 'http://127.0.0.1:1' });
    await assert.rejects(store.has('0'.repeat(64)), { code: 'BLOB_UNAVAILABLE' });
    await assert.rejects(store.ping(), { code: 'BLOB_UNAVAILABLE' });
  });

  it('fails its readiness probe when the store takes connections and never answers', {
    timeout: 30_000,
  }, async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const store = await open({ ...server.settings('path'), endpoint: `http://127.0.0.1:${port}` });
      await assert.rejects(store.ping(), { code: 'BLOB_UNAVAILABLE' });
    } finally {
      silent.close();
    }
  });
});
