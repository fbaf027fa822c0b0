/**
 * Robustness run over a folder of real-world PDFs: `npm run corpus:pdf -- [DIR]`
 * (default ../shared/corpus/pdf). For every file, in a worker process with a heap limit and a
 * per-file timeout (a hang or a crash costs the worker, never the run): inspect, stamp page 1,
 * evidence, seal with the test PKI's RSA key; then judge the output with our verifyPdf, Debian's
 * pdfsig (test root trusted through an NSS database), qpdf --check and pyHanko (the reference PAdES
 * validator, vendored in the shared checker). Paraphe's seal is found by its field name, never by
 * its place in the list; every signature the input had that pdfsig found valid must stay valid.
 * pyHanko judges strictly, and leniently (--no-strict-syntax) only when the input's own bytes
 * already break PDF syntax (its strict parser refuses the input too, or the input is a
 * hybrid-reference file, which strict settings refuse); the line says which.
 * One line per file, totals, exit 1 on any failure.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TIMEOUT_MS = Number(process.env.CORPUS_TIMEOUT_MS ?? 90_000);
// qpdf checks a 5000-page file in ~30 s of CPU: a shared machine needs room before a validator's
// timeout would be read as its verdict.
const TOOL_TIMEOUT_MS = 300_000;
const HEAP_MB = Number(process.env.CORPUS_HEAP_MB ?? 1536);

interface Job {
  file: string;
  out: string;
}
type WorkerReply =
  | { status: 'sealed'; kind: string; ms: number; verifyProblems: string[] }
  | { status: 'refused'; code: string; message: string }
  | { status: 'failed'; reason: string };

async function workerMain(): Promise<void> {
  const { isAppError } = await import('../src/shared/errors.js');
  const { inspectPdf, assertSignable, sealDocument } = await import('../src/pdf/index.js');
  const { verifyPdf } = await import('../src/pdf/verify/index.js');
  const { X509Certificate } = await import('node:crypto');
  const { makePng, sampleEvidence, testSealKey } = await import('../src/pdf/testing/fixtures.js');
  const key = testSealKey('seal-rsa');
  const { PKI_DIR } = await import('../src/pdf/testing/fixtures.js');
  const root = new Uint8Array(new X509Certificate(readFileSync(path.join(PKI_DIR, 'root.pem'))).raw);
  const png = makePng({ width: 240, height: 90, rgb: [20, 40, 160], inset: 6 });
  process.on('message', async (job: Job) => {
    const started = performance.now();
    let reply: WorkerReply;
    try {
      const bytes = new Uint8Array(readFileSync(job.file));
      const inspection = await inspectPdf(bytes);
      assertSignable(inspection, path.basename(job.file));
      const page = inspection.pages[0];
      const pageWidth = page?.width ?? 200;
      const pageHeight = page?.height ?? 100;
      const width = Math.min(150, pageWidth * 0.8);
      const height = Math.min(60, pageHeight * 0.8);
      const sealed = await sealDocument({
        pdfBytes: bytes,
        fileName: path.basename(job.file),
        stamps: [
          {
            page: 1,
            rect: { x: pageWidth * 0.05, y: pageHeight * 0.05, width, height },
            imagePng: png,
            signerName: 'Éloïse Müller',
            signedAt: new Date('2026-11-26T10:02:00Z'),
          },
        ],
        evidence: sampleEvidence(path.basename(job.file)),
        seal: {
          key,
          reason: 'Paraphe corpus run',
          location: 'Test',
          contactInfo: 'ops@paraphe.example',
          docMdpPermissions: 1,
          locale: 'fr',
          signingTime: new Date('2026-11-26T10:05:00Z'),
        },
      });
      const ms = Math.round(performance.now() - started);
      writeFileSync(job.out, sealed.pdfBytes);
      // Our own verifier (keys helper's verifyPdf) on the seal we just wrote: the last signature.
      const report = await verifyPdf(sealed.pdfBytes, { trustRoots: [root] });
      const ours = report.signatures[report.signatures.length - 1];
      const verifyProblems = !ours
        ? ['verifyPdf found no signature']
        : ours.isValid
          ? []
          : ours.problems.map((p) => `verifyPdf: ${p}`);
      reply = { status: 'sealed', kind: sealed.kind, ms, verifyProblems };
    } catch (error) {
      if (isAppError(error) && error.kind === 'invalid') {
        reply = { status: 'refused', code: error.code, message: error.message };
      } else {
        reply = {
          status: 'failed',
          reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
    }
    process.send?.(reply);
  });
  process.send?.({ ready: true });
}

interface PdfsigSignature {
  field: string;
  isValid: boolean;
  isTrusted: boolean;
  isTotal: boolean;
}

function pdfsig(file: string, nssDir: string): PdfsigSignature[] {
  const result = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, '-no-ocsp', file], {
    encoding: 'latin1',
    timeout: TOOL_TIMEOUT_MS,
  });
  const text = `${result.stdout ?? ''}`;
  return text
    .split(/^Signature #\d+:/m)
    .slice(1)
    .map((block) => ({
      field: block.match(/Signature Field Name: (.*)/)?.[1]?.trim() ?? '',
      isValid: /Signature Validation: Signature is Valid/.test(block),
      isTrusted: /Certificate Validation: Certificate is Trusted/.test(block),
      isTotal: /Total document signed/.test(block),
    }));
}

const SEAL_FIELD = /^Paraphe seal( \d+)?$/;
const pyhankoScript = path.resolve('../shared/tools/pdf-validate/pyhanko.sh');

/** pyHanko's one-line status per signature field, e.g. `INTACT:TRUSTED,UNTOUCHED`. */
interface PyhankoReport {
  statuses: Map<string, string>;
  refusesSyntax: boolean;
  error: string;
}

