import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  children,
  decodeInteger,
  decodeOid,
  decodeTime,
  der,
  octetStringValue,
  parseDer,
  readTlv,
} from './der.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('DER writer and reader', () => {
  it('encodes integers in the minimal two-complement form and reads them back', () => {
    assert.equal(hex(der.int(0)), '020100');
    assert.equal(hex(der.int(127)), '02017f');
    assert.equal(hex(der.int(128)), '02020080');
    assert.equal(hex(der.int(-1)), '0201ff');
    assert.equal(hex(der.int(-129)), '0202ff7f');
    for (const n of [0n, 1n, 255n, 256n, -128n, -129n, 2n ** 120n + 7n])
      assert.equal(decodeInteger(parseDer(der.int(n))), n);
  });

  it('round-trips object identifiers, including large arcs', () => {
    for (const oid of [
      '1.2.840.113549.1.9.16.2.47',
      '2.16.840.1.101.3.4.2.1',
      '2.5.29.37.0',
      '1.3.6.1.4.1.99999.1.1',
    ])
      assert.equal(decodeOid(parseDer(der.oid(oid))), oid);
    assert.equal(hex(der.oid('1.2.840.113549.1.9.3')), '06092a864886f70d010903');
  });

  it('sorts SET OF members by their encoding', () => {
    const set = der.setOf(der.int(300), der.int(5), der.octets(new Uint8Array([1])));
    assert.deepEqual(
      children(parseDer(set)).map((c) => c.tag),
      [0x02, 0x02, 0x04],
    );
    assert.equal(hex(set), `310a${'020105'}${'0202012c'}${'040101'}`);
  });

  it('uses long-form lengths beyond 127 bytes', () => {
    const big = der.octets(new Uint8Array(300));
    assert.equal(hex(big.subarray(0, 4)), '0482012c');
    assert.equal(readTlv(big).end, big.length);
  });

  it('writes UTCTime before 2050 and GeneralizedTime after, and reads both', () => {
    const d1 = new Date('2026-11-26T15:04:43Z');
    const d2 = new Date('2051-01-02T03:04:05Z');
    assert.equal(der.time(d1)[0], 0x17);
    assert.equal(der.time(d2)[0], 0x18);
    assert.equal(decodeTime(parseDer(der.time(d1))).getTime(), d1.getTime());
    assert.equal(decodeTime(parseDer(der.time(d2))).getTime(), d2.getTime());
  });

  it('reads BER indefinite lengths and constructed OCTET STRINGs (as NSS writes CMS)', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { 04 02 'ab', 04 01 'c' } }
    const ber = Buffer.from('3080' + '2480' + '04026162' + '040163' + '0000' + '0000', 'hex');
    const seq = parseDer(new Uint8Array(ber));
    const [octets] = children(seq);
    assert.ok(octets);
    assert.equal(Buffer.from(octetStringValue(octets)).toString(), 'abc');
  });

  it('refuses trailing bytes and truncated values', () => {
    assert.throws(() => parseDer(Uint8Array.from([0x02, 0x01, 0x05, 0x00])));
    assert.throws(() => parseDer(Uint8Array.from([0x04, 0x05, 0x01])));
  });
});
