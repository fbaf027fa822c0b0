/**
 * Seal benchmark: `npx tsx bench/seal.ts [--quick]`.
 * For ~1 MB, 10 MB, 50 MB and a 200-page input, with RSA-3072 and P-256 test keys, prints the warm
 * in-process seal (read + stamp + evidence page + certification) beside, measured in the same run:
 * the floor (read + SHA-256 of the bytes + one signature) and a naive full re-save (pdf-lib load +
 * save). Each case runs in its own child process so its peak RSS is its own.
 * Goals (issue 4): seal <= 2 x floor + 30 ms; peak RSS <= input + 150 MB.
 * `--levels`: seal time at PAdES B-T, B-LT and B-LTA side by side (issue 15), against the test PKI's
 * loopback TSA and OCSP responder (started if needed), RSA-3072, 1 MB and 10 MB inputs.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';

const quick = process.argv.includes('--quick');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** A one-page PDF carrying an incompressible image of about `megabytes` MB (like a scan). */
async function imagePdf(megabytes: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Scanned contract', { x: 50, y: 800, size: 18 });
  const side = Math.floor(Math.sqrt((megabytes * 1024 * 1024) / 3));
  const image = doc.context.stream(randomBytes(side * side * 3), {
    Type: 'XObject',
    Subtype: 'Image',
    Width: side,
    Height: side,
    ColorSpace: 'DeviceRGB',
    BitsPerComponent: 8,
  });
  const ref = doc.context.register(image);
  page.node.setXObject(PDFName.of('Scan'), ref);
  const content = doc.context.stream('q 495 0 0 700 50 50 cm /Scan Do Q');
  page.node.addContentStream(doc.context.register(content));
  return doc.save();
}

/** 200 pages of text, the shape of a long contract. */
async function longPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595, 842]);
    for (let line = 0; line < 50; line++) {
      page.drawText(`Article ${i + 1}.${line + 1} — the parties agree on clause ${line} of page ${i + 1}.`, {
        x: 50,
        y: 800 - line * 15,
        size: 10,
        font,
      });
    }
  }
  return doc.save();
}

interface CaseResult {
  floorMs: number;
  sealMs: number;
  resaveMs: number | null;
  peakRssMb: number;
  baselineRssMb: number;
}