function pyhanko(file: string, trustRoot: string, options: { lenient?: boolean } = {}): PyhankoReport {
  const args = ['sign', 'validate', '--trust', trustRoot, '--trust-replace', '--soft-revocation-check'];
  if (options.lenient) args.push('--no-strict-syntax');
  const result = spawnSync(pyhankoScript, [...args, file], { encoding: 'utf8', timeout: 300_000 });
  const statuses = new Map<string, string>();
  for (const line of (result.stdout ?? '').split('\n')) {
    const match = line.match(/^(.*):[0-9a-f]{64}:(.*)$/);
    if (match) statuses.set(match[1] as string, match[2] as string);
  }
  const stderr = result.stderr ?? '';
  const lastLine = stderr.trim().split('\n').pop() ?? '';
  // Hybrid-reference files (a classic xref table pointing at an /XRefStm too) are refused by
  // pyHanko's strict settings, like syntax its strict parser does not accept.
  const refusesSyntax = stderr.includes('strict mode') || stderr.includes('hybrid-reference');
  return { statuses, refusesSyntax, error: lastLine.slice(0, 160) };
}

/**
 * Strict first; lenient only when the input itself already breaks the syntax strict mode wants.
 * When pyHanko cannot process the input at all (it fails on the file as received: junk before
 * the header, a signature dictionary it cannot read), it has no verdict to give on the output
 * either: reported as such, never as valid.
 */
function pyhankoVerdict(input: string, output: string, trustRoot: string) {
  const strict = pyhanko(output, trustRoot);
  if (strict.statuses.size === 0 && !strict.refusesSyntax) {
    const received = pyhanko(input, trustRoot);
    if (received.statuses.size === 0 && received.error)
      return { ...strict, mode: 'fails on the input' as const };
  }
  if (!strict.refusesSyntax) return { ...strict, mode: 'strict' as const };
  const isHybrid = readFileSync(input).includes('/XRefStm');
  if (!isHybrid && !pyhanko(input, trustRoot).refusesSyntax) return { ...strict, mode: 'strict' as const };
  return { ...pyhanko(output, trustRoot, { lenient: true }), mode: 'lenient' as const };
}

