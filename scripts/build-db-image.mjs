#!/usr/bin/env node
// Makes dist/db/pglite-image.tgz: an embedded database already created and migrated, so the first
// `paraphe start` on a fresh data folder unpacks it instead of running initdb in WASM (most of a
// first start). Skipped when the migrations and the installed PGlite are those it was made from.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dist = 'dist/db';
const image = `${dist}/pglite-image.tgz`;
// What the image depends on, by content: copy-assets rewrites the migrations on every build, so
// their dates say nothing.
const inputs = [
  ...readdirSync(`${dist}/migrations`)
    .sort()
    .map((file) => `${dist}/migrations/${file}`),
  'node_modules/@electric-sql/pglite/package.json',
];
const hash = createHash('sha256');
for (const file of inputs) hash.update(file).update(readFileSync(file));
const digest = hash.digest('hex');
const stamp = `${image}.inputs`;
if (existsSync(image) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) process.exit(0);

const started = Date.now();
const { writePgliteImage } = await import(pathToFileURL(`${dist}/pglite-image.js`).href);
const { migrate } = await import(pathToFileURL(`${dist}/migrate.js`).href);
const { pgliteDb } = await import(pathToFileURL(`${dist}/pglite.js`).href);
await writePgliteImage(image, (pglite) => migrate(pgliteDb(pglite)));
writeFileSync(stamp, digest);
console.log(`built ${image} (${Math.round(statSync(image).size / 1024)} KB, ${Date.now() - started} ms)`);
