// Robustness run over real-world messages: `npm run corpus:mail -- [DIR] [--timeout-ms N]`.
// Every message is handled twice: as pass-through (the mail filter's own path, bytes compared by
// SHA-256) and as a signature request (*SIGN added to its Subject and a PDF attached, then the
// per-recipient rewrite). The rewritten copy is parsed back with mailparser, as a mail client
// would: the link block must come first in the text and in the HTML, attachments must be
// byte-identical and the rest of the decoded text unchanged. Prints one line per file and totals;
// exits non-zero on any failure, crash or hang. Messages run in a child process that is killed and
// replaced when one file takes longer than the timeout.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { minimalPdf } from '../test/support/pdf.js';

const selfPath = fileURLToPath(import.meta.url);
const marker = '*SIGN';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (!/\.(tsv|md)$/i.test(name) && !name.startsWith('.')) out.push(full);
  }
  return out;
}

type FileResult = { file: string; status: string; detail: string };

async function loadChecker(): Promise<(file: string) => Promise<FileResult>> {
  const { parseMessage, lineBreakOf } = await import('../src/mail/inbound/sign-request/mime/parse-entity.js');
  const { rewriteMessage, analyseMessage, stripMarker, decodeSubject } = await import(
    '../src/mail/inbound/sign-request/index.js'
  );
  const { renderTextBlock } = await import('../src/mail/inbound/sign-request/mime/link-block.js');
  const { filterMessage } = await import('../src/mail/inbound/index.js');
  const { openPglite, migrate } = await import('../src/db/index.js');
  const { systemClock } = await import('../src/shared/clock.js');
  const { createLogger } = await import('../src/shared/logger.js');
  const db = await openPglite(undefined);
  await migrate(db);
  const logger = createLogger({ level: 'silent' });

  /** What a mail client does when the sender adds *SIGN and attaches a PDF. */
  function asSignRequest(raw: Buffer, pdf: Buffer): Buffer {
    const nl = lineBreakOf(raw);
    const root = parseMessage(raw);
    const subject = root.headers.find((h) => h.name === 'subject');
    let head: Buffer;
    const headerBytes = raw.subarray(0, root.headerEnd);
    if (subject) {
      head = Buffer.concat([
        raw.subarray(0, subject.end),
        Buffer.from(` ${marker}`),
        raw.subarray(subject.end, root.headerEnd),
      ]);
    } else {
      head = Buffer.concat([Buffer.from(`Subject: ${marker}${nl}`), headerBytes]);
    }
    const pdfPart = [
      'Content-Type: application/pdf; name="contract.pdf"',
      'Content-Disposition: attachment; filename="contract.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      (pdf.toString('base64').match(/.{1,76}/g) ?? []).join(nl),
    ].join(nl);
    const shift = head.length - root.headerEnd;
    if (root.contentType === 'multipart/mixed' && !root.isMalformed && root.params.boundary) {
      const b = root.params.boundary;
      let close = raw.indexOf(`--${b}--`, root.bodyStart);
      while (close > 0 && raw[close - 1] !== 10) close = raw.indexOf(`--${b}--`, close + 1);
      const at = close + shift;
      const all = Buffer.concat([head, raw.subarray(root.headerEnd)]);
      return Buffer.concat([
        all.subarray(0, at),
        Buffer.from(`--${b}${nl}${pdfPart}${nl}`),
        all.subarray(at),
      ]);
    }
    // Otherwise the client makes a multipart/mixed: the original content first, the PDF second.
    const boundary = `corpus-${sha(raw).slice(0, 16)}`;
    const top: Buffer[] = [];
    const inner: Buffer[] = [];
    const headRoot = parseMessage(Buffer.concat([head, raw.subarray(root.headerEnd)]));
    const full = Buffer.concat([head, raw.subarray(root.headerEnd)]);
    for (const f of headRoot.headers)
      (f.name.startsWith('content-') ? inner : top).push(full.subarray(f.start, f.end));
    const parts: Buffer[] = [];
    const line = (b: Buffer | string) =>
      parts.push(typeof b === 'string' ? Buffer.from(b) : b, Buffer.from(nl));
    for (const f of top) line(f);
    if (!headRoot.headers.some((h) => h.name === 'mime-version')) line('MIME-Version: 1.0');
    line(`Content-Type: multipart/mixed; boundary="${boundary}"`);
    line('');
    line(`--${boundary}`);
    for (const f of inner) line(f);
    line('');
    parts.push(headRoot.bodyStart > headRoot.headerEnd ? full.subarray(headRoot.bodyStart) : Buffer.alloc(0));
    line('');
    line(`--${boundary}`);
    line(pdfPart);
    line(`--${boundary}--`);
    return Buffer.concat(parts);
  }

  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  const visible = (html: string) =>
    norm(
      html
        .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
        .replace(
          /&(nbsp|amp|apos|quot|egrave|eacute|agrave);/g,
          (_, name: string) =>
            ({ nbsp: ' ', amp: '&', apos: "'", quot: '"', egrave: 'è', eacute: 'é', agrave: 'à' })[name] ??
            '',
        ),
    );
  const attachmentHashes = (parsed: Awaited<ReturnType<typeof simpleParser>>) =>
    parsed.attachments.map((a) => sha(a.content)).sort();

  /**
   * The DATA stream as smtp-server gives it: chunks, and the end on a later tick. (filterMessage
   * as of mail@c07badb never settles when the stream has already ended by the time the header is
   * read: the 'end' event fires between its two readers. Reported to the mail helper.)
   */
  function smtpLikeStream(raw: Buffer): PassThrough {
    const stream = new PassThrough();
    for (let i = 0; i < raw.length; i += 65_536) stream.write(raw.subarray(i, i + 65_536));
    setTimeout(() => stream.end(), 1);
    return stream;
  }

  async function passThrough(raw: Buffer): Promise<string | null> {
    let forwarded: Uint8Array | null = null;
    const result = await filterMessage(
      {
        db,
        clock: systemClock,
        logger,
        signMarker: marker,
        maxBytes: 64 * 1024 * 1024,
        handleSignRequest: async () => {
          throw new Error('a message without the marker reached the signature request path');
        },
        nextHop: {
          async forward(message) {
            const chunks: Buffer[] = [];
            if (message.body instanceof Uint8Array) chunks.push(Buffer.from(message.body));
            else for await (const c of message.body) chunks.push(c as Buffer);
            forwarded = Buffer.concat(chunks);
            return message.to.map((address) => ({ address, code: 250, message: 'ok', isAccepted: true }));
          },
        },
      },
      {
        mailFrom: 'someone@example.org',
        recipients: ['rcpt@example.net'],
        is8BitMime: true,
        isSmtpUtf8: false,
        stream: smtpLikeStream(raw),
        receivedAt: new Date(),
      },
    );
    if (result.kind !== 'pass' || result.replies.some((r) => r.code !== 250))
      return `pass-through replied ${JSON.stringify(result.replies)}`;
    if (!forwarded || sha(forwarded) !== sha(raw)) return 'pass-through altered the bytes';
    return null;
  }

  async function signRequest(
    raw: Buffer,
    file: string,
  ): Promise<{ status: 'ok' | 'wrapped'; mode: string } | string> {
    const pdf = minimalPdf(`Corpus ${path.basename(file)}`);
    const input = asSignRequest(raw, pdf);
    const facts = analyseMessage(input);
    if (!facts.files.some((f) => f.isPdf && f.bytes.equals(pdf))) return 'attached PDF not found by content';
    const block = {
      heading: 'Alice Martin (alice@example.org) vous demande de signer : contract.pdf',
      place: 'Vous signerez en 2e, après bob@example.org.',
      linkLabel: 'Signer',
      linkLine: 'Pour signer : https://sign.example.org/s/corpus-token',
      url: 'https://sign.example.org/s/corpus-token',
    };
    const out = rewriteMessage(input, { marker, block });
    const before = await simpleParser(input, { skipImageLinks: true });
    const after = await simpleParser(Buffer.from(out.raw), { skipImageLinks: true });
    const expectedSubject = stripMarker(decodeSubject(before.subject ?? ''), marker);
    if (norm(after.subject ?? '') !== norm(expectedSubject))
      return `subject ${JSON.stringify(after.subject)} != ${JSON.stringify(expectedSubject)}`;
    // Compared without whitespace: mailparser re-wraps and joins parts its own way.
    const squash = (text: string) => text.replace(/\s+/g, '');
    // The block as text, as HTML made visible, and as mailparser's text made from that HTML.
    const blockForms = [
      renderTextBlock(block, '\n'),
      `${block.heading} ${block.place} ${block.linkLabel} ${block.url}`,
      `${block.heading} ${block.place} ${block.linkLabel} [${block.url}] ${block.url}`,
    ].map(squash);
    const afterText = squash(after.text ?? '');
    // An HTML-only message stays HTML-only (mailparser gives no text then): the HTML check below.
    const hasText = afterText !== '' || typeof after.html !== 'string';
    if (hasText && !blockForms.some((f) => afterText.startsWith(f))) {
      return `text does not start with the block: ${JSON.stringify((after.text ?? '').slice(0, 80))}`;
    }
    let rest = afterText;
    for (const form of blockForms) rest = rest.split(form).join('');
    if (rest !== squash(before.text ?? '')) {
      if (process.env.CORPUS_DEBUG) console.error({ before: before.text, after: after.text });
      return `decoded text changed (mode ${out.mode})`;
    }
    if (typeof before.html === 'string' && typeof after.html !== 'string') return 'the HTML part disappeared';
    // A text-only message stays text-only: clients show its text, which starts with the block.
    const afterHtml = typeof after.html === 'string' ? squash(visible(after.html)) : null;
    if (afterHtml !== null && !blockForms.slice(0, 2).some((f) => afterHtml.startsWith(f))) {
      return `HTML does not start with the block: ${JSON.stringify(afterHtml.slice(0, 80))}`;
    }
    if (typeof after.html === 'string' && !after.html.includes(`href="${block.url}"`))
      return 'HTML has no link';
    if (typeof before.html === 'string' && afterHtml !== null) {
      let htmlRest = afterHtml;
      for (const form of blockForms) htmlRest = htmlRest.split(form).join('');
      if (htmlRest !== squash(visible(before.html))) return `decoded HTML changed (mode ${out.mode})`;
    }
    const a = attachmentHashes(before);
    const b = attachmentHashes(after);
    for (const h of a) {
      const i = b.indexOf(h);
      if (i === -1) return 'an attachment changed';
      b.splice(i, 1);
    }
    return { status: out.mode === 'wrapped' ? 'wrapped' : 'ok', mode: out.mode };
  }

  return async (file: string): Promise<FileResult> => {
    const msg = { file };
    let line: string;
    let status: string;
    try {
      const raw = readFileSync(msg.file);
      const pass = await passThrough(raw);
      const sign = await signRequest(raw, msg.file);
      if (pass) {
        status = 'failed';
        line = pass;
      } else if (typeof sign === 'string') {
        status = 'failed';
        line = sign;
      } else {
        status = sign.status;
        line = sign.mode;
      }
    } catch (error) {
      status = 'failed';
      line = `crash: ${error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 3).join(' | ') : String(error)}`;
    }
    return { file: msg.file, status, detail: line };
  };
}