function pyhankoAvailable(): boolean {
  return spawnSync(pyhankoScript, ['--version'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** qpdf's exit code, or -1 when it did not finish (told apart from a failed check). */
function qpdfStatus(file: string): number {
  const result = spawnSync('qpdf', ['--check', file], { stdio: 'ignore', timeout: TOOL_TIMEOUT_MS });
  return result.error || result.status === null ? -1 : result.status;
}

class Worker {
  private child: ChildProcess | null = null;

  private async start(): Promise<ChildProcess> {
    const child = fork(new URL(import.meta.url).pathname, ['--worker'], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${HEAP_MB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.resume();
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`worker exited during start (${code})`)));
    });
    this.child = child;
    return child;
  }

  async run(job: Job): Promise<WorkerReply> {
    const child = this.child ?? (await this.start());
    return new Promise((resolve) => {
      const done = (reply: WorkerReply) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply);
      };
      const onMessage = (reply: WorkerReply) => done(reply);
      const onExit = (code: number | null, signal: string | null) => {
        this.child = null;
        done({ status: 'failed', reason: `worker died (${signal ?? code}): out of memory or crash` });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = null;
        done({ status: 'failed', reason: `timeout after ${TIMEOUT_MS} ms` });
      }, TIMEOUT_MS);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(job);
    });
  }

  stop(): void {
    this.child?.kill();
  }
}

