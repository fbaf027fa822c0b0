import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { EnvSchema } from '../../src/config/schema.js';
import { guideBlock, guideMainCf, parseMasterCf } from '../support/postfix-doc.js';

// The Postfix e2e test runs the guide's master.cf/main.cf blocks; these are the rules it cannot
// see by delivering small messages.
describe('docs/operations/postfix.md', () => {
  const services = parseMasterCf(guideBlock('master.cf'));
  const service = (name: string) => {
    const found = services.find((s) => s.columns[0] === name);
    assert.ok(found, `master.cf block has ${name}`);
    return found;
  };
  const limitOf = (options: string[]) =>
    Number(options.find((o) => o.startsWith('message_size_limit='))?.split('=')[1]);

  it('gives every service of the chain its own syslog_name, and no milter by default', () => {
    for (const [name, tag] of [
      ['submission', 'submission'],
      ['signfilter', 'signfilter'],
      ['127.0.0.1:10026', 'reinject'],
    ] as const)
      assert.ok(service(name).options.includes(`syslog_name=postfix/${tag}`), name);
    assert.ok(!service('127.0.0.1:10026').options.some((o) => o.startsWith('smtpd_milters=')));
  });

  it('lets the re-injection smtpd take more than submission, and submission less than Paraphe', () => {
    const submission = limitOf(service('submission').options);
    const reinjection = Number(new Map(guideMainCf()).get('message_size_limit'));
    assert.ok(!service('127.0.0.1:10026').options.some((o) => o.startsWith('message_size_limit=')));
    assert.ok(submission < loadConfig({}).mail.maxBytes, `${submission} below PARAPHE_MAIL_MAX_BYTES`);
    assert.ok(reinjection > submission + 1024 * 1024, `${reinjection} well above ${submission}`);
  });

  it("names only real settings in Paraphe's block, the public URL and the From among them", () => {
    const names = guideBlock("Paraphe's side")
      .split('\n')
      .map((line) => line.split('=')[0] ?? '');
    assert.ok(names.includes('PARAPHE_PUBLIC_URL') && names.includes('PARAPHE_NOTIFY_FROM'));
    for (const name of names) assert.ok(name in EnvSchema.shape, `${name} is a configuration variable`);
  });
});