async function runCase(file: string, algorithm: 'rsa' | 'ec', withResave: boolean): Promise<CaseResult> {
  const { sealDocument } = await import('../src/pdf/index.js');
  const { makePng, sampleEvidence, testSealKey } = await import('../src/pdf/testing/fixtures.js');
  const key = testSealKey(algorithm === 'rsa' ? 'seal-rsa' : 'seal-ec');
  const png = makePng({ width: 400, height: 150, rgb: [0, 0, 120], inset: 10 });
  const evidence = sampleEvidence(path.basename(file));
  const seal = async () => {
    const bytes = readFileSync(file);
    return sealDocument({
      pdfBytes: bytes,
      stamps: [
        {
          page: 1,
          rect: { x: 350, y: 700, width: 180, height: 70 },
          imagePng: png,
          signerName: 'Éloïse Müller',
          signedAt: new Date('2026-11-26T10:02:00Z'),
        },
      ],
      evidence,
      seal: {
        key,
        reason: 'Bench',
        location: 'Paris',
        contactInfo: 'ops@paraphe.example',
        docMdpPermissions: 1,
        locale: 'fr',
        signingTime: new Date('2026-11-26T10:05:00Z'),
      },
    });
  };
  const floor = async () => {
    const bytes = readFileSync(file);
    const digest = createHash('sha256').update(bytes).digest();
    return key.sign(digest);
  };
  // Memory first: maxRSS is a high-water mark for the process, so one seal from a collected heap
  // gives the peak of one seal (later warm runs would add the garbage the GC has not returned yet).
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  await seal();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const runs = quick ? 3 : 7;
  for (let i = 0; i < 2; i++) {
    await seal();
    await floor();
  }
  const floorMs = await timed(runs, floor);
  const sealMs = await timed(runs, seal);
  let resaveMs: number | null = null;
  if (withResave) {
    const resave = async () => (await PDFDocument.load(readFileSync(file), { updateMetadata: false })).save();
    await resave();
    resaveMs = await timed(quick ? 1 : 3, resave);
  }
  return { floorMs, sealMs, resaveMs, peakRssMb, baselineRssMb };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-bench-'));
  const inputs: Array<[string, string]> = [];
  const make = async (name: string, build: () => Promise<Uint8Array>) => {
    const file = path.join(dir, `${name}.pdf`);
    writeFileSync(file, await build());
    inputs.push([name, file]);
  };
  await make('1 MB', () => imagePdf(1));
  await make('10 MB', () => imagePdf(10));
  await make('50 MB', () => imagePdf(50));
  await make('200 pages', () => longPdf(200));
  const rows: string[] = [];
  const header = [
    'input'.padEnd(10),
    'key'.padEnd(9),
    'size MB'.padStart(8),
    'floor ms'.padStart(9),
    'seal ms'.padStart(8),
    'goal ms'.padStart(8),
    'x floor'.padStart(8),
    're-save ms'.padStart(11),
    'peak RSS MB'.padStart(12),
    'peak-input MB'.padStart(14),
    'peak-base MB'.padStart(13),
    'verdict',
  ].join(' ');
  console.log(header);
  for (const [name, file] of inputs) {
    const sizeMb = statSync(file).size / 2 ** 20;
    for (const algorithm of ['rsa', 'ec'] as const) {
      // One child per case, so its peak RSS belongs to this case alone.
      const output = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--expose-gc',
          new URL(import.meta.url).pathname,
          '--case',
          file,
          algorithm,
          algorithm === 'rsa' ? 'resave' : '',
          ...(quick ? ['--quick'] : []),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const result = JSON.parse(output.trim().split('\n').pop() ?? '{}') as CaseResult;
      const goal = 2 * result.floorMs + 30;
      const overInput = result.peakRssMb - sizeMb;
      const ok = result.sealMs <= goal && overInput <= 150;
      const row = [
        name.padEnd(10),
        (algorithm === 'rsa' ? 'RSA-3072' : 'P-256').padEnd(9),
        sizeMb.toFixed(1).padStart(8),
        result.floorMs.toFixed(1).padStart(9),
        result.sealMs.toFixed(1).padStart(8),
        goal.toFixed(1).padStart(8),
        (result.sealMs / result.floorMs).toFixed(1).padStart(8),
        (result.resaveMs === null ? '' : result.resaveMs.toFixed(0)).padStart(11),
        result.peakRssMb.toFixed(0).padStart(12),
        overInput.toFixed(0).padStart(14),
        (result.peakRssMb - result.baselineRssMb).toFixed(0).padStart(13),
        ok ? 'ok' : 'OVER GOAL',
      ].join(' ');
      console.log(row);
      rows.push(row);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** B-T, B-LT and B-LTA seal times of the same input in one run (median of `runs`). */
async function levelsMain(): Promise<void> {
  const { sealDocument } = await import('../src/pdf/index.js');
  const { createTsaClient, extendLtv } = await import('../src/keys/index.js');
  const { sampleEvidence, sampleSealOptions } = await import('../src/pdf/testing/fixtures.js');
  const { ensureLocalPkiServices, localTsaUrl } = await import('../test/support/pdf-validate.js');
  await ensureLocalPkiServices();
  const timestamp = createTsaClient({ urls: [localTsaUrl], rounds: 1 });
  const runs = quick ? 3 : 7;
  console.log(
    ['input'.padEnd(8), 'B-T ms', 'B-LT ms', 'B-LTA ms', 'B-LT/B-T', 'B-LTA/B-T', 'B-LTA extra KB'].join(
      '  ',
    ),
  );
  for (const [name, build] of [
    ['1 MB', () => imagePdf(1)],
    ['10 MB', () => imagePdf(10)],
  ] as const) {
    const pdfBytes = await build();
    const seal = () =>
      sealDocument({
        pdfBytes,
        stamps: [],
        evidence: sampleEvidence(),
        seal: sampleSealOptions({ timestamp }),
      });
    const atLevel = async (level: 'B-LT' | 'B-LTA') =>
      extendLtv((await seal()).pdfBytes, { level, timestamp });
    await seal();
    await atLevel('B-LTA');
    const bt = await timed(runs, seal);
    const blt = await timed(runs, () => atLevel('B-LT'));
    const blta = await timed(runs, () => atLevel('B-LTA'));
    const extraKb = ((await atLevel('B-LTA')).pdfBytes.length - (await seal()).pdfBytes.length) / 1024;
    console.log(
      [
        name.padEnd(8),
        bt.toFixed(0).padStart(6),
        blt.toFixed(0).padStart(7),
        blta.toFixed(0).padStart(8),
        (blt / bt).toFixed(2).padStart(8),
        (blta / bt).toFixed(2).padStart(9),
        extraKb.toFixed(0).padStart(14),
      ].join('  '),
    );
  }
}

const caseAt = process.argv.indexOf('--case');
if (process.argv.includes('--levels')) {
  await levelsMain();
} else if (caseAt >= 0) {
  const [file, algorithm, resave] = process.argv.slice(caseAt + 1);
  const result = await runCase(file as string, algorithm === 'ec' ? 'ec' : 'rsa', resave === 'resave');
  console.log(JSON.stringify(result));
} else {
  await main();
}
