#!/usr/bin/env node
// Bundles the signing page's browser code into dist/client with the files it loads at run time
// (pdf.js worker, handwriting font). Generated output: kept out of git, rebuilt by build and test.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const out = 'dist/client';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/web/client/signing.ts'],
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome100', 'safari15', 'firefox100'],
  minify: true,
  legalComments: 'linked',
  outfile: `${out}/signing.js`,
  logLevel: 'warning',
});
const pdfjs = path.dirname(require.resolve('pdfjs-dist/package.json'));
copyFileSync(path.join(pdfjs, 'build/pdf.worker.min.mjs'), `${out}/pdf.worker.min.mjs`);
const font = path.dirname(require.resolve('@fontsource/homemade-apple/package.json'));
copyFileSync(path.join(font, 'files/homemade-apple-latin-400-normal.woff2'), `${out}/homemade-apple.woff2`);
