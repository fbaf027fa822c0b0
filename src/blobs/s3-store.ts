import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { Agent } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AppError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import { blobKey, checkedBlob, SHA256_HEX, sha256Hex } from './blob-id.js';
import type { BlobRef, BlobStore } from './types.js';

/** A spool file this old belongs to no live write (a crashed process left it). */
const SPOOL_LEFTOVER_MS = 60 * 60 * 1000;
const PING_TIMEOUT_MS = 3000;

/** Where and how the S3 store keeps blobs (`config.blobs.s3`). */
export interface S3BlobStoreSettings {
  bucket: string;
  /** Empty, or ends with `/`. */
  prefix: string;
  endpoint?: string | undefined;
  region: string;
  forcePathStyle: boolean;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sse?: 'AES256' | 'aws:kms' | undefined;
  sseKmsKeyId?: string | undefined;
  partSizeBytes: number;
  /** Local folder where a stream is written before upload: its hash names the object. */
  spoolDir: string;
}

export interface S3BlobStore extends BlobStore {
  close(): Promise<void>;
}

const md5Base64 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/** A missing object, not a missing bucket (also 404, which is a setup fault, not "no blob"). */
const isNoSuchKey = (error: unknown) => error instanceof S3ServiceException && error.name === 'NoSuchKey';

function unavailable(what: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof S3ServiceException ? `${error.name} (${statusOf(error)})` : String(error);
  return new AppError('BLOB_UNAVAILABLE', `${what}: ${detail}`, { cause: error });
}

function createClient(settings: S3BlobStoreSettings, httpAgent: Agent | undefined): S3Client {
  // The SDK warns on every start under Node 20 that its 2027 releases will need Node 22; the
  // operator cannot act on it (the SDK version is ours), so it is off unless they ask for it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    // The SDK's default CRC32 trailers (aws-chunked bodies) are refused by several S3-compatible
    // stores; Content-MD5, which every one of them checks, guards uploads instead, and reads are
    // checked against the SHA-256 that names the blob.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: 5000,
      socketTimeout: 60_000,
      ...(httpAgent ? { httpAgent } : {}),
    },
  });
}

/**
 * Blobs as objects `prefix/ab/cd/<sha256>` in an S3 bucket (AWS or compatible: OVHcloud, Scaleway,
 * MinIO, Ceph) — the same layout as the filesystem store, so a folder copy is a valid bucket.
 * An object appears only once complete, so a crash mid-upload leaves nothing under the name.
 * Existing content is never uploaded twice (HEAD first); every read is checked against its hash.
 */
