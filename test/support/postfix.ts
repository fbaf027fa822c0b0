import { execFile } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { debianMasterCf, formatMasterCf, guideMainCf, guideMasterCfForTest } from './postfix-doc.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** Whether this machine can run the harness: Postfix installed and we are root. */
export function canRunPostfix(): boolean {
  return existsSync('/usr/sbin/postfix') && process.getuid?.() === 0;
}

export interface PostfixInstance {
  dir: string;
  configDir: string;
  /** Submission smtpd with content_filter → Paraphe over LMTP. */
  submissionPort: number;
  /** Re-injection smtpd (no filter): what Paraphe's PARAPHE_RELAY_URL points at. */
  reinjectPort: number;
  /** Where Paraphe must listen for LMTP. */
  filterPort: number;
  relayUrl: string;
  /** Files delivered to `address`'s Maildir (new/), oldest first. */
  maildir(address: string): Promise<Buffer[]>;
  /** Waits until `address` has at least `count` messages, and returns them. */
  waitForMail(address: string, count?: number, timeoutMs?: number): Promise<Buffer[]>;
  /** Messages still in Postfix's queue (postqueue -j). */
  queue(): Promise<
    Array<{ queue_id: string; recipients: Array<{ address: string; delay_reason?: string }> }>
  >;
  /** Asks Postfix to retry deferred mail now (postqueue -f). */
  flush(): Promise<void>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Domains delivered to Maildirs; anything else is refused (nothing ever leaves the machine). */
export const POSTFIX_TEST_DOMAINS = ['example.test', 'customer.test', 'else.test'];

function mainCf(dir: string, uid: number, gid: number): string {
  return `# Test instance written by test/support/postfix.ts (see docs/operations/postfix.md).
compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = paraphe-test.localdomain
mydomain = localdomain
myorigin = $myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
virtual_mailbox_domains = ${POSTFIX_TEST_DOMAINS.join(', ')}
virtual_mailbox_base = ${dir}/mail
# virtual(8) refuses regexp substitutions for Maildir paths: one Maildir for everyone, and the
# harness sorts messages by the Delivered-To header virtual(8) prepends.
virtual_mailbox_maps = static:all/
virtual_uid_maps = static:${uid}
virtual_gid_maps = static:${gid}
virtual_mailbox_limit = 0
default_transport = error:5.7.1 test instance delivers to Maildirs only
relay_transport = error:5.7.1 test instance delivers to Maildirs only
biff = no
delay_warning_time = 0
# Retries come from postqueue -f in the tests; keep Postfix's own timer out of the way.
queue_run_delay = 300s
minimal_backoff_time = 300s
maximal_backoff_time = 600s
# From docs/operations/postfix.md, as printed:
${guideMainCf()
  .map(([name, value]) => `${name} = ${value}`)
  .join('\n')}
`;
}

/**
 * Postfix's own services as Debian ships them, then the guide's entries: what an administrator
 * adds is what the tests run. A service the guide defines (pickup) replaces Debian's line.
 */
function masterCf(o: { submissionPort: number; reinjectPort: number; filterPort: number }): string {
  const guide = guideMasterCfForTest(o);
  const isInGuide = (name: string | undefined) => guide.some((s) => s.columns[0] === name);
  const debian = debianMasterCf().filter((s) => !isInGuide(s.columns[0]));
  return `# Debian's master.cf without its port 25 listener, then docs/operations/postfix.md's entries:
${formatMasterCf(debian)}
${formatMasterCf(guide)}
`;
}

async function postfixCommand(configDir: string, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('/usr/sbin/postfix', ['-c', configDir, ...args]);
  return `${stdout}${stderr}`;
}

/**
 * Starts a private Postfix instance as root, without systemd: its own config, queue and log under
 * a temporary folder, loopback only, free ports (so it runs beside a real service and other tests).
 * `filterPort` is where Paraphe's LMTP listener is expected (it may be down: Postfix defers).
 */
export async function startPostfix(options: { filterPort: number }): Promise<PostfixInstance> {
  // Under /var/tmp rather than /tmp: Postfix's checks dislike a world-writable parent for the queue.
  await mkdir('/var/tmp/paraphe-postfix', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp('/var/tmp/paraphe-postfix/pf-');
  // Postfix's daemons run as the postfix user and virtual(8) as nobody: they must traverse it.
  await chmod(dir, 0o755);
  const postfixUser = {
    uid: Number((await run('id', ['-u', 'postfix'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postfix'])).stdout.trim()),
  };
  const configDir = path.join(dir, 'etc');
  const [submissionPort, reinjectPort] = [await freePort(), await freePort()];
  const nobody = { uid: 65534, gid: 65534 };
  await mkdir(configDir, { recursive: true });
  await mkdir(path.join(dir, 'queue'), { recursive: true, mode: 0o755 });
  await mkdir(path.join(dir, 'data'), { recursive: true, mode: 0o700 });
  chownSync(path.join(dir, 'data'), postfixUser.uid, postfixUser.gid);
  await mkdir(path.join(dir, 'mail'), { recursive: true, mode: 0o755 });
  chownSync(path.join(dir, 'mail'), nobody.uid, nobody.gid);
  await writeFile(path.join(configDir, 'main.cf'), mainCf(dir, nobody.uid, nobody.gid));
  await writeFile(
    path.join(configDir, 'master.cf'),
    masterCf({ submissionPort, reinjectPort, filterPort: options.filterPort }),
  );
  await postfixCommand(configDir, 'start');
  try {
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect({ host: '127.0.0.1', port: submissionPort });
          socket.once('data', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
      { timeoutMs: 20_000, what: 'postfix submission port' },
    );
  } catch (error) {
    // Never leave a master process behind.
    await postfixCommand(configDir, 'abort').catch(() => '');
    throw error;
  }

  const maildir = async (address: string): Promise<Buffer[]> => {
    const folder = path.join(dir, 'mail', 'all', 'new');
    if (!existsSync(folder)) return [];
    const names = (await readdir(folder)).sort();
    const files = await Promise.all(names.map((name) => readFile(path.join(folder, name))));
    const wanted = `delivered-to: ${address.toLowerCase()}\n`;
    return files.filter((file) => file.subarray(0, 4096).toString('latin1').toLowerCase().includes(wanted));
  };
  const log = () => readFile(path.join(dir, 'postfix.log'), 'utf8').catch(() => '');

  return {
    dir,
    configDir,
    submissionPort,
    reinjectPort,
    filterPort: options.filterPort,
    relayUrl: `smtp://127.0.0.1:${reinjectPort}`,
    maildir,
    async waitForMail(address, count = 1, timeoutMs = 30_000) {
      return waitFor(
        async () => {
          const files = await maildir(address);
          return files.length >= count ? files : null;
        },
        { timeoutMs, intervalMs: 100, what: `${count} message(s) for ${address}` },
      ).catch(async (error: unknown) => {
        throw new Error(`${(error as Error).message}\n--- postfix log ---\n${(await log()).slice(-4000)}`);
      });
    },
    async queue() {
      const { stdout } = await run('/usr/sbin/postqueue', ['-c', configDir, '-j']);
      return stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line));
    },
    async flush() {
      await run('/usr/sbin/postqueue', ['-c', configDir, '-f']);
    },
    log,
    async stop() {
      const pid = Number(
        (await readFile(path.join(dir, 'queue', 'pid', 'master.pid'), 'utf8').catch(() => '')).trim(),
      );
      await postfixCommand(configDir, 'stop').catch(() => postfixCommand(configDir, 'abort').catch(() => ''));
      // `stop` returns before master has exited (and master leaves its pid file behind).
      const isRunning = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      if (pid > 0)
        await waitFor(() => !isRunning(), { timeoutMs: 15_000, what: 'postfix master to exit' }).catch(() => {
          if (isRunning()) process.kill(pid, 'SIGKILL');
        });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
