// Test helper process: starts writing a large blob and never finishes, so the parent can kill it
// mid-write. Usage: blob-writer-child.ts DIR
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { openFsBlobStore } from '../../src/blobs/index.js';
import { randomIds } from '../../src/shared/ids.js';

const dir = process.argv[2] as string;
const store = await openFsBlobStore({ root: dir, ids: randomIds });
const chunk = Buffer.alloc(1024 * 1024, 7);
const total = 64;
const expected = createHash('sha256');
for (let i = 0; i < total; i++) expected.update(chunk);
const sha = expected.digest('hex');
let sent = 0;
const stream = new Readable({
  read() {
    if (sent === total / 2) {
      process.stdout.write(`writing ${sha}\n`);
      setInterval(() => {}, 1000); // stay alive until killed
      return; // stall here: the parent kills us with half the bytes written
    }
    sent++;
    this.push(chunk);
  },
});
await store.putStream(stream);