export async function openS3BlobStore(options: {
  settings: S3BlobStoreSettings;
  ids: Ids;
  /** Connections through this agent (tests resolve virtual-host names to loopback with it). */
  httpAgent?: Agent;
}): Promise<S3BlobStore> {
  const { settings, ids } = options;
  const client = createClient(settings, options.httpAgent);
  // lib-storage sends parts without a digest; add one so a part damaged in transit is refused.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (
        context.commandName === 'UploadPartCommand' &&
        request.headers &&
        request.body instanceof Uint8Array &&
        request.headers['content-md5'] === undefined
      )
        request.headers['content-md5'] = md5Base64(request.body);
      return next(args);
    },
    { step: 'build', name: 'parapheUploadPartMd5' },
  );
  await mkdir(settings.spoolDir, { recursive: true });
  const now = Date.now();
  for (const name of await readdir(settings.spoolDir)) {
    const file = path.join(settings.spoolDir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > SPOOL_LEFTOVER_MS) await rm(file, { force: true });
  }

  const keyOf = (sha: string) => `${settings.prefix}${blobKey(sha)}`;
  const encryption: Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> = {
    ...(settings.sse ? { ServerSideEncryption: settings.sse } : {}),
    ...(settings.sseKmsKeyId ? { SSEKMSKeyId: settings.sseKmsKeyId } : {}),
  };

  async function exists(sha: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: keyOf(sha) }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw unavailable(`cannot look up blob ${sha}`, error);
    }
  }

  /** Uploads once: in one PUT with its MD5 up to the part size, in parts above it. */
  async function upload(input: {
    sha: string;
    sizeBytes: number;
    md5: string;
    body: () => Uint8Array | Readable;
  }): Promise<BlobRef> {
    const ref = { sha256: input.sha, sizeBytes: input.sizeBytes };
    try {
      if (await exists(input.sha)) return ref;
      const params = { Bucket: settings.bucket, Key: keyOf(input.sha), ...encryption };
      if (input.sizeBytes <= settings.partSizeBytes) {
        await client.send(
          new PutObjectCommand({
            ...params,
            Body: input.body(),
            ContentLength: input.sizeBytes,
            ContentMD5: input.md5,
          }),
        );
      } else {
        await new Upload({
          client,
          params: { ...params, Body: input.body() },
          partSize: settings.partSizeBytes,
        }).done();
      }
      return ref;
    } catch (error) {
      throw unavailable(`cannot store blob ${input.sha}`, error);
    }
  }

  return {
    put: (bytes) =>
      upload({
        sha: sha256Hex(bytes),
        sizeBytes: bytes.byteLength,
        md5: md5Base64(bytes),
        body: () => bytes,
      }),

    async putStream(stream) {
      // The object's name is the hash of its bytes, known only at the end: spool first.
      const spoolPath = path.join(settings.spoolDir, `${ids.uuid()}.part`);
      try {
        const sha = createHash('sha256');
        const md5 = createHash('md5');
        let sizeBytes = 0;
        stream.on('data', (chunk: Buffer) => {
          sha.update(chunk);
          md5.update(chunk);
          sizeBytes += chunk.length;
        });
        try {
          await pipeline(stream, createWriteStream(spoolPath, { flags: 'wx' }));
        } catch (error) {
          throw unavailable('blob write failed', error);
        }
        return await upload({
          sha: sha.digest('hex'),
          sizeBytes,
          md5: md5.digest('base64'),
          body: () => createReadStream(spoolPath),
        });
      } finally {
        await rm(spoolPath, { force: true });
      }
    },

    async get(sha) {
      if (!SHA256_HEX.test(sha)) throw new AppError('BLOB_NOT_FOUND', `not a blob id: ${sha}`);
      let bytes: Uint8Array;
      try {
        const response = await client.send(
          new GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(sha) }),
        );
        if (!response.Body) throw new Error('empty response body');
        bytes = await response.Body.transformToByteArray();
      } catch (error) {
        if (isNoSuchKey(error)) throw new AppError('BLOB_NOT_FOUND', `no blob ${sha}`, { cause: error });
        throw unavailable(`cannot read blob ${sha}`, error);
      }
      return checkedBlob(sha, bytes);
    },

    async has(sha) {
      if (!SHA256_HEX.test(sha)) return false;
      return exists(sha);
    },

    async delete(sha) {
      if (!SHA256_HEX.test(sha)) return;
      try {
        // S3 answers 204 for a key that is not there: deleting twice is no error, as on disk.
        await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: keyOf(sha) }));
      } catch (error) {
        throw unavailable(`cannot delete blob ${sha}`, error);
      }
    },

    async ping() {
      // A GET of a fixed name that need not exist: NoSuchKey proves the bucket answers and the
      // key is accepted (HEAD cannot tell a missing object from a missing bucket), and readiness
      // probes every few seconds cost no write.
      try {
        const response = await client.send(
          new GetObjectCommand({ Bucket: settings.bucket, Key: `${settings.prefix}.ping` }),
          // A store that accepts connections and never answers must fail the probe while the
          // load balancer still waits for it, not after the SDK's retries.
          { abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) },
        );
        (response.Body as Readable | undefined)?.destroy();
      } catch (error) {
        if (!isNoSuchKey(error)) throw unavailable(`bucket ${settings.bucket} does not answer`, error);
      }
    },

    async close() {
      client.destroy();
    },
  };
}
