import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TimestampClient } from '../../src/pdf/index.js';
import { der } from '../../src/pdf/pades/index.js';
import { testPkiDir } from './pdf-validate.js';

/**
 * A second TSA of the test PKI, made in `dir`: a new certificate (issued by the test issuing CA,
 * valid `days`) and `openssl ts -reply` answering in-process, as when an authority rotates its key.
 */
export function makeSecondTsa(dir: string, days = 1000): TimestampClient {
  const key = path.join(dir, 'tsa2.key');
  const cert = path.join(dir, 'tsa2.pem');
  const ext = path.join(dir, 'tsa2.ext');
  writeFileSync(
    ext,
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, nonRepudiation',
      'extendedKeyUsage = critical, timeStamping',
      'authorityInfoAccess = OCSP;URI:http://127.0.0.1:18319/, caIssuers;URI:http://127.0.0.1:18318/pki/inter.cer',
      '',
    ].join('\n'),
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-subj',
      '/C=DE/O=Test Trust Services/CN=Second Test TSA',
      '-out',
      path.join(dir, 'tsa2.csr'),
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      path.join(dir, 'tsa2.csr'),
      '-CA',
      path.join(testPkiDir, 'inter.pem'),
      '-CAkey',
      path.join(testPkiDir, 'inter.key'),
      '-set_serial',
      '0x7a5a',
      '-days',
      String(days),
      '-sha256',
      '-extfile',
      ext,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(path.join(dir, 'tsaserial'), '01\n');
  const config = path.join(dir, 'tsa2.cnf');
  writeFileSync(
    config,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${path.join(dir, 'tsaserial')}`,
      'crypto_device = builtin',
      `signer_cert = ${cert}`,
      `certs = ${path.join(testPkiDir, 'tsa-chain.pem')}`,
      `signer_key = ${key}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.2.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  return {
    async timestamp(imprint) {
      const query = path.join(dir, 'q.tsq');
      const token = path.join(dir, 't.tst');
      writeFileSync(
        query,
        der.seq(
          der.int(1),
          der.seq(der.seq(der.oid('2.16.840.1.101.3.4.2.1')), der.octets(imprint)),
          der.bool(true),
        ),
      );
      execFileSync(
        'openssl',
        ['ts', '-reply', '-config', config, '-queryfile', query, '-token_out', '-out', token],
        {
          stdio: 'ignore',
        },
      );
      return new Uint8Array(readFileSync(token));
    },
  };
}
