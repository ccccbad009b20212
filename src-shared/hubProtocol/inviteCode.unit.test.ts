import { describe, expect, it } from 'vitest';
import { decodeInvite, encodeInvite, splitAddress, type Invite } from './inviteCode.js';

/**
 * Invite codes, against codes written out by hand (base64url of the JSON below, made with
 * Python's `base64.urlsafe_b64encode(json.dumps(d, separators=(',', ':')))`, padding dropped).
 */

const FINGERPRINT = '3f3f3f3f3f3f3f3f0123456789abcdef0123456789abcdef0123456789abcdef';
const SECRET = 's3cr3t-s3cr3t_s3cr3t-s3cr3t_s3cr3t-s3cr3t_x';

const PHOTOS: Invite = {
  address: 'hub.example.org:7443',
  fingerprint: FINGERPRINT,
  secret: SECRET,
  spaceId: 'photos',
};
/** {"a":"hub.example.org:7443","f":FINGERPRINT,"k":SECRET,"s":"photos"} */
const PHOTOS_CODE =
  'ng1-eyJhIjoiaHViLmV4YW1wbGUub3JnOjc0NDMiLCJmIjoiM2YzZjNmM2YzZjNmM2YzZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsImsiOiJzM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfczNjcjN0LXMzY3IzdF94IiwicyI6InBob3RvcyJ9';

/** {"a":"[2001:db8::1]:443","f":FINGERPRINT,"k":SECRET,"s":"team.docs"} */
const IPV6_CODE =
  'ng1-eyJhIjoiWzIwMDE6ZGI4OjoxXTo0NDMiLCJmIjoiM2YzZjNmM2YzZjNmM2YzZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsImsiOiJzM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfczNjcjN0LXMzY3IzdF94IiwicyI6InRlYW0uZG9jcyJ9';

/** {"a":"127.0.0.1:1",...,"s":"photos","x":"???>>>~~~"}: an unknown field; "-" and "_" in base64url; padded. */
const EXTRA_FIELD_CODE =
  'ng1-eyJhIjoiMTI3LjAuMC4xOjEiLCJmIjoiM2YzZjNmM2YzZjNmM2YzZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsImsiOiJzM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfczNjcjN0LXMzY3IzdF94IiwicyI6InBob3RvcyIsIngiOiI_Pz8-Pj5-fn4ifQ==';

function refusal(code: string): { code: string; field: string | undefined; message: string } {
  const r = decodeInvite(code);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  return { code: r.error.code, field: r.error.field, message: r.error.message };
}

describe('encodeInvite', () => {
  it('writes ng1- and the base64url of the compact JSON, without padding', () => {
    expect(encodeInvite(PHOTOS)).toBe(PHOTOS_CODE);
    expect(encodeInvite({ ...PHOTOS, address: '[2001:db8::1]:443', spaceId: 'team.docs' })).toBe(
      IPV6_CODE,
    );
  });

  it('refuses to encode an invalid invite', () => {
    expect(() => encodeInvite({ ...PHOTOS, fingerprint: 'AB' })).toThrow(/fingerprint/);
  });
});

