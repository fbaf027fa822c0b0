import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/index.js';
import { createTsaClient, extendLtv, readPemCertificates } from '../keys/index.js';
import { AppError } from '../shared/errors.js';
import { type CliDeps, reportAndExit } from './run.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Issuers to complete certificate paths with: --chain files and the configured seal chain. */
function chainCertificates(files: string[], config: Config): Uint8Array[] {
  const paths = [...files, ...(config.seal.chainPath ? [config.seal.chainPath] : [])];
  return paths.flatMap((file) => readPemCertificates(readFileSync(file, 'utf8')));
}

/**
 * `paraphe ltv extend FILE [--out FILE]`: fresh validation data and a new document timestamp on an
 * archived sealed PDF (B-LTA), before its newest timestamp's certificate expires. No database.
 */
export function registerLtvCommands(program: Command, deps: CliDeps): void {
  const { io, getConfig } = deps;
  const ltv = program.command('ltv').description('long-term validation of sealed PDFs (PAdES B-LTA)');
  ltv
    .command('extend')
    .description('add validation data and a document timestamp to a signed PDF (in place unless --out)')
    .argument('<file>', 'the signed PDF')
    .option('--out <file>', 'write the extended PDF here instead of replacing <file>')
    .option('--chain <issuers.pem>', 'issuer certificates the file lacks (repeatable)', collect, [])
    .action(async (file: string, options: { out?: string; chain: string[] }) => {
      try {
        const config = getConfig();
        if (config.seal.tsaUrls.length === 0)
          throw new AppError(
            'CONFIG_INVALID',
            'ltv extend needs a timestamp authority: set PARAPHE_TSA_URLS',
          );
        let pdfBytes: Uint8Array;
        try {
          pdfBytes = new Uint8Array(readFileSync(file));
        } catch (cause) {
          throw new AppError('PDF_VERIFY_UNREADABLE', `cannot read ${file}`, { cause });
        }
        const extended = await extendLtv(pdfBytes, {
          level: 'B-LTA',
          timestamp: createTsaClient({ urls: config.seal.tsaUrls }),
          extraCertificates: chainCertificates(options.chain, config),
        });
        const out = options.out ?? file;
        // Written beside the target and renamed: an archive is never left half-written.
        const partial = `${out}.partial`;
        writeFileSync(partial, extended.pdfBytes);
        renameSync(partial, out);
        io.out(
          `extended ${file} -> ${out} (+${extended.pdfBytes.length - pdfBytes.length} bytes: DSS and document timestamp, sha256 ${extended.sha256})\n`,
        );
      } catch (error) {
        reportAndExit(io, error);
      }
    });
}
