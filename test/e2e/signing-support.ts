import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { runParaphe, spawnParaphe } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

export const artifactsDir = path.resolve('test-artifacts/signing');

export interface RunningParaphe {
  dir: string;
  web: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** `paraphe start` (mail, web, worker) on embedded defaults in a fresh data dir, on free ports. */
export async function startParaphe(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningParaphe> {
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-e2e-'));
  const [http, lmtp, smtp] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PARAPHE_DATA_DIR: path.join(dir, 'data'),
    PARAPHE_HTTP_PORT: String(http),
    PARAPHE_LMTP_PORT: String(lmtp),
    PARAPHE_SMTP_PORT: String(smtp),
    PARAPHE_LOG_LEVEL: 'warn',
    PARAPHE_JOBS_POLL_MS: '100',
    ...extraEnv,
  };
  const web = `http://127.0.0.1:${http}`;
  let proc = spawnParaphe(['start'], env);
  const up = async () => {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`paraphe exited: ${proc.output().stderr}`);
        return (await fetch(`${web}/healthz`)).ok;
      },
      // 'paraphe start' prints its banner on stderr: shown when it does not come up.
      { timeoutMs: 90_000, intervalMs: 200, what: 'paraphe start' },
    ).catch((error: unknown) => {
      throw new Error(
        `paraphe did not start: ${proc.output().stderr.slice(-2000)} ${proc.output().stdout.slice(-2000)}`,
        {
          cause: error,
        },
      );
    });
  };
  await up();
  const stop = async () => {
    if (proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  };
  return {
    dir,
    web,
    env,
    stop,
    async restart() {
      await stop();
      proc = spawnParaphe(['start'], env);
      await up();
    },
  };
}

/** `paraphe send` a *SIGN message into the running service's SMTP listener. */
export function sendSignRequest(
  svc: RunningParaphe,
  o: { to: string[]; subject: string; attach: string[] },
): void {
  const args = ['send', '--from', 'demo@paraphe.test', '--subject', o.subject];
  for (const to of o.to) args.push('--to', to);
  for (const file of o.attach) args.push('--attach', file);
  const result = runParaphe(args, svc.env);
  if (result.status !== 0) throw new Error(`paraphe send failed: ${result.stderr}`);
}

export interface DevMail {
  id: string;
  recipients: string[];
  subject: string;
  text: string;
  createdAt: string;
  attachments: { index: number; filename: string; contentType: string; sizeBytes: number }[];
}

export async function devMails(svc: RunningParaphe): Promise<DevMail[]> {
  return ((await (await fetch(`${svc.web}/dev/mail.json`)).json()) as { messages: DevMail[] }).messages;
}

/** Waits for a mail to `to` whose subject matches. */
export async function waitForMail(svc: RunningParaphe, to: string, subject: RegExp): Promise<DevMail> {
  return waitFor(
    async () => (await devMails(svc)).find((m) => m.recipients.includes(to) && subject.test(m.subject)),
    { timeoutMs: 30_000, intervalMs: 100, what: `mail to ${to} matching ${subject}` },
  );
}

/** The personal signing link in a mail's text. */
export function linkIn(mail: DevMail): string {
  const match = /https?:\/\/\S+\/s\/[\w-]+/.exec(mail.text);
  if (!match) throw new Error(`no link in mail ${mail.id}`);
  return match[0];
}

/** The newest code texted to `number` after `since` (from the dev SMS outbox). */
export async function waitForCode(svc: RunningParaphe, number: string, since: Date): Promise<string> {
  return waitFor(
    async () => {
      const { messages } = (await (await fetch(`${svc.web}/dev/sms.json`)).json()) as {
        messages: { toNumber: string; body: string; createdAt: string }[];
      };
      const sms = messages.find((m) => m.toNumber === number && new Date(m.createdAt) >= since);
      return sms ? /\b(\d{6})\b/.exec(sms.body)?.[1] : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: `SMS code to ${number}` },
  );
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium, headless, with a fresh profile: a desktop or a touch phone (360x640 unless
 * `viewport` says otherwise).
 */
export async function openBrowser(
  kind: 'desktop' | 'phone',
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const profile = mkdtempSync(path.join(tmpdir(), `paraphe-chromium-${kind}-`));
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    locale: 'fr-FR',
    ...(kind === 'phone'
      ? {
          viewport: options.viewport ?? { width: 360, height: 640 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          userAgent:
            'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
        }
      : { viewport: options.viewport ?? { width: 1280, height: 900 } }),
  });
}

