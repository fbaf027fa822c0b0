#!/usr/bin/env node
// tsc compiles TypeScript only: copy the files the program reads at run time next to its output.
import { cpSync } from 'node:fs';

for (const dir of ['db/migrations', 'web/public']) {
  cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true, force: true, errorOnExist: false });
}
