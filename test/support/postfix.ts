import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { freePort } from './ports.js';
import { debianMasterCf, formatMasterCf, guideMainCf, guideMasterCfForTest } from './postfix-doc.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** Why this machine cannot run the harness (for the test's skip message), or false if it can. */
export function postfixSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'a private Postfix instance needs root';
  for (const tool of ['/usr/sbin/postfix', '/usr/sbin/postmap', '/usr/sbin/saslpasswd2'])
    if (!existsSync(tool)) return `${tool} is missing (scripts/ensure-tools.sh installs it)`;
  return false;
}

/** Whether this machine can run the harness: Postfix and Cyrus SASL installed, and we are root. */
export function canRunPostfix(): boolean {
  return postfixSkipReason() === false;
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
  /**
   * Submits `raw` as a customer's mail client does, through the guide's submission service:
   * STARTTLS (the instance's own certificate verified), then AUTH as `login` (default: `from`).
   */
  submit(
    raw: Buffer,
    envelope: { from: string; to: string[]; login?: string },
  ): Promise<{ accepted: string[]; rejected: string[] }>;
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
  const configDir = path.join(dir, 'etc');
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
# What an administrator has in main.cf for the guide's submission entry (TLS and SASL): the
# instance's throw-away certificate, and Cyrus SASL (Postfix's default smtpd_sasl_type) with a
# sasldb, whose smtpd.conf is read from here.
smtpd_tls_cert_file = ${configDir}/tls/cert.pem
smtpd_tls_key_file = ${configDir}/tls/key.pem
cyrus_sasl_config_path = ${configDir}/sasl
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
function masterCf(o: {
  submissionPort: number;
  reinjectPort: number;
  filterPort: number;
  configDir: string;
}): string {
  const guide = guideMasterCfForTest(o);
  const isInGuide = (name: string | undefined) => guide.some((s) => s.columns[0] === name);
  const debian = debianMasterCf().filter((s) => !isInGuide(s.columns[0]));
  return `# Debian's master.cf without its port 25 listener, then docs/operations/postfix.md's entries:
${formatMasterCf(debian)}
${formatMasterCf(guide)}
`;
}

/** A self-signed certificate for 127.0.0.1, made per instance and thrown away with it. */
async function writeCertificate(tlsDir: string): Promise<string> {
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  // smtpd reads the key as root, before it drops privileges: it stays root's alone.
  const [key, cert] = [path.join(tlsDir, 'key.pem'), path.join(tlsDir, 'cert.pem')];
  const subject = ['-subj', '/CN=paraphe-test.localdomain'];
  const names = ['-addext', 'subjectAltName=DNS:paraphe-test.localdomain,IP:127.0.0.1'];
  const args = 'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2'.split(' ');
  await run('openssl', [...args, ...subject, ...names, '-keyout', key, '-out', cert]);
  return readFile(cert, 'utf8');
}

/**
 * One SASL login per sender, named by its address (the guide's sender-login map pairs each address
 * with its own login). The sasldb lives inside the chroot (the queue folder): submission runs
 * chrooted as Debian ships it, and Cyrus opens the database at AUTH time, after the chroot.
 */
async function writeLogins(
  dir: string,
  configDir: string,
  senders: string[],
  postfixUser: { uid: number; gid: number },
): Promise<Map<string, string>> {
  const passwords = new Map(senders.map((address) => [address, randomBytes(12).toString('hex')]));
  await mkdir(path.join(configDir, 'sasl'), { recursive: true });
  await writeFile(
    path.join(configDir, 'sasl', 'smtpd.conf'),
    'pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: /etc/sasldb2\n',
  );
  const sasldb = path.join(dir, 'queue', 'etc', 'sasldb2');
  await mkdir(path.dirname(sasldb), { recursive: true, mode: 0o755 });
  for (const [address, password] of passwords) {
    const [user = '', realm = ''] = address.split('@');
    const child = execFile('/usr/sbin/saslpasswd2', ['-p', '-c', '-f', sasldb, '-u', realm, user]);
    child.stdin?.end(password);
    await new Promise<void>((resolve, reject) =>
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`saslpasswd2 exited ${code}`)),
      ),
    );
  }
  // `postfix check` wants the chroot's files root's: postfix reads it through its group.
  chownSync(sasldb, 0, postfixUser.gid);
  await chmod(sasldb, 0o640);
  const senderLogin = path.join(configDir, 'sender_login');
  await writeFile(senderLogin, senders.map((address) => `${address} ${address}\n`).join(''));
  await run('/usr/sbin/postmap', ['-c', configDir, `hash:${senderLogin}`]);
  return passwords;
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
export async function startPostfix(options: {
  filterPort: number;
  /** Envelope senders that get a submission login of their own name. */
  senders?: string[];
}): Promise<PostfixInstance> {
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
    masterCf({ submissionPort, reinjectPort, filterPort: options.filterPort, configDir }),
  );
  const certificate = await writeCertificate(path.join(configDir, 'tls'));
  const passwords = await writeLogins(dir, configDir, options.senders ?? [], postfixUser);
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
    async submit(raw, { from, to, login = from }) {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: submissionPort,
        secure: false,
        requireTLS: true,
        tls: { ca: certificate },
        auth: { user: login, pass: passwords.get(login) ?? '' },
      });
      try {
        const info = await transport.sendMail({ envelope: { from, to }, raw });
        return { accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
      } finally {
        transport.close();
      }
    },
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
