import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3BlobStoreSettings } from '../../src/blobs/s3-store.js';
import { freePort } from './ports.js';

/** The domain whose names resolve to loopback for virtual-host requests (s3rver's service endpoint). */
const SERVICE_DOMAIN = 'paraphe.test';
export const TEST_BUCKET = 'paraphe-test';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family: number,
) => void;

/**
 * An agent that resolves every `*.paraphe.test` name to 127.0.0.1, as a DNS wildcard record
 * would for a real store's `<bucket>.s3.<region>.<provider>` names; other names go to the resolver.
 */
export function loopbackAgent(): http.Agent {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    if (!hostname.endsWith(`.${SERVICE_DOMAIN}`))
      return dnsLookup(hostname, { ...options, all: true }, (error, addresses) =>
        options.all
          ? callback(error, addresses, 0)
          : callback(error, addresses[0]?.address ?? '', addresses[0]?.family ?? 4),
      );
    if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }], 0);
    return callback(null, '127.0.0.1', 4);
  };
  return new http.Agent({ keepAlive: true, lookup } as http.AgentOptions);
}

/**
 * s3rver (the S3 wire protocol over a folder) on a random loopback port, with one bucket, and a
 * record of the requests it received so tests can check what went over the wire.
 */
export async function startS3Server() {
  const directory = mkdtempSync(path.join(tmpdir(), 'paraphe-s3rver-'));
  const s3rver = new S3rver({
    silent: true,
    directory,
    serviceEndpoint: SERVICE_DOMAIN,
    configureBuckets: [{ name: TEST_BUCKET, configs: [] }],
  });
  await s3rver.configureBuckets();
  const requests: RecordedRequest[] = [];
  const handle = s3rver.callback();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handle(req, res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const spoolRoot = mkdtempSync(path.join(tmpdir(), 'paraphe-s3-spool-'));
  let spools = 0;
  return {
    requests,
    /** Store settings for this server: path-style on its address, or virtual-host on a name. */
    settings(style: 'path' | 'virtual-host', extra: Partial<S3BlobStoreSettings> = {}): S3BlobStoreSettings {
      return {
        bucket: TEST_BUCKET,
        prefix: 'blobs/',
        endpoint: style === 'path' ? `http://127.0.0.1:${port}` : `http://s3.${SERVICE_DOMAIN}:${port}`,
        region: 'us-east-1',
        forcePathStyle: style === 'path',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        // The smallest part S3 allows, so multipart runs on blobs of a few MB.
        partSizeBytes: 5 * 1024 * 1024,
        spoolDir: path.join(spoolRoot, String(++spools)),
        ...extra,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(directory, { recursive: true, force: true });
      rmSync(spoolRoot, { recursive: true, force: true });
    },
  };
}
