import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Serves the files of `dirs` at /assets/<name>, read once at start (they ship with the program).
 * Only names found there are served, so no path can escape the folder.
 */
export function registerAssets(
  app: FastifyInstance,
  // The signing page's bundle is built into <package>/dist/client (npm run build:client), the same
  // place whether this file runs from src/web or dist/web.
  dirs: URL[] = [new URL('./public/', import.meta.url), new URL('../../dist/client/', import.meta.url)],
): void {
  const files = new Map<string, { body: Buffer; gzipped: Buffer | null; type: string; etag: string }>();
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(fileURLToPath(dir));
    } catch {
      continue; // an optional folder (e.g. the client bundle before a build)
    }
    for (const name of names) {
      const ext = name.slice(name.lastIndexOf('.'));
      const type = TYPES[ext];
      if (!type) continue;
      const body = readFileSync(fileURLToPath(new URL(name, dir)));
      // Text assets are compressed once at start: the pdf.js worker is 1.2 MB raw, ~0.35 MB gzipped.
      const isText = !['.png', '.woff2'].includes(ext) && body.length > 1024;
      files.set(name, {
        body,
        gzipped: isText ? gzipSync(body, { level: 9 }) : null,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      });
    }
  }
  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file) return reply.callNotFound();
    reply
      .header('content-type', file.type)
      .header('etag', file.etag)
      .header('cache-control', 'public, max-age=300');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    reply.header('vary', 'accept-encoding');
    if (file.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
      return reply.header('content-encoding', 'gzip').send(file.gzipped);
    return reply.send(file.body);
  });
}