async function child(): Promise<void> {
  const check = await loadChecker();
  process.on('message', async (msg: { file: string }) => {
    process.send?.(await check(msg.file));
  });
  process.send?.({ ready: true });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const timeoutArg = args.indexOf('--timeout-ms');
  const timeoutMs = timeoutArg >= 0 ? Number(args[timeoutArg + 1]) : 30_000;
  const dir = path.resolve(
    args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--timeout-ms') ?? '../shared/corpus/email',
  );
  const files = listFiles(dir);
  const totals: Record<string, number> = { ok: 0, wrapped: 0, failed: 0 };
  let index = 0;

  const runChild = () =>
    new Promise<void>((resolve) => {
      const proc = fork(selfPath, ['--child'], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let timer: NodeJS.Timeout | undefined;
      let current: string | null = null;
      const next = () => {
        const file = files[index];
        if (file === undefined) {
          proc.kill();
          resolve();
          return;
        }
        current = file;
        timer = setTimeout(() => {
          report(file, 'failed', `hang: no answer in ${timeoutMs} ms`);
          index++;
          current = null;
          proc.kill('SIGKILL');
        }, timeoutMs);
        proc.send({ file });
      };
      proc.on('message', (m: { ready?: boolean; file?: string; status?: string; detail?: string }) => {
        if (m.ready) return next();
        clearTimeout(timer);
        report(m.file ?? '?', m.status ?? 'failed', m.detail ?? '');
        index++;
        current = null;
        next();
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        if (current) {
          report(current, 'failed', `crash: child exited with ${code}`);
          index++;
        }
        resolve();
      });
    });

  const report = (file: string, status: string, detail: string) => {
    totals[status] = (totals[status] ?? 0) + 1;
    console.log(`${status.padEnd(7)} ${path.relative(dir, file)}${detail ? `  (${detail})` : ''}`);
  };
  if (args.includes('--inline')) {
    // Debugging aid: same checks in this process, no hang protection.
    const check = await loadChecker();
    for (const file of files) {
      const r = await check(file);
      report(r.file, r.status, r.detail);
    }
    index = files.length;
  }
  while (index < files.length) await runChild();
  const total = files.length;
  console.log(`\n${total} messages: ${totals.ok} ok, ${totals.wrapped} wrapped, ${totals.failed} failed`);
  process.exit(totals.failed === 0 && total > 0 ? 0 : 1);
}

if (process.argv.includes('--child')) await child();
else await main();
