import { readFileSync } from 'node:fs';

const guide = new URL('../../docs/operations/postfix.md', import.meta.url);

/** The first fenced block after the `## heading` line of docs/operations/postfix.md. */
export function guideBlock(heading: string, markdown = readFileSync(guide, 'utf8')): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`docs/operations/postfix.md has no "## ${heading}" section`);
  const block = /\n```\n([\s\S]*?)\n```\n/.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`no code block under "## ${heading}"`);
  return block[1];
}

/** One master.cf service: its first line's columns, its `-o name=value` overrides, other args. */
export interface MasterService {
  columns: string[];
  options: string[];
  args: string[];
}

/** Parses master.cf text (comments and blank lines dropped). */
export function parseMasterCf(text: string): MasterService[] {
  const services: MasterService[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const last = services.at(-1);
    if (/^\s/.test(line)) {
      if (!last) throw new Error(`master.cf starts with a continuation line: ${line}`);
      const option = /^\s+-o\s+(\S+)$/.exec(line)?.[1];
      if (option) last.options.push(option);
      else last.args.push(line.trim());
    } else services.push({ columns: line.trim().split(/\s+/), options: [], args: [] });
  }
  return services;
}

/**
 * Postfix's own services from the master.cf Debian installs (chroot as shipped), without the
 * port 25 listener: a test instance must not take the machine's SMTP port.
 */
export function debianMasterCf(): MasterService[] {
  const shipped = parseMasterCf(readFileSync('/usr/share/postfix/master.cf.dist', 'utf8'));
  return shipped.filter((s) => !(s.columns[0] === 'smtp' && s.columns[1] === 'inet'));
}

export function formatMasterCf(services: MasterService[]): string {
  return services
    .map((s) =>
      [s.columns.join(' '), ...s.options.map((o) => `  -o ${o}`), ...s.args.map((a) => `  ${a}`)].join('\n'),
    )
    .join('\n');
}

/**
 * The guide's master.cf entries as the private test instance runs them. Every change is here, so
 * the rest is exactly what an administrator copies (TLS, SASL and the sender-login check included):
 * free ports instead of 587/10025/10026, and the instance's own folder instead of /etc/postfix.
 */
export function guideMasterCfForTest(ports: {
  submissionPort: number;
  reinjectPort: number;
  filterPort: number;
  configDir: string;
}): MasterService[] {
  return parseMasterCf(guideBlock('master.cf')).map((service) => {
    const columns = [...service.columns];
    if (columns[0] === 'submission') columns[0] = String(ports.submissionPort);
    if (columns[0] === '127.0.0.1:10026') columns[0] = `127.0.0.1:${ports.reinjectPort}`;
    const options = service.options.map((o) =>
      o
        .replace('signfilter:[127.0.0.1]:10025', `signfilter:[127.0.0.1]:${ports.filterPort}`)
        .replace(':/etc/postfix/', `:${ports.configDir}/`),
    );
    return { columns, options, args: service.args };
  });
}

/** The guide's main.cf lines as `name = value` pairs, in order. */
export function guideMainCf(): Array<[string, string]> {
  return guideBlock('main.cf')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => {
      const match = /^(\S+)\s*=\s*(.*)$/.exec(line);
      if (!match?.[1]) throw new Error(`unexpected main.cf line: ${line}`);
      return [match[1], match[2] ?? ''];
    });
}