describe('decodeInvite', () => {
  it('reads hand-written codes', () => {
    expect(decodeInvite(PHOTOS_CODE)).toEqual({ ok: true, value: PHOTOS });
    expect(decodeInvite(IPV6_CODE)).toEqual({
      ok: true,
      value: { ...PHOTOS, address: '[2001:db8::1]:443', spaceId: 'team.docs' },
    });
    expect(decodeInvite(EXTRA_FIELD_CODE)).toEqual({
      ok: true,
      value: { ...PHOTOS, address: '127.0.0.1:1' },
    });
  });

  it('ignores whitespace around and inside the code (line breaks from copying)', () => {
    const broken = `  \n${PHOTOS_CODE.slice(0, 50)}\r\n  ${PHOTOS_CODE.slice(50, 120)}\n\t${PHOTOS_CODE.slice(120)} \n`;
    expect(decodeInvite(broken)).toEqual({ ok: true, value: PHOTOS });
  });

  it('refuses an empty code', () => {
    expect(refusal('')).toMatchObject({ code: 'InviteRefused', field: 'code' });
    expect(refusal(' \n\t ').message).toMatch(/empty/);
  });

  it('refuses something that is not an invite code', () => {
    for (const code of [
      'hello',
      'ng2-eyJhIjoiIn0',
      'NG1-' + PHOTOS_CODE.slice(4),
      'postgres://x',
    ]) {
      const r = refusal(code);
      expect(r.code).toBe('InviteRefused');
      expect(r.message).toMatch(/this is not a NetGuardian invite code/);
    }
  });

  it('refuses a code cut short or garbled', () => {
    const cases = [
      PHOTOS_CODE.slice(0, -10), // cut: the JSON is not closed
      PHOTOS_CODE.slice(0, -1) + '!', // not base64url
      'ng1-eyJhIjoi' + 'A', // an impossible base64 length
      'ng1-', // nothing after the prefix
      'ng1-WzEsMl0', // [1,2]: JSON, but not an object
      'ng1-gICA', // bytes 0x80 0x80 0x80: not ASCII
    ];
    for (const code of cases) {
      const r = refusal(code);
      expect(r).toMatchObject({ code: 'InviteRefused', field: 'code' });
      expect(r.message).toMatch(/damaged or cut short/);
    }
  });

  it('refuses missing or invalid fields, naming them', () => {
    // {"a":"hub.example.org:7443","k":SECRET,"s":"photos"}
    expect(
      refusal(
        'ng1-eyJhIjoiaHViLmV4YW1wbGUub3JnOjc0NDMiLCJrIjoiczNjcjN0LXMzY3IzdF9zM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfeCIsInMiOiJwaG90b3MifQ',
      ),
    ).toEqual({
      code: 'InviteRefused',
      field: 'fingerprint',
      message: 'this invite code has no certificate fingerprint: ask for a new one',
    });
    // address "hub.example.org:70000"
    expect(
      refusal(
        'ng1-eyJhIjoiaHViLmV4YW1wbGUub3JnOjcwMDAwIiwiZiI6IjNmM2YzZjNmM2YzZjNmM2YwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJrIjoiczNjcjN0LXMzY3IzdF9zM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfeCIsInMiOiJwaG90b3MifQ',
      ),
    ).toEqual({
      code: 'InviteRefused',
      field: 'address',
      message:
        'the invite\'s hub address must end in a port from 1 to 65535, got "hub.example.org:70000"',
    });
    // address "2001:db8::1:443" (IPv6 without brackets)
    expect(
      refusal(
        'ng1-eyJhIjoiMjAwMTpkYjg6OjE6NDQzIiwiZiI6IjNmM2YzZjNmM2YzZjNmM2YwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJrIjoiczNjcjN0LXMzY3IzdF9zM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfeCIsInMiOiJwaG90b3MifQ',
      ),
    ).toMatchObject({
      field: 'address',
      message: expect.stringMatching(/IPv6 address in brackets/) as unknown,
    });
    // fingerprint in upper case
    expect(
      refusal(
        'ng1-eyJhIjoiaHViLmV4YW1wbGUub3JnOjc0NDMiLCJmIjoiM0YzRjNGM0YzRjNGM0YzRjAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5QUJDREVGMDEyMzQ1Njc4OUFCQ0RFRiIsImsiOiJzM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfczNjcjN0LXMzY3IzdF94IiwicyI6InBob3RvcyJ9',
      ),
    ).toEqual({
      code: 'InviteRefused',
      field: 'fingerprint',
      message: "the invite's certificate fingerprint must be 64 lowercase hex digits (a SHA-256)",
    });
    // space "../etc"
    expect(
      refusal(
        'ng1-eyJhIjoiaHViLmV4YW1wbGUub3JnOjc0NDMiLCJmIjoiM2YzZjNmM2YzZjNmM2YzZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsImsiOiJzM2NyM3QtczNjcjN0X3MzY3IzdC1zM2NyM3RfczNjcjN0LXMzY3IzdF94IiwicyI6Ii4uL2V0YyJ9',
      ),
    ).toMatchObject({
      code: 'InviteRefused',
      field: 'spaceId',
      message: expect.stringMatching(/"\.\.\/etc"/) as unknown,
    });
  });
});

describe('splitAddress', () => {
  it('splits host and port, IPv6 without its brackets', () => {
    expect(splitAddress('hub.example.org:7443')).toEqual({
      ok: true,
      value: { host: 'hub.example.org', port: 7443 },
    });
    expect(splitAddress('192.168.1.20:1')).toEqual({
      ok: true,
      value: { host: '192.168.1.20', port: 1 },
    });
    expect(splitAddress('[::1]:65535')).toEqual({ ok: true, value: { host: '::1', port: 65535 } });
    expect(splitAddress('[fe80::1%eth0]:443')).toEqual({
      ok: true,
      value: { host: 'fe80::1%eth0', port: 443 },
    });
  });

  it('refuses what is not host:port', () => {
    for (const bad of [
      'hub.example.org',
      ':443',
      'hub:0',
      'hub:65536',
      'hub:44a',
      'hub:',
      '::1:443',
      '[::1]',
      'hub name:443',
      '-hub:443',
      '[hub]:443',
    ])
      expect(splitAddress(bad).ok, bad).toBe(false);
  });
});
