import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PKI_DIR } from './fixtures.js';

/** A new NSS database in `dir` that trusts the test root, as pdfsig (`-nssdir sql:DIR`) needs. */
export function createNssTrustStore(dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
  execFileSync('certutil', [
    '-A',
    '-n',
    'root',
    '-t',
    'CT,C,C',
    '-i',
    path.join(PKI_DIR, 'root.pem'),
    '-d',
    `sql:${dir}`,
  ]);
  return dir;
}

/**
 * Test-only wrappers around Debian's independent PDF tools (poppler's pdfsig/pdftoppm/pdftotext,
 * qpdf), so tests judge our output with code that is not ours.
 */
export class PdfTools {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'paraphe-pdf-test-'));
  private nssDir: string | null = null;
  private counter = 0;

  file(bytes: Uint8Array, name = `f${++this.counter}.pdf`): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, bytes);
    return file;
  }

  /** An NSS database trusting the test root, as pdfsig needs. */
  private trustStore(): string {
    if (this.nssDir) return this.nssDir;
    this.nssDir = createNssTrustStore(path.join(this.dir, 'nss'));
    return this.nssDir;
  }

  /** pdfsig's report, one block per signature. */
  pdfsig(bytes: Uint8Array): Array<{ text: string; isValid: boolean; isTrusted: boolean; isTotal: boolean }> {
    const result = spawnSync(
      'pdfsig',
      ['-nssdir', `sql:${this.trustStore()}`, '-no-ocsp', this.file(bytes)],
      {
        encoding: 'latin1',
      },
    );
    return (result.stdout ?? '')
      .split(/^Signature #\d+:/m)
      .slice(1)
      .map((text) => ({
        text,
        isValid: /Signature Validation: Signature is Valid/.test(text),
        isTrusted: /Certificate Validation: Certificate is Trusted/.test(text),
        isTotal: /Total document signed/.test(text),
      }));
  }

  /** qpdf --check exit status: 0 clean, 2 errors, 3 warnings. */
  qpdfCheck(bytes: Uint8Array): { status: number; output: string } {
    const result = spawnSync('qpdf', ['--check', this.file(bytes)], { encoding: 'latin1' });
    return { status: result.status ?? 2, output: `${result.stdout}${result.stderr}` };
  }

  text(bytes: Uint8Array, page?: number): string {
    const args = page ? ['-f', String(page), '-l', String(page)] : [];
    return execFileSync('pdftotext', [...args, this.file(bytes), '-'], { encoding: 'utf8' });
  }

  /** Renders one page at 72 dpi (1 pixel = 1 point), as displayed (rotation and CropBox applied). */
  render(
    bytes: Uint8Array,
    page: number,
  ): { width: number; height: number; pixel(x: number, y: number): [number, number, number] } {
    const prefix = path.join(this.dir, `render${++this.counter}`);
    execFileSync('pdftoppm', [
      '-cropbox',
      '-r',
      '72',
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      this.file(bytes),
      prefix,
    ]);
    const ppm = readFileSync(`${prefix}.ppm`);
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 50).toString('latin1'));
    if (!header?.[1] || !header[2]) throw new Error('unexpected PPM header');
    const width = Number(header[1]);
    const height = Number(header[2]);
    const offset = header[0].length;
    return {
      width,
      height,
      pixel: (x, y) => {
        const at = offset + (Math.round(y) * width + Math.round(x)) * 3;
        return [ppm[at] ?? -1, ppm[at + 1] ?? -1, ppm[at + 2] ?? -1];
      },
    };
  }

  /** Attached files, via poppler's pdfdetach. */
  attachment(bytes: Uint8Array, index = 1): string {
    const out = path.join(this.dir, `attachment${++this.counter}`);
    execFileSync('pdfdetach', ['-save', String(index), '-o', out, this.file(bytes)]);
    return readFileSync(out, 'utf8');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A hand-written PDF (objects given as text, numbered from 1), with a correct xref table: lets a
 * test build exactly the structure it is about (inherited attributes, odd boxes, damage).
 */
export function rawPdf(objects: string[], o: { version?: string; trailer?: string } = {}): Uint8Array {
  let body = `%PDF-${o.version ?? '1.7'}\n%\xe2\xe3\xcf\xd3\n`;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n\r\n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${o.trailer ?? ''}>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}

/** A content stream object. */
export function streamObject(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
}

/** qpdf-encrypted copy of `bytes` (AES-256); an empty user password means "owner password only". */
export function encrypt(tools: PdfTools, bytes: Uint8Array, userPassword: string): Uint8Array {
  const input = tools.file(bytes);
  const output = `${input}.enc.pdf`;
  execFileSync('qpdf', ['--encrypt', userPassword, 'owner-secret', '256', '--', input, output]);
  return new Uint8Array(readFileSync(output));
}
