import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  dirs: URL[] = [new URL('./public/', import.meta.url)],
): void {
  const files = new Map<string, { body: Buffer; type: string; etag: string }>();
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
      files.set(name, {
        body,
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
    return reply.send(file.body);
  });
}
