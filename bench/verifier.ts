// Benchmark: the public verification page (POST /verifier, multipart upload → verdict page) for a
// one-page sealed PDF (~20 KB) and a 10 MB one, side by side in one run, in process (Fastify inject,
// PGlite): the time a visitor waits once the upload has arrived, and how much of it is verifyPdf.
// Usage: npx tsx bench/verifier.ts [--rounds N]
import { verifyPdf } from '../src/pdf/verify/index.js';
import { type VerifierFixture, verifierFixture, verifierForm } from '../test/support/verification.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function measure(label: string, fixture: VerifierFixture) {
  const post: number[] = [];
  const verify: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let started = performance.now();
    const res = await fixture.app.inject({
      method: 'POST',
      url: '/verifier',
      ...verifierForm({ pdf: fixture.sealedPdf }),
    });
    post.push(performance.now() - started);
    if (!res.body.includes('Document intact'))
      throw new Error(`${label}: unexpected verdict (${res.statusCode})`);
    started = performance.now();
    await verifyPdf(fixture.sealedPdf, { trustRoots: [] });
    verify.push(performance.now() - started);
  }
  const mb = fixture.sealedPdf.length / 1024 / 1024;
  const p = median(post);
  console.log(
    `${label.padEnd(8)} ${mb.toFixed(2).padStart(6)} MB  POST /verifier median ${p.toFixed(0).padStart(5)} ms` +
      `  (${(mb / (p / 1000)).toFixed(1)} MB/s)  verifyPdf alone ${median(verify).toFixed(0).padStart(5)} ms`,
  );
  return p;
}

const small = await verifierFixture();
const large = await verifierFixture({ maxPdfBytes: 20 * 1024 * 1024, padToBytes: 10 * 1024 * 1024 });
try {
  console.log(`verification page, ${rounds} rounds each (median)`);
  const a = await measure('typical', small);
  const b = await measure('10 MB', large);
  console.log(`ratio 10 MB / typical: ${(b / a).toFixed(1)}x`);
} finally {
  await small.close();
  await large.close();
}