let shot = 0;
/** A full-page screenshot, numbered in the order of the flow. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  shot += 1;
  await page.screenshot({
    path: path.join(artifactsDir, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/** Draws a signature-like scribble with the mouse. */
export async function drawWithMouse(page: Page): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('no pad');
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 0; i <= 40; i++) {
    const t = i / 40;
    await page.mouse.move(
      box.x + box.width * (0.1 + 0.8 * t),
      box.y + box.height * (0.5 + 0.3 * Math.sin(t * Math.PI * 4)),
    );
  }
  await page.mouse.up();
}

/** Draws with a finger: real touch events through the DevTools protocol (pointerType "touch"). */
export async function drawWithFinger(page: Page): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('no pad');
  const cdp = await page.context().newCDPSession(page);
  const at = (t: number) => ({
    x: box.x + box.width * (0.1 + 0.8 * t),
    y: box.y + box.height * (0.5 - 0.3 * Math.cos(t * Math.PI * 3)),
  });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0)] });
  for (let i = 1; i <= 30; i++)
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(i / 30)] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** Where a placed stamp is, in the page's visual coordinates (points), read from the page. */
export async function stampRectInPoints(
  page: Page,
  o: { docIndex: number; pageNumber: number; pageWidthPt: number },
): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate(({ docIndex, pageNumber, pageWidthPt }) => {
    const doc = document.querySelectorAll('.doc')[docIndex];
    const sheet = doc?.querySelector(`.page[data-page="${pageNumber}"] .sheet`);
    const stamp = sheet?.querySelector('.stamp');
    if (!sheet || !stamp) throw new Error('no stamp');
    const s = sheet.getBoundingClientRect();
    const r = stamp.getBoundingClientRect();
    const k = pageWidthPt / s.width;
    return { x: (r.left - s.left) * k, y: (r.top - s.top) * k, width: r.width * k, height: r.height * k };
  }, o);
}

/** Downloads a dev mailbox attachment to a file. */
export async function saveAttachment(
  svc: RunningParaphe,
  mail: DevMail,
  index: number,
  file: string,
): Promise<Buffer> {
  const bytes = Buffer.from(
    await (await fetch(`${svc.web}/dev/mail/${mail.id}/attachments/${index}`)).arrayBuffer(),
  );
  writeFileSync(file, bytes);
  return bytes;
}

/**
 * Share of "signature ink" pixels (the dark blue the pad draws with) inside and outside a rectangle
 * of a page rendered by pdftoppm at 72 dpi (1 px = 1 pt).
 */
export function inkInside(
  pdfFile: string,
  o: { page: number; rect: { x: number; y: number; width: number; height: number } },
): { inside: number; outside: number } {
  const prefix = `${pdfFile}-p${o.page}`;
  execFileSync('pdftoppm', [
    '-r',
    '72',
    '-f',
    String(o.page),
    '-l',
    String(o.page),
    '-singlefile',
    pdfFile,
    prefix,
  ]);
  const ppm = readFileSync(`${prefix}.ppm`);
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('not a PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const data = ppm.subarray(header[0].length);
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const [r, g, b] = [data[i] ?? 255, data[i + 1] ?? 255, data[i + 2] ?? 255];
      const isInk = b > 60 && b - r > 30 && b - g > 20;
      if (!isInk) continue;
      const isIn =
        x >= o.rect.x - 1 &&
        x <= o.rect.x + o.rect.width + 1 &&
        y >= o.rect.y - 1 &&
        y <= o.rect.y + o.rect.height + 1;
      if (isIn) inside++;
      else outside++;
    }
  return { inside, outside };
}

const axeSource = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now. Injected through the
 * DevTools protocol (page.evaluate), which the page's CSP does not govern; the page's own
 * scripts stay under the CSP.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}
