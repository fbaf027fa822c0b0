#!/usr/bin/env node
// The `paraphe` command: the compiled program when it has been built (`npm run build`),
// else the TypeScript sources through tsx, so a fresh checkout works either way.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(fileURLToPath(new URL('../src/main.ts', import.meta.url)));
}