function listFiles(dir: string): string[] {
  const manifest = path.join(dir, 'MANIFEST.tsv');
  if (existsSync(manifest)) {
    return readFileSync(manifest, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('file\t'))
      .map((line) => line.split('\t')[0] as string);
  }
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const rel = path.join(sub, name);
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else if (/\.pdf$/i.test(name)) out.push(rel);
    }
  };
  walk('');
  return out;
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? '../shared/corpus/pdf');
  const files = listFiles(dir);
  const work = mkdtempSync(path.join(tmpdir(), 'paraphe-corpus-'));
  const { createNssTrustStore } = await import('../src/pdf/testing/tools.js');
  const nssDir = createNssTrustStore(path.join(work, 'nss'));
  if (!pyhankoAvailable()) {
    console.error(
      `pyHanko does not run (${pyhankoScript}): bash scripts/ensure-tools.sh installs its packages`,
    );
    process.exit(1);
  }
  const { PKI_DIR } = await import('../src/pdf/testing/fixtures.js');
  const trustRoot = path.join(PKI_DIR, 'root.pem');
  const pyhankoModes = { strict: 0, lenient: 0, 'fails on the input': 0 };
  const earlierJudgedModified: string[] = [];
  const worker = new Worker();
  const totals = { 'sealed-valid': 0, refused: 0, failed: 0 };
  const refusals = new Map<string, number>();
  let unencrypted = 0;
  let unencryptedSealed = 0;
  for (const [i, file] of files.entries()) {
    const full = path.join(dir, file);
    const out = path.join(work, `out-${i}.pdf`);
    const reply = await worker.run({ file: full, out });
    let verdict: keyof typeof totals;
    let note: string;
    if (reply.status === 'sealed') {
      const validBefore = pdfsig(full, nssDir)
        .filter((s) => s.isValid)
        .map((s) => s.field);
      const after = pdfsig(out, nssDir);
      const seals = after.filter((s) => SEAL_FIELD.test(s.field) && !validBefore.includes(s.field));
      const ours = seals[seals.length - 1];
      const broken = validBefore.filter((field) => !after.find((s) => s.field === field)?.isValid);
      const qIn = qpdfStatus(full);
      const qOut = qpdfStatus(out);
      const problems: string[] = [...reply.verifyProblems];
      if (!ours) problems.push('pdfsig: no Paraphe seal field');
      if (!ours?.isValid) problems.push('pdfsig: seal not valid');
      if (!ours?.isTrusted) problems.push('pdfsig: seal not trusted');
      if (!ours?.isTotal) problems.push('pdfsig: not total document signed');
      if (broken.length > 0) problems.push(`existing signatures broken: ${broken.join(', ')}`);
      // qpdf exit 0 = clean, 3 = warnings, 2 = errors; the output may not be worse than the input.
      if (qIn === -1 || qOut === -1) problems.push('qpdf --check did not finish in time');
      else if (qOut !== 0 && !(qOut === 3 && qIn !== 0))
        problems.push(`qpdf --check exit ${qOut} (input ${qIn})`);
      const py = pyhankoVerdict(full, out, trustRoot);
      const status = ours ? py.statuses.get(ours.field) : undefined;
      if (py.mode === 'fails on the input') {
        // Judged by verifyPdf, pdfsig and qpdf only; counted apart in the totals.
      } else if (!status)
        problems.push(`pyHanko (${py.mode}): no verdict for the seal${py.error ? ` (${py.error})` : ''}`);
      else if (!/^INTACT:TRUSTED/.test(status) || !/UNTOUCHED$/.test(status))
        problems.push(`pyHanko (${py.mode}): ${status}`);
      for (const field of validBefore) {
        const before = py.statuses.get(field);
        if (before !== undefined && !before.startsWith('INTACT'))
          problems.push(`pyHanko: ${field} now ${before}`);
        // Intact bytes, but pyHanko's diff policy calls what our seal added (new pages, the
        // evidence attachment) not allowed after that signature: known, counted, not hidden.
        if (before?.includes('ILLEGAL_MODIFICATIONS')) earlierJudgedModified.push(`${file} (${field})`);
      }
      if (problems.length === 0) pyhankoModes[py.mode] += 1;
      verdict = problems.length === 0 ? 'sealed-valid' : 'failed';
      note =
        problems.length === 0 ? `${reply.kind}, ${reply.ms} ms, pyHanko ${py.mode}` : problems.join('; ');
    } else if (reply.status === 'refused') {
      verdict = 'refused';
      note = `${reply.code}: ${reply.message}`;
      refusals.set(reply.code, (refusals.get(reply.code) ?? 0) + 1);
    } else {
      verdict = 'failed';
      note = reply.reason;
    }
    totals[verdict] += 1;
    const isEncrypted = reply.status === 'refused' && reply.code.startsWith('PDF_ENCRYPTED');
    if (!isEncrypted) {
      unencrypted += 1;
      if (verdict === 'sealed-valid') unencryptedSealed += 1;
    }
    console.log(`${verdict.padEnd(12)} ${file}  (${note})`);
    rmSync(out, { force: true });
  }
  worker.stop();
  rmSync(work, { recursive: true, force: true });
  const share = unencrypted ? ((100 * unencryptedSealed) / unencrypted).toFixed(1) : '0';
  console.log(
    `\n${files.length} files: ${totals['sealed-valid']} sealed-valid, ${totals.refused} refused, ${totals.failed} failed`,
  );
  console.log(`refusals: ${[...refusals].map(([code, n]) => `${code} ${n}`).join(', ') || 'none'}`);
  console.log(`unencrypted files sealed-valid: ${unencryptedSealed}/${unencrypted} (${share}%)`);
  console.log(
    `pyHanko verdicts on the sealed-valid: ${pyhankoModes.strict} strict, ${pyhankoModes.lenient} lenient, ${pyhankoModes['fails on the input']} where pyHanko fails on the input itself (judged by the other three)`,
  );
  console.log(
    `earlier signatures intact but judged ILLEGAL_MODIFICATIONS by pyHanko after our seal: ${earlierJudgedModified.length}${earlierJudgedModified.length ? ` (${earlierJudgedModified.join(', ')})` : ''}`,
  );
  process.exit(totals.failed > 0 ? 1 : 0);
}

if (process.argv.includes('--worker')) await workerMain();
else await main();
