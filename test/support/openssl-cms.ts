import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Asks `openssl cms -verify` (an implementation that is not ours) whether a detached CMS signs
 * `content` and chains to the CA in `caFile` (PEM). Returns openssl's verdict and its output.
 */
export function opensslVerifyCms(
  cms: Uint8Array,
  content: Uint8Array,
  caFile: string,
): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-cms-'));
  try {
    const cmsFile = path.join(dir, 'cms.der');
    const contentFile = path.join(dir, 'content.bin');
    writeFileSync(cmsFile, cms);
    writeFileSync(contentFile, content);
    const r = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        cmsFile,
        '-content',
        contentFile,
        '-CAfile',
        caFile,
        '-out',
        '/dev/null',
      ],
      { encoding: 'utf8' },
    );
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
